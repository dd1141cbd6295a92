"""The Chinese full-text index: keeping it in step with the announcements, and searching it."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from xcedu_crawler.archive.connection import SEARCH_INDEX_VERSION
from xcedu_crawler.archive.queries import HIT_ORDER, announcement_filters, search_hits
from xcedu_crawler.archive.rows import dicts
from xcedu_crawler.archive.schema import (
    FILE_SEARCH_TABLE,
    SEARCH_COLUMNS,
    SEARCH_TABLE,
    TITLE_SEARCH_TABLE,
)
from xcedu_crawler.archive.search import index_text, match_expression, search_key


class FullText:
    """The part of `Archive` that indexes and searches (tokens: xcedu_crawler.archive.search)."""

    db: Database

    def _index(self, row: dict[str, Any], delete: bool = False) -> None:
        """Index ROW (search_key and SEARCH_COLUMNS), its title in the titles' index too;
        with DELETE, take it out of both again.

        A contentless FTS5 table forgets a row when told the values it was indexed with.
        """
        for table, columns in ((SEARCH_TABLE, SEARCH_COLUMNS), (TITLE_SEARCH_TABLE, ("title",))):
            command = [table] if delete else []
            names = ", ".join([*command, "rowid", *columns])
            values = ["delete"] * len(command) + [row["search_key"],
                                                  *(index_text(row[name]) for name in columns)]
            self.db.execute(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(values))})", values)

    def _index_file_text(self, text_id: int, text: str, delete: bool = False) -> None:
        """Index a file_texts row's TEXT under its id; with DELETE, take it out again (`_index`)."""
        if delete:
            self.db.execute(f"INSERT INTO {FILE_SEARCH_TABLE} ({FILE_SEARCH_TABLE}, rowid, text) "
                            "VALUES ('delete', ?, ?)", [text_id, index_text(text)])
        else:
            self.db.execute(f"INSERT INTO {FILE_SEARCH_TABLE} (rowid, text) VALUES (?, ?)",
                            [text_id, index_text(text)])

    def rebuild_search_index(self) -> int:
        """Index every announcement and file text afresh with today's tokenizer; returns how
        many announcements."""
        with self.db.atomic():
            for table in (SEARCH_TABLE, TITLE_SEARCH_TABLE, FILE_SEARCH_TABLE):
                self.db.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
            self.db.conn.executemany(
                "UPDATE announcements SET search_key = ? WHERE id = ?",
                [(search_key(published_at, announcement_id), announcement_id) for
                 announcement_id, published_at in self.db.execute(
                     "SELECT id, published_at FROM announcements").fetchall()])
            count = 0
            for row in self.db["announcements"].rows_where(
                    select=f"search_key, {', '.join(SEARCH_COLUMNS)}"):
                self._index(row)
                count += 1
            for text_id, text in self.db.execute("SELECT id, text FROM file_texts"):
                self._index_file_text(text_id, text)
            self.db.execute(
                "INSERT INTO archive_state (key, value) VALUES ('search_index_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [SEARCH_INDEX_VERSION])
        return count

    def search(self, query: str, limit: int = 20, order: str = "relevance",
               **filters: Any) -> list[dict[str, Any]]:
        """Announcements containing every term of QUERY, filtered as `select`, in ORDER
        (`queries.search_hits`: by default those with every term in the title first, then
        the others, newest first; then those where one attachment's text holds them all),
        with that attachment's `attachment` (name), `attachment_url` and `attachment_sha256`
        (NULL for the others) and, in bm25 order, the `score`."""
        where, params = announcement_filters(**filters)
        sql = (
            "SELECT a.*, h.score, h.attachment, h.attachment_url, h.attachment_sha256 "
            f"FROM ({search_hits(':match', order, where)}) h JOIN announcements a ON a.id = h.id "
            f"ORDER BY {HIT_ORDER[order]}"
        )
        params.update(match=match_expression(query), limit=limit)
        return list(dicts(self.db.execute(sql, params)))
