"""Runs that end badly (killed, disk full, two crawls on one archive) lose nothing: the next run catches up."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.checks import check_archive, runs
from tests.test_operations import announcement_count, crawl_command, xcedu_crawl
from xcedu_crawler.crawl.run import EXIT_LOCKED

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What SQLite and the OS say when a write does not fit (tmpfs full, or RLIMIT_FSIZE reached).
DISK_ERRORS = ("database or disk is full", "disk I/O error", "No space left on device", "File too large")


def kill_when(crawler: subprocess.Popen, db_path: Path, announcements: int) -> None:
    """SIGKILL CRAWLER once DB_PATH holds ANNOUNCEMENTS, as cron's timeout or the OOM killer would."""
    deadline = time.monotonic() + 60
    while announcement_count(db_path) < announcements:
        assert crawler.poll() is None, "the crawl ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    crawler.kill()
    crawler.wait()


def test_a_run_killed_after_an_ok_run_is_followed_by_a_catch_up_that_completes_the_archive(
        server, site, tmp_path):
    db_path = tmp_path / "x.db"
    two_columns = ",".join(server.base_url + path for path in site.column_start_paths()[:2])
    assert xcedu_crawl(server, db_path, "-a", f"start_urls={two_columns}").returncode == 0
    before = announcement_count(db_path)
    server.reset_state()
    crawler = subprocess.Popen(crawl_command(server, db_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(crawler, db_path, before + 5)

    done = xcedu_crawl(server, db_path)
    assert done.returncode == 0, done.stdout
    first, killed, after = runs(db_path)
    assert first["status"] == "ok"
    assert killed["status"] == "failed" and killed["reason"].startswith("interrupted")
    assert (after["status"], after["mode"]) == ("ok", "catch-up")
    check_archive(db_path, site, server.base_url)


class SmallDisk:
    """A folder on a nearly full disk, which `make_room()` then frees.

    A 1 MB tmpfs where the test may mount one (root in a container); elsewhere each file the
    crawl writes is capped by RLIMIT_FSIZE, which fails a write with the same error a full
    disk gives SQLite ("database or disk is full").
    """

    SIZE = 1024 * 1024

    def __init__(self, path: Path):
        self.path = path
        path.mkdir()
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.SIZE}", "tmpfs", str(path)],
                                 capture_output=True)
        self.mounted = mounted.returncode == 0
        self.full = True

    def popen_options(self) -> dict:
        if self.mounted or not self.full:
            return {}
        return {"preexec_fn": lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (self.SIZE, self.SIZE))}

    def make_room(self) -> None:
        self.full = False
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,size=64m", str(self.path)], check=True)

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def small_disk(tmp_path):
    disk = SmallDisk(tmp_path / "disk")
    yield disk
    disk.close()


def run_on(disk: SmallDisk, server, db_path: Path) -> subprocess.CompletedProcess:
    server.reset_state()
    # The log goes elsewhere: a log folder on the full disk is another fault, not this one's.
    return subprocess.run(crawl_command(server, db_path, "--log-dir", str(disk.path.parent / "logs")),
                          capture_output=True, text=True, timeout=300, **disk.popen_options())


def test_a_full_disk_stops_the_run_failed_and_the_next_run_completes_the_archive(server, site, small_disk):
    db_path = small_disk.path / "x.db"
    done = run_on(small_disk, server, db_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stdout.splitlines()
    assert " failed: " in line and any(error in line for error in DISK_ERRORS), line
    [log] = (small_disk.path.parent / "logs").glob("crawl-*.log")
    # One error, then the crawl stops: not one traceback per announcement.
    assert log.read_text(encoding="utf-8").count("Traceback") <= 1
    requests_made = len(server.requests)
    assert requests_made < 166  # the full crawl's requests: this one stopped early

    small_disk.make_room()
    done = run_on(small_disk, server, db_path)
    assert done.returncode == 0, done.stdout + done.stderr
    failed, after = runs(db_path)
    assert failed["status"] == "failed" and failed["reason"].startswith("could not write the "), failed["reason"]
    assert (after["status"], after["mode"]) == ("ok", "catch-up")
    check_archive(db_path, site, server.base_url)
    files = small_disk.path / "files"
    for stored in files.rglob("*"):
        assert stored.is_dir() or stored.stat().st_size > 0, stored


def scrapy_crawl(server, db_path: Path, *extra: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "xcedu", "-s", f"XCEDU_DB={db_path}",
         "-s", f"XCEDU_FILES_DIR={db_path.parent / 'files'}", "-s", f"XCEDU_BASE_URL={server.base_url}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", *extra],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )


def test_scrapy_crawl_beside_xcedu_crawl_on_one_archive_refuses_and_nothing_is_lost(server, site, tmp_path):
    db_path = tmp_path / "x.db"
    server.reset_state()
    nightly = subprocess.Popen(crawl_command(server, db_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                                             "-s", "DOWNLOAD_DELAY=0.05"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while announcement_count(db_path) < 3:
        assert nightly.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    by_hand = scrapy_crawl(server, db_path)
    _, log = by_hand.communicate(timeout=120)
    assert by_hand.returncode == EXIT_LOCKED, log[-2000:]
    assert "another crawl of" in log and "Traceback" not in log
    out, _ = nightly.communicate(timeout=300)
    assert nightly.returncode == 0, out
    [run] = runs(db_path)  # the refused crawl wrote no run row
    assert run["status"] == "ok"
    check_archive(db_path, site, server.base_url)


def test_scrapy_crawl_exits_with_the_run_status_and_ends_its_log_with_the_summary(server, tmp_path):
    missing_column = f"{server.base_url}/jyj/009999/moreinfo.html"
    crawl = scrapy_crawl(server, tmp_path / "x.db", "-a", f"start_urls={missing_column}")
    _, log = crawl.communicate(timeout=120)
    assert crawl.returncode == 1, log[-2000:]
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "failed"
    assert f"run {run['id']} failed: " in log.strip().splitlines()[-1]


def test_scrapy_crawl_reads_the_archive_from_the_environment(server, tmp_path):
    db_path = tmp_path / "env.db"
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "xcedu", "-s", f"XCEDU_BASE_URL={server.base_url}",
         "-s", f"XCEDU_FILES_DIR={tmp_path / 'files'}", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "XCEDU_DB": str(db_path)},
    )
    _, log = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, log[-2000:]
    assert runs(db_path)[0]["status"] == "ok"


def test_a_bad_option_of_xcedu_crawl_exits_2(server, tmp_path):
    done = xcedu_crawl(server, tmp_path / "x.db", "-a", "foo")
    assert done.returncode == 2
    assert "-a takes NAME=VALUE" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()
