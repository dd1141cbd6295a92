"""The archive's Datasette face (imports the archive only): metadata, facets, canned queries, Chinese search.

Also a Datasette plugin (entry point `datasette: xcedu`): it gives every connection
`xcedu_match(text)` and the feed's `xcedu_atom_*` functions, and replaces Datasette's
`escape_fts` so that the table's own search box turns a query into the character phrases
the index needs; it keeps table cells short (cells.py), shows an announcement's row as the
notice (notice.py and templates/row.html) and links a search to its other order
(templates/query.html).
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from markupsafe import Markup, escape

from xcedu_crawler.archive.queries import CANNED_QUERIES
from xcedu_crawler.archive.schema import (
    ANNOUNCEMENTS,
    FILE_SEARCH_TABLE,
    FILE_TEXTS,
    LIST_COLUMNS,
    SEARCH_TABLE,
)
from xcedu_crawler.archive.search import match_expression
from xcedu_crawler.browse import cells
from xcedu_crawler.browse.notice import notice
from xcedu_crawler.feeds import content_html, entry_id, entry_title


def _descriptions(columns) -> dict[str, str]:
    # Datasette shows the README's descriptions of the columns, backticks aside.
    return {column.name: column.description.replace("`", "") for column in columns}


ANNOUNCEMENT_COLUMNS = _descriptions(ANNOUNCEMENTS)
# The column holding an announcement's rowid in the search index, which the search box
# matches against (its `fts_pk`); the list view is linked without it.
SEARCH_KEY = "search_key"
FILE_TEXT_COLUMNS = _descriptions(FILE_TEXTS)
# Each search's other order, for the link on its page.
SEARCH_ORDERS = {
    "search": {"this": "best match first", "other": "newest first", "other_query": "search_by_date"},
    "search_by_date": {"this": "newest first", "other": "best match first", "other_query": "search"},
}


def described_columns(columns: dict[str, str]) -> Markup:
    # Folded: Datasette lists column descriptions above the rows, and 23 of them filled the
    # first screen.
    items = Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(name, text)
                            for name, text in columns.items())
    return Markup("<details><summary>What each column holds</summary><dl>{}</dl></details>").format(items)


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for an archive opened under the name DATABASE."""
    start = Markup(
        '<p>Start with <a href="/{0}/{1}"><strong>the announcements</strong></a>, newest first '
        '(date, column, tag, title, source; a title opens the notice), or '
        '<a href="/{0}/search">search them</a>: Chinese words of any length (双减, 招生, 中招).</p>'
    ).format(tilde_encode(database), f"{cells.LIST_VIEW}?_nocol={SEARCH_KEY}")
    return {
        "title": "xcedu-crawler archive",
        "description_html": Markup("<p>Announcements of the city education bureau, archived by "
                                   "xcedu-crawler.</p>") + start,
        "databases": {
            database: {
                "description_html": start,
                "tables": {
                    cells.LIST_VIEW: {
                        "title": "Announcements",
                        "description": "One line per announcement, newest first; the title opens "
                        "the notice with its paragraphs, attachments and versions.",
                        "fts_table": SEARCH_TABLE,
                        "fts_pk": SEARCH_KEY,
                        # Source's facet, ten names long, would push the rows off the first screen.
                        "facets": [{"array": "columns"}, "tag"],
                        "sort_desc": "date",
                    },
                    "announcements": {
                        "description_html": escape("One row per announcement, every field; long "
                                                   "texts are shortened here.")
                        + described_columns(ANNOUNCEMENT_COLUMNS),
                        "fts_table": SEARCH_TABLE,
                        "fts_pk": SEARCH_KEY,
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
                    "file_texts": {
                        "description": "The text read from each stored file, one row per distinct "
                        "content (join attachments on sha256); the search query finds it too.",
                        "columns": FILE_TEXT_COLUMNS,
                    },
                    "failures": {"description": "URLs the crawl meant to archive and could not, and why."},
                    "crawl_runs": {"description": "One row per crawl run: counts, status, reason."},
                    "announcement_versions": {
                        "description": "Previous values of edited announcements."},
                    "announcement_urls": {"hidden": True},
                    SEARCH_TABLE: {"hidden": True},
                    FILE_SEARCH_TABLE: {"hidden": True},
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


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # A search's rows are the list view's (and the attachment a hit came from), so they link
    # to the notice the same way.
    if table == cells.LIST_VIEW or (table is None and tuple(row.keys())[:len(LIST_COLUMNS)]
                                     == LIST_COLUMNS):
        notice_url = datasette.urls.row(database, "announcements", str(row["id"]))
        return cells.display(value, column, cells.LIST_VIEW, notice_url)
    return cells.display(value, column, table, None)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    async def announcement_page():
        if view_name == "row" and table == "announcements":
            return {"notice": await notice(datasette, database, tilde_decode(request.url_vars["pks"]))}
        if template == "query.html" and request and request.url_vars.get("table") in SEARCH_ORDERS:
            return {"search_order": SEARCH_ORDERS[request.url_vars["table"]]}
        return {}

    return announcement_page
