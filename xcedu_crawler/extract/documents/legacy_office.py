"""Old binary Office files (OLE2): Word 97-2003 .doc and Kingsoft WPS .wps by their piece table, XLS by xlrd.

DOC and WPS are read here in Python (olefile for the OLE2 container, then the Word 97
binary layout, [MS-DOC]: the FIB points to the piece table, whose pieces hold the text as
UTF-16 or 8-bit), not by Debian's antiword or catdoc. Measured by `python -m
benchmarks.documents` (2026-12-04) on the fixtures (Chinese text, a table, a page header):
this reader found every phrase of both files (4/4, 2/2) in 0.4 ms a file; catdoc (`-d
utf-8`) found them too, in 1.2 ms as a process per file, and needs a Debian package on
every machine; antiword (`-m UTF-8.txt`) left out the page header (3/4) and refused the
short .wps (0/2, "the text stream of this file is too small to handle"). Kingsoft WPS
writes .wps in the Word 97 layout, so one reader serves both; the older WPS 2000 format
(not OLE2) and Word 6/95 files are reported unsupported. Field codes (HYPERLINK "...",
PAGE) are dropped and their results kept, as Word shows them.
"""

from __future__ import annotations

import io
import struct
from datetime import time

from xcedu_crawler.extract.documents.result import (
    UNSUPPORTED,
    DocumentText,
    Limits,
    TextBudget,
    TooLarge,
    failed,
    finished,
    package_version,
)

# Bumped when what this reader takes from a Word file changes, so stored texts can be redone.
WORD_READER_VERSION = "1"
WORD_READER, XLS_READER = "word97-olefile", "xlrd"

_WORD_MAGIC = 0xA5EC
_FIRST_WORD97_NFIB = 0x00C1
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200
_FC_CLX_PAIR = 33  # fcClx/lcbClx: the 34th (fc, lcb) pair of FibRgFcLcb97
_COMPRESSED = 0x40000000
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
# Word's control characters in the text: paragraph, line and page breaks, cell and row
# ends, non-breaking and soft hyphens; every other one below 0x20 marks an object (a
# picture, a note's reference) and is dropped.
_CONTROLS = {"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x07": "\t", "\x1e": "-", "\t": "\t"}
_DROPPED = {chr(code): "" for code in range(0x20) if chr(code) not in _CONTROLS}
_TRANSLATION = str.maketrans({**_DROPPED, **_CONTROLS, "\xa0": " "})


class NotWord97(Exception):
    """The OLE2 file's WordDocument stream is not in the Word 97 layout this reader reads."""


def word_reader_version() -> str:
    return f"{WORD_READER_VERSION} (olefile {package_version('olefile')})"


def _pieces(word: bytes, table: bytes, fc_clx: int, lcb_clx: int) -> list[str]:
    """The text of each piece of the piece table (the Clx's Pcdt), in CP order."""
    clx, position = table[fc_clx : fc_clx + lcb_clx], 0
    while position < len(clx) and clx[position] == 0x01:  # Prc: property modifiers, skipped
        (size,) = struct.unpack_from("<h", clx, position + 1)
        position += 3 + size
    if position >= len(clx) or clx[position] != 0x02:
        raise ValueError("the piece table is missing from the table stream")
    (size,) = struct.unpack_from("<I", clx, position + 1)
    plc = clx[position + 5 : position + 5 + size]
    count = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc)
    pieces = []
    for index in range(count):
        (fc,) = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)
        length = cps[index + 1] - cps[index]
        if fc & _COMPRESSED:
            start = (fc & ~_COMPRESSED) // 2
            pieces.append(word[start : start + length].decode("cp1252", "replace"))
        else:
            pieces.append(word[fc : fc + 2 * length].decode("utf-16-le", "replace"))
    return pieces


def _without_field_codes(text: str) -> str:
    """TEXT with each field's code (between its begin and separator marks) left out."""
    if _FIELD_BEGIN not in text:
        return text
    kept, fields = [], []  # fields: for each open field, whether its result has begun
    for char in text:
        if char == _FIELD_BEGIN:
            fields.append(False)
        elif char == _FIELD_SEPARATOR and fields:
            fields[-1] = True
        elif char == _FIELD_END and fields:
            fields.pop()
        elif all(fields):
            kept.append(char)
    return "".join(kept)


def _word97_text(word: bytes, open_table) -> str:
    magic, nfib = struct.unpack_from("<HH", word, 0)
    (flags,) = struct.unpack_from("<H", word, 0x0A)
    if magic != _WORD_MAGIC or nfib < _FIRST_WORD97_NFIB:
        raise NotWord97(f"a Word document of format {nfib:#x}, older than Word 97")
    if flags & _ENCRYPTED:
        raise PermissionError("encrypted: the document needs a password to open")
    (csw,) = struct.unpack_from("<H", word, 32)
    position = 34 + 2 * csw
    (cslw,) = struct.unpack_from("<H", word, position)
    position += 2 + 4 * cslw + 2
    fc_clx, lcb_clx = struct.unpack_from("<II", word, position + 8 * _FC_CLX_PAIR)
    table = open_table("1Table" if flags & _TABLE_1 else "0Table")
    return _without_field_codes("".join(_pieces(word, table, fc_clx, lcb_clx)))


def word_text(data: bytes, limits: Limits) -> DocumentText:
    import olefile

    reader_version = word_reader_version()
    with olefile.OleFileIO(io.BytesIO(data)) as container:

        def stream(name: str) -> bytes:
            return container.openstream(name).read()

        try:
            text = _word97_text(stream("WordDocument"), stream)
        except NotWord97 as error:
            return DocumentText("", UNSUPPORTED, str(error), WORD_READER, reader_version, None)
        except PermissionError as error:
            return failed(str(error), WORD_READER, reader_version)
    budget = TextBudget(limits.max_text_chars)
    try:
        budget.add(text.translate(_TRANSLATION))
    except TooLarge as limit:
        return finished(budget.text(), WORD_READER, reader_version, cut=str(limit))
    return finished(budget.text(), WORD_READER, reader_version)


def xls_version() -> str:
    return package_version("xlrd")


def _xls_cell(cell, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return str(int(cell.value)) if float(cell.value).is_integer() else str(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        moment = xlrd.xldate_as_datetime(cell.value, datemode)
        return moment.date().isoformat() if moment.time() == time() else moment.isoformat()
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return ""


def xls_text(data: bytes, limits: Limits) -> DocumentText:
    import xlrd

    reader_version = xls_version()
    # xlrd prints what it finds odd to its logfile (stdout by default): kept out of the output.
    book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    budget, cut = TextBudget(limits.max_text_chars), ""
    try:
        for index in range(min(book.nsheets, limits.max_pages)):
            sheet = book.sheet_by_index(index)
            budget.add(sheet.name)
            for row in range(sheet.nrows):
                cells = (_xls_cell(cell, book.datemode) for cell in sheet.row(row))
                budget.add("\t".join(filter(None, cells)))
            book.unload_sheet(index)
        if book.nsheets > limits.max_pages:
            cut = f"{book.nsheets:,} sheets, past the limit of {limits.max_pages:,}"
    except TooLarge as limit:
        cut = str(limit)
    finally:
        book.release_resources()
    return finished(budget.text(), XLS_READER, reader_version, pages=book.nsheets, cut=cut)
