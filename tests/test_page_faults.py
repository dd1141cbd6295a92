"""Bad pages on a local server (cut, looping, endless, stalled, pathological): each ends as a failure row."""

from __future__ import annotations

import gzip
import socket
import sqlite3
import threading
from urllib.parse import parse_qs, urlsplit

from scrapy.downloadermiddlewares import cookies
from scrapy.utils.defer import deferred_f_from_coro_f
from sqlite_utils.utils import sqlite3 as archive_sqlite3

from tests.badpages import BadPageServer, detail_page, list_page, redirect, reply, stall
from tests.checks import runs, snapshot
from tests.test_badpages import crawl_bad_pages
from xcedu_crawler.archive import Archive
from xcedu_crawler.crawl.process import project_settings
from xcedu_crawler.crawl.spiders import xcedu as spider_module
from xcedu_crawler.items import FetchedPage

TITLE = "关于做好双减工作的通知"
PARAGRAPHS = ["为切实减轻义务教育阶段学生过重作业负担和校外培训负担，现就有关事项通知如下。", "第二段。"]


def archived(db_path) -> tuple[list[dict], dict[str, tuple[str, str]]]:
    """The announcements, and the failures by URL path as (reason, detail)."""
    data = snapshot(db_path)
    failures = {urlsplit(row["url"]).path: (row["reason"], row["detail"]) for row in data["failures"]}
    return data["announcements"], failures


def one_entry_list(path: str = "/a/1.html") -> dict:
    return {"/list.html": reply(list_page([(path, TITLE, "2022-03-01")]))}


