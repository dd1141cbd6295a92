"""A crawl with a JOBDIR: every request pickles to Scrapy's disk queue, and the archive is the same."""

from __future__ import annotations

import json

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families.hanweb import build_hanweb_site

from tests.checks import check_archive
from tests.conftest import crawl
from xcedu_crawler.archive import Archive

# The xuchang replica has multi-page articles and script redirects (detail requests that
# carry what earlier pages gave); the Hanweb one pages its lists by dataproxy POSTs.
SITES = {"xuchang": build_site, "yuzhou": build_hanweb_site}


def archived_content(db_path) -> dict[str, list]:
    """What the archive holds, in an order of its own. Left out: row ids and times, and which of
    the URLs an article has is its main one and in which order its columns came, all of which
    follow the order pages happened to arrive in."""
    archive = Archive.open(db_path)
    try:
        db = archive.db
        urls_of = {row["id"]: sorted({row["url"], *json.loads(row["aliases"])})
                   for row in db["announcements"].rows}

        def plain(row: dict) -> dict:
            kept = {key: value for key, value in row.items()
                    if key not in ("id", "url", "aliases", "search_key")  # the key holds the id
                    and not key.endswith(("_id", "_ids", "_at"))}
            return {**kept, "columns": sorted(json.loads(row["columns"]))} if "columns" in row else kept

        def sort(rows) -> list:
            return sorted(rows, key=repr)

        return {
            "announcements": sort((urls_of[row["id"]], plain(row)) for row in db["announcements"].rows),
            "attachments": sort((urls_of[row["announcement_id"]], plain(row)) for row in db["attachments"].rows),
            "urls": sort((row["url_key"], row["url"], urls_of[row["announcement_id"]])
                         for row in db["announcement_urls"].rows),
            "pages": sort((row["url"], row["status"], row["body_sha256"]) for row in db["pages"].rows),
            "failures": sort((row["url"], row["reason"], row["detail"]) for row in db["failures"].rows),
        }
    finally:
        archive.close()


@pytest.mark.parametrize("site_name", sorted(SITES))
@deferred_f_from_coro_f
async def test_a_crawl_with_a_jobdir_queues_every_request_on_disk_and_archives_the_same(tmp_path, site_name):
    site = SITES[site_name]()
    with ReplicaServer(site) as server:
        await crawl(server, tmp_path / "plain" / "xcedu.db", {"site": site_name})
        crawler = await crawl(server, tmp_path / "queued" / "xcedu.db", {"site": site_name},
                              JOBDIR=str(tmp_path / "job"), SCHEDULER_DEBUG=True)
        check_archive(tmp_path / "queued" / "xcedu.db", site, server.base_url)
    stats = crawler.stats.get_stats()
    # A request that does not pickle is kept in memory instead, and counted here.
    assert stats.get("scheduler/unserializable", 0) == 0
    assert stats["scheduler/enqueued/disk"] == stats["scheduler/enqueued"] > 0
    assert archived_content(tmp_path / "queued" / "xcedu.db") == archived_content(tmp_path / "plain" / "xcedu.db")
