"""`xcedu crawl`: the cron entry point: lock, a log file per run, the crawl, a summary, an exit code."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlite_utils.utils import sqlite3

from xcedu_crawler.archive import Archive, check_archive_usable
from xcedu_crawler.archive.lock import AlreadyRunning, take_lock
from xcedu_crawler.commands.common import (
    CommandError,
    default_db_path,
    files_dir_beside,
    name_value_pairs,
    subcommand,
)
from xcedu_crawler.crawl.process import run_crawl
from xcedu_crawler.crawl.run import EXIT_LOCKED, RunOutcome

DEFAULT_KEEP_LOGS = 30


def archive_path(db: str | None, settings_overrides: dict[str, str]) -> Path:
    """--db, else -s XCEDU_DB, else the XCEDU_DB environment variable, else the project default."""
    return Path(db or settings_overrides.get("XCEDU_DB") or default_db_path())


def new_log_file(log_dir: Path, keep: int) -> Path:
    """A fresh log file for this run; only the newest KEEP logs are kept."""
    log_dir.mkdir(parents=True, exist_ok=True)
    existing = sorted(log_dir.glob("crawl-*.log"))  # their names sort by time
    for old in existing[: max(len(existing) - (keep - 1), 0)]:
        old.unlink()
    return log_dir / f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.log"


def last_line(log_file: Path) -> str:
    """The log's last line: where a crawl that cannot start says why."""
    lines = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else "no log written"


@subcommand(
    "crawl",
    "Crawl the bureau's site into the archive, for cron and systemd: one run at a "
    "time per archive, a log file per run, a one-line summary, and an exit code saying how "
    "the run went.",
    "xcedu crawl --db data/xcedu.db -a full=1 -s DOWNLOAD_DELAY=2",
    exit_status=f"exit status: 0 ok, 1 failed (or the archive cannot be used), 2 a bad option, "
    f"3 partial, 4 blocked, {EXIT_LOCKED} another run is going",
)
@click.option("--db", type=click.Path(),
              help="the archive (default: $XCEDU_DB, else data/xcedu.db)")
@click.option("-a", "spider_args", multiple=True, metavar="NAME=VALUE", callback=name_value_pairs,
              help="spider argument, as for scrapy crawl (start_urls=..., full=1)")
@click.option("-s", "overrides", multiple=True, metavar="NAME=VALUE", callback=name_value_pairs,
              help="Scrapy setting, as for scrapy crawl")
@click.option("--site", "sites", multiple=True, metavar="NAME[=BASE_URL]|COLUMN_URL",
              help="crawl this site too, in the same run (repeat it; default: XCEDU_SITE)")
@click.option("--sites-file", type=click.Path(exists=True, dir_okay=False),
              help="the sites to crawl, one a line as for --site (# comments)")
@click.option("--log-dir", type=click.Path(),
              help="where run logs go (default: logs/ beside the archive)")
@click.option("--keep-logs", type=click.IntRange(min=1), default=DEFAULT_KEEP_LOGS,
              help=f"how many run logs to keep (default {DEFAULT_KEEP_LOGS})")
@click.option("--log-level", default="INFO", help="log file level (default INFO)")
def crawl(db: str | None, spider_args: dict[str, str], overrides: dict[str, str],
          sites: tuple[str, ...], sites_file: str | None, log_dir: str | None, keep_logs: int,
          log_level: str) -> int:
    if sites:
        spider_args["site"] = ",".join(sites)
    if sites_file:
        spider_args["sites_file"] = str(Path(sites_file).absolute())
    db_path = archive_path(db, overrides)
    if reason := check_archive_usable(db_path):
        raise CommandError(reason)
    log_file = new_log_file(Path(log_dir or db_path.parent / "logs"), keep_logs)
    outcome = run_crawl(
        {"XCEDU_FILES_DIR": str(files_dir_beside(db_path)),
         # The log goes to its file: on a terminal, a progress line says the crawl is going.
         "XCEDU_PROGRESS": sys.stderr.isatty(),
         **overrides, "XCEDU_DB": str(db_path), "LOG_FILE": str(log_file), "LOG_LEVEL": log_level},
        **spider_args,
    )
    if outcome is None:
        # The crawl stopped before its first step (bad settings, unknown site...).
        outcome = record_start_failure(db_path, f"the crawl could not start: {last_line(log_file)}")
    if outcome.status == "locked":
        print(f"xcedu crawl: {outcome.reason}; exiting", file=sys.stderr)
    else:
        print(f"{outcome.summary()}; log {log_file}")
    return outcome.exit_code


def record_start_failure(db_path: Path, reason: str) -> RunOutcome:
    """A `failed` run row for a crawl that never began, so that the run table shows it."""
    try:
        lock = take_lock(db_path)
    except AlreadyRunning as exc:
        return RunOutcome(None, "locked", reason=str(exc))
    try:
        with Archive.open(db_path) as archive:
            run_id = archive.start_run("none")
            archive.finish_run(run_id, "failed", {}, {}, reason=reason)
    except (sqlite3.Error, OSError) as exc:
        return RunOutcome(None, "failed", reason=f"{reason}; and the archive cannot record it: {exc}")
    finally:
        lock.close()
    return RunOutcome(run_id, "failed", "none", reason)
