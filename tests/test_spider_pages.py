"""The spider's detail callback on fake responses: the tracking keys it is set up with, and the
plain values a multi-page article carries from request to request."""

from __future__ import annotations

import pickle

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from tests.badpages import detail_page
from xcedu_crawler.crawl.process import project_settings
from xcedu_crawler.crawl.spiders.xcedu import XceduSpider
from xcedu_crawler.items import ListEntry, RawAnnouncement

BASE = "http://127.0.0.1:8000"
ENTRY = ListEntry(url=f"{BASE}/a/1.html", title="关于开展安全检查的通知", date_raw="2022-03-01", column="通知公告")
ATTACHMENT = '<p><a href="/files/plan.pdf?ref=wx&amp;from=list">附件：计划.pdf</a></p>'


def spider(**settings) -> XceduSpider:
    crawler = get_crawler(XceduSpider, {**project_settings({"XCEDU_BASE_URL": BASE}).copy_to_dict(), **settings})
    return XceduSpider.from_crawler(crawler)


def response(url: str, body: str, request: Request | None = None) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=request)


def announcement(spider: XceduSpider, page: HtmlResponse) -> RawAnnouncement:
    [item] = spider.parse_detail(page, entry=ENTRY)
    return item


def test_the_tracking_keys_setting_is_what_the_detail_page_drops_from_its_urls():
    page = response(f"{ENTRY.url}?ref=wx&from=list", detail_page(ENTRY.title, "<p>请各校自查。</p>" + ATTACHMENT))
    by_default = announcement(spider(), page)
    assert by_default.url == f"{ENTRY.url}?ref=wx"
    assert [a.url for a in by_default.attachments] == [f"{BASE}/files/plan.pdf?ref=wx"]
    custom = announcement(spider(XCEDU_TRACKING_KEYS=["ref"]), page)
    assert custom.url == f"{ENTRY.url}?from=list"
    assert [a.url for a in custom.attachments] == [f"{BASE}/files/plan.pdf?from=list"]


def test_a_multi_page_article_carries_plain_values_to_its_next_part_and_ends_complete():
    xcedu = spider()
    first = response(ENTRY.url, detail_page(ENTRY.title, '<p>第一部分。</p><p><a href="1_2.html">下一页</a></p>'))
    [next_part] = xcedu.parse_detail(first, entry=ENTRY)
    assert next_part.url == f"{BASE}/a/1_2.html"
    # What a JOBDIR disk queue does with every request.
    queued = pickle.loads(pickle.dumps(next_part.to_dict(spider=xcedu)))
    second = response(next_part.url, detail_page(ENTRY.title, "<p>第二部分。</p>" + ATTACHMENT), next_part)
    [item] = xcedu.parse_detail(second, **queued["cb_kwargs"])
    assert item.url == ENTRY.url and item.site == "xuchang" and item.columns == ["通知公告"]
    assert item.paragraphs[0] == "第一部分。" and "第二部分。" in item.paragraphs
    assert [page.url for page in item.pages] == [ENTRY.url, next_part.url]
    assert [a.name for a in item.attachments] == ["附件：计划.pdf"]
