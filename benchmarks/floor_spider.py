"""The framework floor: a bare Scrapy spider that fetches a given list of URLs and does nothing else."""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from pathlib import Path

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings


class FloorSpider(scrapy.Spider):
    """Requests URLS with Scrapy's default components only; every response is dropped."""

    name = "floor"

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.ignore)

    def ignore(self, response: Response) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls_file", type=Path, help="one URL a line")
    parser.add_argument("settings_json", help="Scrapy settings as a JSON object")
    args = parser.parse_args()
    urls = args.urls_file.read_text(encoding="utf-8").split()
    process = AsyncCrawlerProcess(Settings(json.loads(args.settings_json)))
    process.crawl(FloorSpider, urls=urls)
    process.start()


if __name__ == "__main__":
    main()
