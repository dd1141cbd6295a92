"""Site profiles: everything the crawler knows about one site's markup, in one place."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FILE_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "dps", "ofd", "zip", "rar", "7z",
     "ppt", "pptx", "txt", "csv", "ceb"}
)


# Labels every Chinese government CMS uses; a profile names its own only if they differ.
DATE_LABELS = ("信息时间", "发布时间", "发布日期")
SOURCE_LABELS = ("信息来源", "来源")
NOT_FOUND_TEXTS = ("页面不存在", "您访问的页面不存在", "页面已删除")

# How a family's list pages lead to the next one.
PAGER_LINKS = "pager-links"  # Epoint: a 下页 link (on the last page, to itself)
SCRIPT_PAGER = "script-pager"  # TRS WCM: createPageHTML(total, current, "index", "html")
DATASTORE = "datastore"  # Hanweb JCMS: <datastore> XML, further pages POSTed to dataproxy.jsp


@dataclass(frozen=True)
class SiteProfile:
    """What one site's markup looks like. Selectors are CSS, tried in order; an empty tuple
    leaves the field to the generic fallbacks of extract/detail_page.py."""

    name: str
    base_url: str
    column_paths: tuple[str, ...]  # page 1 of each default column, relative to base_url

    # List pages. Each selector is a pin: where it finds nothing, extract/discovery.py reads
    # the page itself (breadcrumb, repeated entries, any pager style), as for a site with
    # no profile at all.
    column_name: tuple[str, ...] = ()  # CSS selectors for the column name text, first hit wins
    list_entry: str = ""  # one element per entry (within a datastore record for DATASTORE)
    entry_link: str = "a"  # the entry's link, relative to the entry element
    entry_date: str = "span"  # the entry's date, relative to the entry element
    list_family: str | None = None  # None: whichever pager the page shows
    pager: str = ".ewb-page"  # PAGER_LINKS: the pager container
    pager_next_texts: tuple[str, ...] = ("下页", "下一页")
    pager_total_regex: str = r"(\d+)\s*/\s*(\d+)"  # PAGER_LINKS: finds "current/total"

    # Detail pages
    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()  # the content container
    info_bar: tuple[str, ...] = ()  # where labelled source and date are written
    source: tuple[str, ...] = ()  # elements holding only the source text
    source_labels: tuple[str, ...] = SOURCE_LABELS
    date_labels: tuple[str, ...] = DATE_LABELS
    attachment_areas: tuple[str, ...] = ()  # where attachment links may stand, besides the body
    article_pager: tuple[str, ...] = ()  # a multi-page article's own pager links
    article_next_texts: tuple[str, ...] = ("下一页", "下页")
    not_found_texts: tuple[str, ...] = NOT_FOUND_TEXTS  # an error page served with HTTP 200
    file_extensions: frozenset[str] = FILE_EXTENSIONS

    def column_urls(self, base_url: str | None = None) -> list[str]:
        base = (base_url or self.base_url).rstrip("/")
        return [base + path for path in self.column_paths]


def get_profile(name: str) -> SiteProfile:
    """The profile called NAME: the `PROFILE` of module `xcedu_crawler.extract.sites.NAME`."""
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        raise ValueError(f"no site profile named {name!r}") from exc
    return module.PROFILE
