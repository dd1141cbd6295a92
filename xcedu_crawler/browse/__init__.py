"""The archive's Datasette face: metadata, facets, canned queries, Chinese search.

Also a Datasette plugin (entry point `datasette: xcedu`): it gives every connection
`xcedu_match(text)` and the feed's `xcedu_atom_*` functions, and replaces Datasette's
`escape_fts` so that the table's own search box turns a query into the character phrases
the index needs.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from xcedu_crawler.archive.queries import CANNED_QUERIES
from xcedu_crawler.archive.schema import ANNOUNCEMENTS, SEARCH_TABLE
from xcedu_crawler.archive.search import match_expression
from xcedu_crawler.feeds import content_html, entry_id, entry_title

# Datasette shows the README's descriptions of the announcements' columns, backticks aside.
ANNOUNCEMENT_COLUMNS = {column.name: column.description.replace("`", "") for column in ANNOUNCEMENTS}


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
    conn.create_function("xcedu_atom_id", 1, entry_id, deterministic=True)
    conn.create_function("xcedu_atom_title", 2, entry_title, deterministic=True)
    conn.create_function("xcedu_atom_content_html", 1, content_html, deterministic=True)
