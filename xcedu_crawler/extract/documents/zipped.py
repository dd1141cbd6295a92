"""Zip containers (OOXML, OFD) read within a budget of unpacked bytes, and their XML parsed safely."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from lxml import etree

from xcedu_crawler.extract.documents.result import TooLarge

# No entities, no network, no DTD: a document's XML is data, never instructions to the parser.
_PARSER_OPTIONS = {
    "resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False,
}  # fmt: skip


class BoundedZip:
    """A zip archive whose members are read while their declared sizes fit MAX_UNPACKED_BYTES.

    CPython's zipfile never inflates a member past its declared size (it stops there and
    fails the CRC check), so counting declared sizes bounds the memory a zip bomb can take.
    """

    def __init__(self, data: bytes, max_unpacked_bytes: int) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._left = max_unpacked_bytes
        self._members = {info.filename: info for info in self._zip.infolist()}
        # Some writers spell member names with backslashes or a leading slash.
        self._canonical = {name.replace("\\", "/").lstrip("/"): name for name in self._members}

    def names(self) -> list[str]:
        return list(self._canonical)

    def has(self, name: str) -> bool:
        return name.lstrip("/") in self._canonical

    def declared_size(self) -> int:
        return sum(info.file_size for info in self._members.values())

    def read(self, name: str) -> bytes:
        """The unpacked bytes of member NAME; TooLarge if they would pass the budget."""
        info = self._members[self._canonical[name.lstrip("/")]]
        if info.file_size > self._left:
            raise TooLarge(
                f"unpacking {name} ({info.file_size:,} bytes) would pass the limit of unpacked bytes"
            )
        self._left -= info.file_size
        return self._zip.read(info)

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.read(name), etree.XMLParser(**_PARSER_OPTIONS))

    def iter_xml(self, name: str, tags: tuple[str, ...]) -> Iterator[etree._Element]:
        """End events of the elements TAGS of member NAME, cleared after use: a large sheet
        or document streams through in little memory."""
        source = io.BytesIO(self.read(name))
        for _, element in etree.iterparse(source, events=("end",), tag=tags, **_PARSER_OPTIONS):
            yield element


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname
