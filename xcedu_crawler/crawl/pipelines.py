"""Item pipelines: NormalizePipeline shapes what the spider found, StorePipeline archives it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.asyncio import create_looping_call

from xcedu_crawler.archive import UNCHANGED, Archive
from xcedu_crawler.crawl.file_texts import FileTextReader
from xcedu_crawler.crawl.health import coverage_key
from xcedu_crawler.crawl.report import RunReport
from xcedu_crawler.crawl.run import ArchiveRun, is_write_error
from xcedu_crawler.extract.normalize import IncompleteAnnouncement, normalize
from xcedu_crawler.items import (
    Announcement,
    Failure,
    FileBatch,
    ListPageRead,
    RawAnnouncement,
    UnchangedPage,
)

logger = logging.getLogger(__name__)


class NormalizePipeline:
    """RawAnnouncement → Announcement; one that cannot be completed becomes a `parse` Failure.

    It also counts, per column, the detail pages whose profile rules gave each field (the
    run-health figures that reveal a changed template) and which rule gave each field.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawAnnouncement):
            return item
        listed_page = item.kind == "page" and bool(item.columns)
        if listed_page:
            self._count_coverage(item)
        try:
            announcement = normalize(item)
        except IncompleteAnnouncement as exc:
            logger.warning("Cannot archive %s: %s; recorded as a parse failure", item.url, exc)
            # Neither the profile nor discovery found a body: not one bad page, a blind spot.
            bodiless = not item.paragraphs and not item.images
            if listed_page:
                self._report.detail_page_read(item.site, item.columns[0], bodiless)
            return Failure(item.url, "parse", str(exc))
        if listed_page:
            self._report.detail_page_read(item.site, item.columns[0], bodiless=False)
        for field, rule in announcement.provenance.items():
            self.stats.inc_value(f"xcedu/provenance/{field}/{rule}")
        return announcement

    @property
    def _report(self) -> RunReport:
        return ArchiveRun.of(self.crawler).report

    def _count_coverage(self, item: RawAnnouncement) -> None:
        # Counted as found only when the profile's own rules found it: a template change
        # that the generic fallbacks rescue must still show, so that the profile gets fixed.
        column = self._report.column_label(item.site, item.columns[0])
        by_profile = {field for field, rule in item.provenance.items() if rule == "profile"}
        found = {
            "pages": True,
            "title": "title" in by_profile and bool(item.title),
            "date": any(candidate.rule == "profile" for candidate in item.dates),
            "source": "source" in by_profile and bool(item.source and item.source.strip()),
            "body": "body" in by_profile and bool(item.paragraphs or item.images),
        }
        for name, present in found.items():
            if present:
                self.stats.inc_value(coverage_key(column, name))


