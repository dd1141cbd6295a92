"""`xcedu status`: the last runs, open failures by reason, and run-health warnings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xcedu_crawler.archive import Archive
from xcedu_crawler.crawl import default_db_path


def report(archive: Archive, runs: int) -> str:
    db = archive.db
    lines = ["Last runs:", f"  {'id':>4}  {'started (UTC)':19}  {'mode':11}  {'status':8}  "
             f"{'new':>5} {'upd':>5} {'same':>6} {'fail':>5} {'reqs':>6}"]
    for row in db["crawl_runs"].rows_where(order_by="id desc", limit=runs):
        lines.append(
            f"  {row['id']:>4}  {row['started_at'][:19]:19}  {row['mode'] or '':11}  {row['status']:8}  "
            f"{row['new'] or 0:>5} {row['updated'] or 0:>5} {row['unchanged'] or 0:>6} "
            f"{row['failed'] or 0:>5} {row['requests'] or 0:>6}"
        )
    lines.append("\nOpen failures by reason:")
    failures = list(db.execute("SELECT reason, count(*) FROM failures GROUP BY reason ORDER BY 2 DESC"))
    lines += [f"  {reason:16} {count}" for reason, count in failures] or ["  none"]
    lines.append("\nWarnings (runs that did not end ok):")
    warned = list(db["crawl_runs"].rows_where(
        "status != 'ok' AND reason IS NOT NULL", order_by="id desc", limit=runs))
    lines += [f"  run {row['id']} {row['status']}: {row['reason']}" for row in warned] or ["  none"]
    gone = db.execute("SELECT count(*) FROM announcements WHERE gone_at IS NOT NULL").fetchone()[0]
    total = db.execute("SELECT count(*) FROM announcements").fetchone()[0]
    lines.append(f"\nArchive: {total} announcements, {gone} gone from the site")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="xcedu status",
        description="How the archive's crawls have gone: the last runs, open failures by reason, "
        "and the warnings of runs that did not end ok (template changes, blocks, unread lists).",
        epilog="example: xcedu status --db data/xcedu.db --runs 5",
    )
    parser.add_argument("--db", default=default_db_path(),
                        help="the archive (default: $XCEDU_DB, else data/xcedu.db)")
    parser.add_argument("--runs", type=int, default=10, help="how many runs to show (default 10)")
    args = parser.parse_args(argv)
    if not Path(args.db).exists():
        print(f"xcedu status: no archive at {args.db} (run `xcedu crawl` first, or pass --db)",
              file=sys.stderr)
        return 1
    archive = Archive.open(args.db)
    try:
        print(report(archive, args.runs))
    finally:
        archive.close()
    return 0
