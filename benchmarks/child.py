"""`python -m benchmarks.child PEAK_FILE [--profile OUT] MODULE ARGS...`: run MODULE, note its peak RSS."""

from __future__ import annotations

import argparse
import cProfile
import runpy
import sys
import time
from functools import partial
from pathlib import Path


def peak_rss_kb() -> int:
    """This process's own high-water RSS since it started the program.

    Not getrusage's ru_maxrss: that one keeps the RSS of the process it was forked from
    (spawned from a large benchmark process, a small crawl would seem large).
    """
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("peak_file", type=Path, help="where to write the peak RSS, in kB")
    parser.add_argument("--profile", type=Path, help="write a cProfile of CPU time here")
    parser.add_argument("module")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    sys.argv = [options.module, *options.args]
    # CPU time, not cProfile's default wall clock, which would count the crawler's idle
    # waits on the network as work: the benchmarks measure CPU seconds.
    profiler = cProfile.Profile(time.process_time) if options.profile else None
    program = partial(runpy.run_module, options.module, run_name="__main__", alter_sys=True)
    try:
        profiler.runcall(program) if profiler else program()
    finally:
        if profiler:
            profiler.dump_stats(options.profile)
        options.peak_file.write_text(str(peak_rss_kb()), encoding="ascii")


if __name__ == "__main__":
    main()
