"""`xcedu serve` and the archive's Datasette face: metadata, facets, canned queries, Chinese search.

Also a Datasette plugin (entry point `datasette: xcedu`): it gives every connection
`xcedu_match(text)`, and replaces Datasette's `escape_fts` so that the table's own
search box turns a query into the character phrases the index needs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from datasette import hookimpl

from xcedu_crawler.archive.queries import CANNED_QUERIES
from xcedu_crawler.archive.schema import ANNOUNCEMENTS, SEARCH_TABLE
from xcedu_crawler.archive.search import match_expression
from xcedu_crawler.commands.common import add_db_option, parser, require_archive, run_command

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


def serve_main(argv: list[str] | None = None) -> int:
    command = parser(
        "serve",
        "Browse and search the archive in Datasette, with table and column descriptions, "
        "facets and canned queries. Needs the browse extra: pip install -e '.[browse]'.",
        "xcedu serve --db data/xcedu.db --port 8001",
    )
    add_db_option(command)
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    command.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    args = command.parse_args(argv)
    return run_command("serve", _serve, args)


def _serve(args: argparse.Namespace) -> int:
    db = Path(args.db)
    require_archive(db)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as meta:
        json.dump(metadata(db.stem), meta, ensure_ascii=False)
        meta.flush()
        return subprocess.call([
            sys.executable, "-m", "datasette", "serve", str(db), "--metadata", meta.name,
            "--host", args.host, "--port", str(args.port),
        ])
