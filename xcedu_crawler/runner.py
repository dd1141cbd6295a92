"""`xcedu crawl`: the cron entry point: lock, a log file per run, the crawl, a summary, an exit code."""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from xcedu_crawler.archive import Archive
from xcedu_crawler.commandline import default_db_path, files_dir_beside
from xcedu_crawler.crawl import run_crawl

EXIT_CODES = {"ok": 0, "failed": 1, "partial": 3, "blocked": 4}
EXIT_LOCKED = 5  # another crawl of the same archive is running
DEFAULT_KEEP_LOGS = 30


class AlreadyRunning(RuntimeError):
    pass


def archive_path(db: str | None, settings_overrides: dict[str, str]) -> Path:
    """--db, else -s XCEDU_DB, else the XCEDU_DB environment variable, else the project default."""
    return Path(db or settings_overrides.get("XCEDU_DB") or default_db_path())


def take_lock(db_path: Path) -> IO[str]:
    """An exclusive lock beside the archive, held while the returned file stays open.

    flock is released by the kernel when the process dies, even by SIGKILL, so a killed
    run never leaves a stale lock behind.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = open(f"{db_path}.lock", "a+", encoding="utf-8")  # noqa: SIM115 - held open
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.seek(0)
        holder = lock_file.read().strip() or "unknown"
        lock_file.close()
        raise AlreadyRunning(f"another crawl of {db_path} is running (pid {holder})") from None
    lock_file.seek(0)
    lock_file.truncate()
    lock_file.write(str(os.getpid()))
    lock_file.flush()
    return lock_file


def new_log_file(log_dir: Path, keep: int) -> Path:
    """A fresh log file for this run; only the newest KEEP logs are kept."""
    log_dir.mkdir(parents=True, exist_ok=True)
    existing = sorted(log_dir.glob("crawl-*.log"))  # their names sort by time
    for old in existing[: max(len(existing) - (keep - 1), 0)]:
        old.unlink()
    return log_dir / f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.log"


def parse_pairs(pairs: list[str], option: str) -> dict[str, str]:
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"xcedu crawl: {option} takes NAME=VALUE, not {pair!r}")
        parsed[name] = value
    return parsed


def last_line(log_file: Path) -> str:
    """The log's last line: where a crawl that cannot start says why."""
    lines = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else "no log written"


def summary_line(run: dict, log_file: Path) -> str:
    line = (
        f"run {run['id']} {run['status']}: {run['new'] or 0} new, {run['updated'] or 0} updated, "
        f"{run['unchanged'] or 0} unchanged, {run['failed'] or 0} failed, "
        f"{run['requests'] or 0} requests ({run['mode']})"
    )
    if run["reason"]:
        line += f"; {run['reason']}"
    return f"{line}; log {log_file}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="xcedu crawl",
        description="Crawl the bureau's site into the archive, for cron and systemd: one run at a "
        "time per archive, a log file per run, a one-line summary, and an exit code: 0 ok, "
        f"1 failed, 3 partial, 4 blocked, {EXIT_LOCKED} another run is going.",
        epilog="example: xcedu crawl --db data/xcedu.db -a full=1 -s DOWNLOAD_DELAY=2",
    )
    parser.add_argument("--db", help="the archive (default: $XCEDU_DB, else data/xcedu.db)")
    parser.add_argument("-a", dest="spider_args", action="append", default=[], metavar="NAME=VALUE",
                        help="spider argument, as for scrapy crawl (start_urls=..., full=1)")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="Scrapy setting, as for scrapy crawl")
    parser.add_argument("--log-dir", help="where run logs go (default: logs/ beside the archive)")
    parser.add_argument("--keep-logs", type=int, default=DEFAULT_KEEP_LOGS,
                        help=f"how many run logs to keep (default {DEFAULT_KEEP_LOGS})")
    parser.add_argument("--log-level", default="INFO", help="log file level (default INFO)")
    args = parser.parse_args(argv)
    if args.keep_logs < 1:
        parser.error("--keep-logs must be at least 1")
    spider_args = parse_pairs(args.spider_args, "-a")
    overrides = parse_pairs(args.settings, "-s")

    db_path = archive_path(args.db, overrides)
    try:
        lock = take_lock(db_path)
    except AlreadyRunning as exc:
        print(f"xcedu crawl: {exc}; exiting", file=sys.stderr)
        return EXIT_LOCKED
    try:
        log_file = new_log_file(Path(args.log_dir or db_path.parent / "logs"), args.keep_logs)
        stats = run_crawl(
            {"XCEDU_FILES_DIR": str(files_dir_beside(db_path)), **overrides, "XCEDU_DB": str(db_path),
             "LOG_FILE": str(log_file), "LOG_LEVEL": args.log_level},
            **spider_args,
        )
        run_id = stats.get("xcedu/run_id")
        with Archive.open(db_path) as archive:
            if run_id is None:
                # The crawl stopped before its first step (bad settings, unknown site...).
                run_id = archive.start_run("none")
                archive.finish_run(run_id, "failed", {}, {},
                                   reason=f"the crawl could not start: {last_line(log_file)}")
            run = archive.db["crawl_runs"].get(run_id)
    finally:
        lock.close()
    print(summary_line(run, log_file))
    return EXIT_CODES.get(run["status"], 1)
