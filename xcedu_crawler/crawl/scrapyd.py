"""Crawls as Scrapyd jobs over its JSON API: a job per site (or shard of sites), on the node they hash to."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode, urljoin
from urllib.request import urlopen

# As scrapy.cfg's [deploy] project, which scrapyd-deploy uploads the egg as.
PROJECT = "xcedu_crawler"
SPIDER = "xcedu"
REQUEST_TIMEOUT = 30


class ScrapydError(Exception):
    """A node that cannot be reached, or that refused a request; the message says which and why."""


@dataclass
class SiteJob:
    """One crawl of a site, or of a shard of sites in one process: which node runs it, and
    where on that node its archive is kept."""

    site: str  # the site's name, or the shard's
    specs: list[str]  # NAME or NAME=BASE_URL, as `-a site=` takes them
    node: str
    archive: Path
    files_dir: Path
    job_id: str | None = None


def node_for(site: str, nodes: list[str]) -> str:
    """The node that crawls SITE. Rendezvous hashing: the same node every night, so that the
    site's archive (and its incremental state) stays there; a new node takes over only a
    share of the sites, and a removed node's sites spread over the others."""
    return max(nodes, key=lambda node: hashlib.sha256(f"{site}\n{node}".encode()).digest())


def call(node: str, endpoint: str, fields: list[tuple[str, str]] | None = None) -> dict:
    """GET (or with FIELDS, POST) a Scrapyd endpoint; its JSON answer, which must be ok."""
    url = urljoin(node, endpoint)
    data = urlencode(fields).encode() if fields is not None else None
    try:
        with urlopen(url, data=data, timeout=REQUEST_TIMEOUT) as reply:
            answer = json.load(reply)
    except (URLError, OSError, ValueError) as exc:
        raise ScrapydError(f"{url}: {exc}") from None
    if answer.get("status") != "ok":
        raise ScrapydError(f"{url}: {answer.get('message', answer)}")
    return answer


def schedule(job: SiteJob, settings: dict[str, str]) -> None:
    """Queue JOB on its node, with SETTINGS for the crawl: its archive and files folder set."""
    settings = {**settings, "XCEDU_DB": str(job.archive), "XCEDU_FILES_DIR": str(job.files_dir)}
    # Fields other than project, spider and setting reach the spider as -a arguments.
    fields = [("project", PROJECT), ("spider", SPIDER), ("site", ",".join(job.specs))]
    fields += [("setting", f"{name}={value}") for name, value in settings.items()]
    job.job_id = call(job.node, "schedule.json", fields)["jobid"]


def wait(jobs: list[SiteJob], poll: float, timeout: float, on_finished) -> None:
    """Until every job has finished, calling ON_FINISHED(job) as each does; TimeoutError after TIMEOUT s."""
    deadline = time.monotonic() + timeout
    waiting = {job.job_id: job for job in jobs}
    while waiting:
        for node in sorted({job.node for job in waiting.values()}):
            finished = call(node, f"listjobs.json?{urlencode({'project': PROJECT})}")["finished"]
            for entry in finished:
                if (job := waiting.pop(entry["id"], None)) is not None:
                    on_finished(job)
        if waiting and time.monotonic() > deadline:
            raise TimeoutError(f"jobs still going after {timeout:g} s: "
                               + ", ".join(f"{job.site} on {job.node}" for job in waiting.values()))
        if waiting:
            time.sleep(poll)
