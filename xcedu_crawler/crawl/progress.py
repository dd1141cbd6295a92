"""A crawl's progress on the terminal: pages fetched, new, updated, failed, pages per column."""

from __future__ import annotations

import shutil
import sys
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from xcedu_crawler.crawl.health import coverage_key

# A column's detail pages are counted under coverage_key(column, "pages"): what is around it.
COVERAGE_PREFIX, COVERAGE_PAGES = coverage_key("\0", "pages").split("\0")


def progress_line(stats: dict[str, Any], width: int) -> str:
    """The crawl so far in one line of at most WIDTH terminal columns; the columns (栏目)
    with the most pages read come first, as many as fit."""
    line = (f"fetched {stats.get('response_received_count', 0)} · "
            f"new {stats.get('xcedu/new', 0)} · updated {stats.get('xcedu/updated', 0)} · "
            f"failed {stats.get('xcedu/failed', 0)}")
    per_column = sorted(
        ((count, key[len(COVERAGE_PREFIX):-len(COVERAGE_PAGES)]) for key, count in stats.items()
         if key.startswith(COVERAGE_PREFIX) and key.endswith(COVERAGE_PAGES)),
        key=lambda pair: (-pair[0], pair[1]))
    for separator, (count, column) in zip([" | ", *[" · "] * len(per_column)], per_column):
        more = f"{separator}{column} {count}"
        if _columns(line + more) > width:
            break
        line += more
    return line if _columns(line) <= width else line[: max(width, 0)]


def _columns(text: str) -> int:
    # A non-ASCII character taken as two columns: Chinese is, and a line too short is harmless.
    return len(text) + sum(not char.isascii() for char in text)


class TerminalProgress:
    """Redraws the progress line on the terminal every XCEDU_PROGRESS_INTERVAL seconds; the
    log keeps Scrapy's one line a minute. `xcedu crawl` turns it on when stderr is a terminal."""

    def __init__(self, crawler: Crawler, interval: float, out: IO[str]):
        self.stats = crawler.stats
        self.interval = interval
        self.out = out
        self.task = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TerminalProgress:
        if not crawler.settings.getbool("XCEDU_PROGRESS"):
            raise NotConfigured("XCEDU_PROGRESS is off (xcedu crawl turns it on on a terminal)")
        interval = crawler.settings.getfloat("XCEDU_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured(f"XCEDU_PROGRESS_INTERVAL must be above 0, not {interval}")
        progress = cls(crawler, interval, sys.stderr)
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self) -> None:
        self.task = create_looping_call(self.draw)
        self.task.start(self.interval)

    def draw(self) -> None:
        width = shutil.get_terminal_size().columns - 1
        # \r and erase-to-end: the line is redrawn in place, a shorter one leaves nothing behind.
        self.out.write(f"\r{progress_line(self.stats.get_stats(), width)}\x1b[K")
        self.out.flush()

    def spider_closed(self) -> None:
        if self.task and self.task.running:
            self.task.stop()
        self.draw()
        self.out.write("\n")
        self.out.flush()
