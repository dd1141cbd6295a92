"""Attachment text: extraction speed per format (MB/s, ms per file) on the document fixtures, the share read.

Each fixture of tests/fixtures/documents/ is extracted over and over for a fixed time (the
files are small: one pass would measure the timer), then the bounds are timed on a
10,000-page PDF and a zip bomb. With the `bench` extra (pdfminer.six) the PDFs are also read
by pdfminer.six, and where Debian's antiword and catdoc are installed the .doc/.wps files
by them: the comparisons the extractors were chosen on.

    python -m benchmarks.documents [--quick]
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import partial
from pathlib import Path

from benchmarks.common import PROJECT_ROOT, Figure, Results, benchmark_main, progress
from xcedu_crawler.extract.documents import Limits, extract_text
from xcedu_crawler.extract.documents.ocr import unavailable_reason

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "documents"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
SECONDS_PER_FILE, QUICK_SECONDS_PER_FILE = 1.0, 0.1
BOMB_GOAL_SECONDS = 5.0
_WHITESPACE = re.compile(r"\s+")


def fixtures() -> list[Path]:
    return sorted(path for path in FIXTURES.iterdir() if path.suffix not in (".py", ".json"))


def timed(read: Callable[[], object], seconds: float) -> tuple[float, object]:
    """Seconds per call of READ, called for about SECONDS (at least 3 times), and its last answer."""
    answer, calls, started = read(), 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - started < seconds:
        answer = read()
        calls += 1
    return (time.perf_counter() - started) / calls, answer


def phrases_found(text: str, name: str) -> tuple[int, int]:
    flat = _WHITESPACE.sub("", text)
    phrases = EXPECTED["phrases"].get(name, [])
    return sum(_WHITESPACE.sub("", phrase) in flat for phrase in phrases), len(phrases)


def format_figures(seconds: float, ocr: bool) -> tuple[list[Figure], int, list[str]]:
    """Per format: speed and files read; the count of files read; each file not read and why."""
    spent, sizes, read = defaultdict(float), defaultdict(int), defaultdict(list)
    unread = []
    for path in fixtures():
        if path.name.startswith("scanned.") and not ocr:
            label = f"{path.suffix[1:]} (scanned, OCR off)"
        else:
            label = path.suffix[1:] + (
                " (scanned, OCR)" if path.name.startswith("scanned.") else ""
            )
        data = path.read_bytes()
        # OCR takes a second a page: its few calls are figures enough.
        per_call, result = timed(
            partial(extract_text, data, filename=path.name, ocr=ocr),
            seconds if "OCR)" not in label else 0,
        )
        spent[label] += per_call
        sizes[label] += len(data)
        read[label].append(result.status == "ok")
        if result.status != "ok":
            unread.append(f"{path.name} {result.status}")
        progress(f"documents: {path.name}: {per_call * 1000:.2f} ms, {result.status}")
    figures = []
    for label in sorted(spent):
        files, kilobytes = len(read[label]), sizes[label] / 1024
        speed = sizes[label] / spent[label] / 1e6
        figures.append(Figure(
            f"Attachment text, {label}: speed ({files} files, {kilobytes:.0f} KB)",
            f"{speed:.2f} MB/s ({1000 * spent[label] / files:.2f} ms/file); read {sum(read[label])}/{files}",
        ))  # fmt: skip
    return figures, sum(ok for results in read.values() for ok in results), unread


def ten_thousand_page_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    page = PdfReader(FIXTURES / "embedded_font.pdf").pages[0]
    for _ in range(10_000):
        writer.add_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def zip_bomb() -> bytes:
    """A DOCX of 300 KB whose document.xml unpacks to 300 MB, past the 200 MB limit."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(b" " * (1 << 20))
    return output.getvalue()


