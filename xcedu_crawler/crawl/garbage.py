"""The GarbageCollection extension: the crawl's start-up kept out of Python's collections, and collections rarer."""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler

# Python's default is (700, 10, 10). A crawl allocates fast (each request, response and
# callback output makes Deferreds, tasks and dicts, mostly freed at once by reference
# counting), so the collector ran about every millisecond and scanned the whole heap every
# hundred runs: 8% of the crawl's CPU on the replica (benchmarks/crawl_cost.py), a third
# of it on start-up's objects, which live as long as the process.
THRESHOLDS = (5000, 20, 20)


class GarbageCollection:
    """From the spider's opening to its close, what is alive at the opening (modules,
    settings, the plan ArchiveRun read from the archive) is frozen, never scanned again, and
    the collector runs at THRESHOLDS. The cycles a crawl makes are young when they die, so
    they are still collected, a little later."""

    def __init__(self) -> None:
        self.previous: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GarbageCollection:
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.previous = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(*THRESHOLDS)

    def spider_closed(self) -> None:
        # Given back as found: a process may run other crawls, or other work, afterwards.
        if self.previous is not None:
            gc.set_threshold(*self.previous)
            gc.unfreeze()
