"""What the xcedu subcommands share: the command class, options, archive opening, output formats."""

from __future__ import annotations

import csv
import json
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

import click
from sqlite_utils.utils import sqlite3

from xcedu_crawler import settings
from xcedu_crawler.archive import Archive, ArchiveUnusable, check_archive_usable
from xcedu_crawler.archive.schema import JSON_COLUMNS
from xcedu_crawler.archive.search import QueryError

EXIT_UNUSABLE = 1  # the archive, or a file to read or write, cannot be used
EXIT_USAGE = 2  # a bad option or query (click's own code)
EXIT_STATUS_HELP = (f"exit status: 0 done, {EXIT_UNUSABLE} the archive or a file cannot be used, "
                    f"{EXIT_USAGE} a bad option or query")
# A search or a table has no use for more rows than this; a larger --limit is a typo.
MAX_LIMIT = 100_000


class CommandError(Exception):
    """An unusable archive, an unwritable file: one clear line, a non-zero exit, no traceback."""


class Subcommand(click.Command):
    """An xcedu subcommand: an expected failure is one line on stderr and an exit code; any
    other exception is a bug, and its traceback is shown."""

    def invoke(self, ctx: click.Context) -> int:
        try:
            return super().invoke(ctx) or 0
        except QueryError as exc:
            return fail(ctx, str(exc), EXIT_USAGE)
        except CommandError as exc:
            return fail(ctx, str(exc), EXIT_UNUSABLE)
        except sqlite3.Error as exc:
            # Damage found only while reading (a malformed page), or a disk that fills up.
            return fail(ctx, f"{ctx.params.get('db') or 'the archive'}: {exc}", EXIT_UNUSABLE)
        except BrokenPipeError:
            # The reader stopped early (`| head`): not an error; keep Python from complaining
            # at exit.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            return 0


def fail(ctx: click.Context, message: str, code: int) -> int:
    click.echo(f"{ctx.command_path}: {message}", err=True)
    return code


def name_value_pairs(ctx: click.Context, param: click.Parameter,
                     pairs: tuple[str, ...]) -> dict[str, str]:
    """A click callback: repeated NAME=VALUE options as a dict."""
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.UsageError(f"{param.opts[0]} takes NAME=VALUE, not {pair!r}", ctx)
        parsed[name] = value
    return parsed


def subcommand(name: str, description: str, example: str, exit_status: str = EXIT_STATUS_HELP):
    """The decorator of an xcedu subcommand: its --help ends with an example and the exit codes."""
    # \b keeps click from rewrapping the example into a command line nobody can paste.
    return click.command(name, cls=Subcommand, help=description,
                         epilog=f"\b\nexample: {example}\n\n{exit_status}")


def default_db_path() -> str:
    """The archive a command uses without --db: $XCEDU_DB, else the XCEDU_DB setting."""
    # The settings module itself, not Scrapy's Settings: the research commands need no Scrapy.
    return os.environ.get("XCEDU_DB") or settings.XCEDU_DB


def files_dir_beside(db_path: str | Path) -> Path:
    """The files folder an archive's downloads go to unless told otherwise: `files/` beside it."""
    return Path(db_path).parent / "files"


def db_option(command):
    # A callable default: $XCEDU_DB is read when the command runs, not when it is imported.
    return click.option("--db", type=click.Path(), default=default_db_path,
                        help="the archive (default: $XCEDU_DB, else data/xcedu.db)")(command)


files_dir_option = click.option("--files-dir", type=click.Path(),
                                help="where the files are (default: files/ beside the archive)")


class IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD, given on as that text."""

    name = "YYYY-MM-DD"

    def convert(self, value: str, param, ctx) -> str:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            self.fail(f"not a date (YYYY-MM-DD): {value!r}", param, ctx)


def filter_options(command):
    for option in reversed([
        click.option("--column", help="only announcements listed under this column (栏目)"),
        click.option("--source", help="only announcements whose source contains this text"),
        click.option("--since", type=IsoDate(),
                     help="published on or after this date (YYYY-MM-DD)"),
        click.option("--until", type=IsoDate(),
                     help="published on or before this date (YYYY-MM-DD)"),
    ]):
        command = option(command)
    return command


@contextmanager
def open_archive(path: str, writing: bool = False) -> Iterator[Archive]:
    """The archive at PATH, which must exist: as it is, or (WRITING) migrated for a change."""
    if writing and not Path(path).exists():
        # A command that changes an archive does not make a new one: the reader's complaint.
        raise CommandError(check_archive_usable(path, writing=False))
    try:
        archive = Archive.open(path) if writing else Archive.open_for_reading(path)
    except ArchiveUnusable as exc:
        raise CommandError(str(exc)) from None
    with archive:
        yield archive


def require_archive(path: str) -> None:
    """For a command that hands the archive to another program: it must be readable as one."""
    if reason := check_archive_usable(path, writing=False):
        raise CommandError(reason)


@contextmanager
def replacing(target: Path, mode: str = "w") -> Iterator[IO]:
    """TARGET opened for writing through a temporary name beside it, renamed when complete:
    an export that fails leaves no truncated file, and an older TARGET stays whole."""
    if target.is_dir():
        raise CommandError(f"cannot write {target}: it is a folder")
    if not target.parent.is_dir():
        raise CommandError(f"cannot write {target}: there is no folder {target.parent}")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    text = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
    try:
        out = open(partial, mode, **text)  # noqa: SIM115 - closed below, before the rename
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror}") from exc
    try:
        with out:
            yield out
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def display_time(value: str | None, precision: str | None = "second") -> str:
    """An archived ISO 8601 time as a person reads it, to its PRECISION (`day`, `minute` or
    `second`) and without its offset: `2022-03-06`, not `2022-03-06T00:00`; "" for none."""
    if not value:
        return ""
    return value[:TIME_LENGTHS.get(precision or "second", TIME_LENGTHS["second"])].replace("T", " ")


TIME_LENGTHS = {"day": len("2022-03-06"), "minute": len("2022-03-06T09:41"),
                "second": len("2022-03-06T09:41:00")}


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v for k, v in row.items()}


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: IO[str], columns: list[str],
               on_row=None) -> int:
    """Write ROWS as json (one array), jsonl, csv or an aligned table; returns how many."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
    elif fmt == "json":
        out.write("[")
    table_rows = []
    for row in rows:
        if fmt == "csv":
            writer.writerow(row)
        elif fmt == "jsonl":
            out.write(json.dumps(jsonable(row), ensure_ascii=False) + "\n")
        elif fmt == "json":
            out.write(("," if count else "") + "\n" + json.dumps(jsonable(row), ensure_ascii=False))
        else:
            table_rows.append(row)
        count += 1
        if on_row:
            on_row(count)
    if fmt == "json":
        out.write("\n]\n")
    elif fmt == "table":
        out.write(format_table(table_rows, columns))
    return count


def format_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """An aligned text table; Chinese characters count as two columns wide on a terminal."""
    cells = [[("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    widths = [max([display_width(c), *(display_width(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths)).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]) + "\n"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
