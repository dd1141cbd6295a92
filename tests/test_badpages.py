"""The bad-page server itself: an ordinary list and article on it crawl like the replica's."""

from __future__ import annotations

from scrapy.crawler import AsyncCrawlerRunner
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import LOOPBACK_CRAWL_SETTINGS

from tests.badpages import BadPageServer, detail_page, list_page, reply
from tests.checks import runs
from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.common import files_dir_beside
from xcedu_crawler.crawl.process import project_settings
from xcedu_crawler.crawl.spiders.xcedu import XceduSpider


async def crawl_bad_pages(server: BadPageServer, db_path, *list_paths: str, **overrides) -> None:
    """One in-process crawl of SERVER's LIST_PATHS (default /list.html) into DB_PATH."""
    settings = project_settings({
        "XCEDU_DB": str(db_path), "XCEDU_FILES_DIR": str(files_dir_beside(db_path)),
        **LOOPBACK_CRAWL_SETTINGS, "RETRY_TIMES": 0, **overrides,
    })
    start_urls = ",".join(server.url(path) for path in list_paths or ("/list.html",))
    await AsyncCrawlerRunner(settings).crawl(XceduSpider, start_urls=start_urls)


@deferred_f_from_coro_f
async def test_an_ordinary_list_and_article_are_archived(tmp_path):
    routes = {
        "/list.html": reply(list_page([("/a/1.html", "关于做好双减工作的通知", "2022-03-01")])),
        "/a/1.html": reply(detail_page("关于做好双减工作的通知", ["第一段。", "第二段。"])),
    }
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "x.db")
    with Archive.open(tmp_path / "x.db") as archive:
        [row] = archive.db["announcements"].rows
    assert row["title"] == "关于做好双减工作的通知" and row["source"] == "测试局"
    assert row["published_at"] == "2022-03-01T09:30:00+08:00"
    assert row["body"] == "第一段。\n第二段。" and row["columns"] == '["通知公告"]'
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "ok", run["reason"]
