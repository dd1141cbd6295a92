"""The ArchiveRun extension: owns the archive, its lock and the run row for the whole of one crawl."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlite_utils.utils import sqlite3

from xcedu_crawler.archive import Archive, ArchiveUnusable, utc_now
from xcedu_crawler.archive.lock import AlreadyRunning, take_lock
from xcedu_crawler.crawl.health import assess, measure
from xcedu_crawler.crawl.incremental import CrawlPlan
from xcedu_crawler.crawl.report import RunReport

logger = logging.getLogger(__name__)

EXIT_CODES = {"ok": 0, "failed": 1, "partial": 3, "blocked": 4, "locked": 5}
EXIT_LOCKED = EXIT_CODES["locked"]  # another crawl of the same archive is running
# The close reason of a crawl stopped because the archive could not be written.
WRITE_ERROR = "archive_write_error"
# The room kept free beside the archive for the run's own row without its stats, a few
# pages of the write-ahead log (see _reserve_room).
RESERVE_BYTES = 32 * 1024


@dataclass
class RunOutcome:
    """How a crawl ended: its crawl_runs row (None when it never began one), status and figures."""

    run_id: int | None
    status: str  # ok, partial, blocked, failed, or locked (another crawl held the archive)
    mode: str | None = None
    reason: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.status, 1)

    def summary(self) -> str:
        """The one line an operator reads: `run 7 partial: 3 new, … (catch-up); why`."""
        if self.run_id is None:
            return f"no run: {self.reason}"
        counts = self.counts
        line = (
            f"run {self.run_id} {self.status}: {counts.get('new', 0)} new, {counts.get('updated', 0)} "
            f"updated, {counts.get('unchanged', 0)} unchanged, {counts.get('failed', 0)} failed, "
            f"{counts.get('requests', 0)} requests ({self.mode})"
        )
        return f"{line}; {self.reason}" if self.reason else line


def is_write_error(exc: BaseException) -> bool:
    """An error of the disk or the database file (full, read-only, locked, I/O), not of one item."""
    return isinstance(exc, (sqlite3.OperationalError, OSError))


class ArchiveRun:
    """The one owner of the archive during a crawl, wherever it was started from.

    The first component that needs the archive calls `open()`: it takes the archive's lock
    (so that `scrapy crawl` and `xcedu crawl` never write one archive at once), opens and
    migrates it, closes the rows of runs that were killed, plans the run from what the
    archive holds, and starts this run's row. When the lock is held by another crawl, or the
    archive cannot be opened, nothing is written and the spider is closed at once.

    A write error (disk full, I/O error, read-only file) stops the crawl at once: the run
    ends `failed` and the next run catches up, as after a kill.
    """

    def __init__(self, crawler: Crawler, db_path: Path):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.archive: Archive | None = None
        self.plan: CrawlPlan | None = None
        self.run_id: int | None = None
        self.outcome: RunOutcome | None = None
        self.refusal: tuple[str, str] | None = None  # (close reason, message)
        self.write_error: str | None = None
        self.report = RunReport(crawler.stats)
        self._lock: IO[str] | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRun:
        db_path = crawler.settings.get("XCEDU_DB")
        if not db_path:
            raise NotConfigured("XCEDU_DB is empty: no archive to crawl into")
        return cls(crawler, Path(db_path))

    @classmethod
    def of(cls, crawler: Crawler) -> ArchiveRun:
        """The crawler's ArchiveRun extension."""
        for extension in crawler.extensions.middlewares:
            if isinstance(extension, cls):
                return extension
        raise NotConfigured("the ArchiveRun extension is not enabled (EXTENSIONS in settings.py)")

    def open(self) -> Archive | None:
        """The open archive, or None when this crawl may not write it (see `refusal`)."""
        if self.archive is not None or self.refusal is not None:
            return self.archive
        try:
            self._lock = take_lock(self.db_path)
        except AlreadyRunning as exc:
            return self._refuse("archive_locked", f"{exc}; not crawling")
        except OSError as exc:
            return self._refuse("archive_unusable", f"cannot lock {self.db_path}: {exc}")
        try:
            archive = Archive.open(self.db_path)
            archive.close_interrupted_runs()
            spider = self.crawler.spider
            self.plan = CrawlPlan.for_archive(archive, full=bool(getattr(spider, "full", False)))
            self.run_id = archive.start_run(self.plan.mode)
            self._reserve_room()
        except ArchiveUnusable as exc:
            self._release()
            return self._refuse("archive_unusable", str(exc))
        except (sqlite3.Error, OSError) as exc:
            self._release()
            return self._refuse("archive_unusable", f"cannot use the archive {self.db_path}: {exc}")
        self.archive = archive
        self.stats.set_value("xcedu/mode", self.plan.mode)
        self.stats.set_value("xcedu/run_id", self.run_id)
        logger.info("Archiving into %s (run %d, %s)", self.db_path, self.run_id, self.plan.mode)
        return archive

    def _refuse(self, reason: str, message: str) -> None:
        logger.error(message)
        self.refusal = (reason, message)
        status = "locked" if reason == "archive_locked" else "failed"
        self.outcome = RunOutcome(None, status, reason=message)
        return None

    @property
    def _reserve(self) -> Path:
        return self.db_path.with_name(f"{self.db_path.name}.reserve")

    def _reserve_room(self) -> None:
        # A ballast file: when the disk fills during the run, deleting it leaves room for the
        # run's last row, so that the archive says why the run failed instead of `running`.
        try:
            self._reserve.write_bytes(bytes(RESERVE_BYTES))
        except OSError as exc:
            self._reserve.unlink(missing_ok=True)
            logger.warning("No room beside the archive for %s: %s", self._reserve, exc)

    def _release(self) -> None:
        self._reserve.unlink(missing_ok=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def spider_opened(self, spider: Any) -> None:
        self.open()
        if self.refusal:
            raise CloseSpider(self.refusal[0])

    def failed_to_write(self, what: str, exc: BaseException) -> None:
        """Stop the crawl: the archive (or the files folder) could not be written."""
        if self.write_error is None:
            self.write_error = f"could not write {what}: {exc}"
            logger.error("%s; stopping the crawl", self.write_error)
            self.stats.set_value("xcedu/write_error", self.write_error)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=WRITE_ERROR))

    def spider_closed(self, spider: Any, reason: str) -> None:
        # Finished here rather than in close_spider, which runs before the close reason is known.
        if self.archive is None:
            return
        stats = self.stats.get_stats()
        health = measure(stats)
        warnings = assess(health, self.archive.recent_health())
        for warning in warnings:
            logger.warning("Run health: %s", warning)
        status, why = self.run_status(reason, warnings)
        counts = {**self.report.counts(), "requests": stats.get("downloader/request_count", 0)}
        self.outcome = RunOutcome(self.run_id, status, self.plan.mode, why, counts)
        try:
            self._finish(status, counts, {**stats, "finish_reason": reason, "finish_time": utc_now()},
                         why, health)
        except sqlite3.Error as exc:
            # Left `running`: the next run closes it as interrupted and catches up.
            logger.error("Could not close run %d in the archive: %s", self.run_id, exc)
        finally:
            self.archive.close()
            self.archive = None
            self._release()
        logger.info("%s", self.outcome.summary())

    def _finish(self, status: str, counts: dict[str, int], stats: dict[str, Any], why: str | None,
                health: dict[str, Any]) -> None:
        try:
            self.archive.finish_run(self.run_id, status, counts, stats, reason=why, health=health,
                                   sites=self.report.per_site())
        except sqlite3.OperationalError:
            if not self.write_error:
                raise
            self._reserve.unlink(missing_ok=True)
            # On a full disk the run's row fits in the room the reserve leaves, or past a
            # file size limit, once the write-ahead log has been folded into the database
            # and truncated; the stats, the bulk, are dropped. Not the checkpoint first: on
            # a full disk it fails, taking the room the row needed.
            try:
                self.archive.finish_run(self.run_id, status, counts, {}, reason=why)
            except sqlite3.OperationalError:
                self.archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.archive.finish_run(self.run_id, status, counts, {}, reason=why)

    def run_status(self, reason: str, warnings: list[str]) -> tuple[str, str | None]:
        """The run's status and, unless it is `ok`, why: the sites' report, the end, the health."""
        if self.write_error:
            return "failed", self.write_error
        status, why = self.report.status()
        if status in {"blocked", "failed"}:
            return status, why
        problems = [why] if why else []
        if reason != "finished":
            problems.append(f"the crawl ended early ({reason})")
        problems += warnings
        if problems:
            return "partial", "; ".join(problems)
        return "ok", None
