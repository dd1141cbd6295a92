"""The SQLite archive: the only module that speaks SQL (schema, migrations, dedupe, failures, runs)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from xcedu_crawler.archive.search import index_text, match_expression
from xcedu_crawler.extract.urls import url_key
from xcedu_crawler.items import Announcement, FetchedPage, ListEntry, StoredFile

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
# Failures that mean the announcement itself is gone from the site.
GONE_REASONS = frozenset({"http_404", "http_410", "not_found_page"})
# The fields an edit can change, as stored; a version keeps their old values.
VERSIONED_FIELDS = (
    "kind", "title", "title_tag", "source", "published_at", "published_precision",
    "published_raw", "paragraphs", "images",
)

migrations = Migrations("xcedu")


@migrations()
def create_tables(db: Database) -> None:
    db["announcements"].create(
        {
            "id": int,
            "url": str,
            "aliases": str,
            "kind": str,
            "title": str,
            "title_tag": str,
            "source": str,
            "published_at": str,
            "published_precision": str,
            "published_raw": str,
            "columns": str,
            "paragraphs": str,
            "body": str,
            "images": str,
            "content_hash": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "changed_at": str,
        },
        pk="id",
        not_null={"url", "kind", "title", "content_hash", "first_seen_at", "last_seen_at"},
    )
    db["announcements"].create_index(["url"], unique=True)
    db["announcements"].create_index(["content_hash"])
    db["announcements"].create_index(["published_at"])
    # Every URL that led to an announcement (its url and aliases), keyed without the
    # scheme so that http and https twins meet: the dedupe looks URLs up here.
    db["announcement_urls"].create(
        {"url_key": str, "url": str, "announcement_id": int},
        pk="url_key",
        foreign_keys=[("announcement_id", "announcements", "id")],
    )
    db["attachments"].create(
        {
            "announcement_id": int,
            "url": str,
            "name": str,
            "path": str,
            "sha256": str,
            "size": int,
            "content_type": str,
        },
        pk=("announcement_id", "url"),
        foreign_keys=[("announcement_id", "announcements", "id")],
    )
    db["failures"].create(
        {
            "url": str,
            "reason": str,
            "detail": str,
            "attempts": int,
            "first_at": str,
            "last_at": str,
        },
        pk="url",
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "new": int,
            "updated": int,
            "unchanged": int,
            "failed": int,
            "requests": int,
            "stats": str,
        },
        pk="id",
    )


@migrations()
def track_history_and_run_health(db: Database) -> None:
    # Withdrawn pages keep their row and gain gone_at; a restored one clears it.
    db["announcements"].add_column("gone_at", str)
    # The list entry each URL was last archived from: an incremental run skips entries
    # whose list title and date are unchanged.
    db["announcement_urls"].add_column("list_title", str)
    db["announcement_urls"].add_column("list_date", str)
    db["announcement_versions"].create(
        {
            "id": int,
            "announcement_id": int,
            "recorded_at": str,
            "fields": str,  # JSON array of the fields that changed
            "old_values": str,  # JSON object: those fields' values before the change
        },
        pk="id",
        foreign_keys=[("announcement_id", "announcements", "id")],
    )
    db["announcement_versions"].create_index(["announcement_id"])
    for column in ("mode", "reason", "health"):
        db["crawl_runs"].add_column(column, str)


SEARCH_TABLE = "announcements_fts"
SEARCH_COLUMNS = ("title", "body", "source")
# bm25 weights, in SEARCH_COLUMNS order: a term in the title counts most.
SEARCH_WEIGHTS = (10.0, 1.0, 2.0)


@migrations()
def create_search_index(db: Database) -> None:
    # Contentless: the spaced-out text is only for matching; results and snippets come
    # from the announcements table, so the archive does not hold the text twice.
    db.execute(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5({', '.join(SEARCH_COLUMNS)}, content='')"
    )
    Archive(db).rebuild_search_index()
    # Stored, not generated: Datasette facets on the columns PRAGMA table_info lists, and
    # it does not list generated ones.
    db["announcements"].add_column("published_year", str)
    db.execute("UPDATE announcements SET published_year = substr(published_at, 1, 4)")


@migrations()
def keep_pages_and_files(db: Database) -> None:
    # Raw pages as served; bodies compressed and stored once per distinct content.
    db["page_bodies"].create({"sha256": str, "body": bytes, "size": int}, pk="sha256")
    db["pages"].create(
        {"id": int, "url": str, "fetched_at": str, "status": int, "headers": str, "body_sha256": str},
        pk="id",
        foreign_keys=[("body_sha256", "page_bodies", "sha256")],
    )
    db["pages"].create_index(["url", "body_sha256", "status"])
    # Each announcement, and each old version, points to the pages it was extracted from.
    db["announcements"].add_column("page_ids", str)
    db["announcement_versions"].add_column("page_ids", str)
    # Downloaded files by URL; attachments rows carry copies of these facts, as the contract asks.
    db["files"].create(
        {"url": str, "path": str, "sha256": str, "size": int, "content_type": str, "stored_at": str},
        pk="url",
    )
    db["attachments"].add_column("referer", str)


@migrations()
def record_provenance(db: Database) -> None:
    # Which extraction rule produced each field: a profile that silently falls back shows.
    db["announcements"].add_column("provenance", str)


@migrations()
def record_site(db: Database) -> None:
    # One archive may hold several sites' announcements: each records its site profile.
    db["announcements"].add_column("site", str)


@migrations()
def index_punctuation_and_spaces(db: Database) -> None:
    # The index used to drop them, so a phrase matched across a sentence's end.
    Archive(db).rebuild_search_index()


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@lru_cache(maxsize=4096)
def _key(url: str) -> str:
    # URLs reach the archive already canonical; only the scheme is set aside here. Cached:
    # storing an announcement keys each of its URLs three times.
    return url_key(url, ())


def _merged(existing: list[str], added: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*existing, *added]))


def _dicts(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """The cursor's rows as dicts by column name."""
    names = [column[0] for column in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def announcement_filters(
    column: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """SQL conditions on announcements `a` (and their parameters) for the common filters."""
    where, params = [], {}
    if column:
        where.append("EXISTS (SELECT 1 FROM json_each(a.columns) WHERE value = :column)")
        params["column"] = column
    if source:
        # instr, not LIKE: a % or _ in the source asked for is text, not a wildcard.
        where.append("instr(a.source, :source) > 0")
        params["source"] = source
    if since:
        where.append("a.published_at >= :since")
        params["since"] = since
    if until:
        # Inclusive of the whole day: every time that day sorts before "YYYY-MM-DD~".
        where.append("a.published_at < :until || '~'")
        params["until"] = until
    return where, params


BUSY_TIMEOUT_MS = 60_000


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
        with closing(_read_only_connection(path)) as connection:
            db = Database(connection)
            tables = set(db.table_names())
            pending = migrations.pending(db) if "announcements" in tables else []
    except sqlite3.DatabaseError as exc:
        return f"{path} is not an SQLite archive ({exc})"
    if tables and "announcements" not in tables:
        return f"{path} is an SQLite database but not an xcedu archive (no announcements table)"
    if writing:
        return _unwritable(path)
    if not tables:
        return f"{path} is an empty file, not an xcedu archive"
    if pending:
        return (f"{path} was written by an older xcedu-crawler and needs upgrading: run "
                f"`xcedu reindex --db {path}` (or the next crawl) first")
    return None


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


def _read_only_connection(path: Path) -> sqlite3.Connection:
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


class Archive:
    """An archive database. `Archive.open(path)` creates or migrates it;
    `Archive.open_for_reading(path)` reads it without changing a byte."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        """The archive at PATH, created or migrated; ArchiveUnusable if it cannot be one."""
        if str(path) == ":memory:":
            db = Database(memory=True)
        else:
            if reason := check_archive_usable(path):
                raise ArchiveUnusable(reason)
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = Database(path)
            # WAL lets researchers read while a crawl writes, and survives a killed writer.
            db.enable_wal()
            # In WAL mode, NORMAL skips the disk flush at each commit (one per announcement)
            # and stays consistent: a killed process loses no committed announcement; only a
            # power cut may roll back the last few, which the next run fetches again.
            db.execute("PRAGMA synchronous = NORMAL")
            # A write waits this long for a reader's lock (a researcher's query, a backup)
            # rather than failing at once with "database is locked".
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        migrations.apply(db)
        return cls(db)

    @classmethod
    def open_for_reading(cls, path: str | Path) -> Archive:
        """The archive at PATH as it is: never created, migrated or written."""
        if reason := check_archive_usable(path, writing=False):
            raise ArchiveUnusable(reason)
        return cls(Database(_read_only_connection(Path(path))))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Announcements

    def find_id(self, urls: Iterable[str]) -> int | None:
        """The announcement that any of these URLs (or their http/https twins) led to."""
        keys = [_key(url) for url in urls]
        rows = self.db.execute(
            f"SELECT announcement_id FROM announcement_urls WHERE url_key IN ({','.join('?' * len(keys))})",
            keys,
        ).fetchall()
        return rows[0][0] if rows else None

    def columns(self, table: str) -> list[str]:
        return [column.name for column in self.db[table].columns]

    # The writes made for every announcement are plain SQL rather than sqlite-utils'
    # insert/upsert/update/get: those read the table's schema (sqlite_master, PRAGMA
    # table_info) on each call, some 70 statements and two thirds of the CPU per
    # announcement when profiled (benchmarks/RESULTS.md). Schema work stays with sqlite-utils.

    def _insert(self, table: str, row: dict[str, Any], on_conflict: str = "") -> int:
        """Insert ROW; ON_CONFLICT is an upsert clause such as `ON CONFLICT(url) DO NOTHING`."""
        names = ", ".join(f"[{name}]" for name in row)
        cursor = self.db.execute(
            f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(row))}) {on_conflict}",
            list(row.values()),
        )
        return cursor.lastrowid

    def _update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"[{name}] = ?" for name in values)
        self.db.execute(f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*values.values(), row_id])

    def get(self, announcement_id: int) -> dict[str, Any]:
        cursor = self.db.execute("SELECT * FROM announcements WHERE id = ?", [announcement_id])
        row = next(_dicts(cursor), None)
        if row is None:
            raise KeyError(f"no announcement {announcement_id}")
        return row

    def store(self, item: Announcement, now: str | None = None, seen: bool = True) -> str:
        """Archive one announcement atomically; says whether it was new, updated or unchanged.

        SEEN: the crawl saw it on the site now (a re-parse of kept pages did not).
        """
        now = now or utc_now()
        urls = [item.url, *item.aliases]
        content_hash = item.content_hash
        with self.db.atomic():
            page_ids = self._save_pages(item.pages) if item.pages else None
            announcement_id = self.find_id(urls)
            if announcement_id is None:
                # A republished copy: another URL, the same content.
                row = self.db.execute(
                    "SELECT id FROM announcements WHERE content_hash = ? ORDER BY id LIMIT 1",
                    [content_hash],
                ).fetchone()
                announcement_id = row[0] if row else None
            if announcement_id is None:
                announcement_id = self._insert_announcement(item, content_hash, now, page_ids)
                outcome = NEW
            else:
                old = self.get(announcement_id)
                outcome = self._merge(old, item, content_hash, now, page_ids, seen)
                if outcome == UPDATED:
                    self._index(old, delete=True)
            if outcome != UNCHANGED:
                # The stored title, body and source are the item's own.
                indexed = {name: getattr(item, name) for name in SEARCH_COLUMNS}
                self._index({"id": announcement_id, **indexed})
            self._register_urls(announcement_id, urls)
            if item.list_url:
                self.db.execute(
                    "UPDATE announcement_urls SET list_title = ?, list_date = ? WHERE url_key = ?",
                    [item.list_title, item.list_date, _key(item.list_url)],
                )
            self._add_attachments(announcement_id, item)
            self.clear_failures(urls)
        return outcome

    def _content(self, item: Announcement, content_hash: str) -> dict[str, Any]:
        return {
            "kind": item.kind,
            "title": item.title,
            "title_tag": item.title_tag,
            "source": item.source,
            "published_at": item.published_at,
            "published_precision": item.published_precision,
            "published_raw": item.published_raw,
            "published_year": item.published_at[:4] if item.published_at else None,
            "paragraphs": json.dumps(item.paragraphs, ensure_ascii=False),
            "body": item.body,
            "images": json.dumps(item.images, ensure_ascii=False),
            "content_hash": content_hash,
        }

    def _insert_announcement(
        self, item: Announcement, content_hash: str, now: str, page_ids: list[int] | None
    ) -> int:
        row = {
            "page_ids": json.dumps(page_ids) if page_ids else None,
            "provenance": json.dumps(item.provenance, ensure_ascii=False),
            "site": item.site,
            "url": item.url,
            "aliases": json.dumps(item.aliases, ensure_ascii=False),
            "columns": json.dumps(item.columns, ensure_ascii=False),
            **self._content(item, content_hash),
            "first_seen_at": now,
            "last_seen_at": now,
            "changed_at": None,
        }
        return self._insert("announcements", row)

    def _merge(
        self, row: dict[str, Any], item: Announcement, content_hash: str, now: str,
        page_ids: list[int] | None, seen: bool,
    ) -> str:
        """Merge ITEM into the stored announcement ROW; says whether its content was updated."""
        announcement_id = row["id"]
        aliases = [
            url
            for url in _merged(json.loads(row["aliases"]), [item.url, *item.aliases])
            if url != row["url"]
        ]
        columns = _merged(json.loads(row["columns"]), item.columns)
        update: dict[str, Any] = {"last_seen_at": now} if seen else {}
        if row["gone_at"] is not None and seen:
            update["gone_at"] = None
        if page_ids and row["page_ids"] is None:
            update["page_ids"] = json.dumps(page_ids)
        provenance = json.dumps(item.provenance, ensure_ascii=False)
        if item.provenance and provenance != row["provenance"]:
            update["provenance"] = provenance
        if aliases != json.loads(row["aliases"]):
            update["aliases"] = json.dumps(aliases, ensure_ascii=False)
        if columns != json.loads(row["columns"]):
            update["columns"] = json.dumps(columns, ensure_ascii=False)
        outcome = UNCHANGED
        if row["content_hash"] != content_hash:
            content = self._content(item, content_hash)
            changed = [field for field in VERSIONED_FIELDS if row[field] != content[field]]
            self._insert(
                "announcement_versions",
                {
                    "announcement_id": announcement_id,
                    "recorded_at": now,
                    "fields": json.dumps(changed),
                    "old_values": json.dumps({f: row[f] for f in changed}, ensure_ascii=False),
                    "page_ids": row["page_ids"],
                },
            )
            update.update(content, changed_at=now)
            if page_ids:
                update["page_ids"] = json.dumps(page_ids)
            outcome = UPDATED
        if update:
            self._update("announcements", announcement_id, update)
        return outcome

    def _register_urls(self, announcement_id: int, urls: Iterable[str]) -> None:
        self.db.conn.executemany(
            "INSERT INTO announcement_urls (url_key, url, announcement_id) VALUES (?, ?, ?) "
            "ON CONFLICT(url_key) DO UPDATE SET url = excluded.url, announcement_id = excluded.announcement_id",
            [(_key(url), url, announcement_id) for url in urls],
        )

    def _add_attachments(self, announcement_id: int, item: Announcement) -> None:
        # Attachments are only ever added: a file once listed stays part of the record.
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO attachments (announcement_id, url, name, referer) VALUES (?, ?, ?, ?)",
            [(announcement_id, a.url, a.name, item.referer) for a in item.attachments],
        )
        # A file some other announcement already brought is this one's too.
        self.db.execute(
            """
            UPDATE attachments SET (path, sha256, size, content_type) =
                (SELECT path, sha256, size, content_type FROM files WHERE files.url = attachments.url)
            WHERE announcement_id = ? AND path IS NULL
              AND url IN (SELECT url FROM files)
            """,
            [announcement_id],
        )

    # Raw pages and files

    def _save_pages(self, pages: list[FetchedPage]) -> list[int]:
        """Keep each page as served; a page already kept with the same bytes is not kept again."""
        ids = []
        for page in pages:
            digest = hashlib.sha256(page.body).hexdigest()
            known = self.db.execute(
                "SELECT id FROM pages WHERE url = ? AND body_sha256 = ? AND status = ?",
                [page.url, digest, page.status],
            ).fetchone()
            if known:
                ids.append(known[0])
                continue
            if not self.db.execute("SELECT 1 FROM page_bodies WHERE sha256 = ?", [digest]).fetchone():
                self._insert(
                    "page_bodies",
                    {"sha256": digest, "body": zlib.compress(page.body, 9), "size": len(page.body)},
                )
            ids.append(self._insert("pages", {
                "url": page.url, "fetched_at": page.fetched_at, "status": page.status,
                "headers": json.dumps(page.headers, ensure_ascii=False), "body_sha256": digest,
            }))
        return ids

    def page(self, page_id: int) -> FetchedPage:
        return next(self._pages("WHERE p.id = ?", [page_id]))[1]

    def pages(self) -> Iterator[tuple[int, FetchedPage]]:
        return self._pages("ORDER BY p.id", [])

    def _pages(self, clause: str, params: list[Any]) -> Iterator[tuple[int, FetchedPage]]:
        for page_id, url, status, headers, body, fetched_at in self.db.execute(
            "SELECT p.id, p.url, p.status, p.headers, b.body, p.fetched_at FROM pages p "
            f"JOIN page_bodies b ON b.sha256 = p.body_sha256 {clause}", params
        ):
            body = zlib.decompress(body)
            yield page_id, FetchedPage(url, status, json.loads(headers), body, fetched_at)

    def announcements_with_pages(self) -> list[dict[str, Any]]:
        return list(self.db["announcements"].rows_where("page_ids IS NOT NULL", order_by="id"))

    def list_entry(self, announcement_id: int) -> ListEntry | None:
        """The list entry an announcement was last archived from, as far as the archive knows."""
        row = self.db.execute(
            "SELECT u.url, u.list_title, u.list_date, a.columns FROM announcement_urls u "
            "JOIN announcements a ON a.id = u.announcement_id "
            "WHERE u.announcement_id = ? AND u.list_title IS NOT NULL LIMIT 1",
            [announcement_id],
        ).fetchone()
        if row is None:
            return None
        url, title, date, columns = row
        return ListEntry(url=url, title=title, date_raw=date, column=json.loads(columns)[0])

    def record_file(self, stored: StoredFile, now: str | None = None) -> None:
        """A file was stored: remember it by URL and fill every attachments row that links it."""
        with self.db.atomic():
            self._insert(
                "files",
                {**stored.__dict__, "stored_at": now or utc_now()},
                "ON CONFLICT(url) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, "
                "size = excluded.size, content_type = excluded.content_type, stored_at = excluded.stored_at",
            )
            self.db.execute(
                "UPDATE attachments SET path = ?, sha256 = ?, size = ?, content_type = ? WHERE url = ?",
                [stored.path, stored.sha256, stored.size, stored.content_type, stored.url],
            )
            self.clear_failures([stored.url])

    def known_files(self) -> dict[str, StoredFile]:
        return {
            row["url"]: StoredFile(row["url"], row["path"], row["sha256"], row["size"], row["content_type"])
            for row in self.db["files"].rows
        }

    def forget_files(self, paths: Iterable[str]) -> int:
        """Treat the files stored at PATHS as never downloaded, so that the next crawl fetches them."""
        paths = list(paths)
        marks = ",".join("?" * len(paths))
        with self.db.atomic():
            self.db.execute(f"UPDATE attachments SET path = NULL, sha256 = NULL, size = NULL "
                            f"WHERE path IN ({marks})", paths)
            return self.db.execute(f"DELETE FROM files WHERE path IN ({marks})", paths).rowcount

    def files(self) -> Iterable[dict[str, Any]]:
        return self.db["files"].rows_where(order_by="url")

    def pending_files(self) -> dict[str, list[str]]:
        """Attachment URLs not downloaded yet, by the page to send as Referer."""
        pending: dict[str, list[str]] = {}
        for referer, url in self.db.execute(
            "SELECT DISTINCT referer, url FROM attachments WHERE path IS NULL ORDER BY referer, url"
        ):
            pending.setdefault(referer, []).append(url)
        return pending

    # Search

    def _index(self, row: dict[str, Any], delete: bool = False) -> None:
        """Index ROW (id and SEARCH_COLUMNS); with DELETE, take it out of the index again.

        A contentless FTS5 table forgets a row when told the values it was indexed with.
        """
        command = [SEARCH_TABLE] if delete else []
        names = ", ".join([*command, "rowid", *SEARCH_COLUMNS])
        texts = [index_text(row[name]) for name in SEARCH_COLUMNS]
        values = ["delete"] * len(command) + [row["id"], *texts]
        self.db.execute(
            f"INSERT INTO {SEARCH_TABLE} ({names}) VALUES ({', '.join('?' * len(values))})", values
        )

    def rebuild_search_index(self) -> int:
        """Index every announcement afresh; returns how many."""
        with self.db.atomic():
            self.db.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')")
            count = 0
            for row in self.db["announcements"].rows_where(select=f"id, {', '.join(SEARCH_COLUMNS)}"):
                self._index(row)
                count += 1
        return count

    def search(self, query: str, limit: int = 20, **filters: Any) -> list[dict[str, Any]]:
        """Announcements containing every term of QUERY, best first (bm25), filtered as `select`."""
        where, params = announcement_filters(**filters)
        weights = ", ".join(str(weight) for weight in SEARCH_WEIGHTS)
        sql = (
            f"SELECT a.*, bm25({SEARCH_TABLE}, {weights}) AS score FROM {SEARCH_TABLE} "
            f"JOIN announcements a ON a.id = {SEARCH_TABLE}.rowid "
            f"WHERE {SEARCH_TABLE} MATCH :match {''.join(' AND ' + w for w in where)} "
            "ORDER BY score, a.published_at DESC LIMIT :limit"
        )
        params.update(match=match_expression(query), limit=limit)
        return list(_dicts(self.db.execute(sql, params)))

    def select(self, table: str = "announcements", query: str | None = None, **filters: Any):
        """Rows of announcements (or of their attachments) in date order, filtered; a generator.

        Filters: column (a column name), source (a substring), since and until (ISO dates,
        inclusive), and QUERY (search terms, as for `search`).
        """
        sql, params = self._select_sql(table, query, filters)
        yield from _dicts(self.db.execute(sql, params))

    def count(self, table: str = "announcements", query: str | None = None, **filters: Any) -> int:
        sql, params = self._select_sql(table, query, filters)
        return self.db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def _select_sql(self, table: str, query: str | None, filters: dict[str, Any]) -> tuple[str, dict]:
        where, params = announcement_filters(**filters)
        if query:
            where.append(f"a.id IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :match)")
            params["match"] = match_expression(query)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        if table == "announcements":
            return f"SELECT a.* FROM announcements a {clause} ORDER BY a.published_at, a.id", params
        if table == "attachments":
            return (f"SELECT t.* FROM attachments t JOIN announcements a ON a.id = t.announcement_id "
                    f"{clause} ORDER BY a.published_at, a.id, t.url"), params
        raise ValueError(f"cannot select from {table!r}")

    # Reports

    def runs(self, limit: int = 10, problems_only: bool = False) -> list[dict[str, Any]]:
        """The newest runs first; with PROBLEMS_ONLY, those that did not end ok and say why."""
        where = "status != 'ok' AND reason IS NOT NULL" if problems_only else None
        return list(self.db["crawl_runs"].rows_where(where, order_by="id desc", limit=limit))

    def failures(self) -> list[dict[str, Any]]:
        return list(self.db["failures"].rows_where(order_by="reason, url"))

    def failure_counts(self) -> list[tuple[str, int]]:
        return self.db.execute(
            "SELECT reason, count(*) FROM failures GROUP BY reason ORDER BY 2 DESC, 1"
        ).fetchall()

    def counts(self) -> dict[str, Any]:
        """How many announcements: in all, gone from the site, per kind and per column."""
        db = self.db
        return {
            "total": db.execute("SELECT count(*) FROM announcements").fetchone()[0],
            "gone": db.execute("SELECT count(*) FROM announcements WHERE gone_at IS NOT NULL").fetchone()[0],
            "kinds": dict(db.execute("SELECT kind, count(*) FROM announcements GROUP BY kind")),
            "columns": dict(db.execute(
                "SELECT c.value, count(*) FROM announcements a, json_each(a.columns) c "
                "GROUP BY 1 ORDER BY 1")),
            "attachments": db.execute("SELECT count(*) FROM attachments").fetchone()[0],
        }

    def newest(self, limit: int = 10, **where: Any) -> list[dict[str, Any]]:
        """The newest announcements, optionally only those whose columns equal WHERE's values."""
        clause = " AND ".join(f"[{column}] = ?" for column in where) or None
        return list(self.db["announcements"].rows_where(
            clause, list(where.values()), order_by="published_at desc", limit=limit))

    def stats(self) -> dict[str, Any]:
        """Counts per column per month, top sources, and the first and last dates."""
        db = self.db
        per_month = [
            {"column": column, "month": month, "count": count}
            for column, month, count in db.execute(
                "SELECT c.value, substr(a.published_at, 1, 7) AS month, count(*) "
                "FROM announcements a, json_each(a.columns) c GROUP BY 1, 2 ORDER BY 2, 1"
            )
        ]
        sources = [
            {"source": source, "count": count}
            for source, count in db.execute(
                "SELECT source, count(*) FROM announcements WHERE source IS NOT NULL "
                "GROUP BY source ORDER BY 2 DESC, 1 LIMIT 10"
            )
        ]
        first, last, total = db.execute(
            "SELECT min(published_at), max(published_at), count(*) FROM announcements"
        ).fetchone()
        return {"total": total, "first": first, "last": last, "per_month": per_month,
                "top_sources": sources}

    def add_column(self, url: str, column: str, now: str | None = None) -> bool:
        """A column lists URL: add the column to its announcement and mark it seen.

        False when no announcement has that URL yet.
        """
        announcement_id = self.find_id([url])
        if announcement_id is None:
            return False
        update: dict[str, Any] = {"last_seen_at": now or utc_now()}
        columns = json.loads(self.get(announcement_id)["columns"])
        if column not in columns:
            update["columns"] = json.dumps([*columns, column], ensure_ascii=False)
        with self.db.atomic():
            self._update("announcements", announcement_id, update)
        return True

    def known_listings(self) -> dict[str, tuple[str | None, str | None]]:
        """(list title, list date) by URL key of every archived URL, for incremental runs."""
        return {
            key: (title, date)
            for key, title, date in self.db.execute(
                "SELECT url_key, list_title, list_date FROM announcement_urls"
            )
        }

    def failed_urls(self) -> set[str]:
        return {url for (url,) in self.db.execute("SELECT url FROM failures")}

    # Failures

    def record_failure(self, url: str, reason: str, detail: str, now: str | None = None) -> None:
        """Record (or count again) a failure; an archived announcement that is now gone gains gone_at."""
        now = now or utc_now()
        with self.db.atomic():
            if reason in GONE_REASONS:
                announcement_id = self.find_id([url])
                if announcement_id is not None:
                    self.db.execute(
                        "UPDATE announcements SET gone_at = ? WHERE id = ? AND gone_at IS NULL",
                        [now, announcement_id],
                    )
            self.db.execute(
                """
                INSERT INTO failures (url, reason, detail, attempts, first_at, last_at)
                VALUES (?, ?, ?, 1, ?, ?)
                ON CONFLICT(url) DO UPDATE SET
                    reason = excluded.reason, detail = excluded.detail,
                    attempts = attempts + 1, last_at = excluded.last_at
                """,
                [url, reason, detail, now, now],
            )

    def clear_failures(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        with self.db.atomic():
            self.db.execute(
                f"DELETE FROM failures WHERE url IN ({','.join('?' * len(urls))})", urls
            )

    # Runs

    def close_interrupted_runs(self) -> int:
        """Close as failed the runs left `running` by a killed process; call it holding the lock.

        Done before the next run is planned, so that the plan sees the killed run and
        catches up on what it missed.
        """
        with self.db.atomic():
            return self.db.execute(
                "UPDATE crawl_runs SET status = 'failed', reason = 'interrupted: the process ended "
                "before the run finished' WHERE status = 'running'"
            ).rowcount

    def start_run(self, mode: str, now: str | None = None) -> int:
        """Log a new run, `running` until `finish_run`."""
        now = now or utc_now()
        with self.db.atomic():
            return self.db["crawl_runs"].insert(
                {"started_at": now, "status": "running", "mode": mode}
            ).last_pk

    def finish_run(
        self,
        run_id: int,
        status: str,
        counts: dict[str, int],
        stats: dict[str, Any],
        reason: str | None = None,
        health: dict[str, Any] | None = None,
    ) -> None:
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id,
                {
                    "finished_at": utc_now(),
                    "status": status,
                    "reason": reason,
                    "health": json.dumps(health, ensure_ascii=False, sort_keys=True) if health else None,
                    **counts,
                    "stats": json.dumps(stats, ensure_ascii=False, default=str, sort_keys=True),
                },
            )

    def last_run(self) -> dict[str, Any] | None:
        """The newest run that is not running now (a running one may be another process's)."""
        rows = list(
            self.db["crawl_runs"].rows_where("status != 'running'", order_by="id desc", limit=1)
        )
        return rows[0] if rows else None

    def recent_health(self, limit: int = 5) -> list[dict[str, Any]]:
        """The health figures of the newest finished runs that have them, newest first."""
        return [
            json.loads(row["health"])
            for row in self.db["crawl_runs"].rows_where(
                "health IS NOT NULL AND status IN ('ok', 'partial')", order_by="id desc", limit=limit
            )
        ]
