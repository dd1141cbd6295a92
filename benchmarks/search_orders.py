"""Search at a province's scale: `Archive.search` latency per order on 100,000 and 1,000,000 announcements.

Each size gets an archive of the project's own schema (migrations, the date-keyed index),
filled with synthetic announcements made of the replica's sentences (benchmarks.search_latency,
about 600 characters each) dated over sixteen years, then the archive's own `search` is timed
for every order, top 20, over short terms, long terms and rare ones (a phrase of common
characters that few announcements hold, the worst case of an index read newest first). Every
term's top 20 in the default order is checked against a `LIKE` scan: exact, not estimated.

    python -m benchmarks.search_orders [--quick]
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

from benchmarks.common import Figure, Results, benchmark_main, progress, scratch_dir
from benchmarks.search_latency import LONG_TERMS, SHORT_TERMS, p95, synthetic_announcements
from xcedu_crawler.archive import SEARCH_COLUMNS, SEARCH_TABLE, Archive
from xcedu_crawler.archive.queries import SEARCH_ORDERS
from xcedu_crawler.archive.schema import TITLE_SEARCH_TABLE
from xcedu_crawler.archive.search import index_text, search_key

SIZES, QUICK_SIZES = (100_000, 1_000_000), (2_000, 20_000)
# Phrases of the commonest characters that stand in few announcements or none: the index
# has to read these characters' whole position lists to find them, in any order.
RARE_TERMS = ("第4321号", "育教", "作工", "通知工作")
REPEATS = 5
LIMIT = 20
COLUMNS = ("通知公告", "工作动态", "政策法规", "招生考试")
SEEN_AT = "2026-01-01T00:00:00+00:00"
GOALS = {  # size: (median ms, p95 ms) for the default order, over every term
    100_000: (20.0, 100.0),
    1_000_000: (100.0, None),
}


def fill(archive: Archive, size: int) -> float:
    """SIZE synthetic announcements into ARCHIVE, indexed as Archive.store indexes them;
    returns the seconds the index took. Plain SQL: a million through `store` would take
    a quarter of an hour (about 1 ms each)."""
    rng = random.Random(20221207)
    db = archive.db
    rows, index_rows = [], []
    for number, title, body, source in synthetic_announcements(size):
        published = (f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                     f"T{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:00+08:00")
        key = search_key(published, number)
        column = json.dumps([rng.choice(COLUMNS)], ensure_ascii=False)
        rows.append((number, f"http://jyj.example.cn/{number}.html", "page", title, source, published,
                     "minute", column, body, f"{number:064x}", SEEN_AT, SEEN_AT, key))
        index_rows.append((key, *(index_text(text) for text in (title, body, source))))
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO announcements (id, url, kind, title, source, published_at, "
            "published_precision, columns, body, content_hash, first_seen_at, last_seen_at, "
            "search_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows)
    started = time.perf_counter()
    with db.atomic():
        db.conn.executemany(
            f"INSERT INTO {SEARCH_TABLE} (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES (?, ?, ?, ?)",
            index_rows)
        db.conn.executemany(f"INSERT INTO {TITLE_SEARCH_TABLE} (rowid, title) VALUES (?, ?)",
                            (row[:2] for row in index_rows))
    return time.perf_counter() - started


def expected_top(archive: Archive, term: str) -> list[int]:
    """The default order's first LIMIT ids by a LIKE scan: title matches, then the others,
    each newest first."""
    like = f"%{term}%"
    return [row[0] for row in archive.db.execute(
        "SELECT id FROM announcements WHERE title LIKE :t OR body LIKE :t OR source LIKE :t "
        "ORDER BY title LIKE :t DESC, search_key DESC LIMIT :n", {"t": like, "n": LIMIT})]


def timed(archive: Archive, order: str, terms: tuple[str, ...]) -> list[float]:
    times = []
    for _ in range(REPEATS):
        for term in terms:
            started = time.perf_counter()
            archive.search(term, limit=LIMIT, order=order)
            times.append((time.perf_counter() - started) * 1000)
    return times


def measure(path: Path, size: int) -> list[Figure]:
    progress(f"search: filling an archive of {size:,} announcements")
    archive = Archive.open(path)
    try:
        index_seconds = fill(archive, size)
        terms = SHORT_TERMS + LONG_TERMS + RARE_TERMS
        exact = all([row["id"] for row in archive.search(term, limit=LIMIT)] == expected_top(archive, term)
                    for term in terms)
        figures = [Figure(f"Search, {size:,} announcements: index build; default top 20 "
                          "equal to a LIKE scan's", f"{index_seconds:.0f} s; {'yes' if exact else 'NO'}",
                          "exact", exact)]
        for order in SEARCH_ORDERS:
            progress(f"search: {size:,}, order {order}")
            parts = {name: timed(archive, order, group) for name, group in
                     (("short", SHORT_TERMS), ("long", LONG_TERMS), ("rare", RARE_TERMS))}
            every = [ms for times in parts.values() for ms in times]
            value = f"median {statistics.median(every):.1f} ms, p95 {p95(every):.1f} ms (" + ", ".join(
                f"{name} {statistics.median(times):.1f}/{p95(times):.1f}" for name, times in parts.items()) + ")"
            goal, met = "", None
            if order == "relevance" and size in GOALS:
                median_goal, p95_goal = GOALS[size]
                goal = f"median ≤ {median_goal:.0f} ms" + (f", p95 ≤ {p95_goal:.0f} ms" if p95_goal else "")
                met = statistics.median(every) <= median_goal and (p95_goal is None or p95(every) <= p95_goal)
            label = "default" if order == "relevance" else "on demand"
            figures.append(Figure(f"Search, {size:,} announcements, --order {order} ({label}), top 20",
                                  value, goal, met))
        return figures
    finally:
        archive.close()


def run(quick: bool = False) -> Results:
    figures = []
    with scratch_dir() as folder:
        for size in QUICK_SIZES if quick else SIZES:
            path = folder / f"{size}.db"
            figures += measure(path, size)
            path.unlink()
    note = (
        "### Search latency, per order\n\n"
        f"`Archive.search` (what `xcedu search` calls), top {LIMIT}, {REPEATS} rounds of "
        f"{len(SHORT_TERMS)} short, {len(LONG_TERMS)} long and {len(RARE_TERMS)} rare terms "
        "(median/p95 ms each). The index's rowid is a date-ordered key, so the default order "
        "(title matches, then the others, each newest first) and date order read a term's "
        "matches newest first and stop at the twentieth; bm25 must score every match. A rare "
        "phrase of common characters is the slow case of every order: the index reads those "
        "characters' positions through the whole archive to find the few places where they "
        "stand together."
    )
    return Results(figures, [note])


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__.splitlines()[0]))
