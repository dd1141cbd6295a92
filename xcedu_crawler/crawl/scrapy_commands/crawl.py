"""`scrapy crawl`, exiting as `xcedu crawl` does: 0 ok, 1 failed, 3 partial, 4 blocked, 5 locked."""

from __future__ import annotations

import argparse
import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from xcedu_crawler.crawl.process import outcome_of

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    """Scrapy's own crawl command; only the exit code and the last log line are the archive's."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("scrapy crawl takes one spider name")
        assert self.crawler_process
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        outcome = outcome_of(crawler)
        if outcome is None:
            # Scrapy's own rule: a crawl that never started exits 1; so does a spider
            # that is not the archive's.
            self.exitcode = 1
            return
        self.exitcode = outcome.exit_code
        logger.log(logging.INFO if outcome.status == "ok" else logging.WARNING, "%s", outcome.summary())
