"""The SQLite archive, the only package speaking SQL, behind `Archive`; it imports items and extract."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from xcedu_crawler.archive.connection import (
    SEARCH_INDEX_VERSION,
    ArchiveUnusable,
    check_archive_usable,
    read_only_connection,
    search_index_version,
    writing_database,
)
from xcedu_crawler.archive.file_texts import FileTexts
from xcedu_crawler.archive.fulltext import FullText
from xcedu_crawler.archive.migrations import migrations
from xcedu_crawler.archive.pages import PagesAndFiles
from xcedu_crawler.archive.queries import Queries
from xcedu_crawler.archive.rows import utc_now
from xcedu_crawler.archive.runs import GONE_REASONS, Runs
from xcedu_crawler.archive.schema import SEARCH_COLUMNS, SEARCH_TABLE, SEARCH_WEIGHTS
from xcedu_crawler.archive.store import NEW, UNCHANGED, UPDATED, Store
from xcedu_crawler.archive.validators import Validators

__all__ = [
    "GONE_REASONS", "NEW", "SEARCH_COLUMNS", "SEARCH_TABLE", "SEARCH_WEIGHTS", "UNCHANGED",
    "UPDATED", "Archive", "ArchiveUnusable", "check_archive_usable", "migrations", "utc_now",
]


class Archive(Store, PagesAndFiles, FileTexts, FullText, Queries, Runs, Validators):
    """An archive database. `Archive.open(path)` creates or migrates it;
    `Archive.open_for_reading(path)` reads it without changing a byte."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        """The archive at PATH, created or migrated; ArchiveUnusable if it cannot be one."""
        archive = cls(writing_database(path))
        migrations.apply(archive.db)
        if search_index_version(archive.db) != SEARCH_INDEX_VERSION:
            archive.rebuild_search_index()
        return archive

    @classmethod
    def open_for_reading(cls, path: str | Path) -> Archive:
        """The archive at PATH as it is: never created, migrated or written."""
        if reason := check_archive_usable(path, writing=False):
            raise ArchiveUnusable(reason)
        return cls(Database(read_only_connection(Path(path))))

    def begin_batch(self) -> None:
        """Open a transaction, unless one is open, that every write until `commit_batch` joins:
        each write's own `atomic()` becomes a savepoint of it, so that one that fails is
        undone alone. A crawl commits every few seconds rather than every announcement."""
        if not self.db.conn.in_transaction:
            self.db.begin()

    def commit_batch(self) -> None:
        self.db.commit()

    def rollback_batch(self) -> None:
        self.db.rollback()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
