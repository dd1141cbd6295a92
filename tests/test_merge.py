"""`xcedu merge`: archives crawled apart, merged, equal one archive that crawled them all; twice is once."""

from __future__ import annotations

import json

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families.trs import build_trs_site

from tests.checks import archive_content, runs
from tests.conftest import crawl
from xcedu_crawler.archive import Archive
from xcedu_crawler.archive.merge import merge_archives
from xcedu_crawler.cli import main as xcedu
from xcedu_crawler.commands.common import files_dir_beside
from xcedu_crawler.items import Announcement


def dump(db_path) -> dict[str, list]:
    """Every row of every table, ids and times included."""
    with Archive.open_for_reading(db_path) as archive:
        tables = [name for name in archive.db.table_names() if not name.startswith("announcements_fts")]
        return {name: list(archive.db[name].rows) for name in tables}


def without_migrations(tables: dict[str, list]) -> dict[str, list]:
    return {name: rows for name, rows in tables.items() if name != "_sqlite_migrations"}


def stored_files(db_path) -> set[str]:
    return {path.name for path in files_dir_beside(db_path).rglob("*") if path.is_file()}


@deferred_f_from_coro_f
async def test_merged_archives_equal_one_crawl_of_both_sites_and_merging_again_changes_nothing(tmp_path):
    """Two sites over two nights, each crawl on a node of its own (its own archive), against
    the one archive a single machine would have kept of all of them."""
    bureau, trs = build_site(), build_trs_site()
    single = tmp_path / "single" / "xcedu.db"
    nodes = [tmp_path / name / "xcedu.db" for name in ("a", "b", "c")]
    with ReplicaServer(bureau) as bureau_server, ReplicaServer(trs) as trs_server:
        for db_path in (nodes[0], single):
            await crawl(bureau_server, db_path)
        for db_path in (nodes[1], single):
            await crawl(trs_server, db_path, {"site": "changge"})
        # The next night an announcement is edited; a third node crawls the bureau afresh.
        [edited] = [want["url"] for want in bureau.expected_announcements(bureau_server.base_url)
                    if want["case"] == "ordinary"][:1]
        bureau.edit(edited.removeprefix(bureau_server.base_url))
        for db_path in (nodes[2], single):
            await crawl(bureau_server, db_path)
    merged = tmp_path / "province" / "all.db"
    assert xcedu(["merge", *map(str, nodes), "-o", str(merged)]) == 0

    got, want = archive_content(merged), archive_content(single)
    assert versions(got, edited) == versions(want, edited) != []
    assert got == want
    # Attachment text comes along: a word only inside a stored PDF is found in the merge too.
    with Archive.open_for_reading(merged) as one, Archive.open_for_reading(single) as other:
        found = [(row["url"], row.get("attachment")) for row in one.search("录取批次")]
        assert found == [(row["url"], row.get("attachment")) for row in other.search("录取批次")] != []
    assert stored_files(merged) == stored_files(single) != set()
    assert [(run["merged_from"], run["status"]) for run in runs(merged)] == [
        (str(node), "ok") for node in nodes]

    before = dump(merged)
    assert xcedu(["merge", *map(str, nodes), "-o", str(merged)]) == 0
    assert dump(merged) == before
    assert xcedu(["merge", str(nodes[1]), "-o", str(merged)]) == 0
    assert dump(merged) == before
    again = tmp_path / "again" / "all.db"
    assert xcedu(["merge", str(merged), str(nodes[0]), "-o", str(again)]) == 0
    # A new archive, with its own record of its creation; all else is the same.
    assert without_migrations(dump(again)) == without_migrations(before)


def versions(content, url: str) -> list:
    [announcement] = [row for urls, row in content["announcements"].items() if url in urls]
    return announcement["versions"]


def announcement(url: str, paragraph: str) -> Announcement:
    return Announcement(url=url, kind="page", title="关于做好招生工作的通知", title_tag=None, source=None,
                        published_at="2022-03-01T09:30:00+08:00", published_precision="minute",
                        published_raw="2022-03-01 09:30", paragraphs=[paragraph])


def archive_of(path, *steps) -> None:
    """An archive written by STEPS: ("store", url, paragraph, time) or ("fail", url, reason, time)."""
    with Archive.open(path) as archive:
        for step, url, what, now in steps:
            if step == "store":
                archive.store(announcement(url, what), now=now)
            else:
                archive.record_failure(url, what, "", now=now)


URL = "http://127.0.0.1:8000/a/1.html"


@pytest.mark.parametrize(("failed_at", "open_after_merge"), [
    ("2026-01-01T00:00:00+00:00", False),  # archived by the other archive since: closed
    ("2026-01-03T00:00:00+00:00", True),  # failed after the other archive's sighting: open
])
def test_a_failure_stays_open_unless_another_archive_archived_the_url_since(
        tmp_path, failed_at, open_after_merge):
    archive_of(tmp_path / "a" / "x.db", ("fail", URL, "http_500", failed_at))
    archive_of(tmp_path / "b" / "x.db", ("store", URL, "正文", "2026-01-02T00:00:00+00:00"))
    merged = tmp_path / "all.db"
    merge_archives([tmp_path / "a" / "x.db", tmp_path / "b" / "x.db"], merged, files_dir_beside)
    assert [f[0] for f in archive_content(merged)["failures"]] == ([URL] if open_after_merge else [])


def test_content_seen_differently_by_two_archives_becomes_versions_in_the_order_seen(tmp_path):
    first, second, third = "2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00"
    archive_of(tmp_path / "a" / "x.db", ("store", URL, "初稿", first), ("store", URL, "初稿", third))
    archive_of(tmp_path / "b" / "x.db", ("store", URL, "修订稿", second))
    merged = tmp_path / "all.db"
    merge_archives([tmp_path / "b" / "x.db", tmp_path / "a" / "x.db"], merged, files_dir_beside)
    with Archive.open_for_reading(merged) as archive:
        [row] = archive.db["announcements"].rows
        history = [(v["recorded_at"], json.loads(v["old_values"])["paragraphs"])
                   for v in archive.db["announcement_versions"].rows_where(order_by="id")]
    assert (row["first_seen_at"], row["last_seen_at"], row["changed_at"]) == (first, third, third)
    assert json.loads(row["paragraphs"]) == ["初稿"]
    assert history == [(second, '["初稿"]'), (third, '["修订稿"]')]



def test_an_input_that_is_no_archive_is_named_and_nothing_is_written(tmp_path, capsys):
    (tmp_path / "notes.db").write_text("not an archive")
    assert xcedu(["merge", str(tmp_path / "notes.db"), "-o", str(tmp_path / "all.db")]) == 1
    assert "notes.db is not an SQLite archive" in capsys.readouterr().err
    assert not (tmp_path / "all.db").exists()
