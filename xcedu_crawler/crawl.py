"""Runs the xcedu spider in this process with the project's settings plus overrides."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from xcedu_crawler.spiders.xcedu import XceduSpider


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings wherever the process runs (no scrapy.cfg needed), then OVERRIDES."""
    settings = Settings()
    settings.setmodule("xcedu_crawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


def run_crawl(overrides: dict[str, Any] | None = None, **spider_kwargs: Any) -> dict[str, Any]:
    """Crawl to the end in a new reactor; callable once per process, as Scrapy's own `crawl`.

    Returns the crawl's stats (`xcedu/run_id` names its crawl_runs row), or {} when the
    crawl could not start (bad settings, unknown site profile): the log says why.
    """
    process = AsyncCrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler(XceduSpider)
    process.crawl(crawler, **spider_kwargs)
    process.start()
    try:
        return crawler.stats.get_stats()
    except RuntimeError:  # Scrapy's way of saying the crawl never started
        return {}
