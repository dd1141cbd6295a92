"""Storing announcements: dedupe by any URL or by content, versions of edits, listings and columns."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from xcedu_crawler.archive.rows import (
    dicts,
    insert_row,
    key_of,
    marks,
    merged,
    update_row,
    utc_now,
)
from xcedu_crawler.archive.schema import SEARCH_COLUMNS, VERSIONED_FIELDS
from xcedu_crawler.archive.search import search_key
from xcedu_crawler.items import Announcement, ListEntry

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"


class Store:
    """The writing side of `Archive`: one announcement, or one listing, at a time."""

    # Pages (save_pages), the index (_index), failures (clear_failures) and validators
    # (_record_page_validators) are the other parts of Archive, which stores an
    # announcement's all in one transaction.
    db: Database

    def find_id(self, urls: Iterable[str]) -> int | None:
        """The announcement that any of these URLs (or their http/https twins) led to."""
        keys = [key_of(url) for url in urls]
        rows = self.db.execute(
            f"SELECT announcement_id FROM announcement_urls WHERE url_key IN ({marks(keys)})", keys
        ).fetchall()
        return rows[0][0] if rows else None

    def get(self, announcement_id: int) -> dict[str, Any]:
        cursor = self.db.execute("SELECT * FROM announcements WHERE id = ?", [announcement_id])
        row = next(dicts(cursor), None)
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
            if seen:
                listed = item.list_url or item.url
                for column in item.columns:
                    self._upsert_listing(listed, column, now)
            columns = merged(item.columns, self._listed_columns(urls))
            page_ids = self.save_pages(item.pages) if item.pages else None
            if seen:
                self._record_page_validators(item.pages)
            announcement_id = self.find_id(urls)
            if announcement_id is None:
                # A republished copy: another URL, the same content.
                row = self.db.execute(
                    "SELECT id FROM announcements WHERE content_hash = ? ORDER BY id LIMIT 1",
                    [content_hash],
                ).fetchone()
                announcement_id = row[0] if row else None
            if announcement_id is None:
                announcement_id = self._insert_announcement(item, columns, now, page_ids)
                outcome = NEW
            else:
                old = self.get(announcement_id)
                outcome = self._merge(old, item, columns, now, page_ids, seen)
                if outcome == UPDATED:
                    self._index(old, delete=True)
            if outcome != UNCHANGED:
                # The stored title, body and source are the item's own.
                indexed = {name: getattr(item, name) for name in SEARCH_COLUMNS}
                key = search_key(item.published_at, announcement_id)
                self.db.execute("UPDATE announcements SET search_key = ? WHERE id = ?",
                                [key, announcement_id])
                self._index({"search_key": key, **indexed})
            self._register_urls(announcement_id, urls)
            if item.list_url:
                self.db.execute(
                    "UPDATE announcement_urls SET list_title = ?, list_date = ? WHERE url_key = ?",
                    [item.list_title, item.list_date, key_of(item.list_url)],
                )
            self._add_attachments(announcement_id, item)
            self.clear_failures(urls)
        return outcome

    def _content(self, item: Announcement) -> dict[str, Any]:
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
            "content_hash": item.content_hash,
        }

    def _insert_announcement(
        self, item: Announcement, columns: list[str], now: str, page_ids: list[int] | None
    ) -> int:
        row = {
            "page_ids": json.dumps(page_ids) if page_ids else None,
            "provenance": json.dumps(item.provenance, ensure_ascii=False),
            "site": item.site,
            "url": item.url,
            "aliases": json.dumps(item.aliases, ensure_ascii=False),
            "columns": json.dumps(columns, ensure_ascii=False),
            **self._content(item),
            "first_seen_at": now,
            "last_seen_at": now,
            "changed_at": None,
        }
        return insert_row(self.db, "announcements", row)

    def _merge(
        self, row: dict[str, Any], item: Announcement, columns: list[str], now: str,
        page_ids: list[int] | None, seen: bool,
    ) -> str:
        """Merge ITEM into the stored announcement ROW; says whether its content was updated."""
        announcement_id = row["id"]
        aliases = [
            url
            for url in merged(json.loads(row["aliases"]), [item.url, *item.aliases])
            if url != row["url"]
        ]
        columns = merged(json.loads(row["columns"]), columns)
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
        if row["content_hash"] != item.content_hash:
            content = self._content(item)
            changed = [field for field in VERSIONED_FIELDS if row[field] != content[field]]
            insert_row(self.db, "announcement_versions", {
                "announcement_id": announcement_id,
                "recorded_at": now,
                "fields": json.dumps(changed),
                "old_values": json.dumps({f: row[f] for f in changed}, ensure_ascii=False),
                "page_ids": row["page_ids"],
            })
            update.update(content, changed_at=now)
            if page_ids:
                update["page_ids"] = json.dumps(page_ids)
            outcome = UPDATED
        if update:
            update_row(self.db, "announcements", announcement_id, update)
        return outcome

    def _register_urls(self, announcement_id: int, urls: Iterable[str]) -> None:
        self.db.conn.executemany(
            "INSERT INTO announcement_urls (url_key, url, announcement_id) VALUES (?, ?, ?) "
            "ON CONFLICT(url_key) DO UPDATE SET url = excluded.url, announcement_id = excluded.announcement_id",
            [(key_of(url), url, announcement_id) for url in urls],
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

    # Listings

    def record_listings(self, column: str, urls: Iterable[str], now: str | None = None, *,
                        list_page: str | None = None, provenance: dict[str, str] | None = None) -> int:
        """COLUMN lists URLS (on LIST_PAGE, read by the rules PROVENANCE names): keep the
        listings, and mark the announcements behind them seen in it; says how many were
        archived already (a later store takes the column from here)."""
        now = now or utc_now()
        archived = 0
        page = (list_page, json.dumps(provenance, ensure_ascii=False, sort_keys=True) if provenance else None)
        with self.db.atomic():
            for url in urls:
                self._upsert_listing(url, column, now, *page)
                announcement_id = self.find_id([url])
                if announcement_id is None:
                    continue
                archived += 1
                update: dict[str, Any] = {"last_seen_at": now}
                columns = json.loads(self.get(announcement_id)["columns"])
                if column not in columns:
                    update["columns"] = json.dumps([*columns, column], ensure_ascii=False)
                update_row(self.db, "announcements", announcement_id, update)
        return archived

    def _upsert_listing(self, url: str, column: str, now: str, list_page: str | None = None,
                        provenance: str | None = None) -> None:
        # A listing known from an announcement alone keeps the list page that last showed it.
        self.db.execute(
            "INSERT INTO listings (column_name, url_key, url, first_seen_at, last_seen_at, "
            "list_page_url, provenance) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(column_name, url_key) DO UPDATE SET url = excluded.url, "
            "last_seen_at = excluded.last_seen_at, "
            "list_page_url = coalesce(excluded.list_page_url, list_page_url), "
            "provenance = coalesce(excluded.provenance, provenance)",
            [column, key_of(url), url, now, now, list_page, provenance],
        )

    def _listed_columns(self, urls: list[str]) -> list[str]:
        """The columns that listed any of URLS, in the order they first did."""
        keys = [key_of(url) for url in urls]
        return [column for (column,) in self.db.execute(
            f"SELECT column_name FROM listings WHERE url_key IN ({marks(keys)}) "
            "GROUP BY column_name ORDER BY min(first_seen_at), min(rowid)", keys)]

    def known_listings(self) -> dict[str, tuple[str | None, str | None]]:
        """(list title, list date) by URL key of every archived URL, for incremental runs."""
        return {
            key: (title, date)
            for key, title, date in self.db.execute(
                "SELECT url_key, list_title, list_date FROM announcement_urls"
            )
        }

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
