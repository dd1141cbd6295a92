"""Merging archives into one, deduplicated as a single crawl of all their sites would have been."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils.utils import sqlite3

from xcedu_crawler.archive import Archive
from xcedu_crawler.archive.connection import BUSY_TIMEOUT_MS
from xcedu_crawler.archive.lock import take_lock
from xcedu_crawler.archive.pages import file_matches
from xcedu_crawler.archive.schema import VERSIONED_FIELDS
from xcedu_crawler.extract.urls import url_key
from xcedu_crawler.items import Announcement, StoredFile

# crawl_runs column naming the archive a merged run row came from; NULL for the archive's own.
MERGED_FROM = "merged_from"


@dataclass
class MergeSummary:
    announcements: int
    versions: int
    files: int  # stored files copied into the output's files folder
    missing_files: list[str]  # stored files that no input's files folder holds whole
    failures: int
    runs: int


@dataclass
class Source:
    """One input archive, read as it is, with its files folder."""

    index: int
    archive: Archive
    files_dir: Path
    label: str | None  # its path, which its runs' merged_from says; None for the output itself

    def rows(self, sql: str, params: tuple = ()) -> Iterator[dict[str, Any]]:
        cursor = self.archive.db.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))


@dataclass(frozen=True)
class Sighting:
    """An announcement as one archive saw it at one time: replayed in time order. Only the
    keys are held, so that a province's archives need not fit in memory: the content is
    read again when it is replayed."""

    time: str
    order: tuple[int, int, int]  # input, announcement id, step: an archive's own order wins ties
    state: int  # which of the announcement's contents: 0 the first, one more after each version
    seen: bool  # a crawl saw it (a re-parse that changed it did not)


def merge_archives(inputs: list[Path], output: Path, files_dir_of) -> MergeSummary:
    """Merge INPUTS into OUTPUT (its own content, if it exists, included), replacing it at once.

    FILES_DIR_OF(path) is an archive's files folder. Announcements are replayed through
    Archive.store in the order their archives saw them, so that URLs, republished copies,
    versions, pages and search are deduplicated exactly as by one crawl.
    """
    output = output.absolute()
    paths = {output.resolve(): output} if output.exists() else {}
    for path in inputs:
        paths.setdefault(path.resolve(), path.absolute())
    building = output.with_name(f".{output.name}.{os.getpid()}.merging")
    with ExitStack() as stack:
        stack.enter_context(closing(take_lock(output)))
        sources = []
        for index, path in enumerate(paths.values()):
            archive = stack.enter_context(Archive.open_for_reading(path))
            label = None if path == output else str(path)
            sources.append(Source(index, archive, files_dir_of(path), label))
        stack.callback(_remove_database, building)
        with Archive.open(building) as merged:
            # A half-built merge is thrown away, never read: no flush to disk at each commit.
            merged.db.execute("PRAGMA synchronous = OFF")
            with merged.db.atomic():
                summary = _merge_into(merged, sources, files_dir_of(output))
        for source in sources:
            source.archive.close()
        # The backup API replaces the output's pages under SQLite's own locks, so that a reader
        # holding the old output (and its -wal) open never sees a file renamed under it.
        with closing(sqlite3.connect(building)) as built, closing(
                sqlite3.connect(output, timeout=BUSY_TIMEOUT_MS / 1000)) as target:
            built.backup(target)
    return summary


def _remove_database(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _merge_into(merged: Archive, sources: list[Source], files_dir: Path) -> MergeSummary:
    _add_pages(merged, sources)
    ids = _replay_announcements(merged, sources)
    _add_attachments(merged, sources, ids)
    copied, missing = _add_files(merged, sources, files_dir)
    _mark_gone(merged, sources, ids)
    _keep_listings(merged, sources)
    _union_listings(merged, sources)
    _add_file_texts(merged, sources)
    _add_validators(merged, sources)
    failures = _add_failures(merged, sources)
    runs = _add_runs(merged, sources)
    merged.rebuild_search_index()
    db = merged.db
    if sources and sources[0].label is None:
        # The output's own record of when it was created and upgraded, so that merging
        # into it again changes nothing at all.
        db.execute("DELETE FROM _sqlite_migrations")
        for row in sources[0].rows("SELECT * FROM _sqlite_migrations ORDER BY id"):
            db["_sqlite_migrations"].insert(row)
    return MergeSummary(
        announcements=db.execute("SELECT count(*) FROM announcements").fetchone()[0],
        versions=db.execute("SELECT count(*) FROM announcement_versions").fetchone()[0],
        files=copied, missing_files=missing, failures=failures, runs=runs,
    )


def _add_pages(merged: Archive, sources: list[Source]) -> None:
    """Every raw page kept, in the order fetched, each distinct one once: also those that no
    announcement points to (the second copy of a republished announcement)."""
    pages = sorted(
        ((row["fetched_at"], source.index, row["id"]), source, row["id"])
        for source in sources for row in source.rows("SELECT id, fetched_at FROM pages")
    )
    for _, source, page_id in pages:
        merged.save_pages([source.archive.page(page_id)])


def _sightings(source: Source) -> Iterator[Sighting]:
    """Each content an announcement of SOURCE had, from when it had it, then its last sighting."""
    for row in source.rows(
        "SELECT id, first_seen_at, last_seen_at, (SELECT json_group_array(recorded_at) FROM "
        "(SELECT recorded_at FROM announcement_versions v WHERE v.announcement_id = a.id "
        "ORDER BY v.id)) AS changes FROM announcements a ORDER BY id"
    ):
        times = [row["first_seen_at"], *json.loads(row["changes"])]
        for state, time in enumerate(times):
            yield Sighting(time, (source.index, row["id"], state), state, seen=state == 0)
        # Last seen with the content it had then (a later re-parse may have changed it since).
        current = max(state for state, time in enumerate(times) if time <= row["last_seen_at"])
        yield Sighting(row["last_seen_at"], (source.index, row["id"], len(times)), current, seen=True)


def _announcement(source: Source, announcement_id: int, state: int) -> Announcement:
    """The announcement as it was in its STATE-th content, with its pages of then."""
    [row] = source.rows("SELECT * FROM announcements WHERE id = ?", (announcement_id,))
    versions = list(source.rows("SELECT old_values, page_ids FROM announcement_versions "
                                "WHERE announcement_id = ? ORDER BY id", (announcement_id,)))
    # A version keeps the values its change replaced: walk back from the stored row.
    content, page_ids = {field: row[field] for field in VERSIONED_FIELDS}, row["page_ids"]
    for version in reversed(versions[state:]):
        content.update(json.loads(version["old_values"]))
        page_ids = version["page_ids"]
    return Announcement(
        url=row["url"], kind=content["kind"], title=content["title"], title_tag=content["title_tag"],
        source=content["source"], published_at=content["published_at"],
        published_precision=content["published_precision"], published_raw=content["published_raw"],
        aliases=json.loads(row["aliases"]), columns=json.loads(row["columns"]),
        paragraphs=json.loads(content["paragraphs"]), images=json.loads(content["images"]),
        site=row["site"], provenance=json.loads(row["provenance"] or "{}"),
        pages=[source.archive.page(page_id) for page_id in json.loads(page_ids or "[]")],
    )


def _replay_announcements(merged: Archive, sources: list[Source]) -> dict[tuple[int, int], int]:
    """Store every sighting in time order; the merged id of each input announcement."""
    sightings = sorted((sighting for source in sources for sighting in _sightings(source)),
                       key=lambda sighting: (sighting.time, sighting.order))
    for sighting in sightings:
        index, announcement_id, _ = sighting.order
        item = _announcement(sources[index], announcement_id, sighting.state)
        merged.store(item, now=sighting.time, seen=sighting.seen)
    return {
        (source.index, row["id"]): merged.find_id([row["url"], *json.loads(row["aliases"])])
        for source in sources for row in source.rows("SELECT id, url, aliases FROM announcements")
    }


def _add_attachments(merged: Archive, sources: list[Source], ids: dict[tuple[int, int], int]) -> None:
    # Attachments are only ever added: the archive that listed one first names it, as in one
    # crawl. Written in the merged announcements' order, whichever input brought them.
    first: dict[tuple[int, str], tuple[tuple[str, int], dict[str, Any]]] = {}
    for source in sources:
        for row in source.rows("SELECT t.*, a.first_seen_at FROM attachments t "
                               "JOIN announcements a ON a.id = t.announcement_id"):
            listed = (row.pop("first_seen_at"), source.index)
            row["announcement_id"] = ids[(source.index, row["announcement_id"])]
            key = (row["announcement_id"], row["url"])
            if key not in first or listed < first[key][0]:
                first[key] = (listed, row)
    for _, (_, row) in sorted(first.items()):
        names = ", ".join(f"[{name}]" for name in row)
        merged.db.execute(f"INSERT INTO attachments ({names}) VALUES ({', '.join('?' * len(row))})",
                          list(row.values()))


def _add_files(merged: Archive, sources: list[Source], files_dir: Path) -> tuple[int, list[str]]:
    """Record every stored file (the newest record of a URL wins) and copy it, by content."""
    newest: dict[str, tuple[tuple[str, int], Source, dict[str, Any]]] = {}
    for source in sources:
        for row in source.rows("SELECT * FROM files"):
            stored = (row["stored_at"], -source.index)
            if row["url"] not in newest or stored > newest[row["url"]][0]:
                newest[row["url"]] = (stored, source, row)
    copied, missing = 0, []
    for url, (_, source, row) in sorted(newest.items()):
        merged.record_file(StoredFile(url, row["path"], row["sha256"], row["size"], row["content_type"]),
                           now=row["stored_at"])
        target = files_dir / row["path"]
        if file_matches(target, row["size"], row["sha256"]):
            continue
        origin = source.files_dir / row["path"]
        if not file_matches(origin, row["size"], row["sha256"]):
            missing.append(str(origin))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.merging")
        shutil.copyfile(origin, partial)
        partial.replace(target)
        copied += 1
    return copied, missing


def _mark_gone(merged: Archive, sources: list[Source], ids: dict[tuple[int, int], int]) -> None:
    """Each announcement is gone, or not, as the archive that knew of it last says."""
    newest: dict[int, tuple[str, str | None]] = {}
    for source in sources:
        for row in source.rows("SELECT id, last_seen_at, gone_at FROM announcements"):
            known = max(row["last_seen_at"], row["gone_at"] or "")
            merged_id = ids[(source.index, row["id"])]
            if merged_id not in newest or known > newest[merged_id][0]:
                newest[merged_id] = (known, row["gone_at"])
    merged.db.conn.executemany("UPDATE announcements SET gone_at = ? WHERE id = ?",
                               [(gone_at, merged_id) for merged_id, (_, gone_at) in newest.items()])


def _keep_listings(merged: Archive, sources: list[Source]) -> None:
    """The list title and date of each URL as the archive that saw its announcement last has them."""
    newest: dict[str, tuple[str, str, str | None]] = {}
    for source in sources:
        for row in source.rows(
            "SELECT u.url_key, u.list_title, u.list_date, a.last_seen_at FROM announcement_urls u "
            "JOIN announcements a ON a.id = u.announcement_id WHERE u.list_title IS NOT NULL"
        ):
            if row["url_key"] not in newest or row["last_seen_at"] > newest[row["url_key"]][0]:
                newest[row["url_key"]] = (row["last_seen_at"], row["list_title"], row["list_date"])
    merged.db.conn.executemany(
        "UPDATE announcement_urls SET list_title = ?, list_date = ? WHERE url_key = ?",
        [(title, date, key) for key, (_, title, date) in newest.items()],
    )


def _union_listings(merged: Archive, sources: list[Source]) -> None:
    """Each (column, URL) any archive's lists showed, first seen the earliest and last seen the
    latest any of them saw it; the replay's own listing rows, timed by sightings, give way."""
    union: dict[tuple[str, str], dict[str, Any]] = {}
    for source in sources:
        for row in source.rows("SELECT * FROM listings"):
            known = union.setdefault((row["column_name"], row["url_key"]), row)
            known["first_seen_at"] = min(known["first_seen_at"], row["first_seen_at"])
            if row["last_seen_at"] >= known["last_seen_at"]:
                # What the newest sighting said, of the page that showed it too.
                known.update({name: row[name] for name in
                              ("url", "last_seen_at", "list_page_url", "provenance") if row[name]})
    merged.db.execute("DELETE FROM listings")
    merged.db.conn.executemany(
        "INSERT INTO listings (column_name, url_key, url, first_seen_at, last_seen_at, "
        "list_page_url, provenance) VALUES (:column_name, :url_key, :url, :first_seen_at, "
        ":last_seen_at, :list_page_url, :provenance)",
        sorted(union.values(), key=lambda row: (row["first_seen_at"], row["column_name"], row["url_key"])),
    )


