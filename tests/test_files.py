"""Attachments, images and raw pages kept by the archive; re-parse without network; WARC export."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.model import Reply

from tests.conftest import crawl
from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.export_warc import export_warc
from xcedu_crawler.commands.reparse import reparse_archive
from xcedu_crawler.crawl.files import ArchiveFilesPipeline, content_path
from xcedu_crawler.extract.sites import get_profile
from xcedu_crawler.extract.text import normalize_space
from xcedu_crawler.items import Announcement, Attachment


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """An archive of the replica with images downloaded too, and the replica's truth."""
    folder = tmp_path_factory.mktemp("files")
    site = build_site()
    with ReplicaServer(site) as server:
        subprocess.run(
            [sys.executable, "-m", "xcedu_crawler.cli", "crawl", "--db", str(folder / "xcedu.db"),
             "-s", f"XCEDU_BASE_URL={server.base_url}", "-s", "DOWNLOAD_DELAY=0",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "XCEDU_DOWNLOAD_IMAGES=True"],
            check=True, capture_output=True, timeout=300,
        )
        base_url = server.base_url
    # The server is gone from here on: whatever follows uses no network.
    return {"db": folder / "xcedu.db", "files": folder / "files", "site": site, "base": base_url}


def served(site, base_url: str, url: str) -> bytes:
    # As a second GET sees it: the "500, then the page" case has recovered by then.
    return site.respond(url.removeprefix(base_url), attempt=2).body


def open_archive(crawled) -> Archive:
    return Archive.open(crawled["db"])


def test_every_attachment_is_on_disk_once_with_its_hash_and_size(crawled):
    site, base = crawled["site"], crawled["base"]
    archive = open_archive(crawled)
    try:
        rows = list(archive.db["attachments"].rows)
    finally:
        archive.close()
    expected_urls = {a["url"] for want in site.expected_announcements(base) for a in want["attachments"]}
    assert {row["url"] for row in rows} == expected_urls
    for row in rows:
        body = served(site, base, row["url"])
        assert (row["sha256"], row["size"]) == (hashlib.sha256(body).hexdigest(), len(body)), row["url"]
        assert row["path"] == content_path(row["sha256"], row["url"])
        assert (crawled["files"] / row["path"]).read_bytes() == body
        assert row["content_type"]
    # One file per distinct content, however many announcements or URLs lead to it.
    on_disk = [p for p in crawled["files"].rglob("*") if p.is_file()]
    assert len(on_disk) == len({p.read_bytes() for p in on_disk})
    assert len({row["sha256"] for row in rows}) <= len(on_disk)


def test_an_attachment_listed_by_several_announcements_is_linked_from_each(crawled):
    archive = open_archive(crawled)
    try:
        shared = archive.db.execute(
            "SELECT url, count(DISTINCT announcement_id), count(DISTINCT path) FROM attachments "
            "GROUP BY url HAVING count(DISTINCT announcement_id) > 1").fetchall()
        unfilled = archive.db.execute("SELECT count(*) FROM attachments WHERE path IS NULL").fetchone()[0]
    finally:
        archive.close()
    assert unfilled == 0
    assert all(paths == 1 for _, _, paths in shared)


def test_images_are_downloaded_when_asked(crawled):
    site, base = crawled["site"], crawled["base"]
    archive = open_archive(crawled)
    try:
        stored = {row["url"]: row for row in archive.files()}
    finally:
        archive.close()
    images = {url for want in site.expected_announcements(base) for url in want["images"]}
    assert images and images <= set(stored)
    for url in images:
        assert (crawled["files"] / stored[url]["path"]).read_bytes() == served(site, base, url)


