"""The researcher's subcommands: search, export, stats and reindex of an archive."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from xcedu_crawler.archive.search import MAX_QUERY_CHARACTERS, MAX_TERMS, query_terms, snippet
from xcedu_crawler.commands.common import (
    MAX_LIMIT,
    CommandError,
    add_db_option,
    add_filter_options,
    count_from_1_to,
    filters_of,
    format_table,
    open_archive,
    parser,
    replacing,
    run_command,
    write_rows,
)

SEARCH_COLUMNS = ["published_at", "columns", "title", "url", "snippet"]
PROGRESS_EVERY = 500


def search_main(argv: list[str] | None = None) -> int:
    command = parser(
        "search",
        "Find announcements containing every word of QUERY (Chinese words of any length, "
        '"quoted phrases"), best matches first, with a snippet marking the match. A word is '
        "found exactly where its text stands in a title, body or source, punctuation and all; "
        f"a word of punctuation alone is left out; at most {MAX_TERMS} different words of "
        f"{MAX_QUERY_CHARACTERS} characters together.",
        "xcedu search 双减 --column 通知公告 --since 2022-01-01 --format table",
    )
    command.add_argument("query", help="words to find, e.g. 双减 or '中招 政策' (both) or "
                         "'\"Type A\"' (a phrase, space and all)")
    add_db_option(command)
    add_filter_options(command)
    command.add_argument("--limit", type=count_from_1_to(MAX_LIMIT), default=20,
                         help=f"at most this many results, 1 to {MAX_LIMIT} (default 20)")
    command.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table")
    args = command.parse_args(argv)
    return run_command("search", _search, args)


def _search(args: argparse.Namespace) -> None:
    terms = query_terms(args.query)
    with open_archive(args.db) as archive:
        results = archive.search(args.query, limit=args.limit, **filters_of(args))
        all_columns = [*archive.columns("announcements"), "score", "snippet"]
    for row in results:
        row["snippet"] = snippet(row["body"], terms) or snippet(row["title"], terms)
        if args.format == "table":
            row["published_at"] = (row["published_at"] or "")[:10]
            row["columns"] = "、".join(json.loads(row["columns"]))
    columns = SEARCH_COLUMNS if args.format == "table" else all_columns
    write_rows(results, args.format, sys.stdout, columns)
    if args.format == "table":
        print(f"{len(results)} result(s)", file=sys.stderr)


def export_main(argv: list[str] | None = None) -> int:
    command = parser(
        "export",
        "Export announcements (or their attachments) as CSV, JSON Lines or JSON, to a file or "
        "stdout, with the same filters as search. JSON keeps array columns as arrays; CSV holds "
        "them as JSON text.",
        "xcedu export --since 2022-01-01 --format jsonl --output announcements.jsonl",
    )
    add_db_option(command)
    add_filter_options(command)
    command.add_argument("--query", help="only announcements matching these search words")
    command.add_argument("--table", choices=["announcements", "attachments"], default="announcements")
    command.add_argument("--format", choices=["csv", "jsonl", "json"], default="csv")
    command.add_argument("--output", "-o",
                         help="file to write, in a folder that exists (default: stdout); replaced "
                         "only once the export is complete")
    args = command.parse_args(argv)
    return run_command("export", _export, args)


def _export(args: argparse.Namespace) -> None:
    with open_archive(args.db) as archive:
        columns = archive.columns(args.table)
        filters = {**filters_of(args), "query": args.query}
        progress = _progress(archive.count(args.table, **filters)) if sys.stderr.isatty() else None
        target = replacing(Path(args.output)) if args.output else nullcontext(sys.stdout)
        try:
            with target as out:
                count = write_rows(archive.select(args.table, **filters), args.format, out, columns,
                                   on_row=progress)
        except OSError as exc:
            if args.output is None:
                raise  # stdout closed early (`| head`): the command line's own handling applies
            raise CommandError(f"cannot write {args.output}: {exc.strerror}") from exc
    if progress:
        sys.stderr.write("\n")
    if args.output:
        print(f"exported {count} {args.table} rows to {args.output}", file=sys.stderr)


def _progress(total: int):
    """A progress line on the terminal, redrawn every few hundred rows."""
    def show(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()
    return show


def stats_main(argv: list[str] | None = None) -> int:
    command = parser(
        "stats",
        "What the archive holds: announcements per column per month, the top sources, and the "
        "first and last publication dates.",
        "xcedu stats --format json",
    )
    add_db_option(command)
    command.add_argument("--format", choices=["table", "json"], default="table")
    args = command.parse_args(argv)
    return run_command("stats", _stats, args)


def _stats(args: argparse.Namespace) -> None:
    with open_archive(args.db) as archive:
        stats = archive.stats()
    if args.format == "json":
        write_rows([stats], "json", sys.stdout, list(stats))
        return
    print(f"{stats['total']} announcements, published {stats['first'] or '?'} … {stats['last'] or '?'}\n")
    print(format_table(per_month_table(stats["per_month"]), ["month", *column_names(stats)]))
    print("Top sources:")
    print(format_table(stats["top_sources"], ["source", "count"]))


def column_names(stats: dict[str, Any]) -> list[str]:
    return sorted({row["column"] for row in stats["per_month"]})


def per_month_table(per_month: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row a month, one column a 栏目: the readable form of the counts."""
    rows: dict[str, dict[str, Any]] = {}
    for entry in per_month:
        month = entry["month"] or "undated"
        rows.setdefault(month, {"month": month})[entry["column"]] = entry["count"]
    return [rows[month] for month in sorted(rows)]


def reindex_main(argv: list[str] | None = None) -> int:
    command = parser("reindex", "Rebuild the full-text search index from the announcements "
                     "(and bring an archive written by an older version up to date).",
                     "xcedu reindex --db data/xcedu.db")
    add_db_option(command)
    args = command.parse_args(argv)
    return run_command("reindex", _reindex, args)


def _reindex(args: argparse.Namespace) -> None:
    with open_archive(args.db, writing=True) as archive:
        print(f"indexed {archive.rebuild_search_index()} announcements")
