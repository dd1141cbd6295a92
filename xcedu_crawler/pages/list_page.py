"""A column list page: its column name, its entries and where the pager leads."""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urljoin

from parsel import Selector

from xcedu_crawler.dates import find_date
from xcedu_crawler.items import ListEntry
from xcedu_crawler.sites import SiteProfile
from xcedu_crawler.text import normalize_space
from xcedu_crawler.urls import canonical_url, is_http_url


class ListPage:
    def __init__(self, selector: Selector, url: str, profile: SiteProfile):
        self.selector = selector
        self.url = url
        self.profile = profile

    @cached_property
    def column(self) -> str | None:
        for css in self.profile.column_name:
            for text in self.selector.css(css).getall():
                name = normalize_space(text)
                if name:
                    return name
        return None

    @cached_property
    def entries(self) -> list[ListEntry]:
        column = self.column or ""
        entries = []
        for node in self.selector.css(self.profile.list_entry):
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

    @cached_property
    def next_page_url(self) -> str | None:
        """The next list page, or None on the last one (where the pager's 下页 links to itself)."""
        for link in self.selector.css(self.profile.pager + " a"):
            text = normalize_space("".join(link.css("::text").getall()))
            href = link.attrib.get("href", "").strip()
            if text in self.profile.pager_next_texts and href and not href.startswith("javascript"):
                target = urljoin(self.url, href)
                if canonical_url(target) != canonical_url(self.url):
                    return target
        return None
