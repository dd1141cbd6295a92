"""Storage: items/s archiving new announcements into an empty archive and into one holding 100,000."""

from __future__ import annotations

import time

from xcedu_replica import build_site
from xcedu_replica.fixtures import FIXTURE_BASE_URL
from xcedu_replica.model import COLUMNS

from benchmarks.common import Figure, Results, benchmark_main, progress, scratch_dir
from xcedu_crawler.archive import SEARCH_COLUMNS, SEARCH_TABLE, Archive, utc_now
from xcedu_crawler.archive.search import index_text
from xcedu_crawler.items import Announcement, Attachment, FetchedPage

MEASURED, QUICK_MEASURED = 1000, 200
PREFILLED, QUICK_PREFILLED = 100_000, 5_000
# The prefill is this many announcements stored the project's way, then copied over and over.
TEMPLATES = 1000
# The measured items go into both archives in turns, so that a slow spell of the disk or
# the machine falls on both alike.
TURNS = 10
GOAL_RATIO = 1.2
# The tables Archive.store fills for a new announcement, besides the full-text index.
STORED_TABLES = ("announcements", "announcement_urls", "attachments", "pages", "page_bodies")
# How a copy rewrites a stored row, by column: its own ids, URLs and content hashes, so
# that unique keys stay unique; every other column is copied as it is.
COPY_REWRITES = {
    "id": "id + :shift",
    "announcement_id": "announcement_id + :shift",
    # The search index's rowid: the same date, the copy's id (xcedu_crawler.archive.search).
    "search_key": "search_key + :shift",
    "url": "url || '?copy=' || :copy",
    "url_key": "url_key || '?copy=' || :copy",
    "content_hash": "lower(hex(randomblob(32)))",
    # A page's body hash, in page_bodies and in the pages row naming it: rewritten alike.
    "sha256": "substr(sha256, 1, 56) || printf('%08d', :copy)",
    "body_sha256": "substr(body_sha256, 1, 56) || printf('%08d', :copy)",
}


# The fields of an expected announcement that an Announcement holds as they are.
COPIED_FIELDS = (
    "url", "kind", "title", "title_tag", "source", "published_at", "published_precision",
    "published_raw", "aliases", "columns", "paragraphs", "images",
)  # fmt: skip


def announcement(expected: dict, page: FetchedPage) -> Announcement:
    """What the pipelines hand the archive for one of the replica's announcements."""
    return Announcement(
        **{name: expected[name] for name in COPIED_FIELDS},
        attachments=[Attachment(a["url"], a["name"]) for a in expected["attachments"]],
        list_url=expected["url"],
        list_title=expected["title"],
        list_date=expected["published_at"][:10],
        pages=[page],
    )


