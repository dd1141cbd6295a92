"""`xcedu feed`: the newest announcements of a column or a search as an Atom 1.0 feed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xcedu_crawler.archive.queries import FEED_LIMIT
from xcedu_crawler.archive.rows import utc_now
from xcedu_crawler.commands.common import (
    MAX_LIMIT,
    CommandError,
    db_option,
    filter_options,
    open_archive,
    replacing,
    subcommand,
)
from xcedu_crawler.feeds import atom_feed, feed_identity


def feed_title(column: str | None, query: str | None) -> str:
    selection = [part for part in (column, query and f"“{query}”") if part]
    return "Newest announcements" + (f": {' · '.join(selection)}" if selection else "")


@subcommand(
    "feed",
    "Write the newest announcements (by publication date) as an Atom 1.0 feed for any feed "
    "reader, with the same filters as export. An entry's id is made from its canonical URL "
    "and stays the same across runs and edits; its updated time is when the archive saw it "
    "change, else when it first saw it.",
    "xcedu feed --column 通知公告 --query 招生 -o feed.xml",
)
@db_option
@filter_options
@click.option("--query", help="only announcements holding every word (as for search)")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=FEED_LIMIT,
              help=f"at most this many entries, 1 to {MAX_LIMIT} (default {FEED_LIMIT})")
@click.option("--self-url", metavar="URL",
              help="the address the feed is published at: its self link and its id")
@click.option("--output", "-o", type=click.Path(allow_dash=True), default="-",
              help="file to write, replaced once complete (default -: stdout)")
def feed(db: str, query: str | None, limit: int, self_url: str | None, output: str,
         **filters: str | None) -> None:
    with open_archive(db) as archive:
        rows = archive.feed_rows(limit, query, **filters)
    document = atom_feed(
        rows, title=feed_title(filters["column"], query),
        feed_id=feed_identity({"query": query, **filters}, self_url),
        generated_at=utc_now(), self_url=self_url)
    if output == "-":
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return
    try:
        with replacing(Path(output), "wb") as out:
            out.write(document)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
    print(f"{len(rows)} entries written to {output}", file=sys.stderr)
