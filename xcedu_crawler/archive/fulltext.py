"""The Chinese full-text index: keeping it in step with the announcements, and searching it."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from xcedu_crawler.archive.connection import SEARCH_INDEX_VERSION
from xcedu_crawler.archive.queries import announcement_filters
from xcedu_crawler.archive.rows import dicts
from xcedu_crawler.archive.schema import BM25, SEARCH_COLUMNS, SEARCH_TABLE
from xcedu_crawler.archive.search import index_text, match_expression


class FullText:
    """The part of `Archive` that indexes and searches (tokens: xcedu_crawler.archive.search)."""

    db: Database

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
        """Index every announcement afresh with today's tokenizer; returns how many."""
        with self.db.atomic():
            self.db.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')")
            count = 0
            for row in self.db["announcements"].rows_where(select=f"id, {', '.join(SEARCH_COLUMNS)}"):
                self._index(row)
                count += 1
            self.db.execute(
                "INSERT INTO archive_state (key, value) VALUES ('search_index_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [SEARCH_INDEX_VERSION])
        return count

    def search(self, query: str, limit: int = 20, **filters: Any) -> list[dict[str, Any]]:
        """Announcements containing every term of QUERY, best first (bm25), filtered as `select`."""
        where, params = announcement_filters(**filters)
        sql = (
            f"SELECT a.*, {BM25} AS score FROM {SEARCH_TABLE} "
            f"JOIN announcements a ON a.id = {SEARCH_TABLE}.rowid "
            f"WHERE {SEARCH_TABLE} MATCH :match {''.join(' AND ' + w for w in where)} "
            "ORDER BY score, a.published_at DESC LIMIT :limit"
        )
        params.update(match=match_expression(query), limit=limit)
        return list(dicts(self.db.execute(sql, params)))
