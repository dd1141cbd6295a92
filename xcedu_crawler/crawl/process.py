"""Runs the xcedu spider in this process with the project's settings plus overrides."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from xcedu_crawler.crawl.run import ArchiveRun, RunOutcome
from xcedu_crawler.crawl.spiders.xcedu import XceduSpider


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings wherever the process runs (no scrapy.cfg needed), then OVERRIDES."""
    settings = Settings()
    settings.setmodule("xcedu_crawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def run_crawl(overrides: dict[str, Any] | None = None, **spider_kwargs: Any) -> RunOutcome | None:
    """Crawl to the end in a new reactor; callable once per process, as Scrapy's own `crawl`.

    Returns how the run ended, or None when the crawl could not start (bad settings, unknown
    site profile): the log says why.
    """
    process = AsyncCrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler(XceduSpider)
    process.crawl(crawler, **spider_kwargs)
    process.start()
    return outcome_of(crawler)


def outcome_of(crawler: Crawler) -> RunOutcome | None:
    """How CRAWLER's run ended, or None when it never got as far as its archive."""
    try:
        return ArchiveRun.of(crawler).outcome
    except (RuntimeError, NotConfigured):  # the extensions were never built
        return None
