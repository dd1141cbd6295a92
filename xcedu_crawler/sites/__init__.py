"""Site profiles: everything the crawler knows about one site's markup, in one place."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FILE_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "dps", "ofd", "zip", "rar", "7z",
     "ppt", "pptx", "txt", "csv", "ceb"}
)


@dataclass(frozen=True)
class SiteProfile:
    """What differs between sites. Selectors are CSS unless named *_xpath; tuples are tried in order."""

    name: str
    base_url: str
    column_paths: tuple[str, ...]  # page 1 of each default column, relative to base_url

    # List pages
    column_name: tuple[str, ...]  # CSS selectors for the column name text, first hit wins
    list_entry: str  # one element per entry
    entry_link: str  # the entry's link, relative to the entry element
    entry_date: str  # the entry's date, relative to the entry element
    pager: str  # the pager container
    pager_next_texts: tuple[str, ...]  # link texts that mean "next list page"
    pager_total_regex: str  # finds "current/total" in the pager text

    # Detail pages
    title: tuple[str, ...]
    body: tuple[str, ...]  # the content container
    info_bar: tuple[str, ...]  # where labelled source and date are written
    source: tuple[str, ...]  # elements holding only the source text
    source_labels: tuple[str, ...]
    date_labels: tuple[str, ...]
    attachment_areas: tuple[str, ...]  # where attachment links may stand (body included)
    article_pager: tuple[str, ...]  # a multi-page article's own pager
    article_next_texts: tuple[str, ...]
    not_found_texts: tuple[str, ...]  # an error page served with HTTP 200
    file_extensions: frozenset[str] = FILE_EXTENSIONS

    def column_urls(self, base_url: str | None = None) -> list[str]:
        base = (base_url or self.base_url).rstrip("/")
        return [base + path for path in self.column_paths]


def get_profile(name: str) -> SiteProfile:
    """The profile called NAME: the `PROFILE` of module `xcedu_crawler.sites.NAME`."""
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        raise ValueError(f"no site profile named {name!r}") from exc
    return module.PROFILE
