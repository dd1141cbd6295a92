"""`xcedu demo`: serve the replica on loopback, crawl it into a demo archive, print what it holds."""

from __future__ import annotations

import json
from pathlib import Path

import click
from xcedu_replica import LOOPBACK_CRAWL_SETTINGS, ReplicaServer, build_site

from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.common import display_time, files_dir_beside, jsonable, subcommand
from xcedu_crawler.commands.status import report
from xcedu_crawler.crawl.process import run_crawl

DEFAULT_DEMO_DB = "data/demo/demo.db"
# It stands in the replica's real PDF attachment and on none of its pages.
ATTACHMENT_ONLY_WORD = "录取批次"


def summary(archive: Archive) -> str:
    """A newcomer's view of the archive: the run, what each column holds, what failed and why."""
    counts = archive.counts()
    lines = [report(archive, runs=1), "", "Announcements per column:"]
    lines += [f"  {column}: {count}" for column, count in counts["columns"].items()]
    lines.append("Kinds: " + ", ".join(f"{kind} {count}" for kind, count in counts["kinds"].items()))
    texts = ", ".join(f"{count} {status}" for status, count in archive.file_text_counts().items())
    lines.append(f"Attachments: {counts['attachments']} rows; their text read: {texts or 'none'}")
    lines.append("\nNewest announcements:")
    for row in archive.newest(8):
        tag = f"【{row['title_tag']}】" if row["title_tag"] else ""
        published = display_time(row["published_at"], row["published_precision"])
        lines.append(f"  {published:19}  {tag}{row['title']}\n      {row['url']}")
    lines.append("\nFailures (recorded, to retry):")
    lines += [f"  {f['reason']:15} {f['url']}  ({f['detail']})" for f in archive.failures()]
    return "\n".join(lines)


def record(row: dict) -> dict:
    """An announcement's main fields as JSON shows them: its arrays as arrays, the paragraphs
    counted."""
    keys = ["url", "title", "title_tag", "source", "published_at", "published_precision",
            "columns", "paragraphs"]
    shown = jsonable({key: row[key] for key in keys})
    shown["paragraphs"] = f"{len(shown['paragraphs'])} paragraphs"
    return shown


@subcommand(
    "demo",
    "Serve the bundled replica of the bureau's site on 127.0.0.1, crawl it into a "
    "separate demo archive and print what was archived. No network needed.",
    "xcedu demo --db /tmp/demo/demo.db",
)
@click.option("--db", type=click.Path(), default=DEFAULT_DEMO_DB,
              help=f"demo archive (default {DEFAULT_DEMO_DB}), replaced; its files go "
              "to files/ beside it")
@click.option("--log-level", default="WARNING", help="Scrapy log level (default WARNING)")
def demo(db: str, log_level: str) -> None:
    db_path = Path(db)
    for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)
    with ReplicaServer(build_site()) as server:
        print(f"Replica of the bureau's site serving at {server.base_url}")
        run_crawl(
            {
                "XCEDU_BASE_URL": server.base_url,
                "XCEDU_DB": str(db_path),
                # The default demo archive has a folder of its own: these are not the real
                # archive's files/.
                "XCEDU_FILES_DIR": str(files_dir_beside(db_path)),
                **LOOPBACK_CRAWL_SETTINGS,
                "LOG_LEVEL": log_level,
            }
        )
    with Archive.open(db_path) as archive:
        print(f"\nArchive: {db_path}\n")
        print(summary(archive))
        [sample] = archive.newest(1, title_tag="部署") or [None]
        if sample:
            print("\nOne record:\n" + json.dumps(record(sample), ensure_ascii=False, indent=2))
        print(f"\nTry: xcedu search 双减 --db {db_path}   ·   xcedu stats --db {db_path}\n"
              f"     xcedu search {ATTACHMENT_ONLY_WORD} --db {db_path}   (a word found only "
              "inside an attachment: the hit names the file)")

