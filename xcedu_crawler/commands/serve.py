"""`xcedu serve`: the archive in Datasette, with its metadata and Chinese search (browse extra)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from xcedu_crawler.browse import metadata
from xcedu_crawler.commands.common import db_option, require_archive, subcommand


@subcommand(
    "serve",
    "Browse and search the archive in Datasette, with table and column descriptions, "
    "facets and canned queries. Needs the browse extra: pip install -e '.[browse]'.",
    "xcedu serve --db data/xcedu.db --port 8001",
)
@db_option
@click.option("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
@click.option("--port", type=int, default=8001, help="port (default 8001)")
def serve(db: str, host: str, port: int) -> int:
    path = Path(db)
    require_archive(path)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as meta:
        json.dump(metadata(path.stem), meta, ensure_ascii=False)
        meta.flush()
        return subprocess.call([
            sys.executable, "-m", "datasette", "serve", str(path), "--metadata", meta.name,
            "--host", host, "--port", str(port),
        ])
