"""`xcedu stats`: announcements per column per month, the top sources, the date range."""

from __future__ import annotations

import json
from typing import Any

import click

from xcedu_crawler.commands.common import (
    db_option,
    display_time,
    format_table,
    open_archive,
    subcommand,
)


@subcommand(
    "stats",
    "What the archive holds: announcements per column per month, the top sources, and the "
    "first and last publication dates; --format json prints them as one object.",
    "xcedu stats --format json",
)
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def stats(db: str, fmt: str) -> None:
    with open_archive(db) as archive:
        counts = archive.stats()
    if fmt == "json":
        # One object: the figures are of the whole archive, not rows of a table.
        print(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    print(f"{counts['total']} announcements, published "
          f"{display_time(counts['first'], 'day') or '?'} … "
          f"{display_time(counts['last'], 'day') or '?'}\n")
    print(format_table(per_month_table(counts["per_month"]), ["month", *column_names(counts)]))
    print("Top sources:")
    print(format_table(counts["top_sources"], ["source", "count"]))


def column_names(counts: dict[str, Any]) -> list[str]:
    return sorted({row["column"] for row in counts["per_month"]})


def per_month_table(per_month: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row a month, one column a 栏目: the readable form of the counts."""
    rows: dict[str, dict[str, Any]] = {}
    for entry in per_month:
        month = entry["month"] or "undated"
        rows.setdefault(month, {"month": month})[entry["column"]] = entry["count"]
    return [rows[month] for month in sorted(rows)]
