"""Validators: the ETag and Last-Modified each page was last read with, for conditional GETs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlite_utils import Database

from xcedu_crawler.archive.rows import key_of, utc_now
from xcedu_crawler.items import FetchedPage, ListEntry

Validator = tuple[str | None, str | None]  # (ETag, Last-Modified)


def validators_in(headers: Mapping[str, str]) -> Validator:
    """(ETag, Last-Modified) from a page's response headers, whatever their case; None for each missing."""
    by_name = {name.lower(): value for name, value in headers.items()}
    return by_name.get("etag"), by_name.get("last-modified")


class Validators:
    """The part of `Archive` that remembers validators and confirms pages a server says are unchanged."""

    db: Database

    def validators(self) -> dict[str, Validator]:
        """(ETag, Last-Modified) by URL, for every page that had either."""
        return {
            url: (etag, last_modified)
            for url, etag, last_modified in self.db.execute(
                "SELECT url, etag, last_modified FROM validators")
        }

    def record_validators(self, url: str, validator: Validator, now: str | None = None) -> None:
        """URL was just read with VALIDATOR; one without ETag and Last-Modified forgets the old."""
        if validator == (None, None):
            self.forget_validators([url])
            return
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO validators (url, etag, last_modified, fetched_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                [url, *validator, now or utc_now()],
            )

    def forget_validators(self, urls: Iterable[str]) -> None:
        with self.db.atomic():
            self.db.conn.executemany("DELETE FROM validators WHERE url = ?", [(url,) for url in urls])

    def _record_page_validators(self, pages: Iterable[FetchedPage]) -> None:
        # Called by Store.store inside the announcement's transaction: a detail page's
        # validators never vouch for content the archive does not hold.
        for page in pages:
            if page.status == 200:
                self.record_validators(page.url, validators_in(page.headers), page.fetched_at)

    def confirm_unchanged(self, url: str, entry: ListEntry, now: str | None = None) -> bool:
        """The server said URL is as when its announcement was archived (304): it is seen now,
        on the site again, no longer failing, and listed as ENTRY shows it. False when no
        announcement has that URL."""
        now = now or utc_now()
        with self.db.atomic():
            if not self.record_listings(entry.column, [url], now):
                return False
            self.db.execute(
                "UPDATE announcements SET gone_at = NULL WHERE id = "
                "(SELECT announcement_id FROM announcement_urls WHERE url_key = ?)", [key_of(url)])
            self.db.execute(
                "UPDATE announcement_urls SET list_title = ?, list_date = ? WHERE url_key = ?",
                [entry.title, entry.date_raw, key_of(entry.url)],
            )
            self.clear_failures([url])
        return True
