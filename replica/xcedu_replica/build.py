"""build_site(): the whole replica, special cases first, then the ordinary announcements."""

from __future__ import annotations

from xcedu_replica.cases import add_special_cases
from xcedu_replica.ordinary import add_ordinary_announcements
from xcedu_replica.site import Site
from xcedu_replica.variation import variation


def build_site(
    per_column: int = 23, page_size: int = 10, variation_seed: int | None = None
) -> Site:
    """The replica with PER_COLUMN ordinary announcements per column; deterministic. With a
    VARIATION_SEED, the same content in the markup that seed draws (None: the bureau's own)."""
    site = Site(page_size, variation(variation_seed))
    add_special_cases(site)
    add_ordinary_announcements(site, per_column)
    site.seal()
    return site
