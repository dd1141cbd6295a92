"""Item pipelines: NormalizePipeline shapes what the spider found, StorePipeline archives it."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from xcedu_crawler.archive import Archive, utc_now
from xcedu_crawler.health import assess, coverage_key, measure
from xcedu_crawler.items import (
    Announcement,
    ColumnListing,
    Failure,
    FileBatch,
    ListPageRead,
    RawAnnouncement,
)
from xcedu_crawler.normalize import IncompleteAnnouncement, normalize
from xcedu_crawler.urls import url_key

logger = logging.getLogger(__name__)


class NormalizePipeline:
    """RawAnnouncement → Announcement; one that cannot be completed becomes a `parse` Failure.

    It also counts, per column, the detail pages whose profile rules gave each field (the
    run-health figures that reveal a changed template) and which rule gave each field.
    """

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawAnnouncement):
            return item
        if item.kind == "page" and item.columns:
            self._count_coverage(item)
        try:
            announcement = normalize(item)
        except IncompleteAnnouncement as exc:
            logger.warning("Cannot archive %s: %s; recorded as a parse failure", item.url, exc)
            return Failure(item.url, "parse", str(exc))
        for field, rule in announcement.provenance.items():
            self.stats.inc_value(f"xcedu/provenance/{field}/{rule}")
        return announcement

    def _count_coverage(self, item: RawAnnouncement) -> None:
        # Counted as found only when the profile's own rules found it: a template change
        # that the generic fallbacks rescue must still show, so that the profile gets fixed.
        column = item.columns[0]
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
    """Writes announcements, column listings and failures to the archive; logs the run."""

    def __init__(self, crawler: Crawler, db_path: str):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.archive: Archive | None = None
        self.run_id: int | None = None
        # Columns listing a URL whose announcement is not archived yet, by URL key.
        self.pending_columns: dict[str, set[str]] = defaultdict(set)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        db_path = crawler.settings.get("XCEDU_DB")
        if not db_path:
            raise NotConfigured("XCEDU_DB is empty: no archive to store into")
        return cls(crawler, db_path)

    def open_spider(self) -> None:
        self.archive = Archive.open(self.db_path)
        plan = getattr(self.crawler.spider, "plan", None)
        mode = plan.mode if plan else "full"
        self.stats.set_value("xcedu/mode", mode)
        self.run_id = self.archive.start_run(mode)
        self.stats.set_value("xcedu/run_id", self.run_id)
        logger.info("Archiving into %s (run %d, %s)", self.db_path, self.run_id, mode)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Announcement):
            self._store(item)
            self._store_files(item)
        elif isinstance(item, FileBatch):
            self._store_files(item)
        elif isinstance(item, ColumnListing):
            if not self.archive.add_column(item.url, item.column):
                self.pending_columns[url_key(item.url, ())].add(item.column)
        elif isinstance(item, ListPageRead):
            self.archive.clear_failures([item.url])
        elif isinstance(item, Failure):
            self._record_failure(item)
        return item

    def _record_failure(self, failure: Failure) -> None:
        self.archive.record_failure(failure.url, failure.reason, failure.detail)
        self.stats.inc_value("xcedu/failed")
        self.stats.inc_value(f"xcedu/failed/{failure.reason}")

    def _store_files(self, item: Announcement | FileBatch) -> None:
        for stored in item.files:
            self.archive.record_file(stored)
            self.stats.inc_value("xcedu/files")
        for failure in item.file_failures:
            self._record_failure(failure)

    def _store(self, item: Announcement) -> None:
        for url in (item.url, *item.aliases):
            for column in sorted(self.pending_columns.pop(url_key(url, ()), ())):
                if column not in item.columns:
                    item.columns.append(column)
        outcome = self.archive.store(item)
        self.stats.inc_value(f"xcedu/{outcome}")

    def spider_closed(self, spider: Any, reason: str) -> None:
        # Finished here rather than in close_spider, which runs before the close reason is known.
        if self.archive is None:
            return
        stats = self.stats.get_stats()
        health = measure(stats)
        warnings = assess(health, self.archive.recent_health())
        for warning in warnings:
            logger.warning("Run health: %s", warning)
        status, why = self.run_status(stats, reason, warnings)
        counts = {
            "new": stats.get("xcedu/new", 0),
            "updated": stats.get("xcedu/updated", 0),
            "unchanged": stats.get("xcedu/unchanged", 0),
            "failed": stats.get("xcedu/failed", 0),
            "requests": stats.get("downloader/request_count", 0),
        }
        self.archive.finish_run(
            self.run_id,
            status,
            counts,
            {**stats, "finish_reason": reason, "finish_time": utc_now()},
            reason=why,
            health=health,
        )
        self.archive.close()
        self.archive = None
        logger.info("Run %d %s: %s%s", self.run_id, status, counts, f" ({why})" if why else "")

    def run_status(self, stats: dict[str, Any], reason: str, warnings: list[str]) -> tuple[str, str | None]:
        """The run's status and, unless it is `ok`, why."""
        if stats.get("xcedu/blocked_hosts", 0):
            return "blocked", "the site answered with anti-crawler challenges; the host was left alone"
        failed_lists = stats.get("xcedu/failed_lists", 0)
        if failed_lists and not stats.get("xcedu/list_pages", 0):
            return "failed", "no list page could be read"
        problems = []
        if failed_lists:
            problems.append(f"{failed_lists} list page(s) could not be read")
        if reason != "finished":
            problems.append(f"the crawl ended early ({reason})")
        problems += warnings
        if problems:
            return "partial", "; ".join(problems)
        return "ok", None
