"""Atom 1.0 feeds of announcements: archive rows in, feed bytes out (no SQL, no files)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
# An entry's content: the body's first paragraphs, enough to decide whether to open the notice.
CONTENT_PARAGRAPHS = 5
CONTENT_CHARACTERS = 1000

ET.register_namespace("", ATOM)


def entry_id(url: str) -> str:
    """An entry's Atom id: a name-based UUID of its canonical URL, so it never changes when the
    announcement is edited, re-crawled or served by Datasette instead (the plugin's SQL uses this
    function too)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"


def entry_title(title: str | None, title_tag: str | None) -> str:
    """The title as the bureau wrote it, its 【tag】 in front."""
    return f"【{title_tag}】{title or ''}" if title_tag else title or ""


def content_html(paragraphs: str | None) -> str:
    """The body's first paragraphs (a JSON array, as archived) as escaped HTML paragraphs."""
    kept, length = [], 0
    for paragraph in json.loads(paragraphs or "[]")[:CONTENT_PARAGRAPHS]:
        if length >= CONTENT_CHARACTERS:
            break
        text = paragraph[: CONTENT_CHARACTERS - length]
        kept.append(f"<p>{escape(text)}{'…' if len(text) < len(paragraph) else ''}</p>")
        length += len(text)
    return "".join(kept)


def entry_updated(row: Mapping[str, Any]) -> str:
    """When the archive last saw the announcement change: its edit, else its first sighting."""
    return row["changed_at"] or row["first_seen_at"]


def feed_identity(params: Mapping[str, str | None], self_url: str | None) -> str:
    """The feed's Atom id: its own address when it has one, else a UUID of what it selects."""
    if self_url:
        return self_url
    selection = json.dumps({k: v for k, v in sorted(params.items()) if v}, ensure_ascii=False)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'xcedu-crawler:feed:' + selection)}"


def atom_feed(rows: Iterable[Mapping[str, Any]], *, title: str, feed_id: str, generated_at: str,
              self_url: str | None = None, author: str = "xcedu-crawler archive") -> bytes:
    """An Atom 1.0 document of ROWS (announcements as archived), in their order.

    The feed's `updated` is its newest entry's, so an unchanged archive gives the same bytes;
    GENERATED_AT (RFC 3339) serves only for a feed with no entries.
    """
    entries = [_entry(row) for row in rows]
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", max((e.findtext(f"{{{ATOM}}}updated") for e in entries),
                               default=generated_at))
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", author)
    if self_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url,
                      type="application/atom+xml")
    _text(feed, "generator", "xcedu-crawler")
    feed.extend(entries)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry(row: Mapping[str, Any]) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", entry_id(row["url"]))
    _text(entry, "title", entry_title(row["title"], row["title_tag"]))
    _text(entry, "updated", entry_updated(row))
    if row["published_at"]:
        _text(entry, "published", row["published_at"])
    if row["source"]:
        _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", row["source"])
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=row["url"])
    for column in json.loads(row["columns"] or "[]"):
        ET.SubElement(entry, f"{{{ATOM}}}category", term=column)
    if content := content_html(row["paragraphs"]):
        _text(entry, "content", content).set("type", "html")
    return entry


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = text
    return element