def test_every_page_is_kept_as_served(crawled):
    site, base = crawled["site"], crawled["base"]
    archive = open_archive(crawled)
    try:
        for row in archive.announcements_with_pages():
            for page_id in json.loads(row["page_ids"]):
                page = archive.page(page_id)
                assert page.body == served(site, base, page.url)
                assert page.status == 200 and page.headers["Content-Type"]
        multi_part = [row for row in archive.announcements_with_pages() if len(json.loads(row["page_ids"])) > 1]
        kinds = dict(archive.db.execute("SELECT kind, count(*) FROM announcements WHERE page_ids IS NULL GROUP BY kind"))
    finally:
        archive.close()
    assert len(multi_part) == 1
    assert set(kinds) <= {"file", "external"}


def test_reparse_needs_no_network_and_reproduces_the_archive(crawled):
    archive = open_archive(crawled)
    try:
        before = list(archive.db["announcements"].rows_where(order_by="id"))
        outcomes = reparse_archive(archive, get_profile("xuchang"))
        after = list(archive.db["announcements"].rows_where(order_by="id"))
    finally:
        archive.close()
    assert outcomes["unchanged"] == len(archive_pages(before)) and outcomes["updated"] == 0
    assert after == before


def archive_pages(rows):
    return [row for row in rows if row["page_ids"]]


def test_reparse_applies_a_changed_extractor_rule(crawled, tmp_path, monkeypatch):
    copy = tmp_path / "copy.db"
    copy.write_bytes(crawled["db"].read_bytes())
    # The new rule: keep the 【tag】 as part of the title.
    monkeypatch.setattr("xcedu_crawler.extract.normalize.split_title_tag", lambda title: (None, normalize_space(title)))
    archive = Archive.open(copy)
    try:
        tagged = archive.db.execute(
            "SELECT count(*) FROM announcements WHERE title_tag IS NOT NULL AND page_ids IS NOT NULL"
        ).fetchone()[0]
        outcomes = reparse_archive(archive, get_profile("xuchang"))
        titles = [r[0] for r in archive.db.execute("SELECT title FROM announcements WHERE page_ids IS NOT NULL")]
        versions = archive.db.execute("SELECT count(*) FROM announcement_versions").fetchone()[0]
    finally:
        archive.close()
    assert tagged and outcomes["updated"] == tagged == versions
    assert sum(title.startswith("【") for title in titles) == tagged


