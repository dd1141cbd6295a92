"""`xcedu reparse`: rebuild every announcement from its stored raw pages with today's extractors."""

from __future__ import annotations

import json
import logging
from collections import Counter
from functools import cache

import click

from xcedu_crawler import settings
from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.common import db_option, open_archive, subcommand
from xcedu_crawler.extract.detail_page import DetailPage
from xcedu_crawler.extract.elements import page_selector
from xcedu_crawler.extract.encoding import decoded_response
from xcedu_crawler.extract.normalize import IncompleteAnnouncement, normalize
from xcedu_crawler.extract.sites import SiteProfile, get_profile

logger = logging.getLogger(__name__)


def reparse_archive(archive: Archive, unrecorded_site: SiteProfile) -> Counter[str]:
    """Re-extract each announcement kept with its pages; counts of new/updated/unchanged/incomplete.

    Each is read with the profile of the site it records; UNRECORDED_SITE is for those
    archived before announcements recorded their site. No network: the pages are read from
    the archive. An edit found this way is stored as any edit is (the row updated, the
    previous values kept as a version).
    """
    outcomes: Counter[str] = Counter()
    profile_of = cache(get_profile)
    for row in archive.announcements_with_pages():
        profile = profile_of(row["site"]) if row["site"] else unrecorded_site
        parts = []
        for page_id in json.loads(row["page_ids"]):
            page = archive.page(page_id)
            response = decoded_response(page.url, page.body, page.headers, page.status)
            parts.append(DetailPage(page_selector(response), page.url, profile))
        # Its pages are in the archive already: the announcement brings none to keep.
        raw = parts[-1].to_item(
            entry=archive.list_entry(row["id"]), site=row["site"], url=row["url"],
            earlier=[part.part for part in parts[:-1]], aliases=json.loads(row["aliases"]),
            columns=json.loads(row["columns"]),
        )
        try:
            item = normalize(raw)
        except IncompleteAnnouncement as exc:
            # The archived record stays as it is; the extractor needs a look.
            logger.warning("Re-parse of %s gives no complete announcement: %s", row["url"], exc)
            outcomes["incomplete"] += 1
            continue
        outcomes[archive.store(item, seen=False)] += 1
    return outcomes


@subcommand(
    "reparse",
    "Rebuild every announcement from the raw pages kept in the archive with the current "
    "extractors, without network, and report how many records changed (edits are kept as "
    "versions).",
    "xcedu reparse --db data/xcedu.db",
)
@db_option
@click.option(
    "--site", default=settings.XCEDU_SITE,
    help="site profile for announcements that do not record their site, archived by "
    f"older versions (default {settings.XCEDU_SITE})",
)
def reparse(db: str, site: str) -> None:
    profile = get_profile(site)
    with open_archive(db, writing=True) as archive:
        outcomes = reparse_archive(archive, profile)
    print(f"re-parsed {sum(outcomes.values())} announcements: {outcomes['updated']} changed, "
          f"{outcomes['unchanged']} unchanged, {outcomes['incomplete']} left as they were (incomplete)")
