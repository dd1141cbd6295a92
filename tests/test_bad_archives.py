"""Unusable archives and failed exports: one line, an exit code, nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.test_archive import make
from xcedu_crawler import cli
from xcedu_crawler.archive import Archive, ArchiveUnusable, check_archive_usable, migrations
from xcedu_crawler.commands.common import files_dir_beside
from xcedu_crawler.commands.demo import ATTACHMENT_ONLY_WORD
from xcedu_crawler.items import FetchedPage, StoredFile

FILE_URL = "http://jyj.example.cn/jyj/uploads/a.pdf"
FILE_BYTES = b"%PDF-1.4 the attachment"
READ_COMMANDS = [
    ["status"], ["search", "教育"], ["export"], ["stats"], ["feed"],
    ["export-warc", "OUT/x.warc.gz"],
]


def small_archive(path: Path) -> Path:
    """An archive of one announcement with its raw page and one stored file beside it."""
    digest = hashlib.sha256(FILE_BYTES).hexdigest()
    stored = files_dir_beside(path) / digest[:2] / f"{digest}.pdf"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(FILE_BYTES)
    page = FetchedPage("http://jyj.example.cn/jyj/1.html", 200, {"Content-Type": "text/html"},
                       "<p>教育工作会议</p>".encode(), "2022-02-07T01:00:00+00:00")
    with Archive.open(path) as archive:
        archive.store(make(pages=[page]))
        archive.record_file(StoredFile(FILE_URL, str(stored.relative_to(files_dir_beside(path))),
                                       digest, len(FILE_BYTES), "application/pdf"))
    return path


def run(capsys, argv, folder: Path):
    code = cli.main([a.replace("OUT", str(folder)) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under FOLDER with its bytes (None for a folder): what "untouched" compares."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in folder.rglob("*")}


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(8192))


def text_file(path: Path) -> None:
    path.write_text("title,url\n教育,http://example.cn/\n", encoding="utf-8")


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def folder(path: Path) -> None:
    path.mkdir()


def foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text)")
    connection.close()


def older_archive(path: Path) -> None:
    """An archive as the version before the exact search index left it."""
    small_archive(path)
    with sqlite3.connect(path) as connection:
        for table in ("listings", "archive_state"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DELETE FROM _sqlite_migrations WHERE name IN ('index_punctuation_and_spaces', "
                           "'record_search_index_version', 'record_listings')")
    connection.close()


def damaged_archive(path: Path) -> None:
    """A real archive whose pages after the first (the schema) are overwritten."""
    small_archive(path)
    data = bytearray(path.read_bytes())
    data[4096:] = random.Random(2).randbytes(len(data) - 4096)
    path.write_bytes(bytes(data))


BAD_ARCHIVES = {
    "missing": (lambda path: None, "no archive at"),
    "folder": (folder, "is a folder, not an archive"),
    "random bytes": (random_bytes, "is not an SQLite archive (file is not a database)"),
    "text file": (text_file, "is not an SQLite archive (file is not a database)"),
    "empty file": (empty_file, "is an empty file, not an xcedu archive"),
    "another database": (foreign_database, "not an xcedu archive (no announcements table)"),
    "older archive": (older_archive, "needs upgrading: run `xcedu reindex --db"),
    "damaged archive": (damaged_archive, "malformed"),
}


@pytest.mark.parametrize("argv", READ_COMMANDS, ids=lambda argv: argv[0])
@pytest.mark.parametrize("kind", BAD_ARCHIVES)
def test_a_bad_archive_is_one_line_exit_1_and_left_as_it_was(capsys, tmp_path, kind, argv):
    make_bad, message = BAD_ARCHIVES[kind]
    db_path = tmp_path / "x.db"
    make_bad(db_path)
    before = snapshot(tmp_path)
    code, out, err = run(capsys, [*argv, "--db", str(db_path)], tmp_path)
    assert code == 1
    assert err.startswith(f"xcedu {argv[0]}: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_reindex_upgrades_an_older_archive_and_then_it_reads(capsys, tmp_path):
    db_path = tmp_path / "x.db"
    older_archive(db_path)
    assert run(capsys, ["reindex", "--db", str(db_path)], tmp_path)[0] == 0
    code, out, _ = run(capsys, ["search", "教育工作会议", "--db", str(db_path), "--format", "jsonl"], tmp_path)
    assert code == 0 and len(out.splitlines()) == 1


def test_reading_a_good_archive_changes_nothing_and_leaves_no_file(capsys, tmp_path):
    db_path = small_archive(tmp_path / "x.db")
    before = snapshot(tmp_path)
    for argv in READ_COMMANDS[:-1]:
        code, _, err = run(capsys, [*argv, "--db", str(db_path)], tmp_path)
        assert code == 0, err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["random bytes", "folder", "another database"])
def test_a_crawl_is_told_why_an_archive_is_unusable_before_it_writes(tmp_path, kind):
    make_bad, message = BAD_ARCHIVES[kind]
    db_path = tmp_path / "x.db"
    make_bad(db_path)
    before = snapshot(tmp_path)
    assert message in check_archive_usable(db_path)
    with pytest.raises(ArchiveUnusable, match="x.db"):
        Archive.open(db_path)
    assert snapshot(tmp_path) == before


def test_a_new_archive_can_be_created_unless_its_folder_cannot(tmp_path):
    assert check_archive_usable(tmp_path / "new" / "x.db") is None
    (tmp_path / "plain").write_text("")
    assert check_archive_usable(tmp_path / "plain" / "x.db") == (
        f"cannot create {tmp_path}/plain/x.db: {tmp_path}/plain is not a folder")


@pytest.fixture
def read_only_archive():
    """A good archive in a folder, both write-protected, and a way to run commands as a user
    they are write-protected for (root writes anyway: then the commands run as nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="xcedu-ro-"))
    db_path = small_archive(folder / "x.db")
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    folder.chmod(0o555)
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: nothing is read-only to root")
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        # A checkout in a private folder (mktemp -d makes one) is out of nobody's reach.
        if subprocess.run([*as_user, sys.executable, "-c", "import xcedu_crawler"],
                          capture_output=True).returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip("nobody cannot read this checkout: nothing is read-only to root")
    else:
        as_user = []

    def command(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([*as_user, sys.executable, "-m", "xcedu_crawler.cli", *argv,
                               "--db", str(db_path)], capture_output=True, text=True, timeout=60)

    yield db_path, as_user, command
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


def test_a_read_only_archive_is_read_and_refuses_writes_in_one_line(read_only_archive):
    db_path, as_user, command = read_only_archive
    before = snapshot(db_path.parent)
    for argv in READ_COMMANDS[:-1]:
        done = command(*argv)
        assert done.returncode == 0, done.stderr
    assert "1 result(s)" in command("search", "教育工作会议").stderr
    for argv in (["reindex"], ["reparse"]):
        refused = command(*argv)
        assert refused.returncode == 1
        assert refused.stderr == f"xcedu {argv[0]}: {db_path} is read-only\n"
    probe = ("from xcedu_crawler.archive import check_archive_usable; "
             f"print(check_archive_usable({str(db_path)!r}))")
    checked = subprocess.run([*as_user, sys.executable, "-c", probe],
                             capture_output=True, text=True, check=True)
    assert checked.stdout == f"{db_path} is read-only\n"
    assert snapshot(db_path.parent) == before


def test_export_to_a_missing_folder_or_a_folder_is_one_line_and_writes_nothing(capsys, tmp_path):
    db_path = small_archive(tmp_path / "x.db")
    before = snapshot(tmp_path)
    for target, message in [(tmp_path / "no" / "x.csv", f"there is no folder {tmp_path}/no"),
                            (tmp_path / "files", "it is a folder")]:
        for argv in (["export", "-o", str(target)], ["export-warc", str(target)]):
            code, _, err = run(capsys, [*argv, "--db", str(db_path)], tmp_path)
            assert code == 1 and err == f"xcedu {argv[0]}: cannot write {target}: {message}\n"
    assert snapshot(tmp_path) == before


def test_export_warc_reads_the_files_beside_the_archive(capsys, tmp_path):
    db_path = small_archive(tmp_path / "archive" / "x.db")
    target = tmp_path / "x.warc.gz"
    code, out, err = run(capsys, ["export-warc", str(target), "--db", str(db_path)], tmp_path)
    assert code == 0, err
    assert out == f"wrote 2 WARC records to {target}\n"  # the page and the file
    assert FILE_BYTES in subprocess.run(["zcat", str(target)], capture_output=True, check=True).stdout


def test_a_failed_warc_export_leaves_no_truncated_file_and_an_older_one_whole(capsys, tmp_path):
    db_path = small_archive(tmp_path / "archive" / "x.db")
    target = tmp_path / "x.warc.gz"
    target.write_bytes(b"an earlier export")
    [stored] = files_dir_beside(db_path).rglob("*.pdf")
    stored.unlink()
    code, _, err = run(capsys, ["export-warc", str(target), "--db", str(db_path)], tmp_path)
    assert code == 1
    assert err == (f"xcedu export-warc: cannot export: a stored file is missing: {stored} "
                   f"(the files folder is {files_dir_beside(db_path)}; --files-dir names another)\n")
    assert target.read_bytes() == b"an earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "x.warc.gz"]


def test_the_demo_keeps_its_files_beside_its_archive_where_export_warc_finds_them(capsys, tmp_path):
    db_path = tmp_path / "demo" / "demo.db"
    demo = subprocess.run([sys.executable, "-m", "xcedu_crawler.cli", "demo", "--db", str(db_path)],
                          check=True, capture_output=True, text=True, timeout=300)
    with Archive.open_for_reading(db_path) as archive:
        stored = [row["path"] for row in archive.files()]
    assert stored and all((files_dir_beside(db_path) / path).is_file() for path in stored)
    code, out, err = run(capsys, ["export-warc", str(tmp_path / "demo.warc.gz"), "--db", str(db_path)],
                         tmp_path)
    assert code == 0, err
    # The demo's hint: a word only inside an attachment finds its announcement, naming the file.
    assert f"xcedu search {ATTACHMENT_ONLY_WORD} --db" in demo.stdout
    code, out, err = run(capsys, ["search", ATTACHMENT_ONLY_WORD, "--db", str(db_path),
                                  "--format", "json"], tmp_path)
    assert code == 0, err
    [hit] = json.loads(out)
    assert hit["attachment"] == "2022年许昌市中招考试政策问答"


def test_opening_an_older_archive_rebuilds_its_search_index(tmp_path):
    db_path = tmp_path / "x.db"
    older_archive(db_path)
    with sqlite3.connect(db_path) as connection:  # as if indexed the old way: nothing matches
        connection.execute("INSERT INTO announcements_fts(announcements_fts) VALUES ('delete-all')")
    connection.close()
    with Archive.open(db_path) as archive:
        assert migrations.pending(archive.db) == []
        assert len(archive.search("教育工作会议")) == 1


@pytest.mark.parametrize("kind", ["random bytes", "folder", "another database"])
def test_xcedu_crawl_on_an_unusable_archive_is_one_line_exit_1_before_any_request(capsys, tmp_path, kind):
    make_bad, message = BAD_ARCHIVES[kind]
    db_path = tmp_path / "x.db"
    make_bad(db_path)
    before = snapshot(tmp_path)
    code, out, err = run(capsys, ["crawl", "--db", str(db_path), "-s", "XCEDU_BASE_URL=http://127.0.0.1:9"],
                         tmp_path)
    assert code == 1 and out == ""
    assert err.startswith("xcedu crawl: ") and message in err and len(err.splitlines()) == 1
    assert snapshot(tmp_path) == before


def test_xcedu_crawl_on_a_read_only_archive_refuses_in_one_line(read_only_archive):
    db_path, _, command = read_only_archive
    before = snapshot(db_path.parent)
    refused = command("crawl", "-s", "XCEDU_BASE_URL=http://127.0.0.1:9")
    assert refused.returncode == 1
    assert refused.stderr == f"xcedu crawl: {db_path} is read-only\n"
    assert snapshot(db_path.parent) == before
