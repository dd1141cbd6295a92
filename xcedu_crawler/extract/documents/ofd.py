"""OFD (GB/T 33190-2016, China's fixed-layout format): the text layer of each page, in reading order.

An OFD is a zip of XML: OFD.xml names each document's Document.xml (DocBody/DocRoot), which
lists its pages (Pages/Page@BaseLoc), each a Content.xml of TextObjects whose TextCode
elements hold the text. Converters often write one TextObject per character, so the text
objects are put in lines by their baseline and each line read left to right.
"""

from __future__ import annotations

import posixpath

from lxml import etree

from xcedu_crawler.extract.documents.result import (
    DocumentText,
    Limits,
    TextBudget,
    TooLarge,
    error_reason,
    failed,
    finished,
)
from xcedu_crawler.extract.documents.zipped import BoundedZip, local_name

READER_VERSION = "1"
READER = "ofd-xml"
_BASELINE_TOLERANCE = 1.0  # millimetres: the objects of one line share a baseline within this


def reader_version() -> str:
    return f"{READER_VERSION} (lxml {etree.__version__})"


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [
        child
        for child in element.iter()
        if isinstance(child.tag, str) and local_name(child) == name
    ]


def _resolve(base_dir: str, location: str) -> str:
    """A member name from a location in the package: absolute from its root, else relative to BASE_DIR."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return posixpath.normpath(location.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, location))


def _numbers(value: str | None) -> list[float]:
    try:
        return [float(part) for part in (value or "").split()]
    except ValueError:
        return []


def _page_lines(content: etree._Element) -> list[str]:
    """The text of one page's Content.xml, a line per baseline, top to bottom."""
    placed = []  # (baseline, x, order, text)
    for order, text_object in enumerate(_children(content, "TextObject")):
        boundary = _numbers(text_object.get("Boundary")) or [0.0, 0.0]
        for code in _children(text_object, "TextCode"):
            x = boundary[0] + (_numbers(code.get("X")) or [0.0])[0]
            y = boundary[1] + (_numbers(code.get("Y")) or [0.0])[0]
            placed.append((y, x, order, code.text or ""))
    placed.sort()
    lines: list[list[tuple[float, int, str]]] = []
    baseline = None
    for y, x, order, text in placed:
        if baseline is None or y - baseline > _BASELINE_TOLERANCE:
            lines.append([])
            baseline = y
        lines[-1].append((x, order, text))
    return ["".join(text for _, _, text in sorted(line)) for line in lines]


def _page_locations(archive: BoundedZip) -> list[str]:
    root = archive.xml("OFD.xml")
    locations = []
    for doc_root in _children(root, "DocRoot"):
        document_name = _resolve("", doc_root.text or "")
        document = archive.xml(document_name)
        document_dir = posixpath.dirname(document_name)
        locations += [
            _resolve(document_dir, page.get("BaseLoc", ""))
            for pages in _children(document, "Pages")
            for page in _children(pages, "Page")
        ]
    return locations


def ofd_text(data: bytes, limits: Limits) -> DocumentText:
    version = reader_version()
    archive = BoundedZip(data, limits.max_unpacked_bytes)
    budget, cut, pages = TextBudget(limits.max_text_chars), "", None
    try:
        locations = _page_locations(archive)
        pages = len(locations)
        if pages > limits.max_pages:
            cut = f"{pages:,} pages, past the limit of {limits.max_pages:,}: read the first pages"
        for location in locations[: limits.max_pages]:
            budget.add("\n".join(_page_lines(archive.xml(location))))
    except TooLarge as limit:
        cut = str(limit)
    except (etree.XMLSyntaxError, KeyError) as error:
        return failed(error_reason(error), READER, version, pages)
    return finished(budget.text(), READER, version, pages=pages, cut=cut, laid_out=True)
