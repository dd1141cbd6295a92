"""What researchers ask of the archive: filtered selections, counts, statistics, canned queries."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from xcedu_crawler.archive.rows import dicts
from xcedu_crawler.archive.schema import BM25, FILE_SEARCH_TABLE, SEARCH_TABLE
from xcedu_crawler.archive.search import match_expression


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


def attachment_hits(match: str) -> str:
    """SQL of the attachments whose file's text matches the FTS5 expression MATCH (a parameter
    or a call): announcement_id, name, url, sha256 and the bm25 score of the text."""
    return (
        f"SELECT t.announcement_id, t.name, t.url, t.sha256, f.score FROM "
        f"(SELECT rowid AS text_id, bm25({FILE_SEARCH_TABLE}) AS score FROM {FILE_SEARCH_TABLE} "
        f"WHERE {FILE_SEARCH_TABLE} MATCH {match}) f "
        "JOIN file_texts x ON x.id = f.text_id JOIN attachments t ON t.sha256 = x.sha256"
    )


def matching_ids(match: str) -> str:
    """SQL of the ids of the announcements matching MATCH in their own text or an attachment's."""
    return (f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH {match} "
            f"UNION SELECT announcement_id FROM ({attachment_hits(match)})")


def ranked_hits(match: str) -> str:
    """SQL of the announcements matching MATCH, one row each (id, via, score, attachment,
    attachment_url, attachment_sha256), to be ordered by via then score: those matching in
    their own text first (via 0, bm25 over title, body and source, as ever), then those
    matching only in an attachment (via 1, that attachment named, the best-scoring one)."""
    return f"""SELECT id, via, score, attachment, attachment_url, attachment_sha256 FROM (
  SELECT rowid AS id, 0 AS via, {BM25} AS score, NULL AS attachment, NULL AS attachment_url,
         NULL AS attachment_sha256, 1 AS n
  FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH {match}
  UNION ALL
  SELECT announcement_id, 1, score, name, url, sha256,
         row_number() OVER (PARTITION BY announcement_id ORDER BY score, url)
  FROM ({attachment_hits(match)})
  WHERE announcement_id NOT IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH {match})
) WHERE n = 1"""


def _search_sql(order: str) -> str:
    """A canned search: the narrow list's rows holding all of :q's words, in their own text or
    in an attachment's (named), in ORDER."""
    return f"""select l.*, h.attachment, h.attachment_url
from ({ranked_hits("xcedu_match(:q)")}) h join announcement_list l on l.id = h.id
order by {order}
limit 200"""


# A feed's entries: newest published first. Not by when the archive saw them: a first crawl
# archives the oldest notices last, and its feed would be the oldest fifty.
FEED_ORDER = "a.published_at DESC, coalesce(a.changed_at, a.first_seen_at) DESC, a.id DESC"
FEED_LIMIT = 50

