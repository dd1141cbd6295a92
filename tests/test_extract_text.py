"""Reading stored files' text: `xcedu extract-text` for the backlog, and the crawl's reader."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from tests.test_archive import make
from xcedu_crawler import cli
from xcedu_crawler.archive import Archive
from xcedu_crawler.crawl.file_texts import FileTextReader
from xcedu_crawler.extract.documents.ocr import unavailable_reason
from xcedu_crawler.items import Attachment, StoredFile

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
FILES = ("sample.docx", "user_password.pdf", "scanned.png")
OCR_MISSING = bool(unavailable_reason())


def stored(files_dir: Path, name: str) -> StoredFile:
    data = (FIXTURES / name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    path = f"{digest[:2]}/{digest}{Path(name).suffix}"
    (files_dir / path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / name, files_dir / path)
    return StoredFile(f"http://jyj.example.cn/uploads/{name}", path, digest, len(data), None)


@pytest.fixture
def db(tmp_path) -> Path:
    """An archive whose files were stored before their text was read."""
    path = tmp_path / "xcedu.db"
    with Archive.open(path) as archive:
        files = [stored(tmp_path / "files", name) for name in FILES]
        archive.store(make(attachments=[Attachment(f.url, Path(f.url).name) for f in files]))
        for file in files:
            archive.record_file(file)
    return path


def run(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_backlog_is_read_once_each_file_a_row_with_its_status(capsys, db):
    code, out, _ = run(capsys, "extract-text", "--db", str(db))
    assert code == 0
    assert out.strip() == f"{db}: 3 file(s) read (1 failed, 1 needs_ocr, 1 ok); 0 missing"
    with Archive.open(db) as archive:
        assert archive.file_text_counts() == {"failed": 1, "needs_ocr": 1, "ok": 1}
        [hit] = archive.search("表格单元")
        assert hit["attachment"] == "sample.docx"
    code, out, _ = run(capsys, "extract-text", "--db", str(db))
    assert (code, out.strip()) == (0, f"{db}: 0 file(s) read (nothing to read); 0 missing")


def test_redo_reads_again_what_an_older_extractor_version_read(capsys, db):
    assert run(capsys, "extract-text", "--db", str(db))[0] == 0
    with Archive.open(db) as archive:
        archive.db.execute("UPDATE file_texts SET extractor_version = 'old', text = '', chars = 0 "
                           "WHERE extractor = 'docx-xml'")
        archive.db.conn.commit()
    code, out, _ = run(capsys, "extract-text", "--db", str(db), "--redo")
    assert code == 0 and "1 ok" in out
    with Archive.open(db) as archive:
        assert archive.file_text_counts()["ok"] == 1
        assert archive.search("表格单元")


def test_a_file_missing_from_the_files_folder_is_named_and_the_rest_are_read(capsys, db):
    with Archive.open(db) as archive:
        [docx] = [f for f in archive.files() if f["url"].endswith(".docx")]
    (db.parent / "files" / docx["path"]).unlink()
    code, out, err = run(capsys, "extract-text", "--db", str(db))
    assert code == 3
    assert f"not in the files folder: {db.parent / 'files' / docx['path']}" in err
    assert out.strip().endswith("2 file(s) read (1 failed, 1 needs_ocr); 1 missing")


def test_no_archive_is_one_line_and_exit_1(capsys, tmp_path):
    code, _, err = run(capsys, "extract-text", "--db", str(tmp_path / "none.db"))
    assert code == 1 and len(err.strip().splitlines()) == 1


@pytest.mark.skipif(not OCR_MISSING, reason="the OCR engine is installed")
def test_ocr_asked_for_without_the_engine_says_so_once_and_records_why(capsys, db):
    code, _, err = run(capsys, "extract-text", "--db", str(db), "--ocr")
    assert code == 0
    assert err.count("OCR was asked for but the OCR engine is not installed") == 1
    with Archive.open(db) as archive:
        [row] = archive.db["file_texts"].rows_where("status = 'needs_ocr'")
        assert "not installed" in row["reason"]


@pytest.mark.skipif(OCR_MISSING, reason="the OCR engine (the ocr extra) is not installed")
def test_ocr_reads_the_scanned_page(capsys, db):
    assert run(capsys, "extract-text", "--db", str(db), "--ocr")[0] == 0
    with Archive.open(db) as archive:
        assert archive.file_text_counts() == {"failed": 1, "ok": 2}
        assert archive.search("招生工作通知")


def reader(tmp_path, ocr=False) -> FileTextReader:
    return FileTextReader(tmp_path / "files", MemoryStatsCollector(get_crawler()), ocr=ocr)


def test_the_crawl_reads_a_content_once_whatever_its_url(tmp_path):
    archive = Archive.open(":memory:")
    texts = reader(tmp_path)
    texts.open(archive)
    docx = stored(tmp_path / "files", "sample.docx")
    for url in ("http://a.example.cn/1.docx", "http://a.example.cn/2.docx"):
        texts.read_new(archive, StoredFile(url, docx.path, docx.sha256, docx.size, None))
    assert texts.stats.get_stats() == {"xcedu/file_texts/ok": 1}
    # A later run knows it from the archive.
    again = reader(tmp_path)
    again.open(archive)
    again.read_new(archive, docx)
    assert again.stats.get_stats() == {}


def test_a_file_gone_from_disk_is_counted_and_logged_never_raised(tmp_path, caplog):
    archive = Archive.open(":memory:")
    texts = reader(tmp_path)
    texts.open(archive)
    with caplog.at_level(logging.WARNING):
        gone = StoredFile("http://a.example.cn/x.pdf", "ab/gone.pdf", "b" * 64, 1, None)
        texts.read_new(archive, gone)
    assert texts.stats.get_stats() == {"xcedu/file_texts/unreadable_file": 1}
    assert "Cannot read the text of http://a.example.cn/x.pdf" in caplog.text
    assert archive.file_text_digests() == set()


@pytest.mark.skipif(not OCR_MISSING, reason="the OCR engine is installed")
def test_the_crawl_says_once_that_ocr_cannot_run(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        reader(tmp_path, ocr=True)
    assert caplog.text.count("OCR was asked for but the OCR engine is not installed") == 1
