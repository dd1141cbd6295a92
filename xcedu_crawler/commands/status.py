"""`xcedu status`: the last runs, open failures by reason, and run-health warnings."""

from __future__ import annotations

import json

import click

from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.common import db_option, display_time, open_archive, subcommand

MAX_RUNS = 1000


def fallbacks(archive: Archive) -> list[tuple[str, str, int]]:
    """(field, rule, how many) for the newest finished run's fields that no profile rule found."""
    last = archive.last_run()
    stats = json.loads(last["stats"]) if last and last["stats"] else {}
    found = []
    for key, count in sorted(stats.items()):
        if key.startswith("xcedu/provenance/"):
            field, rule = key.removeprefix("xcedu/provenance/").split("/", 1)
            if rule != "profile":
                found.append((field, rule, count))
    return found


def report(archive: Archive, runs: int) -> str:
    lines = ["Last runs:", f"  {'id':>4}  {'started (UTC)':19}  {'mode':11}  {'status':8}  "
             f"{'new':>5} {'upd':>5} {'same':>6} {'fail':>5} {'reqs':>6}"]
    for row in archive.runs(runs):
        lines.append(
            f"  {row['id']:>4}  {display_time(row['started_at']):19}  {row['mode'] or '':11}  {row['status']:8}  "
            f"{row['new'] or 0:>5} {row['updated'] or 0:>5} {row['unchanged'] or 0:>6} "
            f"{row['failed'] or 0:>5} {row['requests'] or 0:>6}"
        )
        # A run over several sites: a line a site under its own.
        for name, site in sorted(json.loads(row.get("sites") or "{}").items()):
            lines.append(
                f"  {'':>4}  {'· ' + name:19}  {'':11}  {site['status']:8}  {site['new']:>5} "
                f"{site['updated']:>5} {site['unchanged']:>6} {site['failed']:>5}"
            )
    lines.append("\nOpen failures by reason:")
    lines += [f"  {reason:16} {count}" for reason, count in archive.failure_counts()] or ["  none"]
    lines.append("\nWarnings (runs that did not end ok):")
    lines += [f"  run {row['id']} {row['status']}: {row['reason']}"
              for row in archive.runs(runs, problems_only=True)] or ["  none"]
    lines.append("\nFields the last run took from fallbacks, not the profile's selectors:")
    lines += [f"  {field:13} {rule:24} {count}" for field, rule, count in fallbacks(archive)] or ["  none"]
    counts = archive.counts()
    lines.append(f"\nArchive: {counts['total']} announcements, {counts['gone']} gone from the site")
    return "\n".join(lines)


@subcommand(
    "status",
    "How the archive's crawls have gone: the last runs, open failures by reason, and the "
    "warnings of runs that did not end ok (template changes, blocks, unread lists).",
    "xcedu status --db data/xcedu.db --runs 5",
)
@db_option
@click.option("--runs", type=click.IntRange(1, MAX_RUNS), default=10,
              help=f"how many runs to show, 1 to {MAX_RUNS} (default 10)")
def status(db: str, runs: int) -> None:
    with open_archive(db) as archive:
        print(report(archive, runs))
