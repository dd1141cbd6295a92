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


def run_crawl(overrides: dict[str, Any] | None = None, **spider_kwargs: Any) -> None:
    """Crawl to the end in a new reactor; callable once per process, as Scrapy's own `crawl`."""
    process = AsyncCrawlerProcess(project_settings(overrides))
    process.crawl(XceduSpider, **spider_kwargs)
    process.start()
