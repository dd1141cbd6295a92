"""Which format a file is: its magic bytes first, then its name's extension, then its content type.

A site's file name and content type often lie (a .doc that is a DOCX, a PDF sent as
application/octet-stream), its bytes do not: the containers are looked into (a zip's
member names, an OLE2 file's stream names) to tell a DOCX from an XLSX or an OFD, and a
Word file from a workbook. The name and type decide only for bytes no magic identifies,
such as a truncated file, whose reader then says what is wrong with it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

PDF, DOCX, XLSX, PPTX, DOC, WPS, XLS, OFD, IMAGE = (
    "pdf", "docx", "xlsx", "pptx", "doc", "wps", "xls", "ofd", "image",
)  # fmt: skip
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_IMAGES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
# How far into a file "%PDF-" may start: readers accept junk before it.
_PDF_HEADER_WINDOW = 1024

EXTENSIONS = {
    ".pdf": PDF, ".docx": DOCX, ".docm": DOCX, ".xlsx": XLSX, ".xlsm": XLSX, ".pptx": PPTX,
    ".doc": DOC, ".dot": DOC, ".wps": WPS, ".xls": XLS, ".et": XLS, ".ofd": OFD,
    ".png": IMAGE, ".jpg": IMAGE, ".jpeg": IMAGE, ".tif": IMAGE, ".tiff": IMAGE,
    ".bmp": IMAGE, ".gif": IMAGE,
}  # fmt: skip
CONTENT_TYPES = {
    "application/pdf": PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": PPTX,
    "application/msword": DOC,
    "application/vnd.ms-works": WPS,
    "application/kswps": WPS,
    "application/vnd.ms-excel": XLS,
    "application/ofd": OFD,
}
# Formats recognised but not read, and what to say of them.
NOT_READ = {
    b"{\\rtf": "an RTF document (saved as Word, but not read)",
    b"Rar!": "a RAR archive (its members are not read)",
    b"7z\xbc\xaf": "a 7-Zip archive (its members are not read)",
}


@dataclass(frozen=True)
class Sniffed:
    """A file's format (None: not one this reads) and, for one not read, what it is in words."""

    format: str | None
    description: str = ""
    damaged: bool = False  # a container whose magic says what it is, but which will not open


def _zip_format(data: bytes) -> Sniffed | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception:  # noqa: BLE001 (a truncated or damaged zip, whatever zipfile raises)
        return None  # the name or type decides, and its reader fails saying why
    lowered = {name.lower().replace("\\", "/").lstrip("/") for name in names}
    if "ofd.xml" in lowered:
        return Sniffed(OFD)
    if "[content_types].xml" in lowered:
        for part, found in (
            ("word/document.xml", DOCX),
            ("xl/workbook.xml", XLSX),
            ("ppt/presentation.xml", PPTX),
        ):
            if part in lowered:
                return Sniffed(found)
        return Sniffed(None, "an Office Open XML package of no kind this reads")
    return Sniffed(None, "a zip archive (its members are not read)")


def _ole_format(data: bytes, extension: str) -> Sniffed | None:
    import olefile

    # Always a file object: olefile takes bytes shorter than 1,536 for a path to open.
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as container:
            streams = {"/".join(entry) for entry in container.listdir()}
    except Exception:  # noqa: BLE001 (a damaged OLE2 file, whatever olefile raises)
        return None  # a truncated or damaged OLE2 file: as for a zip
    if "WordDocument" in streams:
        return Sniffed(WPS if extension == ".wps" else DOC)
    if streams & {"Workbook", "Book"}:
        return Sniffed(XLS)
    if "EncryptedPackage" in streams:
        return Sniffed(None, "a password-protected Office document (encrypted)")
    if "PowerPoint Document" in streams:
        return Sniffed(None, "a PowerPoint 97-2003 presentation (not read)")
    return Sniffed(None, "an OLE2 compound file of no kind this reads")


def sniff(data: bytes, filename: str = "", content_type: str = "") -> Sniffed:
    extension = PurePosixPath(filename.split("?", 1)[0]).suffix.lower()
    head = data[:_PDF_HEADER_WINDOW]
    by_magic: Sniffed | None = None
    if b"%PDF-" in head:
        by_magic = Sniffed(PDF)
    elif head.startswith(_ZIP):
        by_magic = _zip_format(data)
    elif head.startswith(_OLE2):
        by_magic = _ole_format(data, extension)
    elif head.startswith(_IMAGES):
        by_magic = Sniffed(IMAGE)
    else:
        by_magic = next(
            (Sniffed(None, said) for magic, said in NOT_READ.items() if head.startswith(magic)),
            None,
        )
    if by_magic is not None:
        return by_magic
    if extension in EXTENSIONS:
        return Sniffed(EXTENSIONS[extension])
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in CONTENT_TYPES:
        return Sniffed(CONTENT_TYPES[media_type])
    if media_type.startswith("image/"):
        return Sniffed(IMAGE)
    if head.startswith(_ZIP + (_OLE2,)):
        kind = "a zip archive" if head.startswith(_ZIP) else "an OLE2 compound file"
        return Sniffed(None, f"{kind} that cannot be opened (truncated or damaged)", damaged=True)
    said = f"starts {data[:8]!r}" + (f", named {extension}" if extension else "")
    said += f", sent as {media_type}" if media_type else ""
    return Sniffed(None, f"not a format this reads ({said})")
