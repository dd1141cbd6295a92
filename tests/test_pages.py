"""Extraction: every saved page (raw bytes in their real encoding) against its expected JSON."""

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from xcedu_crawler.extract.detail_page import DetailPage
from xcedu_crawler.extract.encoding import decoded_response
from xcedu_crawler.extract.list_page import ListPage
from xcedu_crawler.extract.sites import get_profile

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
PROFILE = get_profile("xuchang")


def load(name: str) -> tuple[dict, HtmlResponse]:
    spec = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    body = (FIXTURES / f"{name}.html").read_bytes()
    return spec, decoded_response(spec["url"], body, {"Content-Type": spec["content_type"]})


def fixture_names(kind: str) -> list[str]:
    names = []
    for path in sorted(FIXTURES.glob("*.json")):
        if json.loads(path.read_text(encoding="utf-8"))["page"] == kind:
            names.append(path.stem)
    return names


@pytest.mark.parametrize("name", fixture_names("detail"))
def test_detail_page(name):
    spec, response = load(name)
    page = DetailPage(response.selector, response.url, PROFILE)
    expected = spec["expected"]
    assert page.title == expected["title"]
    assert page.source == expected["source"]
    assert (page.dates[0].raw if page.dates else None) == expected["published_raw"]
    assert page.paragraphs == expected["paragraphs"]
    assert page.images == expected["images"]
    assert [asdict(a) for a in page.attachments] == expected["attachments"]
    assert page.next_part_url == expected["next_part_url"]
    assert page.redirect_url == expected["redirect_url"]
    assert page.is_not_found == expected["not_found"]


@pytest.mark.parametrize("name", fixture_names("list"))
def test_list_page(name):
    spec, response = load(name)
    page = ListPage(response.selector, response.url, PROFILE)
    expected = spec["expected"]
    assert page.column == expected["column"]
    assert [asdict(e) for e in page.entries] == [
        {**entry, "column": expected["column"], "page_url": spec["url"]} for entry in expected["entries"]
    ]
    assert page.next_page_url == expected["next_page_url"]
    assert page.total_pages == expected["total_pages"]


def test_there_are_fixtures_of_both_kinds():
    assert len(fixture_names("detail")) >= 10 and len(fixture_names("list")) >= 2


def nested_divs(depth: int, inner_html: str) -> str:
    return "<div>" * depth + inner_html + "</div>" * depth


def deep_detail_page(depth: int) -> DetailPage:
    article = nested_divs(depth, "<p>深处的段落。</p>")
    body = f'<h1 class="ewb-article-title">深页</h1><div id="mainContent">{article}</div>'
    response = HtmlResponse(
        "http://jyj.xuchang.gov.cn/jyj/003001/1.html",
        body=f"<html><head><title>深页</title></head><body>{body}</body></html>".encode(),
        encoding="utf-8",
    )
    return DetailPage(response.selector, response.url, PROFILE)


def read_every_field(page: DetailPage) -> None:
    fields = ("title", "source", "dates", "paragraphs", "images", "attachments", "next_part_url",
              "redirect_url", "is_not_found", "provenance")  # fmt: skip
    for field in fields:
        getattr(page, field)


def test_a_detail_page_nested_deeper_than_python_recurses_gives_its_paragraph():
    page = deep_detail_page(1500)
    read_every_field(page)
    assert (page.title, page.paragraphs) == ("深页", ["深处的段落。"])


def test_a_detail_page_nested_deeper_than_libxml2_keeps_raises_nothing():
    page = deep_detail_page(10_000)
    read_every_field(page)
    # libxml2 stops building the tree at 2,048 levels (parsel asks it for huge trees):
    # the paragraph is only found if this lxml kept it.
    kept = "深处的段落。" in "".join(page.selector.root.itertext())
    assert page.title == "深页"
    assert page.paragraphs == (["深处的段落。"] if kept else [])


@pytest.mark.parametrize("depth", [1500, 10_000])
def test_a_list_page_nested_deeply_raises_nothing(depth):
    entry = (
        '<li class="ewb-list-node"><a href="1.html" title="深处的条目">深处的条目</a>'
        '<span class="ewb-list-date">2022-02-07</span></li>'
    )
    column = '<div class="ewb-column-title">工作动态</div>'
    html = f"<html><body>{column}{nested_divs(depth, f'<ul>{entry}</ul>')}</body></html>"
    url = "http://jyj.xuchang.gov.cn/jyj/003001/moreinfo.html"
    response = HtmlResponse(url, body=html.encode(), encoding="utf-8")
    page = ListPage(response.selector, response.url, PROFILE)
    kept = "深处的条目" in "".join(response.selector.root.itertext())
    assert kept or depth > 2048
    assert page.column == "工作动态"
    assert [entry.title for entry in page.entries] == (["深处的条目"] if kept else [])
    assert (page.next_page(), page.total_pages) == (None, None)
