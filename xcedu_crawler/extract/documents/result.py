"""What an extraction gives back, the limits it works within, and the text budget that keeps to them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version

OK, EMPTY, UNSUPPORTED, FAILED, TOO_LARGE, NEEDS_OCR = (
    "ok", "empty", "unsupported", "failed", "too_large", "needs_ocr",
)  # fmt: skip


@cache
def package_version(name: str) -> str:
    """The installed version of the distribution NAME (PackageNotFoundError if none)."""
    # Stored with every file text, and importlib.metadata scans sys.path for it each time:
    # about 0.3 ms a call, once or twice a file.
    return version(name)


@dataclass(frozen=True)
class Limits:
    """Bounds on one file's extraction: a bomb or a huge file stops at them, as status too_large."""

    max_pages: int = 2000
    # Declared uncompressed sizes of the zip members read (OOXML, OFD): zipfile never
    # unpacks a member past its declared size, so this bounds what is inflated.
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_text_chars: int = 5_000_000
    # OCR costs about a second a page: a scanned book is read this far.
    max_ocr_pages: int = 50


@dataclass(frozen=True)
class DocumentText:
    """The text of one file and how it was got; `reason` says why in words, "" when status is ok."""

    text: str
    status: str  # "ok" | "empty" | "unsupported" | "failed" | "too_large" | "needs_ocr"
    reason: str
    extractor: str
    extractor_version: str
    pages: int | None


class TooLarge(Exception):
    """A limit was reached; the extractor's collected text so far is kept."""


class TextBudget:
    """Text collected part by part up to Limits.max_text_chars; the part that crosses it is cut."""

    def __init__(self, max_chars: int) -> None:
        self._parts: list[str] = []
        self._left = max_chars
        self.exceeded = False

    def add(self, part: str) -> None:
        """Add PART; raise TooLarge once the budget is spent."""
        if not part:
            return
        if len(part) > self._left:
            self._parts.append(part[: self._left])
            self._left = 0
            self.exceeded = True
            raise TooLarge("the text is longer than the limit of characters")
        self._parts.append(part)
        self._left -= len(part)

    def text(self, separator: str = "\n") -> str:
        return separator.join(self._parts)


_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002-\u200b\ufeff]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A PDF or OFD breaks a line between any two characters: a newline between two CJK
# characters is a wrap, not a paragraph, and would split a word for the search; and it
# places a digit run drawn in a Latin font with a gap the extractor reads as a space.
_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")
_LAYOUT_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) (?=[{_CJK}])")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")


def tidy(text: str, laid_out: bool = False) -> str:
    """Searchable text: runs of spaces made one, blank lines dropped; LAID_OUT text (placed
    on a page, as in PDF and OFD) has its CJK line wraps and layout gaps closed too."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    if laid_out:
        text = _LAYOUT_GAP.sub("", _WRAP.sub("", text))
    return _BLANK_LINES.sub("\n", text).strip()


def finished(
    text: str,
    extractor: str,
    version: str,
    *,
    pages: int | None = None,
    cut: str = "",
    laid_out: bool = False,
) -> DocumentText:
    """The result of a read: ok, empty, or too_large with CUT the limit that stopped it."""
    text = tidy(text, laid_out)
    if cut:
        return DocumentText(text, TOO_LARGE, cut, extractor, version, pages)
    if not text:
        return DocumentText("", EMPTY, "the file holds no text", extractor, version, pages)
    return DocumentText(text, OK, "", extractor, version, pages)


def failed(reason: str, extractor: str, version: str, pages: int | None = None) -> DocumentText:
    return DocumentText("", FAILED, reason, extractor, version, pages)


def with_text_limit(result: DocumentText, limits: Limits) -> DocumentText:
    """RESULT with its text cut to the limit (tidying can only shorten it; OCR text adds to it)."""
    if len(result.text) <= limits.max_text_chars:
        return result
    return replace(
        result,
        text=result.text[: limits.max_text_chars],
        status=TOO_LARGE,
        reason="the text is longer than the limit of characters",
    )


def error_reason(error: BaseException) -> str:
    """A reader's exception in words: its type tells a truncated file from a malformed one."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {message[:300]}" if message else type(error).__name__
