"""Storage: idempotency, both dedupe paths, failures and runs, on in-memory archives."""

import json

import pytest

from xcedu_crawler.archive import NEW, UNCHANGED, UPDATED, Archive, migrations
from xcedu_crawler.items import Announcement, Attachment

URL = "http://jyj.example.cn/jyj/003001/20220207/abc.html"


def make(url=URL, **changes) -> Announcement:
    fields = dict(
        url=url,
        kind="page",
        title="许昌市2022年教育工作会议召开",
        title_tag="部署",
        source=None,
        published_at="2022-02-07T09:41:00+08:00",
        published_precision="minute",
        published_raw="2022-02-07 09:41",
        columns=["工作动态"],
        paragraphs=["第一段", "第二段"],
        attachments=[Attachment("http://jyj.example.cn/jyj/uploads/a.pdf", "通知.pdf")],
    )
    fields.update(changes)
    return Announcement(**fields)


@pytest.fixture
def archive():
    archive = Archive.open(":memory:")
    yield archive
    archive.close()


def rows(archive, table="announcements"):
    return list(archive.db[table].rows)


def test_new_announcement_row_follows_the_contract(archive):
    assert archive.store(make(), now="2026-01-01T00:00:00+00:00") == NEW
    [row] = rows(archive)
    assert row["url"] == URL
    assert json.loads(row["aliases"]) == []
    assert json.loads(row["columns"]) == ["工作动态"]
    assert json.loads(row["paragraphs"]) == ["第一段", "第二段"]
    assert row["body"] == "第一段\n第二段"
    assert row["first_seen_at"] == row["last_seen_at"] == "2026-01-01T00:00:00+00:00"
    assert row["changed_at"] is None
    assert rows(archive, "attachments") == [
        {"announcement_id": row["id"], "url": "http://jyj.example.cn/jyj/uploads/a.pdf",
         "name": "通知.pdf", "path": None, "sha256": None, "size": None, "content_type": None,
         "referer": URL}
    ]


def test_rearchiving_unchanged_touches_only_last_seen(archive):
    archive.store(make(), now="2026-01-01T00:00:00+00:00")
    before = rows(archive)
    assert archive.store(make(), now="2026-01-02T00:00:00+00:00") == UNCHANGED
    after = rows(archive)
    assert after[0].pop("last_seen_at") == "2026-01-02T00:00:00+00:00"
    before[0].pop("last_seen_at")
    assert after == before
    assert len(rows(archive, "attachments")) == 1


def test_republished_copy_becomes_an_alias(archive):
    copy_url = "http://jyj.example.cn/jyj/003004/20220208/def.html"
    archive.store(make())
    assert archive.store(make(url=copy_url, columns=["县区动态"])) == UNCHANGED
    [row] = rows(archive)
    assert row["url"] == URL
    assert json.loads(row["aliases"]) == [copy_url]
    assert json.loads(row["columns"]) == ["工作动态", "县区动态"]
    assert archive.find_id([copy_url]) == row["id"]


def test_http_https_twin_is_the_same_announcement(archive):
    archive.store(make())
    twin = URL.replace("http://", "https://")
    assert archive.store(make(url=twin, paragraphs=["改过的正文"])) == UPDATED
    [row] = rows(archive)
    assert row["url"] == URL
    assert json.loads(row["aliases"]) == [twin]


def test_cross_listing_adds_the_column_once(archive):
    archive.store(make())
    assert archive.record_listings("通知公告", [URL])
    assert archive.record_listings("通知公告", [URL])
    assert json.loads(rows(archive)[0]["columns"]) == ["工作动态", "通知公告"]
    assert not archive.record_listings("通知公告", ["http://jyj.example.cn/unknown.html"])


def test_changed_content_updates_the_row_and_sets_changed_at(archive):
    archive.store(make(), now="2026-01-01T00:00:00+00:00")
    outcome = archive.store(make(paragraphs=["第一段（修订）"]), now="2026-01-03T00:00:00+00:00")
    assert outcome == UPDATED
    [row] = rows(archive)
    assert row["body"] == "第一段（修订）"
    assert row["changed_at"] == "2026-01-03T00:00:00+00:00"
    assert row["first_seen_at"] == "2026-01-01T00:00:00+00:00"


def test_different_announcements_with_different_content_stay_apart(archive):
    archive.store(make())
    other = "http://jyj.example.cn/jyj/003001/20220209/xyz.html"
    assert archive.store(make(url=other, title="另一条通知")) == NEW
    assert len(rows(archive)) == 2


def test_failures_count_attempts_and_a_success_clears_them(archive):
    archive.record_failure(URL, "http_500", "HTTP 500", now="2026-01-01T00:00:00+00:00")
    archive.record_failure(URL, "http_500", "HTTP 500", now="2026-01-02T00:00:00+00:00")
    [failure] = rows(archive, "failures")
    assert (failure["attempts"], failure["first_at"], failure["last_at"]) == (
        2, "2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00")
    archive.store(make())
    assert rows(archive, "failures") == []


