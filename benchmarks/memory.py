"""Memory: the peak RSS of the project's crawl of 20,000 pages (lists, details and files), in one process."""

from __future__ import annotations

from collections import Counter

from benchmarks.common import Figure, Results, benchmark_main, progress, scratch_dir
from benchmarks.replica_process import REQUEST_KINDS, ReplicaProcess, pages_fetched, request_kind

# 4 columns of 3,565 single-page announcements: with their list pages and the attachment
# files the crawl downloads, about 20,000 pages fetched.
PER_COLUMN, QUICK_PER_COLUMN = 3565, 100
GOAL_MB = 200


def run(quick: bool) -> Results:
    with (
        scratch_dir() as scratch,
        ReplicaProcess(QUICK_PER_COLUMN if quick else PER_COLUMN) as replica,
    ):
        progress(f"memory: crawling a replica of {replica.info['announcements']} announcements")
        crawl, paths = replica.crawl(scratch / "xcedu.db", full=True)
    pages = pages_fetched(paths)
    requests = Counter(map(request_kind, paths))
    kinds = ", ".join(f"{requests[kind]:,} {kind}s" for kind in REQUEST_KINDS if kind != "robots")
    return Results([
        Figure(f"Memory: peak RSS of a crawl of {pages:,} pages ({kinds})",
               f"{crawl.peak_rss_mb:.0f} MB", f"≤ {GOAL_MB} MB", crawl.peak_rss_mb <= GOAL_MB),
        Figure("Memory crawl: CPU per page", f"{1000 * crawl.cpu_seconds / pages:.2f} ms"),
    ])  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
