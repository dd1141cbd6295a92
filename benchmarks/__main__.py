"""`python -m benchmarks`: run every benchmark, print one table of figure, value, goal and met; save it."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from benchmarks import crawl_cost, documents, extraction, incremental, memory, storage
from benchmarks.common import PROJECT_ROOT, Results, progress, render_results

# The 20,000-page memory crawl takes half the run and keeps one of the two cores busy (its
# replica server barely uses the other). Its figure, a peak RSS, does not depend on what
# else runs, so the benchmarks whose figures are ratios of runs alternated within the
# benchmark, or counts, use the other core meanwhile. The crawl-cost comparison, whose wall
# times would suffer, and the storage one, whose ratio of 1 ms costs wandered from 1.0× to
# 1.25× beside the crawl (1.0× to 1.15× alone), run alone afterwards, as does the attachment
# text one, whose figures are speeds (half a minute).
BESIDE_MEMORY = (extraction.run, incremental.run, crawl_cost.profile)
ALONE = (storage.run, crawl_cost.measure, documents.run)
# The order of the table and notes.
REPORT_ORDER = (
    extraction.run, storage.run, incremental.run, crawl_cost.measure, memory.run, crawl_cost.profile,
    documents.run,
)  # fmt: skip
RESULTS_FILE = PROJECT_ROOT / "benchmarks" / "RESULTS.md"
COMMAND = ".venv/bin/python -m benchmarks"


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    return (
        f"{os.cpu_count()} cores ({model}), Linux {platform.release()}, Python {platform.python_version()}, "
        f"Scrapy {version('scrapy')}, trafilatura {version('trafilatura')}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a smoke run on small sizes; {RESULTS_FILE.name} is left alone",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    found: dict[Callable[[bool], Results], Results] = {}

    def run(benchmark: Callable[[bool], Results]) -> None:
        progress(f"--- {benchmark.__module__}.{benchmark.__name__}")
        found[benchmark] = benchmark(args.quick)

    with ThreadPoolExecutor(max_workers=1) as background:
        # The thread mostly waits for the crawl's child process, leaving the GIL to these.
        memory_done = background.submit(run, memory.run)
        for benchmark in BESIDE_MEMORY:
            run(benchmark)
        memory_done.result()
    for benchmark in ALONE:
        run(benchmark)
    results = Results(
        [figure for benchmark in REPORT_ORDER for figure in found[benchmark].figures],
        [note for benchmark in REPORT_ORDER for note in found[benchmark].notes],
    )
    minutes, seconds = divmod(round(time.perf_counter() - started), 60)
    report = "\n\n".join([
        "# Benchmark results",
        (
            f"`{COMMAND}{' --quick' if args.quick else ''}` on {datetime.now(UTC):%Y-%m-%d}: "
            f"{machine()}. The whole run took {minutes} min {seconds} s."
        ),
        render_results(results),
    ])  # fmt: skip
    print(report)
    if not args.quick:
        RESULTS_FILE.write_text(report + "\n", encoding="utf-8")
        progress(f"written to {RESULTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
