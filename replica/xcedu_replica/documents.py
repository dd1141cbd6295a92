"""Small stand-in documents and images (plausible magic bytes, a few hundred bytes), and a few real documents."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import PurePosixPath

from xcedu_replica.model import Reply

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office and WPS files are OLE compound files
_ZIP = b"PK\x03\x04"  # OOXML and OFD are zip packages
_KINDS = {
    "pdf": ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "wps": ("application/kswps", _OLE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "ofd": ("application/ofd", _ZIP),
    "jpg": ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}
SIZE = 400


def document_reply(path: str) -> Reply:
    """The file at PATH: its kind's magic bytes, then filler that differs from file to file."""
    content_type, magic = _KINDS[PurePosixPath(path).suffix.removeprefix(".").lower()]
    digest = hashlib.sha256(path.encode("utf-8")).hexdigest().encode("ascii")
    filler = digest * (SIZE // len(digest) + 1)
    return Reply(200, content_type, (magic + filler)[:SIZE])


@cache
def _real_document(name: str) -> bytes:
    return resources.files(__package__).joinpath("data", name).read_bytes()


def real_document(name: str):
    """A responder serving data/NAME, a real document (copied from tests/fixtures/documents/)
    whose text no page of the replica holds: a search finds its announcement only by reading it."""
    content_type, _ = _KINDS[PurePosixPath(name).suffix.removeprefix(".").lower()]
    return lambda _: Reply(200, content_type, _real_document(name))
