"""The replica site served from a child process (its CPU never counts in a crawl's), steered over stdin."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.model import LIST_PATH
from xcedu_replica.site import ROBOTS_PATH

from benchmarks.common import (
    PROJECT_ROOT,
    PYTHON,
    ChildRun,
    progress,
    project_crawl_command,
    run_child,
)

REQUEST_KINDS = ("robots", "list", "detail", "file")


def request_kind(path: str) -> str:
    """What a requested path is: "robots", "list" (a column's list page), "detail" (an
    announcement's page, or a part of one) or "file" (an attachment or image)."""
    if path == ROBOTS_PATH:
        return "robots"
    if LIST_PATH.fullmatch(urlsplit(path).path):
        return "list"
    return "detail" if urlsplit(path).path.endswith(".html") else "file"


def pages_fetched(paths: list[str]) -> int:
    """Pages a crawl fetched: lists, details and downloaded files; robots.txt is Scrapy's own."""
    return sum(request_kind(path) != "robots" for path in paths)


class ReplicaProcess:
    """A replica of PER_COLUMN ordinary announcements per column, served until the block ends."""

    def __init__(self, per_column: int):
        self.per_column = per_column
        self.info: dict = {}
        self._child: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        progress(f"building and serving a replica of {self.per_column} announcements per column")
        self._child = subprocess.Popen(
            [PYTHON, "-m", "benchmarks.replica_process", "--per-column", str(self.per_column)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
        )  # fmt: skip
        self.info = json.loads(self._child.stdout.readline())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._child.stdin.close()  # the child stops serving at the end of its input
        self._child.wait()

    @property
    def base_url(self) -> str:
        return self.info["base_url"]

    def _ask(self, command: dict) -> object:
        self._child.stdin.write(json.dumps(command) + "\n")
        self._child.stdin.flush()
        return json.loads(self._child.stdout.readline())

    def take_requests(self) -> list[str]:
        """The paths asked for since the last call, in order; the site then behaves as new
        again (the "500 then OK" page fails once more), so every crawl meets the same site."""
        return self._ask({"op": "take_requests"})

    def crawl(
        self, db_path: Path, full: bool, profile_to: Path | None = None
    ) -> tuple[ChildRun, list[str]]:
        """The project's crawl of this replica into DB_PATH (`xcedu crawl`, in a child process),
        and the paths it asked for."""
        run = run_child(project_crawl_command(self.base_url, db_path, full), profile_to)
        return run, self.take_requests()

    def publish(self, catnum: str, count: int) -> list[str]:
        return self._ask({"op": "publish", "catnum": catnum, "count": count})


def serve(per_column: int) -> None:
    site = build_site(per_column)
    with ReplicaServer(site) as server:
        info = {
            "base_url": server.base_url,
            "announcements": len(site.expected_announcements(server.base_url)),
            "columns": [catnum for catnum, _ in site.columns],
            "page_size": site.page_size,
        }
        print(json.dumps(info), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            if command["op"] == "take_requests":
                answer = [path for _, path in server.requests]
                server.reset_state()
            else:
                answer = site.publish(command["catnum"], command["count"])
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-column", type=int, required=True)
    serve(parser.parse_args().per_column)
