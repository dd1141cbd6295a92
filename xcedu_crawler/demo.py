"""`xcedu demo`: serve the replica on loopback, crawl it into a demo archive, print what it holds."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from xcedu_crawler.archive import Archive
from xcedu_crawler.crawl import run_crawl
from xcedu_crawler.replica import ReplicaServer, build_site

DEFAULT_DEMO_DB = "data/demo.db"


def summary(archive: Archive) -> str:
    """A newcomer's view of the archive: what each column holds, what failed, the run."""
    db = archive.db
    lines = []
    run = db.execute(
        "SELECT id, status, new, updated, unchanged, failed, requests FROM crawl_runs ORDER BY id DESC LIMIT 1"
    ).fetchone()
    lines.append(
        "Run {}: status {}, {} new, {} updated, {} unchanged, {} failed, {} requests".format(*run)
    )
    lines.append("\nAnnouncements per column:")
    for column, count in db.execute(
        "SELECT value, count(*) FROM announcements, json_each(announcements.columns) GROUP BY value ORDER BY value"
    ):
        lines.append(f"  {column}: {count}")
    lines.append("\nKinds: " + ", ".join(
        f"{kind} {count}" for kind, count in db.execute("SELECT kind, count(*) FROM announcements GROUP BY kind")
    ))
    lines.append("\nNewest announcements:")
    for published_at, tag, title, url in db.execute(
        "SELECT published_at, title_tag, title, url FROM announcements ORDER BY published_at DESC LIMIT 8"
    ):
        lines.append(f"  {(published_at or '')[:16]}  {'【' + tag + '】' if tag else ''}{title}\n      {url}")
    lines.append(
        "\nAttachments: {} rows".format(db.execute("SELECT count(*) FROM attachments").fetchone()[0])
    )
    lines.append("\nFailures (recorded, to retry):")
    for url, reason, detail in db.execute("SELECT url, reason, detail FROM failures ORDER BY reason, url"):
        lines.append(f"  {reason:15} {url}  ({detail})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="xcedu demo",
        description="Serve the bundled replica of the bureau's site on 127.0.0.1, crawl it into a "
        "separate demo archive and print what was archived. No network needed.",
        epilog="example: xcedu demo --db /tmp/demo.db",
    )
    parser.add_argument("--db", default=DEFAULT_DEMO_DB, help=f"demo archive (default {DEFAULT_DEMO_DB}); replaced")
    parser.add_argument("--log-level", default="WARNING", help="Scrapy log level (default WARNING)")
    args = parser.parse_args(argv)

    db_path = Path(args.db)
    for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)
    with ReplicaServer(build_site()) as server:
        print(f"Replica of the bureau's site serving at {server.base_url}")
        run_crawl(
            {
                "XCEDU_BASE_URL": server.base_url,
                "XCEDU_DB": str(db_path),
                # Loopback: no need to be slow. The real site gets the polite defaults.
                "DOWNLOAD_DELAY": 0,
                "AUTOTHROTTLE_ENABLED": False,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                "LOG_LEVEL": args.log_level,
            }
        )
    archive = Archive.open(db_path)
    try:
        print(f"\nArchive: {db_path}\n")
        print(summary(archive))
        sample = archive.db.execute(
            "SELECT url, title, title_tag, source, published_at, published_precision, columns, "
            "substr(body, 1, 60) AS body_start FROM announcements WHERE title_tag = '部署' LIMIT 1"
        ).fetchone()
        if sample:
            keys = ["url", "title", "title_tag", "source", "published_at", "published_precision",
                    "columns", "body_start"]
            print("\nOne record:\n" + json.dumps(dict(zip(keys, sample)), ensure_ascii=False, indent=2))
    finally:
        archive.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