def test_a_crash_inside_a_store_leaves_no_half_record(archive, monkeypatch):
    def crash(*args):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(archive, "_add_attachments", crash)
    with pytest.raises(RuntimeError):
        archive.store(make())
    assert rows(archive) == []
    assert rows(archive, "announcement_urls") == []


def test_a_batch_is_seen_by_readers_once_committed_and_a_crash_inside_it_undoes_one_store(
        tmp_path, monkeypatch):
    archive = Archive.open(tmp_path / "archive.db")
    reader = Archive.open_for_reading(tmp_path / "archive.db")
    archive.begin_batch()
    archive.store(make())
    with monkeypatch.context() as patched:
        patched.setattr(archive, "_add_attachments", lambda *args: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            archive.store(make(url=URL.replace("abc", "def"), title="另一条"))
    archive.store(make(url=URL.replace("abc", "ghi"), title="第三条"))
    assert rows(reader) == []
    archive.commit_batch()
    assert [row["url"] for row in rows(reader)] == [URL, URL.replace("abc", "ghi")]
    archive.begin_batch()
    archive.store(make(url=URL.replace("abc", "jkl"), title="第四条"))
    archive.rollback_batch()
    assert len(rows(archive)) == len(rows(reader)) == 2
    reader.close()
    archive.close()


def test_runs_are_logged(archive):
    run_id = archive.start_run("full", now="2026-01-01T00:00:00+00:00")
    archive.finish_run(run_id, "ok", {"new": 3, "updated": 0, "unchanged": 1, "failed": 2,
                                       "requests": 9}, {"item_scraped_count": 4})
    [run] = rows(archive, "crawl_runs")
    assert run["status"] == "ok" and run["new"] == 3 and run["requests"] == 9
    assert json.loads(run["stats"]) == {"item_scraped_count": 4}


def test_migrations_apply_once_on_reopen(tmp_path):
    path = tmp_path / "archive.db"
    Archive.open(path).close()
    archive = Archive.open(path)
    assert migrations.pending(archive.db) == []
    assert archive.db.journal_mode == "wal"
    assert {"announcements", "attachments", "failures", "crawl_runs"} <= set(archive.db.table_names())
    archive.close()


def test_an_edit_keeps_the_previous_version(archive):
    archive.store(make(), now="2026-01-01T00:00:00+00:00")
    archive.store(make(), now="2026-01-02T00:00:00+00:00")
    assert rows(archive, "announcement_versions") == []
    archive.store(make(paragraphs=["第一段", "第二段（更正）"], source="市教育局"),
                  now="2026-01-03T00:00:00+00:00")
    [version] = rows(archive, "announcement_versions")
    assert version["recorded_at"] == "2026-01-03T00:00:00+00:00"
    assert json.loads(version["fields"]) == ["source", "paragraphs"]
    assert json.loads(version["old_values"]) == {"source": None, "paragraphs": '["第一段", "第二段"]'}


@pytest.mark.parametrize("reason", ["http_404", "not_found_page"])
def test_a_withdrawn_announcement_is_kept_and_marked_gone_until_it_returns(archive, reason):
    archive.store(make(), now="2026-01-01T00:00:00+00:00")
    archive.record_failure(URL, reason, "", now="2026-01-02T00:00:00+00:00")
    archive.record_failure(URL, reason, "", now="2026-01-03T00:00:00+00:00")
    [row] = rows(archive)
    assert row["gone_at"] == "2026-01-02T00:00:00+00:00"
    archive.store(make(), now="2026-01-04T00:00:00+00:00")
    assert rows(archive)[0]["gone_at"] is None
    assert rows(archive, "failures") == []


def test_a_transient_failure_does_not_mark_an_announcement_gone(archive):
    archive.store(make())
    archive.record_failure(URL, "http_500", "")
    assert rows(archive)[0]["gone_at"] is None


def test_known_listings_remember_the_list_entry(archive):
    archive.store(make(list_url=URL, list_title="【部署】许昌市2022年教育工作会议召开",
                       list_date="2022-02-07"))
    key = "//jyj.example.cn/jyj/003001/20220207/abc.html"
    assert archive.known_listings() == {key: ("【部署】许昌市2022年教育工作会议召开", "2022-02-07")}


def test_a_killed_run_is_closed_as_failed_by_the_next(archive):
    killed = archive.start_run("incremental")
    assert archive.close_interrupted_runs() == 1
    archive.start_run("catch-up")
    assert archive.db["crawl_runs"].get(killed)["status"] == "failed"
    assert archive.last_run()["id"] == killed
