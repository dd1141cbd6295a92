"""`xcedu serve`: the archive in Datasette, with its metadata and Chinese search (browse extra)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from xcedu_crawler.browse import metadata
from xcedu_crawler.browse.notice import FILES_MOUNT
from xcedu_crawler.commands.common import (
    db_option,
    files_dir_beside,
    files_dir_option,
    require_archive,
    subcommand,
)

# Signals that stop `xcedu serve` stop Datasette too; Ctrl-C reaches both from the terminal.
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# Seconds Datasette has to finish its requests once asked to stop, before it is killed.
STOP_TIMEOUT = 10


@subcommand(
    "serve",
    "Browse and search the archive in Datasette: a list of the announcements, a page per "
    "announcement with its attachments (served from the files folder) and versions, search "
    "by relevance or date, facets and canned queries. Needs the browse extra: "
    "pip install -e '.[browse]'.",
    "xcedu serve --db data/xcedu.db --port 8001",
)
@db_option
@files_dir_option
@click.option("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
@click.option("--port", type=int, default=8001, help="port (default 8001)")
def serve(db: str, files_dir: str | None, host: str, port: int) -> int:
    path = Path(db)
    require_archive(path)
    files = Path(files_dir) if files_dir else files_dir_beside(path)
    with metadata_file(metadata(path.stem)) as meta:
        command = [sys.executable, "-m", "datasette", "serve", str(path), "--metadata", str(meta),
                   "--host", host, "--port", str(port)]
        if files.is_dir():
            command += ["--static", f"{FILES_MOUNT}:{files}"]
        return run_until_stopped(command)


@contextmanager
def metadata_file(content: dict) -> Iterator[Path]:
    """A temporary JSON file of CONTENT, removed however the block ends."""
    descriptor, name = tempfile.mkstemp(prefix="xcedu-serve-", suffix=".json")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(content, out, ensure_ascii=False)
        yield Path(name)
    finally:
        os.unlink(name)


def run_until_stopped(command: list[str]) -> int:
    """Run COMMAND until it exits; a SIGTERM or SIGHUP to this process is passed on to it,
    and however this process ends, the child is not left running."""
    child = subprocess.Popen(command)
    previous = {number: signal.signal(number, lambda number, _frame: child.send_signal(number))
                for number in FORWARDED_SIGNALS}
    try:
        return child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        stop(child)


def stop(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
