"""End to end: crawl the replica into an archive, check every row, crawl again and see nothing change."""

from __future__ import annotations

import gc

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.checks import check_archive, runs, snapshot
from tests.conftest import crawl
from xcedu_crawler.archive import Archive
from xcedu_crawler.crawl.garbage import THRESHOLDS, GarbageCollection


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory):
    return {"db": tmp_path_factory.mktemp("crawl") / "xcedu.db", "snapshots": []}


@deferred_f_from_coro_f
async def test_first_crawl_archives_every_expected_row(replica, replica_site, two_crawls):
    # Failures left by an earlier, unlucky run: a success this time removes them.
    earlier = Archive.open(two_crawls["db"])
    earlier.record_failure(replica.base_url + replica_site.column_start_paths()[0], "http_500", "")
    earlier.record_failure(replica_site.expected_announcements(replica.base_url)[0]["url"], "http_404", "")
    earlier.close()
    await crawl(replica, two_crawls["db"])
    check_archive(two_crawls["db"], replica_site, replica.base_url)
    [run] = runs(two_crawls["db"])
    assert run["status"] == "ok"
    assert run["new"] == len(replica_site.expected_announcements(replica.base_url))
    assert run["failed"] == len(replica_site.expected_failures(replica.base_url))
    assert run["requests"] > 0 and run["finished_at"] >= run["started_at"]
    # External entries are kept from the list, never fetched; robots-disallowed ones neither.
    paths = {path for _, path in replica.requests}
    assert not any(path.startswith("/jyj/private/") for path in paths)
    two_crawls["snapshots"].append(snapshot(two_crawls["db"]))


@deferred_f_from_coro_f
async def test_second_crawl_changes_nothing(replica, replica_site, two_crawls):
    if not two_crawls["snapshots"]:  # run alone: its own first crawl
        await crawl(replica, two_crawls["db"])
        two_crawls["snapshots"].append(snapshot(two_crawls["db"]))
    # A full re-crawl fetches every page again (a nightly run would skip them all).
    await crawl(replica, two_crawls["db"], {"full": "1"})
    assert snapshot(two_crawls["db"]) == two_crawls["snapshots"][0]
    first, second = runs(two_crawls["db"])
    assert (second["status"], second["new"], second["updated"]) == ("ok", 0, 0)
    assert second["unchanged"] == first["new"] + first["unchanged"]


def test_the_collector_runs_rarely_during_a_crawl_and_is_given_back_as_found():
    before = gc.get_threshold()
    collection = GarbageCollection()
    collection.spider_opened()
    try:
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        collection.spider_closed()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
