"""A real Scrapyd node on 127.0.0.1: the egg deployed, two replica sites crawled as jobs, merged."""

from __future__ import annotations

import configparser
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import LOOPBACK_CRAWL_SETTINGS, ReplicaServer, build_site
from xcedu_replica.families.trs import build_trs_site

from tests.checks import archive_content, runs
from tests.conftest import crawl
from xcedu_crawler import cli
from xcedu_crawler.crawl.scrapyd import PROJECT, ScrapydError, call, node_for

ROOT = Path(__file__).resolve().parent.parent
# All scrapyd-deploy needs to build the egg: the metadata and the product package, no replica.
EGG_SOURCES = ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md", "xcedu_crawler")
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            call(url, "daemonstatus.json")
            return
        except ScrapydError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Scrapyd did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)


@pytest.fixture
def scrapyd_node(tmp_path):
    """A Scrapyd node of the test's own: its folders, and a poll fast enough for a test."""
    folder = tmp_path / "node"
    folder.mkdir()
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.1\nmax_proc = 2\n"
        + "".join(f"{name}_dir = {folder / name}\n" for name in ("eggs", "logs", "dbs"))
    )
    log = folder / "scrapyd.log"
    with open(log, "wb") as output:
        # Run in its folder: Scrapyd reads ./scrapyd.conf, and its jobs run there too.
        process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder,
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_answering(url, process, log)
        yield url, folder
    finally:
        process.terminate()
        process.wait(10)


def deploy(node_url: str, folder: Path) -> None:
    """scrapyd-deploy, as a user runs it, from a copy of the project whose [deploy] names NODE_URL."""
    project = folder / "project"
    project.mkdir()
    for name in EGG_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)
    config = configparser.ConfigParser()
    config.read(project / "scrapy.cfg")
    config["deploy"]["url"] = node_url
    with open(project / "scrapy.cfg", "w") as cfg:
        config.write(cfg)
    deploy_command = Path(sys.executable).parent / "scrapyd-deploy"
    # check=False: the assertion shows scrapyd-deploy's own complaint.
    result = subprocess.run([deploy_command, "--version", "1"], check=False, cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("per_job", "job_archives"), [(1, ["changge", "xuchang"]), (2, ["xuchang+1"])])
@deferred_f_from_coro_f
async def test_two_sites_crawled_as_scrapyd_jobs_and_merged_equal_one_crawl_of_both(
        tmp_path, scrapyd_node, per_job, job_archives):
    node_url, node_folder = scrapyd_node
    deploy(node_url, tmp_path)
    assert call(node_url, f"listspiders.json?project={PROJECT}")["spiders"] == ["xcedu"]
    [egg] = (node_folder / "eggs" / PROJECT).glob("*.egg")
    modules = zipfile.ZipFile(egg).namelist()
    assert "xcedu_crawler/archive/merge.py" in modules
    assert not [name for name in modules if name.startswith(("xcedu_replica", "tests/"))]

    single = tmp_path / "single" / "xcedu.db"
    archives = tmp_path / "archives"
    merged = tmp_path / "province" / "all.db"
    with ReplicaServer(build_site()) as bureau, ReplicaServer(build_trs_site()) as trs:
        await crawl(bureau, single)
        await crawl(trs, single, {"site": "changge"})
        bureau.reset_state()
        trs.reset_state()
        # Blocking here is fine: the replicas answer from threads of their own.
        code = cli.main([
            "schedule",
            "--node", node_url, "--site", f"xuchang={bureau.base_url}", "--site", f"changge={trs.base_url}",
            "--archives", str(archives), "--merge", str(merged), "--poll", "0.1", "--timeout", "60",
            "--per-job", str(per_job),
            *(f"-s{name}={value}" for name, value in LOOPBACK_CRAWL_SETTINGS.items()),
        ])
    assert code == 0
    assert archive_content(merged) == archive_content(single)
    assert sorted((run["merged_from"], run["status"]) for run in runs(merged)) == [
        (str(archives / name / "xcedu.db"), "ok") for name in job_archives]
    # Each job wrote its own archive, its files beside it.
    assert all((archives / name / "files").is_dir() for name in job_archives)


def test_a_site_stays_on_its_node_and_a_new_node_takes_only_sites_it_gets():
    sites = [f"site{number}" for number in range(60)]
    nodes = [f"http://node{number}:6800/" for number in range(3)]
    before = {site: node_for(site, nodes) for site in sites}
    after = {site: node_for(site, [*nodes, "http://node3:6800/"]) for site in sites}
    moved = {site for site in sites if before[site] != after[site]}
    assert set(before.values()) == set(nodes)
    assert moved and all(after[site] == "http://node3:6800/" for site in moved)
    assert len(moved) < len(sites) / 2
