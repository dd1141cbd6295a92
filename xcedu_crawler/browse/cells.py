"""How the archive's cells read in Datasette's tables: short, decoded, linked to the notice."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup, escape

# Past this many characters a cell is cut: whole bodies and JSON made rows 1,000 px tall.
CELL_CHARACTERS = 60
# Columns of `announcements` holding whole texts or JSON; the notice's own page shows them whole.
LONG_COLUMNS = frozenset({"body", "paragraphs", "provenance", "aliases", "images", "page_ids",
                          "published_raw", "content_hash"})
URL_COLUMNS = frozenset({"url", "referer"})
LIST_VIEW = "announcement_list"


def shortened(text: str, limit: int = CELL_CHARACTERS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def readable_url(url: str) -> str:
    """URL as a person reads it: percent-escapes of Chinese file names decoded, the middle cut."""
    decoded = unquote(url)
    if len(decoded) <= CELL_CHARACTERS:
        return decoded
    # The host and the file name say the most: keep both ends.
    half = CELL_CHARACTERS // 2
    return f"{decoded[:half]}…{decoded[-half:]}"


def url_link(url: str, text: str | None = None) -> Markup:
    return Markup('<a href="{}" title="{}">{}</a>').format(url, unquote(url), text or readable_url(url))


def column_names(value: str) -> str:
    """A JSON array of column names as the names, separated by middle dots."""
    try:
        names = json.loads(value)
    except ValueError:
        return value
    return " · ".join(names) if isinstance(names, list) else value


def display(value: Any, column: str, table: str | None, notice_url: str | None) -> Markup | None:
    """The HTML a cell shows, or None for Datasette's own rendering.

    NOTICE_URL is the page of the row's announcement (the list view's rows link to it).
    """
    if table == LIST_VIEW and column == "attachments":
        # Blank for none, so the notices that have some stand out.
        return Markup("&nbsp;") if value == 0 else None
    if not isinstance(value, str) or not value:
        return None
    if table == LIST_VIEW:
        if column in ("date", "tag"):
            return Markup('<span style="white-space: nowrap">{}</span>').format(value)
        if column == "title" and notice_url:
            return Markup('<a href="{}">{}</a>').format(notice_url, value)
        if column == "columns":
            return escape(column_names(value))
        if column == "url":
            return url_link(value, "original")
        if column == "attachment_url":
            # A search's attachment hit: its name stands in `attachment`; the URL in full,
            # percent-encoded, squeezed the titles to two characters a line.
            return url_link(value, "file")
        return None
    if column in URL_COLUMNS and value.startswith(("http://", "https://")):
        return url_link(value)
    if table == "announcements" and column in LONG_COLUMNS and len(value) > CELL_CHARACTERS:
        return Markup('<span title="shortened: the announcement\'s page shows it whole">{}</span>').format(
            shortened(value))
    return None
