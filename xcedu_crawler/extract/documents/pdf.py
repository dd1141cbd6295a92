"""PDF text through pypdf, page by page within the limits; a PDF of scanned pages goes to OCR.

pypdf was kept over pdfminer.six by measurement (`python -m benchmarks.documents`,
2026-12-04, on the PDFs of tests/fixtures/documents/: an office suite's export of a
two-page notice, an embedded subset TrueType font, a standard CID font, an encrypted
file): both found every phrase and, whitespace aside, the same text (similarity 1.00 to
the source of the exported notice), and pypdf, with this package's sniffing and tidying
on top, was 1.2 to 2.4 times as fast (7.5 ms vs 18.0 ms, 3.4 vs 1.4 MB/s, on the exported
notice). pdfminer.six's layout analysis gives a blank line between paragraphs, which the
search does not need; both break lines inside a paragraph, which result.tidy joins for
Chinese.
"""

from __future__ import annotations

import io
import warnings

from xcedu_crawler.extract.documents import ocr
from xcedu_crawler.extract.documents.result import (
    NEEDS_OCR,
    DocumentText,
    Limits,
    TextBudget,
    TooLarge,
    error_reason,
    failed,
    finished,
    package_version,
)

READER = "pypdf"


def pypdf_version() -> str:
    return package_version("pypdf")


def _page_images(page) -> int:
    """How many image XObjects PAGE draws directly (a scanned page is one image)."""
    resources = page.get("/Resources") or {}
    xobjects = resources.get("/XObject") or {}
    return sum(1 for ref in xobjects.values() if ref.get_object().get("/Subtype") == "/Image")


def pdf_text(data: bytes, limits: Limits, use_ocr: bool) -> DocumentText:
    from pypdf import PasswordType, PdfReader

    reader_version = pypdf_version()
    with warnings.catch_warnings():
        # pypdf warns of what it repairs in a malformed file: the text read is the answer.
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return failed("encrypted: the file needs a password to open", READER, reader_version)
        page_count = len(reader.pages)
        budget = TextBudget(limits.max_text_chars)
        cut = ""
        if page_count > limits.max_pages:
            cut = f"{page_count:,} pages, past the limit of {limits.max_pages:,}: "
            cut += "read the first pages"
        read_pages, unreadable, image_pages = min(page_count, limits.max_pages), [], []
        try:
            for number in range(read_pages):
                page = reader.pages[number]
                try:
                    text = page.extract_text()
                except Exception as error:  # noqa: BLE001 (one malformed page; the others may read)
                    unreadable.append(f"page {number + 1}: {error_reason(error)}")
                    continue
                budget.add(text)
                if not text.strip() and _page_images(page):
                    image_pages.append(number)
        except TooLarge as limit:
            cut = str(limit)
        if unreadable and len(unreadable) == read_pages:
            return failed(
                "no page could be read; " + unreadable[0], READER, reader_version, page_count
            )
        result = finished(
            budget.text(), READER, reader_version, pages=page_count, cut=cut, laid_out=True
        )
        if result.text or not image_pages:
            return result
        return _scanned(reader, image_pages, page_count, limits, use_ocr, reader_version)


def _scanned(
    reader,
    image_pages: list[int],
    page_count: int,
    limits: Limits,
    use_ocr: bool,
    reader_version: str,
) -> DocumentText:
    """A PDF without a text layer whose pages are images: their text, if OCR may and can read it."""
    pages_said = f"no text layer: {len(image_pages):,} of {page_count:,} pages are images"
    if not use_ocr:
        return DocumentText(
            "", NEEDS_OCR, f"{pages_said}; OCR is off", READER, reader_version, page_count
        )
    if missing := ocr.unavailable_reason():
        return DocumentText(
            "", NEEDS_OCR, f"{pages_said}; {missing}", READER, reader_version, page_count
        )
    images = (
        image.data
        for number in image_pages[: limits.max_ocr_pages]
        for image in reader.pages[number].images
    )
    extractor = f"{READER}+{ocr.ENGINE}"
    both_versions = f"{reader_version}+{ocr.engine_version()}"
    cut = ""
    if len(image_pages) > limits.max_ocr_pages:
        cut = f"{len(image_pages):,} scanned pages, past the OCR limit of {limits.max_ocr_pages:,}"
    return finished(ocr.recognise(images), extractor, both_versions, pages=page_count, cut=cut)
