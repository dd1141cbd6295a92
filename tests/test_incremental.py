"""Nightly runs against the replica: request counts, edits and versions, withdrawals, challenges, health."""

from __future__ import annotations

import json
from math import ceil

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.checks import check_archive, runs, snapshot
from tests.conftest import crawl
from xcedu_crawler import cli
from xcedu_crawler.archive import Archive
from xcedu_crawler.extract.sites import FILE_EXTENSIONS
from xcedu_crawler.extract.urls import file_extension

FULL = {"full": "1"}


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "xcedu.db"


def ordinary_paths(site, server, count: int) -> list[str]:
    return [
        want["url"].removeprefix(server.base_url)
        for want in site.expected_announcements(server.base_url)
        if want["case"] == "ordinary"
    ][:count]


def page_requests(server) -> list[str]:
    """List and detail page requests: neither robots.txt nor the downloads of attachments."""
    return [path for _, path in server.requests
            if path != "/robots.txt" and file_extension(path) not in FILE_EXTENSIONS]


def last_run(db_path) -> dict:
    return runs(db_path)[-1]


def announcement(db_path, url) -> dict:
    archive = Archive.open(db_path)
    try:
        return archive.db["announcements"].get(archive.find_id([url]))
    finally:
        archive.close()


def versions(db_path) -> list[dict]:
    return snapshot(db_path)["announcement_versions"]


@deferred_f_from_coro_f
async def test_a_rerun_over_an_unchanged_site_asks_only_robots_and_one_list_page_per_column(
    site, server, db_path
):
    await crawl(server, db_path)
    before = snapshot(db_path)
    await crawl(server, db_path)
    assert sorted(path for _, path in server.requests) == sorted(
        ["/robots.txt", *site.column_start_paths()])
    run = last_run(db_path)
    assert (run["mode"], run["status"], run["requests"]) == ("incremental", "ok", 1 + len(site.columns))
    assert snapshot(db_path) == before


@pytest.mark.parametrize("new", [3, 12])
@deferred_f_from_coro_f
async def test_k_new_announcements_cost_at_most_columns_plus_k_plus_k_over_page_size(
    site, server, db_path, new
):
    await crawl(server, db_path)
    site.publish("003002", new)
    await crawl(server, db_path)
    assert len(page_requests(server)) <= len(site.columns) + new + ceil(new / site.page_size)
    run = last_run(db_path)
    assert (run["status"], run["new"], run["updated"]) == ("ok", new, 0)
    check_archive(db_path, site, server.base_url)


@deferred_f_from_coro_f
async def test_an_edit_signalled_in_the_list_is_refetched_and_versioned(site, server, db_path):
    await crawl(server, db_path)
    [path] = ordinary_paths(site, server, 1)
    url = server.base_url + path
    old_body = announcement(db_path, url)["paragraphs"]
    site.edit(path, relist=True)
    await crawl(server, db_path)
    assert path in page_requests(server)
    assert (last_run(db_path)["updated"], last_run(db_path)["new"]) == (1, 0)
    row = announcement(db_path, url)
    assert row["changed_at"] is not None
    [version] = versions(db_path)
    assert version["announcement_id"] == row["id"]
    assert "paragraphs" in json.loads(version["fields"])
    assert json.loads(version["old_values"])["paragraphs"] == old_body
    check_archive(db_path, site, server.base_url)


@deferred_f_from_coro_f
async def test_a_silent_edit_waits_for_a_full_run_and_an_unchanged_refetch_writes_no_version(
    site, server, db_path
):
    await crawl(server, db_path)
    await crawl(server, db_path, FULL)
    assert versions(db_path) == []
    [path] = ordinary_paths(site, server, 1)
    site.edit(path, relist=False)
    await crawl(server, db_path)
    assert versions(db_path) == []
    await crawl(server, db_path, FULL)
    assert len(versions(db_path)) == 1
    check_archive(db_path, site, server.base_url)


@deferred_f_from_coro_f
async def test_withdrawn_pages_keep_their_rows_and_gain_gone_at_until_they_return(site, server, db_path):
    await crawl(server, db_path)
    gone_404, gone_page = ordinary_paths(site, server, 2)
    site.withdraw(gone_404, "404")
    site.withdraw(gone_page, "not_found_page")
    await crawl(server, db_path, FULL)
    check_archive(db_path, site, server.base_url)
    for path in (gone_404, gone_page):
        assert announcement(db_path, server.base_url + path)["gone_at"] is not None
    site.restore(gone_404)
    site.restore(gone_page)
    await crawl(server, db_path, FULL)
    check_archive(db_path, site, server.base_url)
    assert last_run(db_path)["status"] == "ok"


@pytest.mark.parametrize("status", ["521", "412"])
@deferred_f_from_coro_f
async def test_an_anti_crawler_challenge_blocks_the_run_without_hammering_or_storing_it(
    site, server, db_path, status
):
    await crawl(server, db_path)
    before = snapshot(db_path)
    server.challenge = status
    await crawl(server, db_path, FULL, XCEDU_CHALLENGE_DELAY=0.3)
    # Three challenges in a row, then the host is left alone: a full run would have made
    # a hundred requests; at most the ones already on the wire (2 per host) follow.
    assert 3 <= len(page_requests(server)) <= 3 + 2
    run = last_run(db_path)
    assert run["status"] == "blocked"
    stats = json.loads(run["stats"])
    assert stats["xcedu/blocked_hosts"] == 1 and stats["xcedu/challenges"] >= 3
    after = snapshot(db_path)
    assert after["announcements"] == before["announcements"]
    new_failures = [f for f in after["failures"] if f not in before["failures"]]
    assert new_failures and {f["reason"] for f in new_failures} == {"blocked"}


@pytest.mark.parametrize(
    ("drift", "warning"),
    [
        ("no_source", "source coverage in"),
        ("body_renamed", "body coverage in"),
        ("list_renamed", "list entries in"),
    ],
)
@deferred_f_from_coro_f
async def test_a_changed_template_marks_the_run_partial_naming_field_and_column(
    site, server, db_path, drift, warning, capsys
):
    await crawl(server, db_path)
    site.drift = drift
    await crawl(server, db_path, FULL)
    run = last_run(db_path)
    assert run["status"] == "partial"
    assert warning in run["reason"]
    assert any(name in run["reason"] for _, name in site.columns)
    assert cli.main(["status", "--db", str(db_path)]) == 0
    shown = capsys.readouterr().out
    assert f"run {run['id']} partial: " in shown and warning in shown
    assert "http_404" in shown
