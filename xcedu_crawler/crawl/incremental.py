"""Decides what a run fetches: everything (full), every list page (catch-up) or only what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from xcedu_crawler.archive import Archive
from xcedu_crawler.extract.urls import url_key
from xcedu_crawler.items import ListEntry

FULL, CATCH_UP, INCREMENTAL = "full", "catch-up", "incremental"
# The requests a run may send with the validators of their last fetch (crawl/conditional.py).
LIST, DETAIL = "list", "detail"


@dataclass
class CrawlPlan:
    """What the archive already holds, and the mode that follows from it."""

    mode: str
    listings: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    failed_urls: set[str] = field(default_factory=set)
    pending_files: dict[str, list[str]] = field(default_factory=dict)  # by referer

    @classmethod
    def for_archive(cls, archive: Archive, full: bool) -> CrawlPlan:
        """A full run when asked; otherwise incremental, unless the last run did not end `ok`.

        After a killed, partial or blocked run some list pages may never have been read,
        so the next run walks every list page again (catch-up), fetching only new entries.
        A killed run counts only once its row is closed (`Archive.close_interrupted_runs`).
        """
        if full:
            return cls(FULL)
        last_run = archive.last_run()
        mode = INCREMENTAL if last_run and last_run["status"] == "ok" else CATCH_UP
        return cls(mode, archive.known_listings(), archive.failed_urls(), archive.pending_files())

    def is_known(self, entry: ListEntry) -> bool:
        """Archived with the same list title and date; or, after an `ok` run, failed before.

        A nightly run does not ask again for what failed last night (a 404 stays a 404);
        catch-up and full runs retry every failure.
        """
        if self.mode == FULL:
            return False
        if entry.url in self.failed_urls:
            return self.mode == INCREMENTAL
        return self.listings.get(url_key(entry.url, ())) == (entry.title, entry.date_raw)

    def follows_pager(self, new_entries: int) -> bool:
        """Incremental runs stop at the first list page that holds nothing new."""
        return self.mode != INCREMENTAL or new_entries > 0

    def revalidates(self, kind: str) -> bool:
        """Whether a request of KIND (LIST or DETAIL) is sent conditionally, so that a page
        unchanged since its last fetch is answered 304, headers only.

        Never in a full run, which re-reads everything. A list page only in an incremental
        run: a 304 means its entries are as when an `ok` run (or the catch-up after a
        killed one) read them, so nothing on it is new; but it shows neither entries nor
        pager, which a catch-up run must walk. A detail page whenever it is fetched again:
        its validators are recorded with the announcement, so a 304 says that is as served.
        """
        if self.mode == FULL:
            return False
        return kind == DETAIL or self.mode == INCREMENTAL