def _add_file_texts(merged: Archive, sources: list[Source]) -> None:
    """Each content's text as the archive that read it last has it (the index is rebuilt after)."""
    newest: dict[str, dict[str, Any]] = {}
    for source in sources:
        for row in source.rows("SELECT * FROM file_texts"):
            del row["id"]
            known = newest.get(row["sha256"])
            if known is None or (row["extracted_at"] or "") > (known["extracted_at"] or ""):
                newest[row["sha256"]] = row
    merged.db.execute("DELETE FROM file_texts")
    for row in sorted(newest.values(), key=lambda row: (row["extracted_at"] or "", row["sha256"])):
        merged.db["file_texts"].insert(row)


def _add_validators(merged: Archive, sources: list[Source]) -> None:
    """Each page's validators from its newest fetch in any archive (the replay's give way)."""
    newest: dict[str, dict[str, Any]] = {}
    for source in sources:
        for row in source.rows("SELECT * FROM validators"):
            known = newest.get(row["url"])
            if known is None or row["fetched_at"] > known["fetched_at"]:
                newest[row["url"]] = row
    merged.db.execute("DELETE FROM validators")
    merged.db.conn.executemany(
        "INSERT INTO validators (url, etag, last_modified, fetched_at) "
        "VALUES (:url, :etag, :last_modified, :fetched_at)",
        sorted(newest.values(), key=lambda row: (row["fetched_at"], row["url"])),
    )


