"""Turns what the spider extracted into a normalised announcement, or says why it cannot."""

from __future__ import annotations

from xcedu_crawler.extract.dates import ParsedDate, parse_date
from xcedu_crawler.extract.text import is_cut, normalize_space, split_title_tag
from xcedu_crawler.items import Announcement, DateCandidate, RawAnnouncement


class IncompleteAnnouncement(ValueError):
    """The announcement lacks a field the archive cannot do without (title or body)."""


def whole_title(raw: RawAnnouncement) -> tuple[str | None, str | None]:
    """(title, rule): the detail page's title; else the list entry's, unless the list cut it."""
    page_title = normalize_space(raw.title or "")
    if page_title:
        return page_title, raw.provenance.get("title", "page")
    list_title = normalize_space(raw.entry.title) if raw.entry else ""
    if list_title and not is_cut(list_title):
        return list_title, "list"
    if list_title and (raw.paragraphs or raw.images):
        # A body is never lost for want of a title: the list's cut one, and provenance says so.
        return list_title, "list:cut"
    return None, None


def date_candidates(raw: RawAnnouncement) -> list[DateCandidate]:
    """The page's own dates first, the list date last."""
    candidates = list(raw.dates)
    if raw.entry and raw.entry.date_raw:
        candidates.append(DateCandidate(raw=raw.entry.date_raw, rule="list"))
    return candidates


def finest_agreeing(readable: list[tuple[DateCandidate, ParsedDate]]) -> tuple[DateCandidate, ParsedDate]:
    """The best date, made finer by a later one of the page's own that agrees to the day.

    A 发布日期 printed to the day beside a PubDate meta to the minute of that same day gives
    the minute. A time of 00:00:00 is a date with no time, never finer; nor is the list date.
    """
    best, parsed = readable[0]
    if parsed.precision != "day":
        return best, parsed
    for candidate, other in readable[1:]:
        if (candidate.rule != "list" and other.precision != "day" and other.iso[:10] == parsed.iso[:10]
                and other.iso[11:19] != "00:00:00"):
            return candidate, other
    return best, parsed


def normalize(raw: RawAnnouncement) -> Announcement:
    title, title_rule = whole_title(raw)
    if title is None:
        raise IncompleteAnnouncement("no title on the page nor a whole one in the list")
    if raw.kind == "page" and not raw.paragraphs and not raw.images:
        raise IncompleteAnnouncement("empty body: no paragraph and no image")
    tag, title = split_title_tag(title)

    candidates = date_candidates(raw)
    # A date text that cannot be read without guessing is kept raw, with no date.
    published_at = precision = date_rule = None
    published_raw = candidates[0].raw if candidates else None
    readable = [(candidate, parsed) for candidate in candidates if (parsed := parse_date(candidate.raw))]
    if readable:
        candidate, parsed = finest_agreeing(readable)
        published_at, precision, published_raw = parsed.iso, parsed.precision, candidate.raw
        date_rule = candidate.rule
    source = normalize_space(raw.source or "") or None
    provenance = {
        "title": title_rule,
        "published_at": date_rule,
        "source": raw.provenance.get("source") if source else None,
        "body": raw.provenance.get("body") if raw.kind == "page" else None,
    }

    return Announcement(
        url=raw.url,
        kind=raw.kind,
        title=title,
        title_tag=tag,
        source=source,
        published_at=published_at,
        published_precision=precision,
        published_raw=published_raw,
        aliases=list(dict.fromkeys(alias for alias in raw.aliases if alias != raw.url)),
        columns=list(dict.fromkeys(raw.columns)),
        paragraphs=raw.paragraphs,
        images=raw.images,
        attachments=raw.attachments,
        list_url=raw.entry.url if raw.entry else None,
        list_title=raw.entry.title if raw.entry else None,
        list_date=raw.entry.date_raw if raw.entry else None,
        list_page_url=raw.entry.page_url if raw.entry else None,
        pages=raw.pages,
        site=raw.site,
        provenance={field: rule for field, rule in provenance.items() if rule},
    )
