"""Attachment text: each format's fixture read, dispatch by magic bytes, damaged files, bombs, OCR."""

from __future__ import annotations

import io
import json
import random
import re
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from xcedu_crawler.extract.documents import EXTRACTORS, DocumentText, Limits, extract_text
from xcedu_crawler.extract.documents.legacy_office import _without_field_codes
from xcedu_crawler.extract.documents.result import tidy

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
PHRASES = EXPECTED["phrases"]
STATUSES = {"ok", "empty", "unsupported", "failed", "too_large", "needs_ocr"}
READABLE = sorted(name for name in PHRASES if not name.startswith("scanned."))
EXTRACTOR_OF = {
    ".pdf": "pypdf", ".docx": "docx-xml", ".xlsx": "openpyxl", ".xls": "xlrd",
    ".doc": "word97-olefile", ".wps": "word97-olefile", ".ofd": "ofd-xml",
}  # fmt: skip
_WHITESPACE = re.compile(r"\s+")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def assert_phrases(result: DocumentText, phrases: list[str]) -> None:
    flat = _WHITESPACE.sub("", result.text)
    missing = [phrase for phrase in phrases if _WHITESPACE.sub("", phrase) not in flat]
    assert not missing, f"{missing} not in {result.text!r}"


def assert_well_formed(result: DocumentText) -> None:
    assert result.status in STATUSES
    assert bool(result.reason) == (result.status != "ok"), result
    assert result.status != "ok" or result.text


@pytest.mark.parametrize("name", READABLE)
def test_each_format_yields_its_phrases(name):
    result = extract_text(fixture(name), filename=name)

    assert (result.status, result.reason) == ("ok", "")
    assert result.extractor == EXTRACTOR_OF[Path(name).suffix]
    assert result.extractor_version
    assert_phrases(result, PHRASES[name])


def test_a_pptx_yields_its_slides_text_in_slide_order():
    drawing = "http://schemas.openxmlformats.org/drawingml/2006/main"

    def slide(text: str) -> str:
        return f'<p:sld xmlns:p="p" xmlns:a="{drawing}"><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>'

    pptx = zip_of({
        "[Content_Types].xml": b"<Types/>",
        "ppt/presentation.xml": b"<p:presentation/>",
        "ppt/slides/slide10.xml": slide("第十页：资助政策").encode(),
        "ppt/slides/slide2.xml": slide("第二页：招生计划").encode(),
    })  # fmt: skip

    result = extract_text(pptx, filename="宣讲.ppt")

    assert (result.status, result.extractor, result.pages) == ("ok", "pptx-xml", 2)
    assert result.text == "第二页：招生计划\n第十页：资助政策"


def test_pdf_pages_are_counted():
    assert extract_text(fixture("embedded_font.pdf")).pages == 2


def test_wrapped_lines_of_an_exported_pdf_read_as_the_source_text():
    result = extract_text(fixture("office_export.pdf"))

    source = _WHITESPACE.sub("", "".join(EXPECTED["full_text"]["office_export.pdf"]))
    assert _WHITESPACE.sub("", result.text) == source


@pytest.mark.parametrize(
    "name, misleading_name, content_type, extractor",
    [
        ("sample.docx", "通知.pdf", "application/pdf", "docx-xml"),
        ("embedded_font.pdf", "附件.doc", "application/msword", "pypdf"),
        ("sample.xls", "附件.doc", "", "xlrd"),
        ("sample.doc", "附件.xls", "application/vnd.ms-excel", "word97-olefile"),
        ("sample.xlsx", "附件.docx", "", "openpyxl"),
        ("sample.ofd", "附件.zip", "application/zip", "ofd-xml"),
        ("sample.doc", "", "application/octet-stream", "word97-olefile"),
    ],
)
def test_magic_bytes_decide_over_name_and_content_type(
    name, misleading_name, content_type, extractor
):
    result = extract_text(fixture(name), filename=misleading_name, content_type=content_type)

    assert (result.status, result.extractor) == ("ok", extractor)
    assert_phrases(result, PHRASES[name][:1])


