"""Optional OCR of scanned pages and images with RapidOCR (the `ocr` extra), off unless asked for.

RapidOCR (`rapidocr-onnxruntime`, PyPI) over Tesseract: it installs with pip alone, its
Chinese detection and recognition models (PP-OCRv4, 15 MB) ship inside the wheel, so it
works offline, and it read the scanned fixture exactly (Tesseract 5 with Debian's chi_sim
did too, but needs two Debian packages on every machine). Its successor package
`rapidocr` 3.x downloads its models at first use, which cannot work here. It costs about a
second to load and a second a page on two cores: Limits.max_ocr_pages bounds a scanned book.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError

from xcedu_crawler.extract.documents.result import (
    NEEDS_OCR,
    DocumentText,
    Limits,
    finished,
    package_version,
)

ENGINE = "rapidocr"
_PACKAGE = "rapidocr-onnxruntime"
INSTALL_HINT = "pip install 'xcedu-crawler[ocr]'"


def unavailable_reason() -> str:
    """Why OCR cannot run here, in words; "" when the engine imports."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as error:
        return f"the OCR engine is not installed ({_PACKAGE}: {error}); {INSTALL_HINT}"
    return ""


def engine_version() -> str:
    try:
        return package_version(_PACKAGE)
    except PackageNotFoundError:
        return ""


@cache
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def recognise(images: Iterable[bytes]) -> str:
    """The text of each encoded image (PNG, JPEG, ...), its lines top to bottom."""
    lines = []
    for image in images:
        found, _ = _engine()(image)
        lines.extend(text for _, text, _ in found or ())
        lines.append("")
    return "\n".join(lines)


def _frames(data: bytes, limit: int) -> tuple[list[bytes], int]:
    """The first LIMIT frames of an image (a multi-page TIFF has several), as PNG, and the count."""
    from PIL import Image, ImageSequence

    with Image.open(io.BytesIO(data)) as image:
        count = getattr(image, "n_frames", 1)
        if count == 1:
            return [data], 1
        frames = []
        for frame in ImageSequence.Iterator(image):
            if len(frames) == limit:
                break
            encoded = io.BytesIO()
            frame.convert("RGB").save(encoded, "PNG")
            frames.append(encoded.getvalue())
        return frames, count


def image_text(data: bytes, limits: Limits, use_ocr: bool) -> DocumentText:
    """An image file's text: OCR's, or needs_ocr with the reason it was not read."""
    if not use_ocr:
        return DocumentText(
            "", NEEDS_OCR, "an image: its text needs OCR, which is off", ENGINE, engine_version(), 1
        )
    if missing := unavailable_reason():
        return DocumentText("", NEEDS_OCR, f"an image: {missing}", ENGINE, "", 1)
    frames, count = _frames(data, limits.max_ocr_pages)
    cut = ""
    if count > len(frames):
        cut = f"{count:,} pages, past the OCR limit of {limits.max_ocr_pages:,}"
    return finished(recognise(frames), ENGINE, engine_version(), pages=count, cut=cut)