@deferred_f_from_coro_f
async def test_a_gzip_body_cut_short_is_a_download_error_never_an_announcement(tmp_path):
    whole = gzip.compress(detail_page(TITLE, PARAGRAPHS * 40).encode("utf-8"))
    routes = {
        "/list.html": reply(list_page([("/a/cut.html", TITLE, "2022-03-01"),
                                       ("/a/whole.html", "完整的通知", "2022-03-02")])),
        # The header claims fewer bytes than the gzip stream has: the client reads only those.
        "/a/cut.html": reply(whole, headers={"Content-Encoding": "gzip"}, content_length=len(whole) // 2),
        "/a/whole.html": reply(gzip.compress(detail_page("完整的通知", PARAGRAPHS).encode("utf-8")),
                               headers={"Content-Encoding": "gzip"}),
    }
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db")
    rows, failures = archived(tmp_path / "x.db")
    assert [row["title"] for row in rows] == ["完整的通知"]
    assert rows[0]["body"] == "\n".join(PARAGRAPHS)
    reason, detail = failures["/a/cut.html"]
    assert reason == "download_error" and "truncated" in detail
    assert runs(tmp_path / "x.db")[0]["status"] == "ok"


@deferred_f_from_coro_f
async def test_redirect_loops_are_failures_and_an_off_site_redirect_is_an_external_entry(tmp_path):
    routes = {
        "/list.html": reply(list_page([("/a/1.html", "第一篇", "2022-03-01"), ("/a/3.html", "第三篇", "2022-03-02"),
                                       ("/a/4.html", "第四篇", "2022-03-03")])),
        "/a/1.html": redirect("/a/2.html"),
        "/a/2.html": redirect("/a/1.html"),
        "/a/3.html": redirect("/a/3.html"),
    }
    with BadPageServer(routes) as server:
        # localhost is another host name for the same server: were it followed, it would show.
        off_site = server.url("/elsewhere.html").replace("127.0.0.1", "localhost")
        routes["/a/4.html"] = redirect(off_site)
        server.routes.update(routes)
        await crawl_bad_pages(server, tmp_path / "x.db")
        asked = [path for _, path in server.requests]
    rows, failures = archived(tmp_path / "x.db")
    assert failures["/a/1.html"][0] == "redirect_loop"
    assert "/a/1.html → " in failures["/a/1.html"][1] and failures["/a/1.html"][1].endswith("/a/1.html")
    assert failures["/a/3.html"][0] == "redirect_loop"
    [external] = rows
    assert (external["kind"], external["url"], external["title"]) == ("external", off_site, "第四篇")
    assert "/elsewhere.html" not in asked
    assert runs(tmp_path / "x.db")[0]["status"] == "ok"


def endless_pager(new_entries: bool):
    """A list route whose every page links page N+1: with a new entry each time, or the same one."""

    def route(handler) -> None:
        number = int(parse_qs(urlsplit(handler.path).query).get("page", ["1"])[0])
        entry = f"/a/{number if new_entries else 1}.html"
        reply(list_page([(entry, f"通知{number if new_entries else 1}", "2022-03-01")],
                        next_path=f"/list.html?page={number + 1}"))(handler)

    return route


def articles(handler) -> None:
    reply(detail_page(f"通知{urlsplit(handler.path).path}", PARAGRAPHS))(handler)


@deferred_f_from_coro_f
async def test_a_pager_that_never_ends_is_stopped_at_the_limit_and_the_run_is_partial(tmp_path):
    with BadPageServer({"/list.html": endless_pager(new_entries=True), "/a/": articles}) as server:
        server.route_for = lambda path: server.routes["/list.html" if path.startswith("/list") else "/a/"]
        await crawl_bad_pages(server, tmp_path / "x.db", XCEDU_MAX_LIST_PAGES=7)
        list_requests = [path for _, path in server.requests if path.startswith("/list")]
    assert len(list_requests) == 7
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "partial"
    assert "column 通知公告: pager stopped: more than 7 list pages (XCEDU_MAX_LIST_PAGES)" in run["reason"]
    assert len(archived(tmp_path / "x.db")[0]) == 7


@deferred_f_from_coro_f
async def test_a_pager_that_repeats_its_entries_is_stopped_at_once_and_the_run_is_partial(tmp_path):
    with BadPageServer({"/list.html": endless_pager(new_entries=False), "/a/": articles}) as server:
        server.route_for = lambda path: server.routes["/list.html" if path.startswith("/list") else "/a/"]
        await crawl_bad_pages(server, tmp_path / "x.db")
        list_requests = [path for _, path in server.requests if path.startswith("/list")]
    assert len(list_requests) <= 3
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "partial" and "lists nothing not already listed" in run["reason"]


def deep(levels: int, tag: str, inner: str) -> str:
    return f"<{tag}>" * levels + inner + f"</{tag}>" * levels


@deferred_f_from_coro_f
async def test_ten_thousand_nested_elements_give_an_announcement_or_a_failure_never_silence(tmp_path):
    routes = {
        "/list.html": reply(list_page([("/a/div.html", "嵌套一", "2022-03-01"), ("/a/span.html", "嵌套二", "2022-03-02"),
                                       ("/a/shallow.html", "嵌套三", "2022-03-03")])),
        "/a/div.html": reply(detail_page("嵌套一", deep(10_000, "div", "<p>深处的段落。</p>"))),
        "/a/span.html": reply(detail_page("嵌套二", deep(10_000, "span", "深处的文字。"))),
        "/a/shallow.html": reply(detail_page("嵌套三", deep(1_500, "div", "<p>较深的段落。</p>"))),
    }
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db")
    rows, failures = archived(tmp_path / "x.db")
    by_path = {urlsplit(row["url"]).path: row for row in rows}
    assert by_path["/a/shallow.html"]["body"] == "较深的段落。"
    # libxml2 keeps 2,048 levels and drops what lies deeper without a word: the body is
    # empty, which is a parse failure, not an announcement without text.
    for path in ("/a/div.html", "/a/span.html"):
        assert path not in by_path and failures[path] == ("parse", "empty body: no paragraph and no image")


@deferred_f_from_coro_f
async def test_an_exception_in_a_callback_is_a_failure_row_for_that_url(tmp_path, monkeypatch):
    real_detail_page = spider_module.DetailPage

    def breaking(selector, url, profile, **options):
        if url.endswith("/a/bad.html"):
            raise RecursionError("maximum recursion depth exceeded")
        return real_detail_page(selector, url, profile, **options)

    monkeypatch.setattr(spider_module, "DetailPage", breaking)
    routes = {
        "/list.html": reply(list_page([("/a/bad.html", "坏页", "2022-03-01"), ("/a/1.html", TITLE, "2022-03-02")])),
        "/a/bad.html": reply(detail_page("坏页", PARAGRAPHS)),
        "/a/1.html": reply(detail_page(TITLE, PARAGRAPHS)),
    }
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db")
    rows, failures = archived(tmp_path / "x.db")
    assert [row["title"] for row in rows] == [TITLE]
    assert failures["/a/bad.html"] == ("parse", "could not be read: RecursionError: maximum recursion depth exceeded")


def article_with_attachment(handler) -> None:
    reply(detail_page(TITLE, '<p>见附件。</p><p><a href="/files/big.pdf">附件：招生计划.pdf</a></p>'))(handler)


@deferred_f_from_coro_f
async def test_a_stalled_attachment_times_out_with_its_own_timeout_and_says_so(tmp_path):
    routes = {**one_entry_list(), "/a/1.html": article_with_attachment,
              "/files/big.pdf": stall(60, announced_size=5_000)}
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db", XCEDU_FILE_TIMEOUT=1, XCEDU_FILE_RETRY_TIMES=0)
        asked = [path for _, path in server.requests]
    rows, failures = archived(tmp_path / "x.db")
    assert [row["title"] for row in rows] == [TITLE]
    assert failures["/files/big.pdf"] == ("download_error", "file download failed: timed out after 1 s")
    assert asked.count("/files/big.pdf") == 1
    assert not list((tmp_path / "files").rglob("*.pdf"))
    assert runs(tmp_path / "x.db")[0]["status"] == "ok"


@deferred_f_from_coro_f
async def test_an_attachment_larger_than_the_file_limit_is_refused_at_its_headers(tmp_path):
    routes = {**one_entry_list(), "/a/1.html": article_with_attachment,
              "/files/big.pdf": stall(60, announced_size=200_000_000)}
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db", XCEDU_FILE_MAXSIZE=10_000_000)
    _, failures = archived(tmp_path / "x.db")
    reason, detail = failures["/files/big.pdf"]
    assert reason == "download_error" and "larger than download max size (10000000)" in detail


def test_the_project_makes_no_request_its_user_did_not_ask_for(monkeypatch):
    settings = project_settings()
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    looked_up = []

    def no_network(host, *args, **kwargs):
        looked_up.append(host)
        raise OSError(f"no network in this test: {host}")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    import xcedu_crawler.crawl.middlewares  # noqa: F401 - the import is what makes tldextract offline

    # What CookiesMiddleware asks on every Set-Cookie with a Domain attribute.
    assert cookies._is_public_domain("com.cn") and not cookies._is_public_domain("jyj.xuchang.gov.cn")
    assert looked_up == []


@deferred_f_from_coro_f
async def test_a_crawl_through_cookies_makes_no_outside_request(tmp_path, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo
    outside = []

    def loopback_only(host, *args, **kwargs):
        if host not in {"127.0.0.1", "localhost"}:
            outside.append(host)
            raise OSError(f"no network in this test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    routes = {"/list.html": reply(list_page([("/a/1.html", TITLE, "2022-03-01")]),
                                  headers={"Set-Cookie": "JSESSIONID=abc; Domain=127.0.0.1; Path=/"}),
              "/a/1.html": reply(detail_page(TITLE, PARAGRAPHS))}
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db")
    assert outside == []
    assert len(archived(tmp_path / "x.db")[0]) == 1


@deferred_f_from_coro_f
async def test_an_announcement_that_cannot_be_stored_is_a_failure_and_the_run_partial(tmp_path, monkeypatch, caplog):
    real_store = Archive.store

    def store(self, item, *args, **kwargs):
        if item.url.endswith("/a/bad.html"):
            raise sqlite3.IntegrityError("CHECK constraint failed: title")
        return real_store(self, item, *args, **kwargs)

    monkeypatch.setattr(Archive, "store", store)
    routes = {
        "/list.html": reply(list_page([("/a/bad.html", "坏页", "2022-03-01"), ("/a/1.html", TITLE, "2022-03-02")])),
        "/a/bad.html": reply(detail_page("坏页", ["正文" * 20_000])),
        "/a/1.html": reply(detail_page(TITLE, PARAGRAPHS)),
    }
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db", LOG_LEVEL="DEBUG")
    rows, failures = archived(tmp_path / "x.db")
    assert [row["title"] for row in rows] == [TITLE]
    assert failures["/a/bad.html"] == (
        "store_error", "could not be stored: IntegrityError: CHECK constraint failed: title")
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "partial" and "1 announcement(s) could not be stored" in run["reason"]
    # No log line carries a raw page (the bad page alone is 120 KB).
    assert max(len(record.getMessage()) for record in caplog.records) < 60_000
    assert not any("<html" in record.getMessage() for record in caplog.records)


@deferred_f_from_coro_f
async def test_a_busy_archive_is_waited_for_not_dropped(tmp_path):
    db_path = tmp_path / "x.db"
    with Archive.open(db_path):
        pass
    # The archive's own sqlite3 module: two SQLite libraries in one process do not see each
    # other's locks (POSIX locks belong to the process), and would not exclude each other.
    reader = archive_sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN IMMEDIATE")  # another writer's lock, as a backup or a reindex holds it
    # Longer than Python's own 5 s wait, which alone would fail the crawl's first write.
    threading.Timer(6, reader.commit).start()
    with BadPageServer({**one_entry_list(), "/a/1.html": reply(detail_page(TITLE, PARAGRAPHS))}) as server:
        await crawl_bad_pages(server, db_path)
    reader.close()
    assert [row["title"] for row in archived(db_path)[0]] == [TITLE]
    assert runs(db_path)[0]["status"] == "ok"


def test_a_kept_page_is_never_printed_whole():
    page = FetchedPage("http://x.cn/a.html", 200, {}, b"<html>" + b"x" * 100_000, "2022-03-01T00:00:00+00:00")
    assert "xxxx" not in repr(page) and "http://x.cn/a.html" in repr(page)


@deferred_f_from_coro_f
async def test_a_list_page_that_yields_nothing_makes_the_run_partial_never_ok(tmp_path):
    empty = list_page([]).replace("<ul class=\"ewb-list\">", "<ul class=\"ewb-list\"><li>暂无信息</li>")
    with BadPageServer({"/list.html": reply(empty)}) as server:
        await crawl_bad_pages(server, tmp_path / "x.db")
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "partial"
    assert "column 通知公告: list page " in run["reason"] and "shows no entries" in run["reason"]
