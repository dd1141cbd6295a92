"""`xcedu search`: announcements holding every word of a query, title matches first, with a snippet."""

from __future__ import annotations

import json
import sys

import click

from xcedu_crawler.archive.queries import SEARCH_ORDERS
from xcedu_crawler.archive.search import MAX_QUERY_CHARACTERS, MAX_TERMS, query_terms, snippet
from xcedu_crawler.commands.common import (
    MAX_LIMIT,
    db_option,
    display_time,
    filter_options,
    open_archive,
    subcommand,
    write_rows,
)

SEARCH_COLUMNS = ["published_at", "columns", "title", "url", "attachment", "snippet"]
# The --help's examples: each finds something on the demo archive (a test holds them to it).
EXAMPLE_WORD, EXAMPLE_WORDS, EXAMPLE_PHRASE = "双减", "中招 考试", '"24 小时"'


@subcommand(
    "search",
    "Find announcements containing every word of QUERY (Chinese words of any length, "
    '"quoted phrases"), with a snippet marking the match: by default those holding every '
    "word in their title first, then the others, each newest first (--order date: all newest "
    "first; --order bm25: by relevance score, slower on a large archive). A word is "
    "found exactly where its text stands in a title, body or source, punctuation and all; "
    f"a word of punctuation alone is left out; at most {MAX_TERMS} different words of "
    f"{MAX_QUERY_CHARACTERS} characters together.\n\n"
    "An announcement whose own text lacks them but one of its attachments' text holds "
    "them all comes after those (with --order date, in its place by date), the attachment "
    "named (its text is read by the crawl, or "
    "by `xcedu extract-text`).\n\n"
    f"QUERY: words to find, e.g. {EXAMPLE_WORD} or '{EXAMPLE_WORDS}' (both) or "
    f"'{EXAMPLE_PHRASE}' (a phrase, space and all).",
    "xcedu search 双减 --column 通知公告 --since 2022-01-01 --format table",
)
@click.argument("query")
@db_option
@filter_options
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=20,
              help=f"at most this many results, 1 to {MAX_LIMIT} (default 20)")
@click.option("--order", type=click.Choice(SEARCH_ORDERS), default="relevance", show_default=True,
              help="relevance: every word in the title first, then the others, newest first; "
              "date: newest first; bm25: FTS5's relevance score (reads every match)")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table")
def search(query: str, db: str, limit: int, order: str, fmt: str, **filters: str | None) -> None:
    terms = query_terms(query)
    with open_archive(db) as archive:
        results = archive.search(query, limit=limit, order=order, **filters)
        all_columns = [*archive.columns("announcements"), "score", "attachment", "attachment_url",
                       "snippet"]
        for row in results:
            if digest := row.pop("attachment_sha256"):
                row["snippet"] = snippet(archive.file_text(digest)["text"], terms)
            else:
                row["snippet"] = snippet(row["body"], terms) or snippet(row["title"], terms)
            if fmt == "table":
                row["published_at"] = display_time(row["published_at"], row["published_precision"])
                row["columns"] = "、".join(json.loads(row["columns"]))
    columns = SEARCH_COLUMNS if fmt == "table" else all_columns
    write_rows(results, fmt, sys.stdout, columns)
    if fmt == "table":
        print(f"{len(results)} result(s)", file=sys.stderr)
