"""`xcedu reindex`: rebuild the full-text search index (and bring an older archive up to date)."""

from __future__ import annotations

from xcedu_crawler.commands.common import db_option, open_archive, subcommand


@subcommand(
    "reindex",
    "Rebuild the full-text search index from the announcements "
    "(and bring an archive written by an older version up to date).",
    "xcedu reindex --db data/xcedu.db",
)
@db_option
def reindex(db: str) -> None:
    with open_archive(db, writing=True) as archive:
        print(f"indexed {archive.rebuild_search_index()} announcements")
