"""The cron entry point as operators use it: exit codes, the lock, run logs, SIGKILL safety."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

from tests.checks import check_archive, runs
from xcedu_crawler.archive.lock import take_lock
from xcedu_crawler.crawl.run import EXIT_LOCKED


def crawl_command(server, db_path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "xcedu_crawler.cli", "crawl", "--db", str(db_path),
        "-s", f"XCEDU_BASE_URL={server.base_url}", "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
        *extra,
    ]


def xcedu_crawl(server, db_path, *extra: str) -> subprocess.CompletedProcess:
    server.reset_state()
    return subprocess.run(crawl_command(server, db_path, *extra), capture_output=True, text=True,
                          timeout=300)


def test_an_ok_run_exits_0_with_a_one_line_summary_and_a_log(server, tmp_path):
    done = xcedu_crawl(server, tmp_path / "x.db")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith("run 1 ok: 107 new, 0 updated, 1 unchanged, 6 failed, ")
    [log] = (tmp_path / "logs").glob("crawl-*.log")
    assert "Spider closed (finished)" in log.read_text(encoding="utf-8")


def test_an_unreadable_column_makes_the_run_partial_exit_3(server, site, tmp_path):
    start_urls = f"{server.base_url}{site.column_start_paths()[0]},{server.base_url}/jyj/009999/moreinfo.html"
    done = xcedu_crawl(server, tmp_path / "x.db", "-a", f"start_urls={start_urls}")
    assert done.returncode == 3, done.stdout
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "partial" and "1 list page(s) could not be read" in run["reason"]


def test_bad_settings_fail_the_run_exit_1_with_the_reason(server, tmp_path):
    done = xcedu_crawl(server, tmp_path / "x.db", "-s", "XCEDU_SITE=no_such_site")
    assert done.returncode == 1
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "failed" and "no site profile named 'no_such_site'" in run["reason"]


def test_a_second_run_while_one_is_going_exits_at_once(server, tmp_path):
    db_path = tmp_path / "x.db"
    lock = take_lock(db_path)
    try:
        started = time.monotonic()
        done = xcedu_crawl(server, db_path)
    finally:
        lock.close()
    assert done.returncode == EXIT_LOCKED
    assert "another crawl of" in done.stderr and "is running" in done.stderr
    assert time.monotonic() - started < 30
    assert server.requests == []


def test_run_logs_are_bounded(server, tmp_path):
    for _ in range(3):
        assert xcedu_crawl(server, tmp_path / "x.db", "--keep-logs", "2").returncode == 0
    assert len(list((tmp_path / "logs").glob("crawl-*.log"))) == 2


def announcement_count(db_path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.1) as db:
            return db.execute("SELECT count(*) FROM announcements").fetchone()[0]
    except sqlite3.Error:  # not created yet, or busy for a moment
        return 0


def test_sigkill_at_any_moment_leaves_a_sound_archive_that_the_next_run_completes(server, site, tmp_path):
    db_path = tmp_path / "x.db"
    # Killed before the archive exists, then at growing points of the crawl.
    for kill_after in (0, 1, 30, 70):
        server.reset_state()
        crawler = subprocess.Popen(
            crawl_command(server, db_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while announcement_count(db_path) < kill_after and crawler.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        crawler.kill()
        crawler.wait()
        if db_path.exists():
            with sqlite3.connect(db_path) as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert announcement_count(db_path) >= 70
    done = xcedu_crawl(server, db_path)
    assert done.returncode == 0, done.stdout
    check_archive(db_path, site, server.base_url)
    last = runs(db_path)[-1]
    assert (last["status"], last["mode"]) == ("ok", "catch-up")
    assert all(run["status"] == "failed" for run in runs(db_path)[:-1])


def test_a_blocked_run_exits_4(server, tmp_path):
    server.challenge = "521"
    done = xcedu_crawl(server, tmp_path / "x.db", "-s", "XCEDU_CHALLENGE_DELAY=0.2")
    assert done.returncode == 4, done.stdout
    assert " blocked: " in done.stdout


def test_xcedu_says_its_version():
    done = subprocess.run([sys.executable, "-m", "xcedu_crawler.cli", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("xcedu-crawler ")
