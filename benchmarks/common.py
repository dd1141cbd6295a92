"""Helpers shared by the benchmarks: figures and their table, measured child processes, crawl commands."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from xcedu_replica import LOOPBACK_CRAWL_SETTINGS

from xcedu_crawler import settings as project_settings_module

PYTHON = sys.executable
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The settings both the project's crawl and the bare floor spider get from the command line:
# the tests' loopback settings (at the project's 2 requests in flight, bare Scrapy idles as
# much as the project: a crawl of 1,400 pages takes 110 s instead of 15), the rest of the
# project's politeness kept.
CRAWL_OVERRIDES = LOOPBACK_CRAWL_SETTINGS
# Settings of the project's own that decide which requests go out and how many at once;
# the floor spider copies them so that the two crawls differ only in what the project adds.
REQUEST_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "RETRY_TIMES", "DOWNLOAD_TIMEOUT", "TELNETCONSOLE_ENABLED",
)  # fmt: skip

_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """A line on stderr, so that whoever runs a several-minute benchmark sees it working."""
    # One write per line: the run's threads report side by side.
    sys.stderr.write(f"[{time.perf_counter() - _STARTED:6.1f} s] {message}\n")
    sys.stderr.flush()


@dataclass
class Figure:
    """One row of the results table; `met` is None for a figure with no goal of its own."""

    name: str
    value: str
    goal: str = ""
    met: bool | None = None


@dataclass
class Results:
    """What one benchmark found: its figures, and notes (Markdown sections: where the time goes)."""

    figures: list[Figure]
    notes: list[str] = field(default_factory=list)


def render_table(figures: Sequence[Figure]) -> str:
    rows = [("figure", "value", "goal", "met")]
    rows += [
        (f.name, f.value, f.goal or "-", "-" if f.met is None else ("yes" if f.met else "**NO**"))
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |"

    return "\n".join([line(rows[0]), line(["-" * w for w in widths]), *map(line, rows[1:])])


@dataclass
class ChildRun:
    """What one child process cost: its own CPU (user + system), wall time and peak RSS."""

    cpu_seconds: float
    wall_seconds: float
    peak_rss_mb: float


def run_child(command: Sequence[str], profile_to: Path | None = None) -> ChildRun:
    """Run COMMAND (a module and its arguments, as after `python -m`) in a child process to
    its end; fail loudly, with its output, unless it exits 0. PROFILE_TO: where to write a
    CPU-time cProfile of it.

    wait4 gives this child's own CPU time, so the replica server (another child of ours) and
    earlier runs never count in it.
    """
    with scratch_dir() as scratch:
        peak_file = scratch / "peak-rss-kb"
        profile = ["--profile", str(profile_to)] if profile_to else []
        argv = [PYTHON, "-m", "benchmarks.child", str(peak_file), *profile, *command]
        output = scratch / "output"
        with output.open("w") as output_file:
            started = time.perf_counter()
            child = subprocess.Popen(
                argv, stdout=output_file, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        text = output.read_text(encoding="utf-8", errors="replace")
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {child.returncode}:\n{text[-3000:]}")
        peak_rss_mb = int(peak_file.read_text(encoding="ascii")) / 1024
    return ChildRun(usage.ru_utime + usage.ru_stime, wall, peak_rss_mb)


def settings_args(settings: dict[str, object]) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


def project_crawl_command(base_url: str, db_path: Path, full: bool) -> list[str]:
    """`xcedu crawl`, as an operator runs it, pointed at the replica without politeness delays."""
    return [
        "xcedu_crawler.cli", "crawl", "--db", str(db_path), "--log-level", "WARNING",
        *(["-a", "full=1"] if full else []),
        *settings_args({"XCEDU_BASE_URL": base_url, **CRAWL_OVERRIDES}),
    ]  # fmt: skip


def floor_settings() -> dict[str, object]:
    """What the bare floor spider runs with: the project's request settings and the same overrides."""
    copied = {name: getattr(project_settings_module, name) for name in REQUEST_SETTINGS}
    return {**copied, **CRAWL_OVERRIDES, "LOG_LEVEL": "WARNING"}


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A temporary folder for one benchmark's files, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="xcedu-bench-") as name:
        yield Path(name)


def render_results(results: Results) -> str:
    return "\n\n".join([render_table(results.figures), *results.notes])


def benchmark_main(run: Callable[[bool], Results], description: str) -> int:
    """The command line of one benchmark module: run it, print its table and notes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a smoke run on small sizes")
    args = parser.parse_args()
    print(render_results(run(args.quick)))
    return 0