def replica_announcements(count: int) -> list[Announcement]:
    """COUNT distinct, realistic announcements with their raw pages: the replica's ordinary
    ones, as the pipelines hand them to the archive."""
    site = build_site(per_column=-(-count // len(COLUMNS)))
    items = []
    ordinary = [e for e in site.expected_announcements(FIXTURE_BASE_URL) if e["case"] == "ordinary"]
    for expected in ordinary[:count]:
        url = expected["url"]
        reply = site.respond(url.removeprefix(FIXTURE_BASE_URL))
        headers = {"Content-Type": reply.content_type}
        items.append(announcement(expected, FetchedPage(url, 200, headers, reply.body, utc_now())))
    return items


def prefill(archive: Archive, templates: list[Announcement], total: int) -> None:
    """Fill ARCHIVE with TOTAL announcements: TEMPLATES through Archive.store, then copies of
    their rows under new ids, URLs and hashes.

    Storing 100,000 through Archive.store would take about two minutes (1 ms each), too long
    for a benchmark run; the copies are made with SQL in the shape Archive.store writes
    (STORED_TABLES and the full-text index), so that every table and index the archive
    consults holds 100,000 announcements, as after years of nightly crawls.
    """
    db = archive.db
    with db.atomic():
        for item in templates:
            archive.store(item)
    template_rows = {
        table: db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
        for table in STORED_TABLES
    }
    # The index entries a copy needs are the template's: made once, the way Archive makes them.
    index_rows = [
        [row["search_key"], *(index_text(row[column]) for column in SEARCH_COLUMNS)]
        for row in db["announcements"].rows_where(select=f"search_key, {', '.join(SEARCH_COLUMNS)}")
    ]
    db.execute(f"CREATE TEMP TABLE template_index (search_key, {', '.join(SEARCH_COLUMNS)})")
    db.conn.executemany(
        f"INSERT INTO template_index VALUES ({', '.join('?' * (1 + len(SEARCH_COLUMNS)))})",
        index_rows,
    )
    with db.atomic():
        for copy in range(1, total // len(templates)):
            parameters = {"copy": copy, "shift": copy * len(templates)}
            for table, last_template_row in template_rows.items():
                if last_template_row is None:
                    continue
                names = [column.name for column in db[table].columns]
                selected = ", ".join(COPY_REWRITES.get(name, name) for name in names)
                db.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) SELECT {selected} FROM {table} "
                    f"WHERE rowid <= {last_template_row}",
                    parameters,
                )
            db.execute(
                f"INSERT INTO {SEARCH_TABLE} (rowid, {', '.join(SEARCH_COLUMNS)}) "
                f"SELECT search_key + :shift, {', '.join(SEARCH_COLUMNS)} FROM template_index",
                parameters,
            )


def store_all(archive: Archive, items: list[Announcement]) -> tuple[float, float]:
    """Wall and CPU seconds to store ITEMS one by one (each store commits, and a commit waits
    for the disk: wall time is what a crawl pays)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        archive.store(item)
    return time.perf_counter() - wall, time.process_time() - cpu


def run(quick: bool) -> Results:
    measured_count, prefilled = (
        (QUICK_MEASURED, QUICK_PREFILLED) if quick else (MEASURED, PREFILLED)
    )
    progress(f"storage: making {measured_count + TEMPLATES} announcements from the replica")
    items = replica_announcements(measured_count + TEMPLATES)
    measured, templates = items[:measured_count], items[measured_count:]
    with scratch_dir() as scratch:
        empty = Archive.open(scratch / "empty.db")
        full = Archive.open(scratch / "full.db")
        progress(f"storage: prefilling an archive with {prefilled} announcements")
        started = time.perf_counter()
        prefill(full, templates, prefilled)
        prefill_seconds = time.perf_counter() - started
        held = full.db["announcements"].count
        # Milliseconds per item, (wall, CPU), by archive.
        cost = {empty: [0.0, 0.0], full: [0.0, 0.0]}
        turn_size = -(-measured_count // TURNS)
        for turn in range(TURNS):
            progress(f"storage, turn {turn + 1}/{TURNS}: {turn_size} items into each archive")
            chunk = measured[turn * turn_size : (turn + 1) * turn_size]
            for archive, spent in cost.items():
                for index, seconds in enumerate(store_all(archive, chunk)):
                    spent[index] += 1000 * seconds / measured_count
        empty.close()
        full.close()

    (empty_ms, empty_cpu_ms), (full_ms, full_cpu_ms) = cost[empty], cost[full]
    ratio = full_ms / empty_ms
    return Results([
        Figure(f"Storage, items 1..{measured_count} into an empty archive",
               f"{1000 / empty_ms:.0f} items/s ({empty_ms:.2f} ms/item, CPU {empty_cpu_ms:.2f} ms)"),
        Figure(f"Storage, {measured_count} items into an archive of {held:,}",
               f"{1000 / full_ms:.0f} items/s ({full_ms:.2f} ms/item, CPU {full_cpu_ms:.2f} ms); "
               f"prefill took {prefill_seconds:.0f} s"),
        Figure(f"Storage, per-item cost at {held:,} / at {measured_count:,}",
               f"{ratio:.2f}× (CPU {full_cpu_ms / empty_cpu_ms:.2f}×)", f"≤ {GOAL_RATIO}×",
               ratio <= GOAL_RATIO),
    ])  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
