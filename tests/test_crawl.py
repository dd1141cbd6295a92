"""End to end: crawl the replica into an archive, check every row, crawl again and see nothing change."""

from __future__ import annotations

import json

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import crawl
from xcedu_crawler.archive import Archive

ANNOUNCEMENT_FIELDS = (
    "kind", "title", "title_tag", "source", "published_at", "published_precision",
    "published_raw", "paragraphs", "images",
)


def snapshot(db_path) -> dict[str, list[dict]]:
    """The archive's content, without the times a re-run may touch."""
    archive = Archive.open(db_path)
    try:
        db = archive.db
        return {
            "announcements": [
                {k: v for k, v in row.items() if k != "last_seen_at"}
                for row in db["announcements"].rows_where(order_by="id")
            ],
            "attachments": list(db["attachments"].rows_where(order_by="announcement_id, url")),
            "failures": [
                {k: row[k] for k in ("url", "reason", "detail")}
                for row in db["failures"].rows_where(order_by="url")
            ],
            "announcement_urls": list(db["announcement_urls"].rows_where(order_by="url_key")),
        }
    finally:
        archive.close()


def runs(db_path) -> list[dict]:
    archive = Archive.open(db_path)
    try:
        return list(archive.db["crawl_runs"].rows_where(order_by="id"))
    finally:
        archive.close()


def check_archive(db_path, site, base_url) -> None:
    data = snapshot(db_path)
    rows = data["announcements"]
    by_url = {row["url"]: row for row in rows}
    expected = site.expected_announcements(base_url)
    assert len(rows) == len(expected)
    attachments = {}
    for attachment in data["attachments"]:
        attachments.setdefault(attachment["announcement_id"], []).append(
            {"url": attachment["url"], "name": attachment["name"]})
    for want in expected:
        urls = {want["url"], *want["aliases"]}
        if want.get("interchangeable_urls"):
            [row] = [by_url[url] for url in urls if url in by_url]
        else:
            row = by_url[want["url"]]
        assert {row["url"], *json.loads(row["aliases"])} == urls, want["url"]
        got = {field: row[field] for field in ANNOUNCEMENT_FIELDS}
        got["paragraphs"] = json.loads(got["paragraphs"])
        got["images"] = json.loads(got["images"])
        assert got == {field: want[field] for field in ANNOUNCEMENT_FIELDS}, want["url"]
        assert sorted(json.loads(row["columns"])) == want["columns"], want["url"]
        assert sorted(attachments.get(row["id"], []), key=lambda a: a["url"]) == sorted(
            want["attachments"], key=lambda a: a["url"]), want["url"]
        assert row["body"] == "\n".join(want["paragraphs"])
    failures = {(f["url"], f["reason"]) for f in data["failures"]}
    assert failures == {(f["url"], f["reason"]) for f in site.expected_failures(base_url)}


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
    if not two_crawls["snapshots"]:
        pytest.skip("needs the first crawl")
    await crawl(replica, two_crawls["db"])
    assert snapshot(two_crawls["db"]) == two_crawls["snapshots"][0]
    first, second = runs(two_crawls["db"])
    assert (second["status"], second["new"], second["updated"]) == ("ok", 0, 0)
    assert second["unchanged"] == first["new"] + first["unchanged"]
