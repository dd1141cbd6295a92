"""`xcedu export`: announcements or attachments as CSV, JSON Lines or JSON, to a file or stdout."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from xcedu_crawler.commands.common import (
    CommandError,
    db_option,
    filter_options,
    open_archive,
    replacing,
    subcommand,
    write_rows,
)

PROGRESS_EVERY = 500


@subcommand(
    "export",
    "Export announcements (or their attachments) as CSV, JSON Lines or JSON, to a file or "
    "stdout, with the same filters as search. JSON keeps array columns as arrays; CSV holds "
    "them as JSON text.",
    "xcedu export --since 2022-01-01 --format jsonl --output announcements.jsonl",
)
@db_option
@filter_options
@click.option("--query", help="only announcements matching these search words")
@click.option("--table", type=click.Choice(["announcements", "attachments"]),
              default="announcements")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "json"]), default="csv")
@click.option("--output", "-o", type=click.Path(),
              help="file to write, in a folder that exists (default: stdout); "
              "replaced only once the export is complete")
def export(db: str, table: str, fmt: str, output: str | None, **filters: str | None) -> None:
    with open_archive(db) as archive:
        columns = archive.columns(table)
        progress = _progress(archive.count(table, **filters)) if sys.stderr.isatty() else None
        target = replacing(Path(output)) if output else nullcontext(sys.stdout)
        try:
            with target as out:
                count = write_rows(archive.select(table, **filters), fmt, out, columns,
                                   on_row=progress)
        except OSError as exc:
            if output is None:
                raise  # stdout closed early (`| head`): the command line's own handling applies
            raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
    if progress:
        sys.stderr.write("\n")
    if output:
        print(f"exported {count} {table} to {output}", file=sys.stderr)


def _progress(total: int):
    """A progress line on the terminal, redrawn every few hundred rows."""
    def show(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()
    return show
