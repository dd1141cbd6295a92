"""An article's pages as plain values, and the announcement made from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xcedu_crawler.items import Attachment, DateCandidate, FetchedPage, ListEntry, RawAnnouncement


@dataclass(frozen=True)
class ArticlePart:
    """What one page of an article gave, without its parsed tree: small enough to ride in a
    request to the next part and to be pickled with it (a JOBDIR disk queue)."""

    url: str  # canonical
    title: str | None = None
    source: str | None = None
    dates: list[DateCandidate] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def announcement_from_parts(
    parts: Sequence[ArticlePart],
    *,
    entry: ListEntry | None,
    site: str | None,
    url: str | None = None,
    aliases: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    pages: Sequence[FetchedPage] = (),
) -> RawAnnouncement:
    """One announcement from the parts of an article, complete: the first part's title, source
    and dates, every part's paragraphs, and their images and attachments each once.

    URL is the first part's unless given; COLUMNS the entry's unless given; PAGES what was
    fetched for it, to keep (none when re-read from the archive, which keeps them already).
    """
    first = parts[0]
    images: list[str] = []
    attachments: list[Attachment] = []
    for part in parts:
        images += [image for image in part.images if image not in images]
        known = {attachment.url for attachment in attachments}
        attachments += [attachment for attachment in part.attachments if attachment.url not in known]
    return RawAnnouncement(
        url=url or first.url,
        kind="page",
        entry=entry,
        aliases=list(aliases),
        columns=list(columns) if columns is not None else [entry.column] if entry else [],
        title=first.title,
        source=first.source,
        dates=list(first.dates),
        paragraphs=[paragraph for part in parts for paragraph in part.paragraphs],
        images=images,
        attachments=attachments,
        pages=list(pages),
        provenance=dict(first.provenance),
        site=site,
    )
