"""Whitespace, title tags, body paragraphs and body images, as the archive contract defines them."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin

from lxml.etree import _Element
from parsel import Selector
from w3lib.html import strip_html5_whitespace

from xcedu_crawler.extract.urls import is_http_url

# Hand-written because str.split() and parsel's normalize-space() both miss some of
# what Chinese pages use as spacing: split() misses U+200B and U+FEFF, and XPath's
# normalize-space() only knows ASCII whitespace (not U+3000 or U+00A0).
_WHITESPACE_RUN = re.compile(r"[\s\u200b\ufeff]+")

_TITLE_TAG = re.compile(r"【(?P<tag>[^】]*)】(?P<rest>.*)")

_CUT_MARKS = ("...", "…")  # "……" ends with "…"

BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
        "table", "tbody", "thead", "tfoot", "ul", "ol", "dl", "dt", "dd", "section",
        "article", "center", "pre", "form", "header", "footer", "figure", "figcaption",
        "hr", "address",
    }
)  # fmt: skip
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
_CELL_TAGS = ("td", "th")
_CELL_SEPARATOR = " | "

# A step of the paragraph walk: text to add, an element to visit, or a step to run.
_Task = str | _Element | Callable[[], None]


def normalize_space(text: str) -> str:
    """Strip whitespace at both ends and turn every inner run of it into one ASCII space."""
    return _WHITESPACE_RUN.sub(" ", text).strip(" ")


def split_title_tag(title: str) -> tuple[str | None, str]:
    """Split a leading 【tag】 off a title: ("部署", "许昌市…") or (None, title)."""
    title = normalize_space(title)
    match = _TITLE_TAG.fullmatch(title)
    if match is None:
        return None, title
    rest = match["rest"].strip(" ")
    if not rest:
        # A title that is only a bracketed text has nothing else to be the title.
        return None, title
    return normalize_space(match["tag"]) or None, rest


def is_cut(text: str) -> bool:
    """Whether a list link text was cut short by the site ("…" or "..." at its end)."""
    return normalize_space(text).endswith(_CUT_MARKS)


def extract_paragraphs(container: Selector) -> list[str]:
    """The body paragraphs of a content element, by the contract's paragraph rules."""
    collector = _ParagraphCollector()
    collector.collect(container.root)
    return collector.paragraphs


def extract_images(container: Selector, base_url: str) -> list[str]:
    """Absolute URLs of the images in a content element, in document order, each once."""
    sources = (strip_html5_whitespace(src) for src in container.xpath(".//img/@src").getall())
    urls = (urljoin(base_url, src) for src in sources if src)
    # Keeping http(s) URLs only drops data: URIs (and javascript: oddities).
    return list(dict.fromkeys(url for url in urls if is_http_url(url)))


class _ParagraphCollector:
    """Walks an lxml tree, cutting its text into paragraphs at block elements and <br>, each
    table row one paragraph of its cells.

    Hand-written because no library splits text at block boundaries: itertext() and
    XPath string() run the text of adjacent blocks together. It walks with a stack of
    its own, not by recursion: a page may nest elements deeper (libxml2 keeps up to
    2,048 levels) than Python's recursion limit allows.
    """

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._run: list[str] = []
        # While a table cell is read: the paragraphs and run of what holds its row, innermost last.
        self._outside_cells: list[tuple[list[str], list[str]]] = []
        self._open_rows: list[list[str]] = []  # the cells read so far of each, innermost last

    def collect(self, container: _Element) -> None:
        """Adds the paragraphs of CONTAINER's content (not of its tail)."""
        self._add_text(container.text)
        pending: list[_Task] = []  # what is still to do, next last
        _push_children(container, pending)
        while pending:
            task = pending.pop()
            if isinstance(task, str):
                self._run.append(task)
            elif isinstance(task, _Element):
                self._visit(task, pending)
            else:
                task()
        self.end_paragraph()

    def end_paragraph(self) -> None:
        if not self._run:
            return
        paragraph = normalize_space("".join(self._run))
        self._run.clear()
        if paragraph:
            self.paragraphs.append(paragraph)

    def _visit(self, element: _Element, pending: list[_Task]) -> None:
        # Comments and processing instructions have a non-string tag; their text is not content.
        if not isinstance(element.tag, str) or element.tag in HIDDEN_TAGS:
            return
        if element.tag == "br":
            self.end_paragraph()
        elif element.tag == "tr":
            self.end_paragraph()
            self._open_rows.append([])
            pending.append(self._end_row)
            # Only a row's cells are read: text between them is in none.
            for cell in element.iterchildren(*_CELL_TAGS, reversed=True):
                pending.append(self._end_cell)
                _push_children(cell, pending)
                if cell.text:
                    pending.append(cell.text)
                pending.append(self._start_cell)
        else:
            if element.tag in BLOCK_TAGS:
                self.end_paragraph()
                pending.append(self.end_paragraph)
            _push_children(element, pending)
            self._add_text(element.text)

    def _start_cell(self) -> None:
        self._outside_cells.append((self.paragraphs, self._run))
        self.paragraphs, self._run = [], []

    def _end_cell(self) -> None:
        self.end_paragraph()
        # A cell's blocks and <br> lines are kept apart by one space within the cell.
        cell = " ".join(self.paragraphs)
        self.paragraphs, self._run = self._outside_cells.pop()
        self._open_rows[-1].append(cell)

    def _end_row(self) -> None:
        cells = self._open_rows.pop()
        if any(cells):
            # Normalised as a whole like every paragraph, so an empty cell reads "a | | b".
            self.paragraphs.append(normalize_space(_CELL_SEPARATOR.join(cells)))

    def _add_text(self, text: str | None) -> None:
        if text:
            self._run.append(text)


def _push_children(element: _Element, pending: list[_Task]) -> None:
    """Stacks ELEMENT's children to pop in document order, each one's tail (text of ELEMENT) after it."""
    for child in element.iterchildren(reversed=True):
        if child.tail:
            pending.append(child.tail)
        pending.append(child)