def test_the_warc_export_validates_and_round_trips(crawled, tmp_path):
    target = tmp_path / "archive.warc.gz"
    archive = open_archive(crawled)
    try:
        count = export_warc(archive, crawled["files"], target)
        pages = {page.url: page.body for _, page in archive.pages()}
        files = {row["url"]: (crawled["files"] / row["path"]).read_bytes() for row in archive.files()}
    finally:
        archive.close()
    assert count == len(pages) + len(files)
    checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(target)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    indexed = subprocess.run([sys.executable, "-m", "warcio.cli", "index", str(target)],
                             capture_output=True, text=True, check=True)
    assert len(indexed.stdout.splitlines()) == count + 1  # and the warcinfo record
    with open(target, "rb") as stream:
        records = {(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")): r.content_stream().read()
                   for r in ArchiveIterator(stream) if r.rec_type in ("response", "resource")}
    assert {url: body for (kind, url), body in records.items() if kind == "response"} == pages
    assert {url: body for (kind, url), body in records.items() if kind == "resource"} == files


@deferred_f_from_coro_f
async def test_a_failed_download_is_recorded_and_retried_by_the_next_run(site, server, tmp_path, monkeypatch):
    db_path = tmp_path / "xcedu.db"
    url = next(a["url"] for want in site.expected_announcements(server.base_url)
               for a in want["attachments"] if want["kind"] == "page")
    path = urlsplit(url).path
    answer = site.respond

    def missing_once(request_path, attempt=1):
        if urlsplit(request_path).path == path and broken:
            return Reply(404, "text/html", b"<html>missing</html>")
        return answer(request_path, attempt)

    broken = True
    monkeypatch.setattr(site, "respond", missing_once)
    await crawl(server, db_path)
    archive = Archive.open(db_path)
    try:
        assert {r["path"] for r in archive.db["attachments"].rows_where("url = ?", [url])} == {None}
        assert archive.db["failures"].get(url)["reason"] == "http_404"
    finally:
        archive.close()
    broken = False
    await crawl(server, db_path)
    archive = Archive.open(db_path)
    try:
        assert None not in {r["path"] for r in archive.db["attachments"].rows_where("url = ?", [url])}
        assert url not in {row["url"] for row in archive.failures()}
    finally:
        archive.close()
    assert [p for _, p in server.requests].count(urlsplit(url).path) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://x.cn/../../etc/passwd",
        "http://x.cn/a/..%2F..%2F..%2Fetc%2Fpasswd",
        "http://x.cn/%2Fetc%2Fcron.d%2Fjob",
        "http://x.cn/uploads/x.pdf/../../../../root/.ssh/authorized_keys",
        "http://x.cn/uploads/关于招生的通知.PDF",
        "http://x.cn/uploads/a b;rm -rf ~.doc",
        "http://x.cn/uploads/.bashrc",
        "http://x.cn/uploads/file.pdf?name=../../../evil.sh",
        "http://x.cn/uploads/C:%5CWindows%5Cevil.exe",
        "http://x.cn/uploads/report.tar.gz%00.pdf",
    ],
)
def test_no_url_can_write_outside_the_files_folder(tmp_path, url):
    crawler = get_crawler(settings_dict={"XCEDU_FILES_DIR": str(tmp_path / "files"),
                                         "XCEDU_DB": str(tmp_path / "x.db")})
    pipeline = ArchiveFilesPipeline.from_crawler(crawler)
    response = Response(url, body=b"attachment bytes")
    path = pipeline.file_path(Request(url), response=response)
    digest = hashlib.sha256(b"attachment bytes").hexdigest()
    assert path.startswith(f"{digest[:2]}/{digest}") and "/" not in path[3:]
    target = (tmp_path / "files" / path).resolve()
    assert target.is_relative_to((tmp_path / "files").resolve())


def test_downloads_send_the_linking_page_as_referer(tmp_path):
    crawler = get_crawler(settings_dict={"XCEDU_FILES_DIR": str(tmp_path / "files"),
                                         "XCEDU_DB": str(tmp_path / "x.db")})
    pipeline = ArchiveFilesPipeline.from_crawler(crawler)
    page = Announcement(url="http://x.cn/a.html", kind="page", title="t", title_tag=None, source=None,
                        published_at=None, published_precision=None, published_raw=None,
                        attachments=[Attachment("http://x.cn/f.pdf", "f"), Attachment("http://x.cn/f.pdf", "f")])
    listed = Announcement(url="http://x.cn/g.pdf", kind="file", title="g", title_tag=None, source=None,
                          published_at=None, published_precision=None, published_raw=None,
                          attachments=[Attachment("http://x.cn/g.pdf", "g")],
                          list_page_url="http://x.cn/list/2.html")
    [request] = pipeline.get_media_requests(page, None)
    assert (request.url, request.headers["Referer"]) == ("http://x.cn/f.pdf", b"http://x.cn/a.html")
    [request] = pipeline.get_media_requests(listed, None)
    assert request.headers["Referer"] == b"http://x.cn/list/2.html"


def test_a_stored_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    from xcedu_crawler.archive.pages import file_matches
    from xcedu_crawler.crawl.files import write_verified

    body = b"%PDF-1.4 attachment" * 100
    digest = hashlib.sha256(body).hexdigest()
    target = tmp_path / digest[:2] / f"{digest}.pdf"

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("os.replace", disk_full)
        with pytest.raises(OSError, match="No space left"):
            write_verified(target, body, digest)
    assert list(tmp_path.rglob("*.*")) == []  # neither the file nor its temporary name
    with pytest.raises(OSError, match="did not read back"):
        write_verified(target, body, "0" * 64)
    assert not target.exists()
    write_verified(target, body, digest)
    assert file_matches(target, len(body), digest) and list(tmp_path.rglob("*.*")) == [target]
