"""The text of a stored attachment's bytes: the format sniffed, its extractor run within limits, never raising.

    from xcedu_crawler.extract.documents import extract_text
    result = extract_text(data, filename="附件1.pdf")  # DocumentText(text, status, reason, ...)

Formats: PDF (pypdf), DOCX and PPTX (their XML), XLSX (openpyxl), XLS (xlrd), DOC and
Kingsoft WPS (a Word 97 piece-table reader over olefile), OFD (its XML text layer), and
images and scanned PDFs through optional OCR (RapidOCR, the `ocr` extra, off by default).
Each module's docstring says why its library was chosen, with the figures measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xcedu_crawler.extract.documents import formats, legacy_office, ocr, ofd, ooxml, pdf
from xcedu_crawler.extract.documents.result import (
    EMPTY,
    FAILED,
    UNSUPPORTED,
    DocumentText,
    Limits,
    error_reason,
    failed,
    with_text_limit,
)

__all__ = ["EXTRACTORS", "DocumentText", "Extractor", "Limits", "extract_text"]


@dataclass(frozen=True)
class Extractor:
    """What reads one format: its name (stored with each text), how to get its version, the reader."""

    name: str
    version_of: Callable[[], str]
    read: Callable[[bytes, Limits, bool], DocumentText]

    @property
    def version(self) -> str:
        return self.version_of()


def _without_ocr(read: Callable[[bytes, Limits], DocumentText]):
    return lambda data, limits, use_ocr: read(data, limits)


_word = Extractor(
    legacy_office.WORD_READER,
    legacy_office.word_reader_version,
    _without_ocr(legacy_office.word_text),
)
# Format name (formats.PDF, ...) -> its extractor.
EXTRACTORS: dict[str, Extractor] = {
    formats.PDF: Extractor(pdf.READER, pdf.pypdf_version, pdf.pdf_text),
    formats.DOCX: Extractor(
        ooxml.DOCX_READER, lambda: ooxml.XML_READER_VERSION, _without_ocr(ooxml.docx_text)
    ),
    formats.XLSX: Extractor(
        ooxml.XLSX_READER, ooxml.openpyxl_version, _without_ocr(ooxml.xlsx_text)
    ),
    formats.PPTX: Extractor(
        ooxml.PPTX_READER, lambda: ooxml.XML_READER_VERSION, _without_ocr(ooxml.pptx_text)
    ),
    formats.DOC: _word,
    formats.WPS: _word,
    formats.XLS: Extractor(
        legacy_office.XLS_READER, legacy_office.xls_version, _without_ocr(legacy_office.xls_text)
    ),
    formats.OFD: Extractor(ofd.READER, ofd.reader_version, _without_ocr(ofd.ofd_text)),
    formats.IMAGE: Extractor(ocr.ENGINE, ocr.engine_version, ocr.image_text),
}


def extract_text(
    data: bytes,
    *,
    filename: str = "",
    content_type: str = "",
    ocr: bool = False,
    limits: Limits | None = None,
) -> DocumentText:
    """The text of DATA, a file as stored; FILENAME and CONTENT_TYPE decide only where its
    bytes do not. OCR: read scanned pages and images (slow; needs the `ocr` extra).

    A file that cannot be read gives status "failed" and the reader's reason: the readers
    raise every kind of exception on malformed input, so every one is caught here.
    """
    limits = limits or Limits()
    if not data:
        return DocumentText("", EMPTY, "the file is empty (0 bytes)", "", "", None)
    sniffed = formats.sniff(data, filename, content_type)
    if sniffed.format is None:
        status = FAILED if sniffed.damaged else UNSUPPORTED
        return DocumentText("", status, sniffed.description, "", "", None)
    extractor = EXTRACTORS[sniffed.format]
    try:
        result = extractor.read(data, limits, ocr)
    except Exception as error:  # noqa: BLE001 (see the docstring)
        return failed(
            f"not a readable {sniffed.format.upper()}: {error_reason(error)}",
            extractor.name,
            extractor.version,
        )
    return with_text_limit(result, limits)
