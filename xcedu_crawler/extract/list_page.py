"""A column list page: its column name, its entries and where the next list page is."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from urllib.parse import urlencode, urljoin

from lxml.etree import _Element
from parsel import Selector

from xcedu_crawler.extract import discovery
from xcedu_crawler.extract.dates import find_date
from xcedu_crawler.extract.elements import inline_scripts, texts
from xcedu_crawler.extract.sites import PAGER_LINKS, SiteProfile
from xcedu_crawler.extract.text import normalize_space
from xcedu_crawler.extract.urls import TRACKING_KEYS_DEFAULT, canonical_url, is_http_url
from xcedu_crawler.items import ListEntry

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
class DatastorePaging:
    """How a Hanweb column's records go on past its page: what each later page's POST needs."""

    total: int  # records in the column
    per_page: int
    proxy: str  # the dataproxy URL the form is posted to
    params: dict[str, str]  # the form's fields
    next: int  # the first record of the next page (records count from 1)


@dataclass(frozen=True)
class NextPage:
    """Where the next list page is: a URL to GET, or (DATASTORE) a form to POST there."""

    url: str
    formdata: dict[str, str] | None = None
    paging: DatastorePaging | None = None  # what the page after it needs to know


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
    """A list page read by its profile's selectors where they match, by discovery where they do not.

    `provenance` says which rule gave the column name, the entries and (once `next_page`
    has been asked) the pager.
    """

    def __init__(self, selector: Selector, url: str, profile: SiteProfile, column: str | None = None,
                 tracking_keys: Iterable[str] = TRACKING_KEYS_DEFAULT):
        self.selector = selector
        self.url = url
        self.profile = profile
        self.tracking_keys = tuple(tracking_keys)  # the query keys its canonical URLs drop
        # A DATASTORE continuation (dataproxy XML) has no column name of its own.
        self._column = column
        self._rules: dict[str, str] = {}

    @cached_property
    def column(self) -> str | None:
        if self._column:
            self._rules["column"] = "given"
            return self._column
        for css in self.profile.column_name:
            for text in self.selector.css(css).getall():
                name = normalize_space(text)
                if name:
                    self._rules["column"] = "profile"
                    return name
        root = self.selector.root
        for rule, find in (("breadcrumb", lambda: discovery.breadcrumb_column(root)),
                           ("heading", lambda: discovery.heading_column(root, self._discovered_nodes)),
                           ("meta:ColumnName", self._column_meta),
                           ("title", lambda: discovery.title_column(root))):
            if name := find():
                self._rules["column"] = rule
                return name
        return None

    @property
    def provenance(self) -> dict[str, str]:
        """Field → the rule that found it: column, entries, and pager once it was read."""
        # Found on first reading, which records the rule: read them here if nobody has.
        _ = self.column, self.entries
        return dict(self._rules)

    def _column_meta(self) -> str | None:
        return normalize_space(self.selector.xpath("//meta[@name='ColumnName']/@content").get() or "") or None

    @cached_property
    def _scripts(self) -> str:
        """The code of the page's inline scripts: where TRS and Hanweb keep pager and entries."""
        return " ".join(inline_scripts(self.selector.root))

    @cached_property
    def _records(self) -> list[Selector]:
        """Hanweb datastore records, parsed: script text in the column page, XML in a dataproxy reply."""
        found = DATASTORE_RECORD.findall(self._scripts) + self.selector.xpath("//record/text()").getall()
        return [Selector(text=record) for record in found]

    @cached_property
    def _discovered_nodes(self) -> list[_Element]:
        if self._records:
            return [node for record in self._records for node in discovery.entry_nodes(record.root)
                    ] or [record.root for record in self._records]
        return discovery.entry_nodes(self.selector.root)

    def _entry_nodes(self) -> list[tuple[_Element, _Element | None]]:
        """Each entry with its link (None: the profile's entry_link selector decides)."""
        if self.profile.list_entry:
            if self._records:
                nodes = [node for record in self._records for node in record.css(self.profile.list_entry)]
            else:
                nodes = self.selector.css(self.profile.list_entry)
            if nodes:
                self._rules["entries"] = "profile"
                return [(node.root, None) for node in nodes]
        self._rules["entries"] = "discovery"
        return [(node, discovery.title_link(node)) for node in self._discovered_nodes]

    @cached_property
    def entries(self) -> list[ListEntry]:
        column = self.column or ""
        entries = []
        for node, link in self._entry_nodes():
            if link is None:
                found = Selector(root=node).css(self.profile.entry_link)
                if not found:
                    continue
                link = found[0].root
            href = (link.get("href") or "").strip()
            if not href:
                continue
            url = urljoin(self.url, href)
            if not is_http_url(url):
                continue
            date_text = ""
            if self._rules["entries"] == "profile":
                date_text = " ".join(Selector(root=node).css(self.profile.entry_date + " ::text").getall())
            date_text = normalize_space(date_text) or self._date_beside(node, link)
            entries.append(ListEntry(url=url, title=discovery.link_title(link), date_raw=find_date(date_text),
                                     column=column, page_url=self.url))
        return entries

    @staticmethod
    def _date_beside(node: _Element, link: _Element) -> str:
        """The entry's date: in its text outside the title link, else anywhere in it."""
        title = set(texts(link))
        outside = " ".join(text for text in texts(node) if text not in title)
        return outside if find_date(outside) else " ".join(texts(node))

    @cached_property
    def total_pages(self) -> int | None:
        pager_text = " ".join(self.selector.css(self.profile.pager + " ::text").getall())
        match = re.search(self.profile.pager_total_regex, pager_text)
        return int(match.group(2)) if match else None

    def next_page(self, paging: DatastorePaging | None = None) -> NextPage | None:
        """The next list page, or None on the last one (never the page itself).

        The profile's pager family first; a page whose pager it cannot find is read by
        every style real sites use, in turn.
        """
        if paging is not None:
            return self._next_datastore_page(paging)
        if self.profile.list_family == PAGER_LINKS and self.selector.css(self.profile.pager):
            self._rules["pager"] = "profile"
            target = self.next_page_url
            return NextPage(target) if target else None
        # The scripted pagers of the CMS families, whichever family the profile names: a
        # page says by its own script which one it uses.
        if (settings := self._jpage_settings()) is not None:
            self._rules["pager"] = "jpage"
            return self._next_datastore_page(settings)
        if CREATE_PAGE_HTML.search(self._scripts):
            self._rules["pager"] = "createPageHTML"
            target = script_pager_next(self._scripts, self.url)
            return NextPage(target) if target else None
        root = self.selector.root
        for rule, find in (("next-link", lambda: discovery.next_link(root, self.url)),
                           ("script-count", lambda: discovery.counted_next(self._scripts, self.url)),
                           ("page-numbers", lambda: discovery.numbered_next(root, self.url))):
            if target := find():
                self._rules["pager"] = rule
                # Never past the page count the pager states (a 下一页 that stays live on the last page).
                stated = discovery.stated_page_count(root, self.url)
                number = discovery.page_number(target)
                if stated is not None and number is not None and number > stated:
                    return None
                return NextPage(target)
        return None

    @cached_property
    def next_page_url(self) -> str | None:
        """PAGER_LINKS: the 下页 link's target, unless it is this page (the last one)."""
        for link in self.selector.css(self.profile.pager + " a"):
            text = normalize_space("".join(link.css("::text").getall()))
            href = link.attrib.get("href", "").strip()
            if text in self.profile.pager_next_texts and href and not href.startswith("javascript"):
                target = urljoin(self.url, href)
                if canonical_url(target, self.tracking_keys) != canonical_url(self.url, self.tracking_keys):
                    return target
        return None

    def _jpage_settings(self) -> DatastorePaging | None:
        """The paging a Hanweb column page sets up: total, per page, proxy URL, form fields."""
        found = {name: pattern.search(self._scripts) for name, pattern in JPAGE_SETTING.items()}
        if not all(found.values()):
            return None
        return DatastorePaging(
            total=int(found["total"][1]),
            per_page=int(found["per_page"][1]),
            proxy=urljoin(self.url, found["proxy"][1]),
            # A JavaScript literal on real pages (unquoted keys, single quotes), not JSON.
            params={k: str(v) for k, v in discovery.js_object(found["params"][1]).items()},
            next=int(found["per_page"][1]) + 1,  # the column page itself shows the first page
        )

    @staticmethod
    def _next_datastore_page(paging: DatastorePaging) -> NextPage | None:
        if paging.next > paging.total:
            return None
        end = min(paging.next + paging.per_page - 1, paging.total)
        query = urlencode({"startrecord": paging.next, "endrecord": end, "perpage": paging.per_page})
        return NextPage(f"{paging.proxy}?{query}", formdata=paging.params,
                        paging=replace(paging, next=end + 1))
