"""The archive's Datasette face: metadata, facets, canned queries, Chinese search.

Also a Datasette plugin (entry point `datasette: xcedu`): it gives every connection
`xcedu_match(text)`, and replaces Datasette's `escape_fts` so that the table's own
search box turns a query into the character phrases the index needs.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from xcedu_crawler.archive import SEARCH_TABLE, SEARCH_WEIGHTS
from xcedu_crawler.archive.search import match_expression

BM25 = f"bm25({SEARCH_TABLE}, {', '.join(str(w) for w in SEARCH_WEIGHTS)})"

ANNOUNCEMENT_COLUMNS = {
    "id": "Integer key of the announcement in this archive",
    "url": "Canonical URL (fragment and tracking keys dropped); cite this",
    "aliases": "JSON array of other URLs that led here: republished copies, redirect stubs, http/https twins",
    "kind": "page (an HTML announcement), file (a document listed directly) or external (another host)",
    "title": "Title without its leading 【tag】",
    "title_tag": "The text of a leading 【…】 of the title, e.g. 部署",
    "source": "信息来源 (publishing office), NULL when the page gives none",
    "published_at": "信息时间 in Asia/Shanghai, ISO 8601 to the second; NULL when no date was found",
    "published_precision": "second, minute or day: how much of published_at the page gave",
    "published_raw": "The date text as found on the page",
    "columns": "JSON array of the columns (栏目) that listed it",
    "paragraphs": "JSON array of body paragraphs",
    "body": "The paragraphs joined by newlines",
    "images": "JSON array of image URLs in the body",
    "content_hash": "Hash of the content: equal content, equal hash",
    "first_seen_at": "When the crawler first archived it (UTC)",
    "last_seen_at": "When a crawl last saw it listed or fetched it (UTC)",
    "changed_at": "When its content last changed (UTC); NULL if never",
    "gone_at": "When its page was found withdrawn (UTC); NULL while it is online",
    "published_year": "Year of published_at, for facets",
}

CANNED_QUERIES = {
    "search": {
        "title": "Search announcements (Chinese words of any length)",
        "description": "Every announcement containing all the words, best matches first.",
        "sql": f"""select a.published_at, a.title_tag, a.title, a.source, a.url
from {SEARCH_TABLE} join announcements a on a.id = {SEARCH_TABLE}.rowid
where {SEARCH_TABLE} match xcedu_match(:q)
order by {BM25}, a.published_at desc
limit 200""",
    },
    "per_month_for_term": {
        "title": "Announcements per month for a term",
        "sql": f"""select substr(published_at, 1, 7) as month, count(*) as announcements
from announcements
where id in (select rowid from {SEARCH_TABLE} where {SEARCH_TABLE} match xcedu_match(:term))
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
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an archive opened under the name DATABASE."""
    return {
        "title": "xcedu-crawler archive",
        "description": "Announcements of the city education bureau, archived by xcedu-crawler. "
        "Search finds Chinese words of any length (双减, 招生, 中招).",
        "databases": {
            database: {
                "tables": {
                    "announcements": {
                        "description": "One row per announcement.",
                        "columns": ANNOUNCEMENT_COLUMNS,
                        "fts_table": SEARCH_TABLE,
                        "fts_pk": "id",
                        "facets": [{"array": "columns"}, "source", "title_tag", "published_year"],
                        "sort_desc": "published_at",
                        "label_column": "title",
                    },
                    "attachments": {
                        "description": "One row per (announcement, attachment URL).",
                        "columns": {
                            "name": "Link text, else the file name",
                            "path": "Where the file is stored, relative to the files folder",
                        },
                    },
                    "failures": {"description": "URLs the crawl meant to archive and could not, and why."},
                    "crawl_runs": {"description": "One row per crawl run: counts, status, reason."},
                    "announcement_versions": {
                        "description": "Previous values of edited announcements."},
                    "announcement_urls": {"hidden": True},
                    SEARCH_TABLE: {"hidden": True},
                },
                "queries": CANNED_QUERIES,
            }
        },
    }


@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    # trylast: registered after Datasette's own escape_fts, so this one is the one used.
    conn.create_function("xcedu_match", 1, match_expression, deterministic=True)
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)
