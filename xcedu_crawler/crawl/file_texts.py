"""Reading the text of stored files into the archive: each new content once, in the crawl and for the backlog."""

from __future__ import annotations

import logging
from pathlib import Path

from xcedu_crawler.archive import Archive
from xcedu_crawler.extract.documents import EXTRACTORS, Limits, extract_text
from xcedu_crawler.extract.documents.ocr import unavailable_reason

logger = logging.getLogger(__name__)


def ocr_missing_warning() -> str:
    """The line to log once when OCR was asked for and cannot run; "" when it can."""
    missing = unavailable_reason()
    if not missing:
        return ""
    return f"OCR was asked for but {missing}: scans and images are recorded as needs_ocr"


def current_extractors() -> dict[str, str]:
    """Each extractor's name and today's version (what `--redo` reads again when it differs)."""
    return {extractor.name: extractor.version for extractor in EXTRACTORS.values()}


def read_stored_file(archive: Archive, files_dir: Path, sha256: str, path: str,
                     content_type: str | None, *, ocr: bool, limits: Limits) -> str:
    """Read the text of the content SHA256, stored at PATH under FILES_DIR, into the archive;
    returns its status. OSError when the file is not on disk.

    The stored name keeps the URL's extension, the hint for a file its bytes do not name.
    """
    data = (files_dir / path).read_bytes()
    result = extract_text(data, filename=path, content_type=content_type or "", ocr=ocr,
                          limits=limits)
    archive.record_file_text(sha256, result)
    return result.status


class FileTextReader:
    """In the crawl: the text of each newly stored content, read once (a content already read,
    under any URL, is not read again), bounded by Limits; stats xcedu/file_texts/<status>."""

    def __init__(self, files_dir: Path, stats, *, ocr: bool, limits: Limits | None = None):
        self.files_dir = files_dir
        self.stats = stats
        self.ocr = ocr
        self.limits = limits or Limits()
        self.read: set[str] = set()
        if ocr and (warning := ocr_missing_warning()):
            logger.warning("%s", warning)

    @classmethod
    def from_crawler(cls, crawler) -> FileTextReader:
        settings = crawler.settings
        return cls(Path(settings.get("XCEDU_FILES_DIR") or "."), crawler.stats,
                   ocr=settings.getbool("XCEDU_OCR"))

    def open(self, archive: Archive) -> None:
        self.read = archive.file_text_digests()

    def read_new(self, archive: Archive, stored) -> None:
        if stored.sha256 in self.read:
            return
        self.read.add(stored.sha256)
        try:
            status = read_stored_file(archive, self.files_dir, stored.sha256, stored.path,
                                      stored.content_type, ocr=self.ocr, limits=self.limits)
        except OSError as exc:
            # Not a write error of the archive: `xcedu check` finds the file missing, and
            # `xcedu extract-text` reads it once it is back.
            logger.warning("Cannot read the text of %s (%s): %s", stored.url, stored.path, exc)
            status = "unreadable_file"
        self.stats.inc_value(f"xcedu/file_texts/{status}")
