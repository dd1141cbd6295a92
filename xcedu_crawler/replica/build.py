"""build_site(): the whole replica, special cases first, then the ordinary announcements."""

from __future__ import annotations

from xcedu_crawler.replica.cases import add_special_cases
from xcedu_crawler.replica.ordinary import add_ordinary_announcements
from xcedu_crawler.replica.site import Site


def build_site(per_column: int = 23, page_size: int = 10) -> Site:
    """The replica with PER_COLUMN ordinary announcements per column; deterministic."""
    site = Site(page_size)
    add_special_cases(site)
    add_ordinary_announcements(site, per_column)
    site.seal()
    return site
