"""Atom feeds: `xcedu feed` and Datasette's `feed.atom`, read back with feedparser."""

from __future__ import annotations

import json
from html import escape

import feedparser
import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import crawl, crawled_by_xcedu
from xcedu_crawler import cli
from xcedu_crawler.archive import Archive
from xcedu_crawler.feeds import atom_feed, entry_id

NOTICES = "通知公告"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return crawled_by_xcedu(tmp_path_factory.mktemp("feed") / "xcedu.db")


@pytest.fixture(scope="module")
def rows(db_path):
    with Archive.open_for_reading(db_path) as archive:
        return list(archive.db["announcements"].rows_where(order_by="id"))


def parsed(document: bytes):
    feed = feedparser.parse(document)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def xcedu_feed(capsys, db_path, *args) -> bytes:
    """What `xcedu feed` writes to stdout."""
    code = cli.main(["feed", "--db", str(db_path), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out.encode()


def content(entry) -> str:
    """An entry's content; a list entry that is a file has none."""
    return entry.content[0].value if "content" in entry else ""


def fields(entry) -> tuple:
    return entry.id, entry.title, entry.link, entry.updated, content(entry)


def whole_title(row) -> str:
    return f"【{row['title_tag']}】{row['title']}" if row["title_tag"] else row["title"]


def in_column(rows, column: str) -> list[dict]:
    return [row for row in rows if column in json.loads(row["columns"])]


def test_a_column_feed_is_atom_with_every_field_of_the_newest_announcements(capsys, db_path, rows):
    feed = parsed(xcedu_feed(capsys, db_path, "--column", NOTICES, "--limit", "5"))
    by_url = {row["url"]: row for row in rows}
    assert len(feed.entries) == 5
    assert feed.feed.title == f"Newest announcements: {NOTICES}"
    newest = sorted(in_column(rows, NOTICES), key=lambda r: r["published_at"] or "", reverse=True)
    assert [entry.link for entry in feed.entries] == [row["url"] for row in newest[:5]]
    for entry in feed.entries:
        row = by_url[entry.link]
        assert entry.id == entry_id(row["url"])
        assert entry.title == whole_title(row)
        assert entry.updated == row["first_seen_at"] and entry.published == row["published_at"]
        assert NOTICES in [tag.term for tag in entry.tags]
        paragraphs = json.loads(row["paragraphs"])
        if paragraphs:
            assert content(entry).startswith(f"<p>{escape(paragraphs[0][:100])}")
        else:
            assert content(entry) == ""
    assert any(entry.title.startswith("【") for entry in feed.entries)


def test_ids_are_stable_across_runs_and_the_file_is_the_same_feed(capsys, db_path, tmp_path):
    first = xcedu_feed(capsys, db_path, "--query", "招生")
    target = tmp_path / "feed.xml"
    assert cli.main(["feed", "--db", str(db_path), "--query", "招生", "-o", str(target)]) == 0
    feed = parsed(first)
    assert capsys.readouterr().err == f"{len(feed.entries)} entries written to {target}\n"
    assert target.read_bytes() == first
    with Archive.open_for_reading(db_path) as archive:
        assert {e.link for e in feed.entries} == {r["url"] for r in archive.select(query="招生")}
    assert feed.feed.id == parsed(xcedu_feed(capsys, db_path, "--query", "招生")).feed.id
    assert feed.feed.id != parsed(xcedu_feed(capsys, db_path, "--query", "双减")).feed.id


def test_a_feed_with_no_entries_is_still_valid_atom():
    document = atom_feed([], title="Newest announcements", feed_id="urn:uuid:0",
                         generated_at="2026-01-01T00:00:00+00:00", self_url="http://127.0.0.1/f")
    feed = parsed(document)
    assert (feed.entries, feed.feed.updated) == ([], "2026-01-01T00:00:00+00:00")
    assert feed.feed.links[0].rel == "self"


@deferred_f_from_coro_f
async def test_datasette_serves_the_same_feed_as_a_canned_query(capsys, db_path):
    from datasette.app import Datasette

    from xcedu_crawler.browse import metadata

    datasette = Datasette([str(db_path)], metadata=metadata(db_path.stem))
    both = ["--column", NOTICES, "--query", "招生"]
    for params, args in [("", []), (f"?column={NOTICES}&q=招生", both)]:
        response = await datasette.client.get(f"/{db_path.stem}/feed.atom{params}")
        assert response.status_code == 200, response.text
        served = parsed(response.content)
        written = parsed(xcedu_feed(capsys, db_path, *args))
        assert len(served.entries) == len(written.entries) > 0
        assert [fields(e) for e in served.entries] == [fields(e) for e in written.entries]


@deferred_f_from_coro_f
async def test_a_new_announcement_leads_the_feed_after_the_next_crawl(
    capsys, site, server, tmp_path
):
    db_path = tmp_path / "xcedu.db"
    await crawl(server, db_path)
    before = parsed(xcedu_feed(capsys, db_path, "--column", NOTICES))
    [path] = site.publish("003002", 1)
    published = site.page_records[-1].article
    await crawl(server, db_path)
    after = parsed(xcedu_feed(capsys, db_path, "--column", NOTICES))
    url = server.base_url + path
    assert url not in [entry.link for entry in before.entries]
    assert (after.entries[0].link, after.entries[0].title) == (url, published.title)
    assert after.entries[0].id == entry_id(url)
    # The others follow in their order, the oldest dropping out of a full feed.
    older = [e.id for e in after.entries[1:]]
    assert older == [e.id for e in before.entries][:len(older)]