def test_extension_then_content_type_decide_for_bytes_without_magic():
    truncated_pdf = fixture("embedded_font.pdf")[1000:3000]  # no %PDF- header left

    by_name = extract_text(truncated_pdf, filename="http://x/附件.PDF?id=3")
    by_type = extract_text(truncated_pdf, content_type="application/pdf; charset=binary")
    by_neither = extract_text(truncated_pdf)

    assert (by_name.status, by_name.extractor) == ("failed", "pypdf")
    assert (by_type.status, by_type.extractor) == ("failed", "pypdf")
    assert by_neither.status == "unsupported"
    assert "not a format this reads" in by_neither.reason


@pytest.mark.parametrize(
    "data, status, said",
    [
        (b"", "empty", "0 bytes"),
        (b"{\\rtf1\\ansi \\'ce\\'c4}", "unsupported", "RTF"),
        (b"PK\x03\x04" + b"\x00" * 40, "failed", "zip archive that cannot be opened"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "failed", "OLE2"),
    ],
)
def test_files_not_read_say_why(data, status, said):
    result = extract_text(data)

    assert result.status == status
    assert said in result.reason


def test_a_zip_of_other_files_is_unsupported():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("名单.txt", "张三")

    result = extract_text(archive.getvalue(), filename="附件.zip")

    assert (result.status, result.reason) == (
        "unsupported",
        "a zip archive (its members are not read)",
    )


@pytest.mark.parametrize("name", READABLE)
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_files_fail_with_a_reason_never_raising(name, keep):
    data = fixture(name)

    result = extract_text(data[: int(len(data) * keep)], filename=name)

    assert_well_formed(result)
    if keep <= 0.5 and not name.endswith(".pdf"):  # pypdf rebuilds a PDF's lost xref table
        assert result.status == "failed", result
        assert result.reason


@pytest.mark.parametrize("name", READABLE)
def test_damaged_bytes_never_raise(name):
    chance = random.Random(name)
    data = bytearray(fixture(name))
    for _ in range(20):
        data[chance.randrange(len(data))] = chance.randrange(256)

    assert_well_formed(extract_text(bytes(data), filename=name))


def test_a_pdf_that_needs_a_password_fails_saying_so():
    result = extract_text(fixture("user_password.pdf"))

    assert result.status == EXPECTED["unreadable"]["user_password.pdf"]["status"]
    assert EXPECTED["unreadable"]["user_password.pdf"]["reason_contains"] in result.reason


def test_a_pdf_with_only_an_owner_password_is_read():
    assert_phrases(extract_text(fixture("owner_password.pdf")), PHRASES["owner_password.pdf"])


def zip_of(members: dict[str, bytes]) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return archive.getvalue()


def docx_bomb(paragraphs: int) -> bytes:
    """A DOCX whose document.xml unpacks to PARAGRAPHS × 30 bytes: 10 MB from a zip of a few KB."""
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = b"<w:p><w:r><w:t>\xe6\x8b\x9b</w:t></w:r></w:p>" * paragraphs
    document = (
        b'<w:document xmlns:w="'
        + namespace.encode()
        + b'"><w:body>'
        + body
        + b"</w:body></w:document>"
    )
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": document})


@pytest.mark.parametrize(
    "make",
    [
        docx_bomb,
        lambda n: zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b" " * (30 * n)}),
        lambda n: zip_of({"OFD.xml": b" " * (30 * n)}),
    ],
    ids=["docx", "xlsx", "ofd"],
)
def test_a_zip_bomb_stops_at_the_limit_of_unpacked_bytes(make):
    bomb = make(350_000)  # about 10 MB unpacked
    assert len(bomb) < 100_000

    result = extract_text(bomb, limits=Limits(max_unpacked_bytes=5_000_000))

    assert result.status == "too_large"
    assert "limit of unpacked bytes" in result.reason
    assert result.text == ""


def declaring(data: bytes, member: str, size: int) -> bytes:
    """DATA with MEMBER's uncompressed size said to be SIZE in its local and central headers."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    patched = bytearray(data)
    struct.pack_into("<I", patched, info.header_offset + 22, size)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(member)] != member.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", patched, central + 24, size)
    return bytes(patched)


def test_a_zip_member_unpacking_past_its_declared_size_fails_there():
    # Said to be 1 KB, within any limit; its deflated data unpacks to 50 MB.
    lying = declaring(docx_bomb(1_700_000), "word/document.xml", 1024)

    result = extract_text(lying)

    assert result.status == "failed"
    assert "CRC" in result.reason  # zipfile stopped at the declared size and checked it


def many_page_pdf(pages: int) -> bytes:
    """A first page of text, then PAGES - 1 blank ones: 10,000 pages in about a megabyte."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(FIXTURES / "embedded_font.pdf").pages[0])
    for _ in range(pages - 1):
        writer.add_blank_page(72, 72)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_a_pdf_of_10000_pages_is_read_to_the_page_limit():
    result = extract_text(many_page_pdf(10_000))

    assert (result.status, result.pages) == ("too_large", 10_000)
    assert result.reason == "10,000 pages, past the limit of 2,000: read the first pages"
    assert_phrases(result, PHRASES["embedded_font.pdf"][:1])


