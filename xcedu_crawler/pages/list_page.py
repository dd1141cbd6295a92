"""A column list page: its column name, its entries and where the next list page is."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode, urljoin

from parsel import Selector

from xcedu_crawler.dates import find_date
from xcedu_crawler.items import ListEntry
from xcedu_crawler.pages.elements import inline_scripts
from xcedu_crawler.sites import DATASTORE, SCRIPT_PAGER, SiteProfile
from xcedu_crawler.text import normalize_space
from xcedu_crawler.urls import canonical_url, is_http_url

# TRS WCM writes its pager only as this call: createPageHTML(total, current, "index", "html").
CREATE_PAGE_HTML = re.compile(r'createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)')
# Hanweb JCMS: entries as CDATA records of a <datastore>, paging set up by a jpage() call.
DATASTORE_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)
JPAGE_SETTING = {
    "total": re.compile(r"totalRecord\s*:\s*(\d+)"),
    "per_page": re.compile(r"perPage\s*:\s*(\d+)"),
    "proxy": re.compile(r"""proxyUrl\s*:\s*["']([^"']+)["']"""),
    "params": re.compile(r"ajaxParam\s*:\s*(\{[^{}]*\})"),
}


@dataclass(frozen=True)
class NextPage:
    """Where the next list page is: a URL to GET, or (DATASTORE) a form to POST there."""

    url: str
    formdata: dict[str, str] | None = None
    paging: dict[str, Any] | None = None  # what the page after it needs to know


def script_pager_next(text: str, url: str) -> str | None:
    """The next page named by a createPageHTML(total, current, base, ext) call in TEXT.

    Page 0 is BASE.EXT and page i is BASE_i.EXT, in the folder of URL.
    """
    match = CREATE_PAGE_HTML.search(text)
    if match is None:
        return None
    total, current, base, extension = int(match[1]), int(match[2]), match[3], match[4]
    if current + 1 >= total:
        return None
    return urljoin(url, f"{base}_{current + 1}.{extension}")


class ListPage:
    def __init__(self, selector: Selector, url: str, profile: SiteProfile, column: str | None = None):
        self.selector = selector
        self.url = url
        self.profile = profile
        # A DATASTORE continuation (dataproxy XML) has no column name of its own.
        self._column = column

    @cached_property
    def column(self) -> str | None:
        if self._column:
            return self._column
        for css in self.profile.column_name:
            for text in self.selector.css(css).getall():
                name = normalize_space(text)
                if name:
                    return name
        return None

    @cached_property
    def _scripts(self) -> str:
        """The code of the page's inline scripts: where TRS and Hanweb keep pager and entries."""
        return " ".join(inline_scripts(self.selector.root))

    def _entry_nodes(self) -> list[Selector]:
        if self.profile.list_family == DATASTORE:
            # In the column page the datastore is script text; a dataproxy reply is XML.
            records = DATASTORE_RECORD.findall(self._scripts)
            records += self.selector.xpath("//record/text()").getall()
            return [node for record in records for node in Selector(text=record).css(self.profile.list_entry)]
        return self.selector.css(self.profile.list_entry)

    @cached_property
    def entries(self) -> list[ListEntry]:
        column = self.column or ""
        entries = []
        for node in self._entry_nodes():
            link = node.css(self.profile.entry_link)
            href = link.attrib.get("href", "").strip()
            if not href:
                continue
            url = urljoin(self.url, href)
            if not is_http_url(url):
                continue
            # The link text may be cut with "..."; the title attribute holds the whole title.
            title = normalize_space(link.attrib.get("title", "")) or normalize_space(
                "".join(link.css("::text").getall())
            )
            date_text = normalize_space(" ".join(node.css(self.profile.entry_date + " ::text").getall()))
            entries.append(ListEntry(url=url, title=title, date_raw=find_date(date_text), column=column,
                                     page_url=self.url))
        return entries

    @cached_property
    def total_pages(self) -> int | None:
        pager_text = " ".join(self.selector.css(self.profile.pager + " ::text").getall())
        match = re.search(self.profile.pager_total_regex, pager_text)
        return int(match.group(2)) if match else None

    def next_page(self, paging: dict[str, Any] | None = None) -> NextPage | None:
        """The next list page, or None on the last one (never the page itself)."""
        if self.profile.list_family == SCRIPT_PAGER:
            target = script_pager_next(self._scripts, self.url)
            return NextPage(target) if target else None
        if self.profile.list_family == DATASTORE:
            return self._next_datastore_page(paging or self._jpage_settings())
        target = self.next_page_url
        return NextPage(target) if target else None

    @cached_property
    def next_page_url(self) -> str | None:
        """PAGER_LINKS: the 下页 link's target, unless it is this page (the last one)."""
        for link in self.selector.css(self.profile.pager + " a"):
            text = normalize_space("".join(link.css("::text").getall()))
            href = link.attrib.get("href", "").strip()
            if text in self.profile.pager_next_texts and href and not href.startswith("javascript"):
                target = urljoin(self.url, href)
                if canonical_url(target) != canonical_url(self.url):
                    return target
        return None

    def _jpage_settings(self) -> dict[str, Any] | None:
        """The paging a Hanweb column page sets up: total, per page, proxy URL, form fields."""
        found = {name: pattern.search(self._scripts) for name, pattern in JPAGE_SETTING.items()}
        if not all(found.values()):
            return None
        return {
            "total": int(found["total"][1]),
            "per_page": int(found["per_page"][1]),
            "proxy": urljoin(self.url, found["proxy"][1]),
            "params": {k: str(v) for k, v in json.loads(found["params"][1]).items()},
            "next": int(found["per_page"][1]) + 1,  # the column page itself shows the first page
        }

    @staticmethod
    def _next_datastore_page(paging: dict[str, Any] | None) -> NextPage | None:
        if not paging or paging["next"] > paging["total"]:
            return None
        start, per_page = paging["next"], paging["per_page"]
        end = min(start + per_page - 1, paging["total"])
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
        return NextPage(f"{paging['proxy']}?{query}", formdata=paging["params"],
                        paging={**paging, "next": end + 1})
