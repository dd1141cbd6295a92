"""`xcedu check`: verifies the archive's integrity and that every stored file is whole and what its name says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from xcedu_crawler.archive import Archive
from xcedu_crawler.archive.pages import file_matches
from xcedu_crawler.commands.common import (
    EXIT_STATUS_HELP,
    db_option,
    display_time,
    files_dir_beside,
    files_dir_option,
    open_archive,
    subcommand,
)
from xcedu_crawler.crawl.files import PARTIAL_SUFFIX

EXIT_PROBLEMS = 3  # the check ran and found something wrong


def database_problems(archive: Archive) -> Iterator[str]:
    """SQLite's own integrity check, then the foreign keys, then runs that never finished."""
    for (message,) in archive.db.execute("PRAGMA integrity_check"):
        if message != "ok":
            yield f"database: {message}"
    for table, rowid, parent, _ in archive.db.execute("PRAGMA foreign_key_check"):
        yield f"database: {table} row {rowid} points to a missing {parent} row"
    for run in archive.db["crawl_runs"].rows_where("status = 'running'", order_by="id"):
        yield (f"run {run['id']} (started {display_time(run['started_at'])} UTC) is still "
               "`running`: killed unless a crawl is going now; the next crawl closes it and "
               "catches up")


def file_problems(archive: Archive, files_dir: Path) -> tuple[int, list[str], list[str]]:
    """How many stored files were verified, what is wrong, and the stored paths that are bad."""
    problems, bad_paths = [], []
    verified = 0
    for row in archive.files():
        if row["path"] in bad_paths:
            continue
        path = files_dir / row["path"]
        if not path.is_file():
            problems.append(f"file missing: {path} (from {row['url']})")
        elif not file_matches(path, row["size"], row["sha256"]):
            problems.append(f"file damaged: {path} is not the {row['size']} bytes with SHA-256 "
                            f"{row['sha256']} it was stored as (from {row['url']})")
        else:
            verified += 1
            continue
        bad_paths.append(row["path"])
    return verified, problems, bad_paths


def partial_downloads(files_dir: Path) -> list[Path]:
    """Temporary files of downloads that a killed run never finished."""
    return sorted(files_dir.rglob(f".*{PARTIAL_SUFFIX}")) if files_dir.is_dir() else []


@subcommand(
    "check",
    "Verify the archive: SQLite's integrity and foreign-key checks, runs left `running`, and "
    "every stored file read back against the size and SHA-256 it was stored with. Prints one "
    "line per problem.",
    "xcedu check --db data/xcedu.db --repair",
    exit_status=f"{EXIT_STATUS_HELP}, {EXIT_PROBLEMS} problems found (repaired or not)",
)
@db_option
@files_dir_option
@click.option("--repair", is_flag=True,
              help="forget missing and damaged files, so that the next crawl downloads them "
                   "again, and delete unfinished downloads")
def check(db: str, files_dir: str | None, repair: bool) -> int:
    files = Path(files_dir) if files_dir else files_dir_beside(db)
    with open_archive(db, writing=repair) as archive:
        problems = list(database_problems(archive))
        verified, bad_files, bad_paths = file_problems(archive, files)
        partials = partial_downloads(files)
        problems += bad_files
        problems += [f"unfinished download left by a killed run: {partial}" for partial in partials]
        for problem in problems:
            print(problem)
        if repair:
            forgotten = archive.forget_files(bad_paths) if bad_paths else 0
            for partial in partials:
                partial.unlink()
            print(f"repaired: {forgotten} file(s) to download again at the next crawl, "
                  f"{len(partials)} unfinished download(s) deleted")
    print(f"{db}: {'ok' if not problems else f'{len(problems)} problem(s)'}; "
          f"{verified} stored file(s) verified in {files}")
    return EXIT_PROBLEMS if problems else 0