def test_text_past_the_limit_of_characters_is_cut_there():
    for name in READABLE:
        result = extract_text(fixture(name), filename=name, limits=Limits(max_text_chars=12))

        assert result.status == "too_large", name
        assert 0 < len(result.text) <= 12
        assert "limit of characters" in result.reason


def test_ocr_off_leaves_scans_unread_saying_so():
    for name in ("scanned.pdf", "scanned.png"):
        result = extract_text(fixture(name))

        assert (result.status, result.text) == ("needs_ocr", "")
        assert "OCR is off" in result.reason or "OCR, which is off" in result.reason


def test_ocr_without_its_engine_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails

    for name in ("scanned.pdf", "scanned.png"):
        result = extract_text(fixture(name), ocr=True)

        assert result.status == "needs_ocr"
        assert "the OCR engine is not installed" in result.reason
        assert "pip install 'xcedu-crawler[ocr]'" in result.reason


@pytest.mark.parametrize("name", ["scanned.png", "scanned.pdf"])
def test_ocr_reads_a_scanned_page(name):
    pytest.importorskip(
        "rapidocr_onnxruntime", reason="the OCR engine (the ocr extra) is not installed"
    )

    result = extract_text(fixture(name), ocr=True)

    assert result.status == "ok"
    assert result.extractor in ("rapidocr", "pypdf+rapidocr")
    assert_phrases(result, PHRASES[name])


def test_a_pdf_with_a_text_layer_is_not_sent_to_ocr():
    result = extract_text(fixture("embedded_font.pdf"), ocr=True)

    assert result.extractor == "pypdf"


def word_with_fib(nfib: int | None = None, flags_set: int = 0) -> bytes:
    """The .doc fixture with its FIB's nFib or flags changed (the FIB opens the WordDocument
    stream, whose first sector holds the Word magic 0xA5EC)."""
    data = bytearray(fixture("sample.doc"))
    fib = next(o for o in range(512, len(data), 512) if data[o : o + 2] == b"\xec\xa5")
    if nfib is not None:
        struct.pack_into("<H", data, fib + 2, nfib)
    struct.pack_into(
        "<H", data, fib + 0x0A, struct.unpack_from("<H", data, fib + 0x0A)[0] | flags_set
    )
    return bytes(data)


def test_a_word_6_file_is_unsupported_and_an_encrypted_one_fails():
    word6 = extract_text(word_with_fib(nfib=0x0065))
    encrypted = extract_text(word_with_fib(flags_set=0x0100))

    assert (word6.status, word6.reason) == (
        "unsupported",
        "a Word document of format 0x65, older than Word 97",
    )
    assert encrypted.status == "failed"
    assert "encrypted" in encrypted.reason


def test_word_field_codes_are_dropped_and_their_results_kept():
    text = '见\x13 HYPERLINK "http://x/" \x14附件\x15和\x13 PAGE \x15第\x13 A \x13 B \x14内\x15 \x14外\x15页'

    assert _without_field_codes(text) == "见附件和第外页"


def test_tidy_joins_cjk_wraps_of_laid_out_text_only():
    text = "关于做好2026 年招生\n工作的通知\n\n\n  Section  2\n一"

    assert tidy(text) == "关于做好2026 年招生\n工作的通知\nSection 2\n一"
    assert tidy(text, laid_out=True) == "关于做好2026年招生工作的通知\nSection 2\n一"


def test_every_format_names_its_extractor_and_version():
    for format_name, extractor in EXTRACTORS.items():
        assert extractor.name, format_name
        if format_name != "image":  # the OCR engine's version: only where it is installed
            assert extractor.version, format_name
