"""The one table of columns (archive/schema.py) against a migrated archive and the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_archive import make
from xcedu_crawler.archive import Archive, migrations
from xcedu_crawler.archive.schema import TABLES
from xcedu_crawler.archive.search import index_text, search_key

README = Path(__file__).parents[1] / "README.md"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_described_column_is_the_archive_s_own(table):
    archive = Archive.open(":memory:")
    actual = [(column.name, column.type) for column in archive.db[table].columns]
    assert actual == [(column.name, column.type) for column in TABLES[table]]


def readme_rows(heading: str) -> list[tuple[str, str]]:
    section = README.read_text(encoding="utf-8").split(f"### {heading}", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \| (.+) \|$", section, flags=re.M)


def test_the_readme_describes_the_announcements_table_as_the_schema_does():
    assert readme_rows("`announcements`: one row per announcement") == [
        (column.name, column.description) for column in TABLES["announcements"]
    ]


def test_the_readme_describes_the_file_texts_table_as_the_schema_does():
    assert readme_rows("`file_texts`: the text of each stored file") == [
        (column.name, column.description) for column in TABLES["file_texts"]
    ]


def test_an_archive_made_before_listings_and_the_index_version_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.db"
    with Archive.open(path) as archive:
        archive.store(make("http://a.example.cn/1.html", title="关于双减工作的通知", columns=["通知公告"]))
    with Archive.open(path) as archive:
        # Back to the schema of the day before these two migrations, index included.
        archive.db.execute("DROP TABLE listings")
        archive.db.execute("DROP TABLE archive_state")
        archive.db.execute("INSERT INTO announcements_fts (announcements_fts) VALUES ('delete-all')")
        archive.db.execute("DELETE FROM _sqlite_migrations WHERE name IN "
                           "('record_search_index_version', 'record_listings', "
                           "'index_punctuation_and_spaces')")
        archive.db.conn.commit()
    with Archive.open(path) as archive:
        assert migrations.pending(archive.db) == []
        assert [row["title"] for row in archive.search("双减")] == ["关于双减工作的通知"]
        assert [(row["column_name"], row["url"]) for row in archive.db["listings"].rows] == [
            ("通知公告", "http://a.example.cn/1.html")]


def test_an_index_keyed_by_id_is_keyed_by_date_when_the_archive_opens(tmp_path):
    path = tmp_path / "v1.db"
    with Archive.open(path) as archive:
        archive.store(make("http://a.example.cn/1.html", title="关于双减工作的通知",
                           published_at="2023-01-02T08:00:00+08:00"))
        archive.store(make("http://a.example.cn/2.html", title="双减工作总结",
                           published_at="2021-06-01T08:00:00+08:00"))
        # As search index version 1 left it: rowid the id, no key.
        archive.db.execute("UPDATE announcements SET search_key = NULL")
        archive.db.execute("INSERT INTO announcements_fts (announcements_fts) VALUES ('delete-all')")
        for row in archive.db["announcements"].rows:
            archive.db.execute("INSERT INTO announcements_fts (rowid, title, body, source) "
                               "VALUES (?, ?, ?, ?)", [row["id"], *(index_text(row[name]) for name in
                                                                   ("title", "body", "source"))])
        archive.db.execute("UPDATE archive_state SET value = '1' WHERE key = 'search_index_version'")
        archive.db.conn.commit()
    with Archive.open(path) as archive:
        assert [row["id"] for row in archive.search("双减", order="date")] == [1, 2]
        assert [row["search_key"] for row in archive.db["announcements"].rows] == [
            search_key("2023-01-02T08:00:00+08:00", 1), search_key("2021-06-01T08:00:00+08:00", 2)]


def test_a_listing_read_before_its_announcement_is_in_the_announcement_s_columns():
    archive = Archive.open(":memory:")
    url = "http://a.example.cn/2.html"
    assert not archive.record_listings("工作动态", [url])
    archive.store(make(url, columns=["通知公告"]))
    [row] = archive.db["announcements"].rows
    assert row["columns"] == '["通知公告", "工作动态"]'
    assert {row["column_name"] for row in archive.db["listings"].rows} == {"通知公告", "工作动态"}
