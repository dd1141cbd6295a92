"""Extraction: every saved page (raw bytes in their real encoding) against its expected JSON."""

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from xcedu_crawler.encoding import decoded_response
from xcedu_crawler.pages import DetailPage, ListPage
from xcedu_crawler.sites import get_profile

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
