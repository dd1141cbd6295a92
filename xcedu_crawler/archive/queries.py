"""What researchers ask of the archive: filtered selections, counts, statistics, canned queries."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database
from sqlite_utils.utils import sqlite3

from xcedu_crawler.archive.rows import dicts
from xcedu_crawler.archive.schema import (
    BM25,
    FILE_SEARCH_TABLE,
    LIST_COLUMNS,
    SEARCH_TABLE,
    TITLE_SEARCH_TABLE,
)
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
    return (f"SELECT a.id FROM {SEARCH_TABLE} JOIN announcements a ON a.search_key = {SEARCH_TABLE}.rowid "
            f"WHERE {SEARCH_TABLE} MATCH {match} "
            f"UNION SELECT announcement_id FROM ({attachment_hits(match)})")


# SQLite 3.40 (Debian 12's) can miss matches when FTS5 reads an index in descending rowid
# order (seen on this archive's titles: 390 of 598 matches; right from 3.42 on, as in
# pysqlite3-binary). On an older SQLite the newest first are sorted from every match
# instead: exact, as slow as bm25.
NEWEST_FIRST_FROM_THE_INDEX = sqlite3.sqlite_version_info >= (3, 42, 0)
# How a search's hits can be ordered (`search_hits`).
SEARCH_ORDERS = ("relevance", "date", "bm25")
# The ORDER BY of `search_hits`' rows (h) for each order.
HIT_ORDER = {"relevance": "h.via, h.key DESC", "date": "h.key DESC",
             "bm25": "h.via, h.score, h.key DESC"}


def _own_hits(match: str, via: int, where: list[str], limit: str, ranked: bool = False,
              table: str = SEARCH_TABLE) -> str:
    # Joined and filtered inside, before LIMIT, so that the index is read newest first and
    # no further than the LIMIT-th match that passes the filters.
    return f"""SELECT * FROM (
  SELECT a.id, {via} AS via, a.search_key AS key, {BM25 if ranked else "NULL"} AS score,
         NULL AS attachment, NULL AS attachment_url, NULL AS attachment_sha256
  FROM {table} JOIN announcements a ON a.search_key = {table}.rowid
  WHERE {table} MATCH {match} {_and_each(where)}
  ORDER BY {"score" if ranked else _newest_first(table)} LIMIT {limit})"""


def _newest_first(table: str) -> str:
    return f"{table}.rowid DESC" if NEWEST_FIRST_FROM_THE_INDEX else "+a.search_key DESC"


def _and_each(where: list[str]) -> str:
    # WHERE's conditions appended to a query's own.
    return " ".join(f"AND {condition}" for condition in where)


def _attachment_only_hits(match: str, via: int, where: list[str], limit: str) -> str:
    return f"""SELECT * FROM (
  SELECT a.id, {via} AS via, a.search_key AS key, t.score, t.name AS attachment,
         t.url AS attachment_url, t.sha256 AS attachment_sha256
  FROM (SELECT *, row_number() OVER (PARTITION BY announcement_id ORDER BY score, url) AS n
        FROM ({attachment_hits(match)})) t
  JOIN announcements a ON a.id = t.announcement_id
  WHERE t.n = 1 {_and_each(where)} AND NOT EXISTS (
    SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH {match} AND rowid = a.search_key)
  ORDER BY key DESC LIMIT {limit})"""


def search_hits(match: str, order: str, where: list[str] | None = None, limit: str = ":limit") -> str:
    """SQL of the announcements `a` matching MATCH (an SQL expression giving a
    `match_expression`) and the conditions WHERE, at most LIMIT, one row each (id, via, key,
    score, attachment, attachment_url, attachment_sha256), to be sorted by HIT_ORDER[ORDER].

    relevance: those whose title holds every term (via 0), then those whose body or source
    does (via 1), then those where only an attachment's text does (via 2, that attachment
    named, the best-scoring one), each group newest first. date: all of them newest first.
    bm25: their own text's bm25 over title, body and source (via 0), then attachments' (via 1);
    the one order that reads every match, so the slowest for a common word (README: "Search").
    """
    where = where or []
    if order == "relevance":
        # The titles' own index answers the first group (the main one, asked for a word in
        # no title, would read its positions through every body); FTS5's NOT, merged in
        # rowid order, keeps them out of the second without a lookup per row.
        untitled = f"({match} || ' NOT {{title}} : (' || {match} || ')')"
        parts = [_own_hits(match, 0, where, limit, table=TITLE_SEARCH_TABLE),
                 _own_hits(untitled, 1, where, limit),
                 _attachment_only_hits(match, 2, where, limit)]
    elif order == "date":
        parts = [_own_hits(match, 0, where, limit),
                 _attachment_only_hits(match, 1, where, limit)]
    elif order == "bm25":
        parts = [_own_hits(match, 0, where, limit, ranked=True),
                 _attachment_only_hits(match, 1, where, limit)]
    else:
        raise ValueError(f"unknown search order {order!r}; one of {', '.join(SEARCH_ORDERS)}")
    return f"SELECT * FROM ({' UNION ALL '.join(parts)}) h ORDER BY {HIT_ORDER[order]} LIMIT {limit}"


def _search_sql(order: str) -> str:
    """A canned search: the narrow list's rows holding all of :q's words, in their own text or
    in an attachment's (named), in ORDER (`search_hits`)."""
    return f"""select {", ".join(f"l.{name}" for name in LIST_COLUMNS)}, h.attachment, h.attachment_url
from ({search_hits("xcedu_match(:q)", order, limit="200")}) h join announcement_list l on l.id = h.id
order by {HIT_ORDER[order]}"""


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
        "description": "Every announcement containing all the words: those with all of them in "
        "the title first, then the others, each newest first; then those whose attachment "
        "contains them, the attachment named.",
        "sql": _search_sql("relevance"),
        "hide_sql": True,
    },
    "search_by_date": {
        "title": "Search announcements, newest first",
        "description": "Every announcement containing all the words, or with an attachment "
        "that does, newest first.",
        "sql": _search_sql("date"),
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
