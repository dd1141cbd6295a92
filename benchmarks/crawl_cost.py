"""Crawl cost vs the framework floor: the project's crawl and a bare spider over the same URLs, alternated."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import (
    ChildRun,
    Figure,
    Results,
    benchmark_main,
    floor_settings,
    progress,
    run_child,
    scratch_dir,
)
from benchmarks.profiling import crawl_profile_report
from benchmarks.replica_process import ReplicaProcess, pages_fetched, request_kind

PER_COLUMN, QUICK_PER_COLUMN = 1250, 25  # about 5,000 announcements over 4 columns
ROUNDS, QUICK_ROUNDS = 3, 1
# Profiling triples a crawl's time; a smaller replica shows the same shares.
PROFILE_PER_COLUMN = 100
GOAL_RATIO = 1.3


@dataclass
class Crawl:
    """One crawl's cost, and the pages (lists, details and downloaded files) it fetched."""

    run: ChildRun
    pages: int

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.run.cpu_seconds / self.pages


def floor_command(urls_file: Path) -> list[str]:
    return ["benchmarks.floor_spider", str(urls_file), json.dumps(floor_settings())]


def write_floor_urls(replica: ReplicaProcess, project_paths: list[str], urls_file: Path) -> None:
    """The URLs the project's crawl asked for, each once: the floor spider asks for the same
    (the project's retries of the "500" pages come back by themselves, as the floor retries too)."""
    paths = dict.fromkeys(path for path in project_paths if request_kind(path) != "robots")
    urls_file.write_text("\n".join(replica.base_url + path for path in paths), encoding="utf-8")


def crawl_pair(
    replica: ReplicaProcess, scratch: Path, name: str, profile: bool = False
) -> tuple[Crawl, Crawl]:
    """One crawl of the project into a fresh archive, then one of the floor over the URLs it
    fetched: each run with the pages the replica served it."""
    urls_file = scratch / f"{name}-urls.txt"
    project_run, project_paths = replica.crawl(
        scratch / name / "xcedu.db", full=True,
        profile_to=scratch / f"{name}-project.prof" if profile else None,
    )
    write_floor_urls(replica, project_paths, urls_file)
    floor_run = run_child(
        floor_command(urls_file), scratch / f"{name}-floor.prof" if profile else None
    )
    return Crawl(project_run, pages_fetched(project_paths)), Crawl(
        floor_run, pages_fetched(replica.take_requests())
    )


def profile(quick: bool) -> Results:
    """Where the time goes: one profiled crawl of each, on a smaller replica."""
    per_column = QUICK_PER_COLUMN if quick else PROFILE_PER_COLUMN
    with scratch_dir() as scratch, ReplicaProcess(per_column) as replica:
        progress("crawl cost: profiling one crawl of each (cProfile) to show where the time goes")
        project, _ = crawl_pair(replica, scratch, "profiled", profile=True)
        size = f"replica of {replica.info['announcements']} announcements"
        report = crawl_profile_report(
            scratch / "profiled-project.prof", scratch / "profiled-floor.prof", project.pages, size
        )
    return Results([], [report])


def measure(quick: bool) -> Results:
    """The project's crawl and the floor's, alternated ROUNDS times on the same replica."""
    per_column, rounds = (QUICK_PER_COLUMN, QUICK_ROUNDS) if quick else (PER_COLUMN, ROUNDS)
    project_crawls: list[Crawl] = []
    floor_crawls: list[Crawl] = []
    with scratch_dir() as scratch, ReplicaProcess(per_column) as replica:
        announcements = replica.info["announcements"]
        for round_number in range(1, rounds + 1):
            progress(
                f"crawl cost, round {round_number}/{rounds}: the project's crawl, then the floor's"
            )
            project, floor = crawl_pair(replica, scratch, f"round{round_number}")
            project_crawls.append(project)
            floor_crawls.append(floor)
            progress(
                f"  project {project.run.cpu_seconds:.1f} s CPU, {project.run.wall_seconds:.1f} s wall;"
                f" floor {floor.run.cpu_seconds:.1f} s CPU, {floor.run.wall_seconds:.1f} s wall"
            )

    def cpu_ms_per_page(crawls: list[Crawl]) -> float:
        return statistics.median([crawl.cpu_ms_per_page for crawl in crawls])

    def wall_seconds(crawls: list[Crawl]) -> float:
        return statistics.median([crawl.run.wall_seconds for crawl in crawls])

    project_cpu, floor_cpu = cpu_ms_per_page(project_crawls), cpu_ms_per_page(floor_crawls)
    project_wall, floor_wall = wall_seconds(project_crawls), wall_seconds(floor_crawls)
    cpu_ratio, wall_ratio = project_cpu / floor_cpu, project_wall / floor_wall
    medians = f"median of {rounds}" if rounds > 1 else "1 run"
    figures = [
        Figure(
            "Crawl: replica; pages fetched incl. files (project / floor)",
            f"{announcements:,} announcements; {project_crawls[0].pages:,} / {floor_crawls[0].pages:,}",
        ),
        Figure(f"Crawl CPU per page, project ({medians})", f"{project_cpu:.2f} ms"),
        Figure(f"Crawl CPU per page, bare Scrapy floor ({medians})", f"{floor_cpu:.2f} ms"),
        Figure("Crawl CPU per page, project / floor", f"{cpu_ratio:.2f}×", f"≤ {GOAL_RATIO}×",
               cpu_ratio <= GOAL_RATIO),
        Figure(f"Crawl wall time, project / floor ({medians})",
               f"{project_wall:.1f} s / {floor_wall:.1f} s = {wall_ratio:.2f}×", f"≤ {GOAL_RATIO}×",
               wall_ratio <= GOAL_RATIO),
    ]  # fmt: skip
    return Results(figures)


def run(quick: bool) -> Results:
    measured = measure(quick)
    return Results(measured.figures, profile(quick).notes)


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
