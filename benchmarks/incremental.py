"""Incremental runs: the requests a nightly re-run makes with no change, and after K new announcements."""

from __future__ import annotations

from collections import Counter

from benchmarks.common import Figure, Results, benchmark_main, progress, scratch_dir
from benchmarks.replica_process import REQUEST_KINDS, ReplicaProcess, request_kind

# The request counts do not grow with the site: a small one will do.
PER_COLUMN, QUICK_PER_COLUMN = 100, 25
NEW_ANNOUNCEMENTS = 15  # K: more than a list page's worth, so that the pager must be followed
PUBLISHED_COLUMN = "003001"


def describe(counts: Counter[str]) -> str:
    return " + ".join(f"{kind} {counts[kind]}" for kind in REQUEST_KINDS if counts[kind])


def run(quick: bool) -> Results:
    with (
        scratch_dir() as scratch,
        ReplicaProcess(QUICK_PER_COLUMN if quick else PER_COLUMN) as replica,
    ):
        db = scratch / "xcedu.db"

        def nightly_run() -> Counter[str]:
            _, paths = replica.crawl(db, full=False)
            return Counter(map(request_kind, paths))

        progress(f"incremental: a first crawl of {replica.info['announcements']} announcements")
        first = nightly_run()
        progress("incremental: a re-run over the unchanged site")
        unchanged = nightly_run()
        progress(f"incremental: a re-run after {NEW_ANNOUNCEMENTS} new announcements in one column")
        replica.publish(PUBLISHED_COLUMN, NEW_ANNOUNCEMENTS)
        published = nightly_run()
        columns, page_size = len(replica.info["columns"]), replica.info["page_size"]

    unchanged_total = unchanged.total()
    unchanged_goal = 1 + columns
    # The new announcements' attachments are downloaded too: content, not navigation, so
    # they are counted apart from the pages the goal is about.
    published_pages = published["list"] + published["detail"]
    published_goal = columns + NEW_ANNOUNCEMENTS + -(-NEW_ANNOUNCEMENTS // page_size)
    return Results([
        Figure("Incremental: first crawl, requests", describe(first)),
        Figure("Incremental: re-run, no change: requests", f"{unchanged_total} ({describe(unchanged)})",
               f"≤ {unchanged_goal} (robots + 1 list page per column)",
               unchanged_total <= unchanged_goal),
        Figure(f"Incremental: re-run after K={NEW_ANNOUNCEMENTS} new: page requests (lists + details)",
               f"{published_pages} ({describe(published)})",
               f"≤ {published_goal} (columns {columns} + K {NEW_ANNOUNCEMENTS} + "
               f"⌈K/{page_size}⌉ {published_goal - columns - NEW_ANNOUNCEMENTS})",
               published_pages <= published_goal),
    ])  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
