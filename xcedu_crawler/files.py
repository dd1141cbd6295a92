"""Downloads attachments (and, when asked, body images) with Scrapy's FilesPipeline, stored by content."""

from __future__ import annotations

import hashlib
import logging
import re
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline
from scrapy.utils.defer import ensure_awaitable

from xcedu_crawler.archive import Archive
from xcedu_crawler.items import Announcement, Failure, FileBatch, StoredFile

logger = logging.getLogger(__name__)

# A stored file is named by its SHA-256 and nothing else from the URL but a short,
# plain extension: no URL or file name can steer a path out of the files folder.
_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def content_path(digest: str, url: str) -> str:
    """Where a file with this SHA-256 lies under the files folder: `ab/abcdef….pdf`."""
    extension = PurePosixPath(urlsplit(url).path).suffix.lower()
    if not _SAFE_EXTENSION.fullmatch(extension):
        extension = ""
    return f"{digest[:2]}/{digest}{extension}"


class ArchiveFilesPipeline(FilesPipeline):
    """FilesPipeline, with files named by content (one copy however many URLs lead to it),
    the linking page sent as Referer, and each file's hash, size and type handed to the archive.

    Files already in the archive and on disk are not fetched again.
    """

    def __init__(self, files_dir: str, *, crawler, download_images: bool, db_path: str):
        super().__init__(files_dir, crawler=crawler)
        self.files_dir = Path(files_dir)
        self.download_images = download_images
        self.db_path = db_path
        self.known: dict[str, StoredFile] = {}
        self.stored: dict[str, StoredFile] = {}
        self.statuses: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        files_dir = settings.get("XCEDU_FILES_DIR")
        if not files_dir:
            raise NotConfigured("XCEDU_FILES_DIR is empty: attachments are not downloaded")
        return cls(files_dir, crawler=crawler, download_images=settings.getbool("XCEDU_DOWNLOAD_IMAGES"),
                   db_path=settings.get("XCEDU_DB"))

    def open_spider(self) -> None:
        super().open_spider()
        if Path(self.db_path).exists():
            with Archive.open(self.db_path) as archive:
                self.known = archive.known_files()

    def get_media_requests(self, item: Any, info) -> list[Request]:
        if isinstance(item, Announcement):
            urls = [a.url for a in item.attachments] + (item.images if self.download_images else [])
            referer = item.referer
        elif isinstance(item, FileBatch):
            urls, referer = item.urls, item.referer
        else:
            return []
        return [Request(url, headers={"Referer": referer}, callback=NO_CALLBACK)
                for url in dict.fromkeys(urls)]

    def media_to_download(self, request: Request, info, *, item: Any = None):
        known = self.known.get(request.url)
        if known and (self.files_dir / known.path).is_file():
            self.stored[request.url] = known
            return {"url": request.url, "path": known.path, "checksum": known.sha256, "status": "uptodate"}
        return None

    async def media_downloaded(self, response: Response, request: Request, info, *, item: Any = None):
        self.statuses[request.url] = response.status
        return await super().media_downloaded(response, request, info, item=item)

    def file_path(self, request: Request, response: Response | None = None, info=None, *,
                  item: Any = None) -> str:
        if response is None:
            raise ValueError("a stored file is named by its content; there is none before the download")
        return content_path(hashlib.sha256(response.body).hexdigest(), request.url)

    async def file_downloaded(self, response: Response, request: Request, info, *, item: Any = None) -> str:
        digest = hashlib.sha256(response.body).hexdigest()
        path = content_path(digest, request.url)
        if not (self.files_dir / path).is_file():  # the same content from another URL is kept once
            # Stored directly: FilesPipeline's own file_downloaded would hash the body twice
            # more (file_path again, and an MD5 checksum this pipeline has no use for).
            await ensure_awaitable(self.store.persist_file(path, BytesIO(response.body), info))
        content_type = response.headers.get("Content-Type")
        self.stored[request.url] = StoredFile(
            url=request.url, path=path, sha256=digest, size=len(response.body),
            content_type=content_type.decode("latin-1") if content_type else None,
        )
        return digest

    def item_completed(self, results, item: Any, info) -> Any:
        if not isinstance(item, (Announcement, FileBatch)):
            return item
        for request, (ok, value) in zip(self.get_media_requests(item, info), results):
            url = request.url
            if ok and url in self.stored:
                item.files.append(self.stored[url])
            else:
                item.file_failures.append(self._failure(url, value))
        return item

    def _failure(self, url: str, failure) -> Failure:
        status = self.statuses.get(url)
        message = str(getattr(failure, "value", failure))
        if status and status != 200:
            return Failure(url, f"http_{status}", f"file download: HTTP {status}")
        if "robots.txt" in message:
            return Failure(url, "robots", "file download: disallowed by robots.txt")
        if "challenge" in message:
            return Failure(url, "blocked", f"file download: {message}")
        return Failure(url, "download_error", f"file download failed: {message or 'no response'}")
