"""Announcements made from a list entry alone: documents listed directly, and other hosts' pages."""

from __future__ import annotations

from collections.abc import Sequence

from xcedu_crawler.extract.urls import file_name
from xcedu_crawler.items import Attachment, ListEntry, RawAnnouncement


def announcement_from_entry(
    entry: ListEntry, kind: str, *, site: str | None, url: str | None = None, aliases: Sequence[str] = ()
) -> RawAnnouncement:
    """A `file` or `external` announcement: title and date from the list, never fetched as a page.

    The entry's URL, or URL when given (where the entry really leads: a script redirect's
    target), is canonical already: the crawl's tracking keys dropped.
    """
    url = url or entry.url
    attachments = [Attachment(url=url, name=entry.title or file_name(url))] if kind == "file" else []
    return RawAnnouncement(
        url=url,
        kind=kind,
        entry=entry,
        aliases=list(aliases),
        columns=[entry.column],
        attachments=attachments,
        site=site,
    )
