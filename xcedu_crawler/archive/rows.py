"""The few SQL helpers every part of the archive shares: time stamps, URL keys, rows in and out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlite_utils import Database
from sqlite_utils.utils import sqlite3

from xcedu_crawler.extract.urls import url_key


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=4096)
def key_of(url: str) -> str:
    # URLs reach the archive already canonical; only the scheme is set aside here. Cached:
    # storing an announcement keys each of its URLs three times.
    return url_key(url, ())


def merged(existing: Iterable[str], added: Iterable[str]) -> list[str]:
    """EXISTING then the ADDED ones it lacks, in order, each once."""
    return list(dict.fromkeys([*existing, *added]))


def dicts(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The cursor's rows as dicts by column name."""
    names = [column[0] for column in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


# The writes made for every announcement are plain SQL rather than sqlite-utils'
# insert/upsert/update/get: those read the table's schema (sqlite_master, PRAGMA
# table_info) on each call, some 70 statements and two thirds of the CPU per announcement
# when profiled (benchmarks/RESULTS.md). Schema work stays with sqlite-utils.

def insert_row(db: Database, table: str, row: dict[str, Any], on_conflict: str = "") -> int:
    """Insert ROW; ON_CONFLICT is an upsert clause such as `ON CONFLICT(url) DO NOTHING`."""
    names = ", ".join(f"[{name}]" for name in row)
    cursor = db.execute(
        f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(row))}) {on_conflict}",
        list(row.values()),
    )
    return cursor.lastrowid


def update_row(db: Database, table: str, row_id: int, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"[{name}] = ?" for name in values)
    db.execute(f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*values.values(), row_id])


def marks(values: list[Any]) -> str:
    """The `?, ?, …` of an IN list of VALUES."""
    return ",".join("?" * len(values))
