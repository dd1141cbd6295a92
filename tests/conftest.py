"""Shared fixtures: the replica site served on 127.0.0.1 and in-process crawls of it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from xcedu_replica import LOOPBACK_CRAWL_SETTINGS, ReplicaServer, build_site

from xcedu_crawler.commands.common import files_dir_beside
from xcedu_crawler.crawl.process import project_settings
from xcedu_crawler.crawl.spiders.xcedu import XceduSpider


@pytest.fixture(scope="session")
def replica_site():
    return build_site()


@pytest.fixture(scope="module")
def replica(replica_site):
    with ReplicaServer(replica_site) as server:
        yield server


@pytest.fixture
def site():
    """A replica site of the test's own, for tests that change it."""
    return build_site()


@pytest.fixture
def server(site):
    with ReplicaServer(site) as server:
        yield server


def crawl_settings(server: ReplicaServer, db_path, **overrides):
    """Project settings pointed at the replica, without the politeness delays loopback doesn't need."""
    return project_settings(
        {
            "XCEDU_BASE_URL": server.base_url,
            "XCEDU_DB": str(db_path),
            "XCEDU_FILES_DIR": str(files_dir_beside(db_path)),
            **LOOPBACK_CRAWL_SETTINGS,
            "LOG_LEVEL": "INFO",
            **overrides,
        }
    )


async def crawl(server: ReplicaServer, db_path, spider_kwargs=None, **overrides) -> Crawler:
    """One crawl of the replica to the end, in this test's reactor; the crawler that ran it."""
    server.reset_state()
    runner = AsyncCrawlerRunner(crawl_settings(server, db_path, **overrides))
    crawler = runner.create_crawler(XceduSpider)
    await runner.crawl(crawler, **(spider_kwargs or {}))
    return crawler


def crawled_by_xcedu(db_path):
    """DB_PATH crawled from a fresh replica by `xcedu crawl`, in a process of its own (no
    reactor in the test's), for a module's tests that only read the archive."""
    with ReplicaServer(build_site()) as server:
        subprocess.run(
            [sys.executable, "-m", "xcedu_crawler.cli", "crawl", "--db", str(db_path),
             "-s", f"XCEDU_BASE_URL={server.base_url}", "-s", "DOWNLOAD_DELAY=0",
             "-s", "AUTOTHROTTLE_ENABLED=False"],
            check=True, capture_output=True, timeout=300,
        )
    return db_path
