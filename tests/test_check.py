"""`xcedu check`: a damaged or missing stored file and an unfinished download are found, and repaired."""

from __future__ import annotations

from scrapy.utils.defer import deferred_f_from_coro_f

from tests.badpages import BadPageServer, detail_page, list_page, reply
from tests.test_badpages import crawl_bad_pages
from xcedu_crawler import cli
from xcedu_crawler.archive import Archive

PDF = b"%PDF-1.4\n" + "招生计划".encode() * 500


def article_with_a_pdf() -> dict:
    return {
        "/list.html": reply(list_page([("/a/1.html", "招生通知", "2022-03-01")])),
        "/a/1.html": reply(detail_page("招生通知", '<p>见附件。</p><a href="/files/plan.pdf">附件.pdf</a>')),
        "/files/plan.pdf": reply(PDF, content_type="application/pdf"),
    }


def check(capsys, db_path, *extra: str) -> tuple[int, list[str]]:
    code = cli.main(["check", "--db", str(db_path), *extra])
    return code, capsys.readouterr().out.splitlines()


@deferred_f_from_coro_f
async def test_check_finds_a_damaged_file_and_repair_has_the_next_crawl_fetch_it_again(tmp_path, capsys):
    db_path = tmp_path / "x.db"
    with BadPageServer(article_with_a_pdf()) as server:
        await crawl_bad_pages(server, db_path)
        code, lines = check(capsys, db_path)
        assert code == 0 and lines == [f"{db_path}: ok; 1 stored file(s) verified in {tmp_path / 'files'}"]

        [stored] = (tmp_path / "files").rglob("*.pdf")
        stored.write_bytes(PDF[:100])  # a short file under a name that claims the whole one's hash
        (stored.parent / f".{stored.name}.123.part").write_bytes(PDF[:10])
        code, lines = check(capsys, db_path)
        assert code == 3
        assert lines[0].startswith(f"file damaged: {stored} is not the {len(PDF)} bytes with SHA-256")
        assert lines[1].startswith("unfinished download left by a killed run: ")
        assert lines[-1].startswith(f"{db_path}: 2 problem(s); 0 stored file(s) verified")

        code, lines = check(capsys, db_path, "--repair")
        assert code == 3 and "repaired: 1 file(s) to download again at the next crawl, 1 unfinished" in lines[-2]
        asked_before = len(server.requests)
        await crawl_bad_pages(server, db_path)
        assert ("GET", "/files/plan.pdf") in server.requests[asked_before:]
    assert stored.read_bytes() == PDF
    code, lines = check(capsys, db_path)
    assert code == 0, lines
    with Archive.open(db_path) as archive:
        [attachment] = archive.db["attachments"].rows
        assert attachment["size"] == len(PDF)


@deferred_f_from_coro_f
async def test_a_stored_file_that_does_not_match_its_name_is_downloaded_again(tmp_path):
    db_path = tmp_path / "x.db"
    with BadPageServer(article_with_a_pdf()) as server:
        await crawl_bad_pages(server, db_path)
        [stored] = (tmp_path / "files").rglob("*.pdf")
        stored.write_bytes(b"")
        # The list page changes its title: the article and its attachment are looked at again.
        server.routes["/list.html"] = reply(list_page([("/a/1.html", "招生通知（更新）", "2022-03-01")]))
        asked_before = len(server.requests)
        await crawl_bad_pages(server, db_path)
        assert ("GET", "/files/plan.pdf") in server.requests[asked_before:]
    assert stored.read_bytes() == PDF
