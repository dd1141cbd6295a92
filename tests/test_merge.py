"""`xcedu merge`: archives crawled apart, merged, equal one archive that crawled them all; twice is once."""

from __future__ import annotations

from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families.trs import build_trs_site

from tests.checks import archive_content, runs
from tests.conftest import crawl
from xcedu_crawler.archive import Archive
from xcedu_crawler.cli import main as xcedu
from xcedu_crawler.commands.common import files_dir_beside


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
