"""The archive in Datasette: the list researchers land on, a notice's page, its files, searches, serve."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.test_archive import make
from xcedu_crawler.archive import Archive
from xcedu_crawler.items import Attachment, StoredFile

HOST = "http://jyj.example.cn/jyj"
PDF_URL = f"{HOST}/uploads/{quote('2022年中招政策问答.pdf')}"
PDF_BYTES = b"%PDF-1.4 the stored attachment"
IMAGE_URL, MISSING_IMAGE_URL = f"{HOST}/uploads/images/1.jpg", f"{HOST}/uploads/images/2.jpg"
LONG_PARAGRAPH = "各县（市、区）教育局要高度重视招生工作。" * 20


@pytest.fixture
def archive_path(tmp_path):
    """An archive of three notices: one edited, with a stored attachment; one dated to the day."""
    path = tmp_path / "x.db"
    files = tmp_path / "files"
    (files / "ab").mkdir(parents=True)
    (files / "ab" / "ab12.pdf").write_bytes(PDF_BYTES)
    archive = Archive.open(path)
    try:
        edited = dict(url=f"{HOST}/1.html", title="关于中招政策的通知", title_tag="通知",
                      source="市教育局基础教育科", columns=["通知公告"],
                      attachments=[Attachment(PDF_URL, "2022年中招政策问答.pdf")],
                      images=[IMAGE_URL, MISSING_IMAGE_URL])
        archive.store(make(**edited, paragraphs=["旧的第一段。"]))
        archive.store(make(**edited, paragraphs=["第一段：中招政策说明。", LONG_PARAGRAPH]))
        archive.record_file(StoredFile(PDF_URL, "ab/ab12.pdf", "ab12", len(PDF_BYTES), "application/pdf"))
        archive.record_file(StoredFile(IMAGE_URL, "cd/cd34.jpg", "cd34", 3, "image/jpeg"))
        archive.store(make(url=f"{HOST}/2.html", title="全市教育工作会议召开", title_tag=None,
                           published_at="2022-03-06T00:00:00+08:00", published_precision="day",
                           columns=["工作动态"], paragraphs=["会上提到中招。"], attachments=[]))
        archive.store(make(url=f"{HOST}/3.html", title="学前教育工作部署", title_tag=None,
                           published_at="2021-12-01T08:00:00+08:00", paragraphs=["无关。"],
                           attachments=[]))
    finally:
        archive.close()
    return path


def datasette_for(path):
    from datasette.app import Datasette

    from xcedu_crawler.browse import metadata

    return Datasette([str(path)], metadata=metadata(path.stem),
                     static_mounts=[("files", str(path.parent / "files"))])


def notice_id(path, url_tail: str) -> int:
    archive = Archive.open(path)
    try:
        return archive.db.execute("SELECT id FROM announcements WHERE url LIKE ?",
                                  [f"%{url_tail}"]).fetchone()[0]
    finally:
        archive.close()


@deferred_f_from_coro_f
async def test_the_list_shows_day_dates_columns_and_titles_linking_to_the_notice(archive_path):
    datasette = datasette_for(archive_path)
    listed = await datasette.client.get("/x/announcement_list.json?_shape=objects")
    assert listed.status_code == 200
    rows = listed.json()["rows"]
    assert [(r["date"], r["tag"], r["title"], r["attachments"]) for r in rows] == [
        ("2022-03-06", None, "全市教育工作会议召开", 0),
        ("2022-02-07 09:41", "通知", "关于中招政策的通知", 1),
        ("2021-12-01 08:00", None, "学前教育工作部署", 0),
    ]
    searched = await datasette.client.get("/x/announcement_list.json?_search=中招&_shape=objects")
    assert [r["title"] for r in searched.json()["rows"]] == ["全市教育工作会议召开", "关于中招政策的通知"]
    page = (await datasette.client.get("/x/announcement_list?_nocol=search_key")).text
    assert ">search_key</a>" not in page
    assert ">search_key</a>" in (await datasette.client.get("/x/announcement_list")).text
    first = notice_id(archive_path, "/1.html")
    assert f'<a href="/x/announcements/{first}">关于中招政策的通知</a>' in page
    assert ">通知公告<" in page and '["通知公告"]' not in page
    assert f'href="{HOST}/1.html"' in page
    # The index and the database page send a researcher to the list first.
    for start in ("/", "/x"):
        assert 'href="/x/announcement_list?_nocol=search_key"' in (await datasette.client.get(start)).text


@deferred_f_from_coro_f
async def test_the_wide_table_shortens_long_texts_and_decodes_file_urls(archive_path):
    datasette = datasette_for(archive_path)
    table = (await datasette.client.get("/x/announcements")).text
    assert LONG_PARAGRAPH not in table and LONG_PARAGRAPH[:20] in table
    attachments = (await datasette.client.get("/x/attachments")).text
    assert ">http://jyj.example.cn/jyj/uploads/2022年中招政策问答.pdf</a>" in attachments


@deferred_f_from_coro_f
async def test_a_notice_page_shows_paragraphs_attachments_and_what_changed(archive_path):
    datasette = datasette_for(archive_path)
    page = (await datasette.client.get(f"/x/announcements/{notice_id(archive_path, '/1.html')}")).text
    assert "<h1>【通知】关于中招政策的通知</h1>" in page
    assert "<p>第一段：中招政策说明。</p>" in page and f"<p>{LONG_PARAGRAPH}</p>" in page
    assert "来源：市教育局基础教育科" in page and ">2022-02-07 09:41</time>" in page
    assert '<a href="/files/ab/ab12.pdf" download="2022年中招政策问答.pdf">' in page
    # A stored image shows from the files folder; one never downloaded links to the site.
    assert '<img src="/files/cd/cd34.jpg"' in page and f'<a href="{MISSING_IMAGE_URL}">image 2</a>' in page
    versions = page[page.index("<h2>Versions</h2>"):page.index("<h2>Record</h2>")]
    assert "<summary>paragraphs</summary>" in versions and "<p>旧的第一段。</p>" in versions
    assert f'<a href="{HOST}/1.html">{HOST}/1.html</a>' in page
    day = (await datasette.client.get(f"/x/announcements/{notice_id(archive_path, '/2.html')}")).text
    assert ">2022-03-06</time>" in day and "No edits found" in day
    # Other tables' rows keep Datasette's own page.
    other = await datasette.client.get("/x/crawl_runs")
    assert other.status_code == 200


@deferred_f_from_coro_f
async def test_a_file_link_serves_the_stored_file_and_nothing_outside_the_folder(archive_path):
    datasette = datasette_for(archive_path)
    served = await datasette.client.get("/files/ab/ab12.pdf")
    assert served.status_code == 200 and served.content == PDF_BYTES
    for outside in ("/files/%2e%2e/x.db", "/files/ab/%2e%2e/%2e%2e/x.db", "/files//etc/passwd"):
        refused = await datasette.client.get(outside)
        assert refused.status_code == 404, outside
        assert b"SQLite format" not in refused.content and b"root:" not in refused.content


@deferred_f_from_coro_f
async def test_search_ranks_by_relevance_and_its_date_order_is_one_click_away(archive_path):
    datasette = datasette_for(archive_path)
    # 中招 is in the older notice's title, and only in the newer one's body.
    best = await datasette.client.get("/x/search.json?q=中招&_shape=objects")
    assert [r["title"] for r in best.json()["rows"]] == ["关于中招政策的通知", "全市教育工作会议召开"]
    page = (await datasette.client.get("/x/search?q=中招")).text
    link = re.search(r'<a href="(/x/search_by_date\?q=[^"]+)">newest first</a>', page)
    assert link and "<strong>best match first</strong>" in page
    by_date = await datasette.client.get(link.group(1))
    assert by_date.status_code == 200 and "<strong>newest first</strong>" in by_date.text
    newest = await datasette.client.get(link.group(1).replace("search_by_date?", "search_by_date.json?_shape=objects&"))
    assert [r["title"] for r in newest.json()["rows"]] == ["全市教育工作会议召开", "关于中招政策的通知"]
    # A result's title opens the notice, as in the list.
    assert f'<a href="/x/announcements/{notice_id(archive_path, "/1.html")}">' in page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def test_serve_stopped_by_sigterm_stops_datasette_and_removes_its_metadata_file(archive_path, tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "xcedu_crawler.cli", "serve", "--db", str(archive_path), "--port", str(port)],
        env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    datasette = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/files/ab/ab12.pdf", timeout=2) as got:
                    assert got.read() == PDF_BYTES
                break
            except OSError:
                assert serve.poll() is None and time.monotonic() < deadline, "xcedu serve did not answer"
                time.sleep(0.2)
        [datasette] = children_of(serve.pid)
        assert [path.suffix for path in temp.iterdir()] == [".json"]
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
        left_running = os.path.exists(f"/proc/{datasette}")
    finally:
        if serve.poll() is None:
            serve.kill()
        # A Datasette left behind by a failure is not left running after the test.
        if datasette and os.path.exists(f"/proc/{datasette}"):
            os.kill(datasette, signal.SIGKILL)
    assert not left_running
    assert list(temp.iterdir()) == []


def test_a_search_hit_s_attachment_url_is_a_short_link_not_the_url_in_full():
    from xcedu_crawler.browse.cells import LIST_VIEW, display

    url = "http://127.0.0.1:8000/jyj/uploads/%E6%8B%9B%E7%94%9F%E8%AE%A1%E5%88%92%E8%A1%A8%E6%A0%BC.xlsx"
    shown = display(url, "attachment_url", LIST_VIEW, "/x/announcements/1")
    assert shown == f'<a href="{url}" title="http://127.0.0.1:8000/jyj/uploads/招生计划表格.xlsx">file</a>'