def bound_figures() -> list[Figure]:
    figures = []
    for label, data in (("a PDF of 10,000 text pages", ten_thousand_page_pdf()),
                        ("a zip bomb (300 KB, unpacks to 300 MB)", zip_bomb())):  # fmt: skip
        started = time.perf_counter()
        result = extract_text(data, limits=Limits())
        elapsed = time.perf_counter() - started
        progress(f"documents: {label}: {elapsed:.2f} s, {result.status}")
        figures.append(Figure(f"Attachment text, bound: {label}",
                              f"{elapsed:.2f} s, {result.status}, {len(result.text):,} characters kept",
                              f"≤ {BOMB_GOAL_SECONDS:.0f} s, too_large",
                              elapsed <= BOMB_GOAL_SECONDS and result.status == "too_large"))  # fmt: skip
    return figures


def similarity(text: str, name: str) -> str:
    source = EXPECTED.get("full_text", {}).get(name)
    if not source:
        return ""
    ratio = SequenceMatcher(None, _WHITESPACE.sub("", "".join(source)), _WHITESPACE.sub("", text),
                            autojunk=False).ratio()  # fmt: skip
    return f", similarity to the source {ratio:.2f}"


def comparison_rows(
    names: list[str], readers: dict[str, Callable[[bytes, Path], str]], seconds: float
) -> list[str]:
    rows = ["| file | reader | ms/file | MB/s | phrases found |", "| --- | --- | --- | --- | --- |"]
    for name in names:
        path = FIXTURES / name
        data = path.read_bytes()
        for reader, read in readers.items():
            per_call, text = timed(partial(read, data, path), seconds)
            found, total = phrases_found(text, name)
            rows.append(f"| {name} | {reader} | {per_call * 1000:.2f} | {len(data) / per_call / 1e6:.2f} | "
                        f"{found}/{total}{similarity(text, name)} |")  # fmt: skip
    return rows


def comparisons(seconds: float) -> list[str]:
    """Markdown notes: the project's PDF and Word readers beside the alternatives present."""
    notes = []
    ours = {"project": lambda data, path: extract_text(data, filename=path.name).text}
    try:
        from pdfminer.high_level import extract_text as pdfminer_text  # the `bench` extra
    except ImportError:
        progress("documents: pdfminer.six not installed (the bench extra): no PDF comparison")
    else:
        pdfs = ["office_export.pdf", "embedded_font.pdf", "cid_font.pdf", "owner_password.pdf"]
        readers = {"project (pypdf)": ours["project"],
                   "pdfminer.six": lambda data, path: pdfminer_text(io.BytesIO(data))}  # fmt: skip
        notes.append("### PDF: pypdf (kept) vs pdfminer.six\n\n"
                     + "\n".join(comparison_rows(pdfs, readers, seconds)))  # fmt: skip
    tools = {
        "antiword": ["antiword", "-m", "UTF-8.txt"],
        "catdoc": ["catdoc", "-d", "utf-8"],
    }
    readers = {"project (Word 97 piece table)": ours["project"]}
    for tool, command in tools.items():
        if shutil.which(command[0]):
            readers[tool] = lambda data, path, command=command: subprocess.run(
                [*command, str(path)], capture_output=True, check=False
            ).stdout.decode("utf-8", "replace")
        else:
            progress(f"documents: {tool} not installed (Debian): left out of the DOC comparison")
    notes.append("### DOC and WPS: the project's reader vs Debian's tools present\n\n"
                 + "\n".join(comparison_rows(["sample.doc", "sample.wps"], readers, seconds)))  # fmt: skip
    return notes


def run(quick: bool) -> Results:
    seconds = QUICK_SECONDS_PER_FILE if quick else SECONDS_PER_FILE
    ocr_missing = unavailable_reason()
    figures, read, unread = format_figures(seconds, ocr=False)
    total = read + len(unread)
    if not ocr_missing:
        ocr_figures, _, _ = format_figures(0, ocr=True)
        figures += [figure for figure in ocr_figures if "OCR)" in figure.name]
    else:
        progress(f"documents: no OCR figures: {ocr_missing}")
    figures.append(Figure("Attachment text, share of fixture files read (status ok, OCR off)",
                          f"{read}/{total} = {read / total:.0%} (not read: {', '.join(unread)})"))  # fmt: skip
    figures += bound_figures()
    return Results(figures, comparisons(seconds))


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