def _add_failures(merged: Archive, sources: list[Source]) -> int:
    """Failures still open by the newest knowledge: a failure ends where another archive
    archived the URL after it last failed.

    Attempts are the most any archive counted, not their sum: in a sharded layout a URL
    belongs to one node's archive, and meets itself again only in an earlier merge.
    """
    by_url: dict[str, list[tuple[Source, dict[str, Any]]]] = {}
    for source in sources:
        for row in source.rows("SELECT * FROM failures"):
            by_url.setdefault(row["url"], []).append((source, row))
    kept = 0
    for url, held in sorted(by_url.items()):
        newest = max((row for _, row in held), key=lambda row: row["last_at"])
        holders = {source.index for source, _ in held}
        archived = [_archived_at(source, url) for source in sources if source.index not in holders]
        if any(time and time > newest["last_at"] for time in archived):
            continue
        merged.db.execute(
            "INSERT INTO failures (url, reason, detail, attempts, first_at, last_at) VALUES (?, ?, ?, ?, ?, ?)",
            [url, newest["reason"], newest["detail"], max(row["attempts"] for _, row in held),
             min(row["first_at"] for _, row in held), newest["last_at"]],
        )
        kept += 1
    return kept


def _archived_at(source: Source, url: str) -> str | None:
    """When SOURCE last archived URL (an announcement it led to, or a file), if ever."""
    (seen,) = source.archive.db.execute(
        "SELECT max(a.last_seen_at) FROM announcement_urls u JOIN announcements a "
        "ON a.id = u.announcement_id WHERE u.url_key = ?", [url_key(url, ())]).fetchone()
    stored = source.archive.db.execute("SELECT stored_at FROM files WHERE url = ?", [url]).fetchone()
    return max(filter(None, [seen, stored[0] if stored else None]), default=None)


def _add_runs(merged: Archive, sources: list[Source]) -> int:
    """Every finished run of every input, once, labelled with the archive it came from.

    A run still `running` is left for the next merge, which finds it finished.
    """
    runs = {}
    for source in sources:
        for row in source.rows("SELECT * FROM crawl_runs WHERE status != 'running' ORDER BY id"):
            del row["id"]
            label = row.pop(MERGED_FROM, None) or source.label
            # A run is its times, figures and Scrapy stats, wherever its archive was copied to
            # since: the first archive to bring it labels it.
            runs.setdefault(json.dumps(row, sort_keys=True), {**row, MERGED_FROM: label})
    ordered = sorted(runs.items(), key=lambda run: (run[1]["started_at"], run[0]))
    for _, row in ordered:
        merged.db["crawl_runs"].insert(row)
    return len(ordered)
