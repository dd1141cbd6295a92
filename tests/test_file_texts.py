"""The file_texts table on in-memory archives: recording, re-reading, the backlog, search and export."""

from __future__ import annotations

import pytest

from tests.test_archive import make
from xcedu_crawler.archive import Archive
from xcedu_crawler.extract.documents import DocumentText
from xcedu_crawler.items import StoredFile

PDF_URL = "http://jyj.example.cn/jyj/uploads/a.pdf"
DIGEST = "a" * 64


def text(body: str, status: str = "ok", version: str = "6.0") -> DocumentText:
    return DocumentText(body, status, "" if status == "ok" else "why not", "pypdf", version, 2)


@pytest.fixture
def archive():
    archive = Archive.open(":memory:")
    archive.store(make(title="关于做好招生工作的通知", paragraphs=["详见附件。"]))
    archive.record_file(StoredFile(PDF_URL, f"aa/{DIGEST}.pdf", DIGEST, 100, "application/pdf"))
    yield archive
    archive.close()


def test_a_recorded_text_is_one_row_per_content_with_its_reader(archive):
    archive.record_file_text(DIGEST, text("第一页\n研学旅行安排"), now="2026-12-04T00:00:00+00:00")
    row = archive.file_text(DIGEST)
    assert {k: row[k] for k in ("sha256", "text", "status", "reason", "extractor",
                                "extractor_version", "pages", "chars", "extracted_at")} == {
        "sha256": DIGEST, "text": "第一页\n研学旅行安排", "status": "ok", "reason": None,
        "extractor": "pypdf", "extractor_version": "6.0", "pages": 2, "chars": 10,
        "extracted_at": "2026-12-04T00:00:00+00:00",
    }
    assert archive.file_text_digests() == {DIGEST}
    assert archive.file_text_counts() == {"ok": 1}


def test_an_attachment_s_text_finds_its_announcement_and_names_the_attachment(archive):
    archive.record_file_text(DIGEST, text("第一页\n研学旅行安排"))
    [hit] = archive.search("研学旅行")
    assert hit["title"] == "关于做好招生工作的通知"
    assert (hit["attachment"], hit["attachment_url"], hit["attachment_sha256"]) == (
        "通知.pdf", PDF_URL, DIGEST)
    # Every word in the one attachment's text, as in one announcement's.
    assert archive.search("研学 安排")
    assert not archive.search("研学 详见")
    assert archive.count(query="研学旅行") == 1


def test_a_match_in_the_announcement_s_own_text_ranks_first_and_names_no_attachment(archive):
    archive.store(make("http://jyj.example.cn/jyj/2.html", title="研学旅行工作会议召开",
                       published_at="2022-01-01T09:00:00+08:00", attachments=[]))
    archive.record_file_text(DIGEST, text("研学旅行安排"))
    hits = archive.search("研学旅行")
    assert [(h["title"], h["attachment"]) for h in hits] == [
        ("研学旅行工作会议召开", None), ("关于做好招生工作的通知", "通知.pdf")]
    # Filters apply to both kinds of hit.
    assert [h["title"] for h in archive.search("研学旅行", since="2022-02-01")] == [
        "关于做好招生工作的通知"]


def test_a_text_read_again_replaces_the_old_one_in_the_index_too(archive):
    archive.record_file_text(DIGEST, text("旧的文字", version="5.0"))
    archive.record_file_text(DIGEST, text("新的文字"))
    assert not archive.search("旧的")
    assert [h["attachment"] for h in archive.search("新的")] == ["通知.pdf"]
    assert archive.db.execute("SELECT count(*) FROM file_texts").fetchone()[0] == 1


def test_the_index_rebuilt_keeps_finding_attachment_text(archive):
    archive.record_file_text(DIGEST, text("研学旅行安排"))
    archive.rebuild_search_index()
    assert [h["attachment"] for h in archive.search("研学旅行")] == ["通知.pdf"]


def test_the_backlog_is_the_files_without_text_or_read_by_another_version(archive):
    [pending] = archive.file_text_backlog()
    assert (pending["sha256"], pending["path"]) == (DIGEST, f"aa/{DIGEST}.pdf")
    archive.record_file_text(DIGEST, text("", status="needs_ocr"))
    assert archive.file_text_backlog() == []
    assert archive.file_text_backlog({"pypdf": "6.0"}) == []
    assert len(archive.file_text_backlog({"pypdf": "6.1"})) == 1
    assert len(archive.file_text_backlog(needs_ocr=True)) == 1


def test_an_exported_attachment_carries_its_file_s_text(archive):
    [before] = archive.select("attachments")
    assert (before["text_status"], before["text"]) == (None, None)
    archive.record_file_text(DIGEST, text("研学旅行安排"))
    [row] = archive.select("attachments")
    assert (row["name"], row["text_status"], row["text"]) == ("通知.pdf", "ok", "研学旅行安排")
    assert list(row) == archive.columns("attachments")
