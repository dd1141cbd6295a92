"""Opening an archive file: whether a path can be one, and connections for writing or only reading."""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database
from sqlite_utils.utils import sqlite3

from xcedu_crawler.archive.migrations import migrations
from xcedu_crawler.archive.rows import dicts

# `sqlite3` is the module sqlite-utils opens archives with (pysqlite3 where installed, for
# its newer SQLite): its errors are the ones to catch, its connections the ones to hand it.
BUSY_TIMEOUT_MS = 60_000
# The tokenizer and rowids of the search index (xcedu_crawler.archive.search): 1 indexed
# every character, 2 keys each announcement by date; an archive whose index another version
# built is re-indexed when opened for writing.
SEARCH_INDEX_VERSION = "2"


class ArchiveUnusable(Exception):
    """The path given as an archive cannot serve as one; the message says why, in one line."""


def check_archive_usable(path: str | Path, *, writing: bool = True) -> str | None:
    """Why PATH cannot be used as an archive, in one line; None when it can.

    Nothing is written. For WRITING (a crawl), a missing archive is fine (it is created)
    but the archive and its folder must be writable; for reading, the archive must exist
    and be up to date, since reading never migrates.
    """
    path = Path(path)
    if path.is_dir():
        return f"{path} is a folder, not an archive"
    if not path.exists():
        if writing:
            return _uncreatable(path)
        return f"no archive at {path} (run `xcedu crawl` first, or pass --db)"
    try:
        with closing(read_only_connection(path)) as connection:
            db = Database(connection)
            tables = set(db.table_names())
            stale = "announcements" in tables and (
                migrations.pending(db) or search_index_version(db) != SEARCH_INDEX_VERSION
            )
    except sqlite3.DatabaseError as exc:
        return f"{path} is not an SQLite archive ({exc})"
    if tables and "announcements" not in tables:
        return f"{path} is an SQLite database but not an xcedu archive (no announcements table)"
    if writing:
        return _unwritable(path)
    if not tables:
        return f"{path} is an empty file, not an xcedu archive"
    if stale:
        return (f"{path} was written by an older xcedu-crawler and needs upgrading: run "
                f"`xcedu reindex --db {path}` (or the next crawl) first")
    return None


def search_index_version(db: Database) -> str | None:
    if "archive_state" not in db.table_names():
        return None
    rows = dicts(db.execute("SELECT value FROM archive_state WHERE key = 'search_index_version'"))
    return next((row["value"] for row in rows), None)


def _uncreatable(path: Path) -> str | None:
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"cannot create {path}: {folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot create {path}: {folder} is read-only"
    return None


def _unwritable(path: Path) -> str | None:
    if not os.access(path, os.W_OK):
        return f"{path} is read-only"
    # WAL mode keeps its -wal and -shm files beside the archive.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return f"{path} is in a read-only folder, where SQLite cannot keep its journal"
    return None


def writing_database(path: str | Path) -> Database:
    """The archive at PATH, created if missing, set up for one writer and many readers."""
    if str(path) == ":memory:":
        return Database(memory=True)
    if reason := check_archive_usable(path):
        raise ArchiveUnusable(reason)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    # WAL lets researchers read while a crawl writes, and survives a killed writer.
    db.enable_wal()
    # In WAL mode, NORMAL skips the disk flush at each commit (one per batch of a crawl) and
    # stays consistent: a killed process loses no committed announcement; only a power cut
    # may roll back the last few, which the next run fetches again.
    db.execute("PRAGMA synchronous = NORMAL")
    # A write waits this long for a reader's lock (a researcher's query, a backup) rather
    # than failing at once with "database is locked".
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the archive and leaves no file behind."""
    uri = f"file:{quote(str(path.absolute()))}"
    if _unwritable(path):
        # Nobody here can write it, nor create the -shm file a WAL reader needs: read it as
        # it is. (A read-only connection would otherwise fail, or leave a -shm behind.)
        connection = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)
    else:
        # Read-write without create, so that the last reader to close removes the -wal and
        # -shm it opened; query_only refuses any write.
        connection = sqlite3.connect(f"{uri}?mode=rw", uri=True)
        connection.execute("PRAGMA query_only = ON")
    return connection
