"""The crawl's progress line on a terminal: what it says, and that `xcedu crawl` shows it there."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from scrapy.utils.defer import deferred_f_from_coro_f

from tests.checks import runs
from tests.conftest import crawl
from xcedu_crawler.crawl.health import coverage_key
from xcedu_crawler.crawl.progress import progress_line

STATS = {
    "response_received_count": 120, "xcedu/new": 35, "xcedu/updated": 1, "xcedu/failed": 2,
    coverage_key("工作动态", "pages"): 12, coverage_key("通知公告", "pages"): 30,
    coverage_key("通知公告", "title"): 29,
}


def test_the_line_says_fetched_new_updated_failed_then_the_busiest_columns_that_fit():
    assert progress_line(STATS, 200) == \
        "fetched 120 · new 35 · updated 1 · failed 2 | 通知公告 30 · 工作动态 12"
    assert progress_line(STATS, 60) == "fetched 120 · new 35 · updated 1 · failed 2 | 通知公告 30"
    assert progress_line({}, 200) == "fetched 0 · new 0 · updated 0 · failed 0"
    assert len(progress_line(STATS, 20)) <= 20


@deferred_f_from_coro_f
async def test_a_crawl_redraws_the_line_and_ends_it_with_the_run_s_figures(capsys, server, tmp_path):
    db_path = tmp_path / "xcedu.db"
    await crawl(server, db_path, XCEDU_PROGRESS=True, XCEDU_PROGRESS_INTERVAL=0.05)
    err = capsys.readouterr().err
    run = runs(db_path)[-1]
    assert err.count("\rfetched ") > 1 and err.endswith("\x1b[K\n")
    last = err.rsplit("\r", 1)[1]
    assert f"new {run['new']} · updated {run['updated']} · failed {run['failed']}" in last
    assert "通知公告 " in last


def test_xcedu_crawl_shows_it_on_a_terminal_only(server, tmp_path):
    argv = [sys.executable, "-m", "xcedu_crawler.cli", "crawl", "--db", str(tmp_path / "x.db"),
            "-s", f"XCEDU_BASE_URL={server.base_url}", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "XCEDU_PROGRESS_INTERVAL=0.2"]
    piped = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert "fetched" not in piped.stderr
    server.reset_state()
    terminal, child_end = os.openpty()
    shown = bytearray()
    reader = threading.Thread(target=lambda: read_all(terminal, shown))
    reader.start()
    try:
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=child_end, timeout=300)
    finally:
        os.close(child_end)
        reader.join(timeout=60)
        os.close(terminal)
    assert b"\rfetched " in shown


def read_all(fd: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed: Linux says EIO
            return
        if not chunk:
            return
        into.extend(chunk)
