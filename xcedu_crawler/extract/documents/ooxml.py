"""Office Open XML: DOCX and PPTX read from their XML, XLSX through openpyxl, each within the limits.

DOCX is read from word/*.xml directly, not through python-docx: the same paragraphs (and
text boxes, headers, footers and notes, which python-docx's paragraph API leaves out) at a
fraction of the cost, streamed, and within the budget of unpacked bytes. XLSX goes through
openpyxl (read-only mode streams rows), which turns dates and numbers into their values.
"""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, datetime, time

from lxml import etree

from xcedu_crawler.extract.documents.result import (
    DocumentText,
    Limits,
    TextBudget,
    TooLarge,
    error_reason,
    failed,
    finished,
    package_version,
)
from xcedu_crawler.extract.documents.zipped import BoundedZip, local_name

# Bumped when what these readers take from the XML changes, so stored texts can be redone.
READER_VERSION = "1"
XML_READER_VERSION = f"{READER_VERSION} (lxml {etree.__version__})"
DOCX_READER, PPTX_READER = "docx-xml", "pptx-xml"
XLSX_READER = "openpyxl"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_DOCX_NOTES = ("word/footnotes.xml", "word/endnotes.xml")
_DOCX_FURNITURE = re.compile(r"word/(header|footer)\d*\.xml")
_SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml")
_RUN_MARKS = {"tab": "\t", "br": "\n"}


def openpyxl_version() -> str:
    return package_version("openpyxl")


def _paragraph_text(paragraph: etree._Element, namespace: str) -> str:
    """A paragraph's runs in order: text, tabs and line breaks (deleted text is w:delText)."""
    pieces = []
    for node in paragraph.iter(f"{{{namespace}}}t", f"{{{namespace}}}tab", f"{{{namespace}}}br"):
        pieces.append(_RUN_MARKS.get(local_name(node), node.text or ""))
    return "".join(pieces)


def _paragraphs(archive: BoundedZip, part: str, namespace: str, budget: TextBudget) -> None:
    for paragraph in archive.iter_xml(part, (f"{{{namespace}}}p",)):
        budget.add(_paragraph_text(paragraph, namespace))
        # A paragraph inside a text box ends before the one holding it: clearing it keeps
        # its text from being read twice.
        paragraph.clear()


def docx_text(data: bytes, limits: Limits) -> DocumentText:
    archive = BoundedZip(data, limits.max_unpacked_bytes)
    names = archive.names()
    parts = ["word/document.xml", *(n for n in _DOCX_NOTES if n in names)]
    parts += sorted(n for n in names if _DOCX_FURNITURE.fullmatch(n))
    return _read_parts(archive, parts, _W, limits, DOCX_READER, pages=None)


def pptx_text(data: bytes, limits: Limits) -> DocumentText:
    archive = BoundedZip(data, limits.max_unpacked_bytes)
    numbered = sorted(
        (int(match[1]), name) for name in archive.names() if (match := _SLIDE.fullmatch(name))
    )
    slides = [name for _, name in numbered]
    cut = ""
    if len(slides) > limits.max_pages:
        cut = f"{len(slides):,} slides, past the limit of {limits.max_pages:,}"
    read = slides[: limits.max_pages]
    return _read_parts(archive, read, _A, limits, PPTX_READER, pages=len(slides), cut=cut)


def _read_parts(
    archive: BoundedZip,
    parts: list[str],
    namespace: str,
    limits: Limits,
    reader: str,
    pages: int | None,
    cut: str = "",
) -> DocumentText:
    budget = TextBudget(limits.max_text_chars)
    try:
        for part in parts:
            _paragraphs(archive, part, namespace, budget)
    except TooLarge as limit:
        cut = str(limit)
    except (etree.XMLSyntaxError, KeyError) as error:
        return failed(error_reason(error), reader, XML_READER_VERSION, pages)
    return finished(budget.text(), reader, XML_READER_VERSION, pages=pages, cut=cut)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def xlsx_text(data: bytes, limits: Limits) -> DocumentText:
    import openpyxl

    archive = BoundedZip(data, limits.max_unpacked_bytes)
    reader_version = openpyxl_version()
    # openpyxl unpacks what it needs itself: the whole archive must fit the budget.
    if archive.declared_size() > limits.max_unpacked_bytes:
        return finished(
            "",
            XLSX_READER,
            reader_version,
            cut=f"the workbook unpacks to {archive.declared_size():,} bytes, "
            "past the limit of unpacked bytes",
        )
    budget = TextBudget(limits.max_text_chars)
    cut = ""
    with warnings.catch_warnings():
        # openpyxl warns of styles and extensions it does not read: none of it is text.
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = workbook.worksheets
            for sheet in sheets[: limits.max_pages]:
                budget.add(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    budget.add("\t".join(filter(None, map(_cell_text, row))))
            if len(sheets) > limits.max_pages:
                cut = f"{len(sheets):,} sheets, past the limit of {limits.max_pages:,}"
        except TooLarge as limit:
            cut = str(limit)
        finally:
            workbook.close()
    return finished(budget.text(), XLSX_READER, reader_version, pages=len(sheets), cut=cut)
