"""Conditional GET: requests and bytes of a no-change re-run, per replica site, with and without validators."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families.hanweb import build_hanweb_site
from xcedu_replica.families.trs import build_trs_site

from benchmarks.common import (
    Figure,
    Results,
    benchmark_main,
    progress,
    project_crawl_command,
    run_child,
    scratch_dir,
)
from xcedu_crawler.archive import Archive

# Profile name, and the replica it crawls. Sizes are the replicas' own: what a re-run asks
# for does not grow with a site, since an unchanged first list page ends each column.
SITES: dict[str, Callable[[], object]] = {
    "xuchang": build_site,
    "changge": build_trs_site,
    "yuzhou": build_hanweb_site,
}
MODES = {"all pages": True, "none": False}


def last_run_stats(db_path: Path) -> dict:
    with Archive.open(db_path) as archive:
        [stats] = archive.db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(stats)


def rerun(site_name: str, validators: bool) -> tuple[dict, dict]:
    """The stats of a first crawl and of a re-run over the unchanged site."""
    site = SITES[site_name]()
    with scratch_dir() as scratch, ReplicaServer(site, validators=validators) as server:
        db_path = scratch / "xcedu.db"
        command = [*project_crawl_command(server.base_url, db_path, full=False), "-a", f"site={site_name}"]
        run_child(command)
        first = last_run_stats(db_path)
        run_child(command)
        return first, last_run_stats(db_path)


def kib(count: int) -> str:
    return f"{count / 1024:.1f} KiB"


def run(quick: bool) -> Results:
    figures = []
    for site_name in SITES:
        received = {}
        for mode, validators in MODES.items():
            progress(f"conditional: {site_name}, validators on {mode}: a crawl and a re-run")
            first, again = rerun(site_name, validators)
            received[mode] = again.get("downloader/response_bytes", 0)
            figures.append(Figure(
                f"No-change re-run, {site_name}, validators on {mode}",
                f"{again.get('downloader/request_count', 0)} requests "
                f"({again.get('xcedu/not_modified', 0)} answered 304), {kib(received[mode])} received, "
                f"{kib(again.get('downloader/request_bytes', 0))} sent "
                f"(first crawl: {first.get('downloader/request_count', 0)} requests, "
                f"{kib(first.get('downloader/response_bytes', 0))})",
            ))  # fmt: skip
        saved = received["all pages"] / received["none"] if received["none"] else 1.0
        # With every list page answered 304, what is left is robots.txt and headers.
        figures.append(Figure(
            f"No-change re-run, {site_name}: bytes received with validators / without",
            f"{saved:.2f}×", "about headers only (robots.txt aside)", saved < 0.5,
        ))  # fmt: skip
    return Results(figures)


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