# Datasette's canned queries; xcedu_match() is the plugin's query-to-phrases function, and
# xcedu_atom_*() are xcedu_crawler.feeds' functions, so both feeds give an entry the same id,
# title and content.
CANNED_QUERIES = {
    "search": {
        "title": "Search announcements (Chinese words of any length)",
        "description": "Every announcement containing all the words, best matches first; then "
        "those whose attachment contains them, the attachment named.",
        "sql": _search_sql("h.via, h.score, l.date desc"),
        "hide_sql": True,
    },
    "search_by_date": {
        "title": "Search announcements, newest first",
        "description": "Every announcement containing all the words, or with an attachment "
        "that does, newest first.",
        "sql": _search_sql("l.date desc, l.id desc"),
        "hide_sql": True,
    },
    "per_month_for_term": {
        "title": "Announcements per month for a term",
        "sql": f"""select substr(published_at, 1, 7) as month, count(*) as announcements
from announcements
where id in ({matching_ids("xcedu_match(:term)")})
group by month order by month""",
    },
    "with_attachments": {
        "title": "Announcements with attachments",
        "sql": """select a.published_at, a.title, a.url, count(*) as attachments,
  group_concat(t.name, ' / ') as names
from announcements a join attachments t on t.announcement_id = a.id
group by a.id order by a.published_at desc""",
    },
    "recent_changes": {
        "title": "Recent changes: edited announcements and what changed",
        "sql": """select v.recorded_at, a.title, a.url, v.fields, a.changed_at
from announcement_versions v join announcements a on a.id = v.announcement_id
order by v.recorded_at desc limit 200""",
    },
    "feed": {
        "title": "Newest announcements",
        "description": "The newest announcements (add .atom to the address for a feed), "
        "optionally only one column (栏目) or only those holding every word of q (in their "
        "own text or an attachment's); as "
        "`xcedu feed`.",
        "sql": f"""select xcedu_atom_id(a.url) as atom_id,
  xcedu_atom_title(a.title, a.title_tag) as atom_title,
  coalesce(a.changed_at, a.first_seen_at) as atom_updated,
  a.url as atom_link,
  xcedu_atom_content_html(a.paragraphs) as atom_content_html,
  a.source as atom_author_name,
  a.published_at, a.columns
from announcements a
where (:column = '' or exists (select 1 from json_each(a.columns) where value = :column))
  and (:q = '' or a.id in ({matching_ids("xcedu_match(:q)")}))
order by {FEED_ORDER}
limit {FEED_LIMIT}""",
    },
}


# What `select` adds to an attachment row from file_texts (NULL until its file is read).
ATTACHMENT_TEXT_COLUMNS = ("text_status", "text")


def _where_clause(query: str | None, filters: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The WHERE clause on announcements `a` for the common filters and search terms QUERY."""
    where, params = announcement_filters(**filters)
    if query:
        where.append(f"a.id IN ({matching_ids(':match')})")
        params["match"] = match_expression(query)
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


class Queries:
    """The reading side of `Archive` for researchers and reports."""

    db: Database

    def columns(self, table: str) -> list[str]:
        """The columns `select` gives for TABLE: an attachment's come with its file's text."""
        names = [column.name for column in self.db[table].columns]
        return [*names, *ATTACHMENT_TEXT_COLUMNS] if table == "attachments" else names

    def select(self, table: str = "announcements", query: str | None = None, **filters: Any):
        """Rows of announcements (or of their attachments) in date order, filtered; a generator.

        Filters: column (a column name), source (a substring), since and until (ISO dates,
        inclusive), and QUERY (search terms, as for `search`).
        """
        sql, params = self._select_sql(table, query, filters)
        yield from dicts(self.db.execute(sql, params))

    def count(self, table: str = "announcements", query: str | None = None, **filters: Any) -> int:
        sql, params = self._select_sql(table, query, filters)
        return self.db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def feed_rows(self, limit: int = FEED_LIMIT, query: str | None = None,
                  **filters: Any) -> list[dict[str, Any]]:
        """The LIMIT newest announcements, newest first, filtered as `select` is: what a feed
        of them holds."""
        clause, params = _where_clause(query, filters)
        return list(dicts(self.db.execute(
            f"SELECT a.* FROM announcements a {clause} ORDER BY {FEED_ORDER} LIMIT :limit",
            {**params, "limit": limit})))

    def _select_sql(self, table: str, query: str | None, filters: dict[str, Any]) -> tuple[str, dict]:
        clause, params = _where_clause(query, filters)
        if table == "announcements":
            return f"SELECT a.* FROM announcements a {clause} ORDER BY a.published_at, a.id", params
        if table == "attachments":
            return (f"SELECT t.*, x.status AS text_status, x.text FROM attachments t "
                    "JOIN announcements a ON a.id = t.announcement_id "
                    "LEFT JOIN file_texts x ON x.sha256 = t.sha256 "
                    f"{clause} ORDER BY a.published_at, a.id, t.url"), params
        raise ValueError(f"cannot select from {table!r}")

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