class StorePipeline:
    """Writes announcements, list pages' listings and failures to the archive that ArchiveRun
    opened, and the text of each file stored for the first time (FileTextReader).

    An item that cannot be stored becomes a `store_error` failure (the run is then
    `partial`); a write error of the disk or database stops the crawl (ArchiveRun).

    Items are committed in batches, every XCEDU_STORE_BATCH items or XCEDU_STORE_BATCH_SECONDS
    seconds and when the spider closes: a commit per announcement was about a tenth of
    the crawl's CPU. Each item is still written atomically (a savepoint of the batch), and a
    run killed before a commit has archived nothing of that batch, so that the next run,
    which fetches whatever the archive does not hold, completes it.
    """

    def __init__(self, crawler: Crawler, run: ArchiveRun):
        self.stats = crawler.stats
        self.run = run
        self.archive: Archive | None = None
        self.texts = FileTextReader.from_crawler(crawler)
        settings = crawler.settings
        self.batch_size = settings.getint("XCEDU_STORE_BATCH")
        self.batch_seconds = settings.getfloat("XCEDU_STORE_BATCH_SECONDS")
        if self.batch_size < 1 or self.batch_seconds <= 0:
            # Not NotConfigured, which would leave the crawl running without storing anything.
            raise ValueError("XCEDU_STORE_BATCH must be at least 1 and XCEDU_STORE_BATCH_SECONDS above 0")
        self.pending = 0  # items written since the last commit
        self.committer = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler, ArchiveRun.of(crawler))

    def open_spider(self) -> None:
        self.archive = self.run.open()
        if self.archive is not None:
            self.texts.open(self.archive)
            self.committer = create_looping_call(self.commit)
            self.committer.start(self.batch_seconds, now=False)

    def close_spider(self) -> None:
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        if self.archive is not None and self.run.write_error:
            # As if killed: the next run fetches the batch again. Committing it could take
            # the last room on a full disk, which the run's own row needs (ArchiveRun).
            self.archive.rollback_batch()
            return
        self.commit()

    def commit(self) -> None:
        """Commit the items written since the last commit; on a write error they are lost
        to this run (the next one fetches them again) and the crawl stops."""
        if self.archive is None or not self.pending or self.run.write_error:
            return
        pending, self.pending = self.pending, 0
        try:
            self.archive.commit_batch()
        except Exception as exc:
            self.archive.rollback_batch()
            if not is_write_error(exc):
                raise
            self.run.failed_to_write(f"the archive (committing {pending} items)", exc)

    def process_item(self, item: Any) -> Any:
        if self.archive is None or self.run.write_error:
            # Refused, or stopping after a write error: nothing more is written, and the
            # next run catches up on what this one did not store.
            self.stats.inc_value("xcedu/not_stored")
            return item
        self.pending += 1
        try:
            self.archive.begin_batch()
            self._write(item)
        except Exception as exc:  # noqa: BLE001 - any item that cannot be stored is recorded
            self._not_stored(item, exc)
        if self.pending >= self.batch_size:
            self.commit()
        return item

    def _write(self, item: Any) -> None:
        if isinstance(item, Announcement):
            self._store(item)
            self._store_files(item)
        elif isinstance(item, FileBatch):
            self._store_files(item)
        elif isinstance(item, ListPageRead):
            if item.urls:
                self.archive.record_listings(item.column, item.urls, list_page=item.url,
                                             provenance=item.provenance)
            self.archive.clear_failures([item.url])
        elif isinstance(item, UnchangedPage):
            self._confirm(item)
        elif isinstance(item, Failure):
            self._record_failure(item)

    def _not_stored(self, item: Any, exc: Exception) -> None:
        url = getattr(item, "url", None) or getattr(item, "referer", "?")
        if is_write_error(exc):
            self.run.failed_to_write(f"the archive (storing {url})", exc)
            return
        # One line, never the item itself: its repr holds whole raw pages.
        detail = f"could not be stored: {type(exc).__name__}: {exc}"
        logger.error("%s %s", url, detail)
        try:
            self._record_failure(Failure(url, "store_error", detail))
        except Exception as second:  # noqa: BLE001 - the archive itself is failing now
            self.run.failed_to_write(f"the archive (recording {url})", second)

    def _record_failure(self, failure: Failure) -> None:
        self.archive.record_failure(failure.url, failure.reason, failure.detail)
        self.run.report.failed(failure.url, failure.reason)

    def _store_files(self, item: Announcement | FileBatch) -> None:
        for stored in item.files:
            self.archive.record_file(stored)
            self.stats.inc_value("xcedu/files")
            self.texts.read_new(self.archive, stored)
        for failure in item.file_failures:
            self._record_failure(failure)

    def _confirm(self, item: UnchangedPage) -> None:
        if self.archive.confirm_unchanged(item.url, item.entry):
            self.run.report.stored(item.site, UNCHANGED)
            return
        # Validators are recorded with their announcement, so only an archive changed by
        # hand gets here: the page is fetched whole next time.
        logger.warning("%s answered 304 but is not archived; fetched in full next run", item.url)
        self.archive.forget_validators([item.url])

    def _store(self, item: Announcement) -> None:
        outcome = self.archive.store(item)
        self.run.report.stored(item.site, outcome)
