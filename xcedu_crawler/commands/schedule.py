"""`xcedu schedule`: one Scrapyd job per site across the nodes, waited for, their archives merged."""

from __future__ import annotations

from pathlib import Path

import click

from xcedu_crawler.archive import Archive, ArchiveUnusable, utc_now
from xcedu_crawler.commands.common import (
    CommandError,
    files_dir_beside,
    name_value_pairs,
    subcommand,
)
from xcedu_crawler.commands.merge import merge_into
from xcedu_crawler.crawl.run import EXIT_CODES
from xcedu_crawler.crawl.scrapyd import ScrapydError, SiteJob, node_for, schedule, wait

ARCHIVE_NAME = "xcedu.db"


def site_jobs(specs: list[str], nodes: list[str], archives: Path, per_job: int) -> list[SiteJob]:
    """The jobs for SPECS (`NAME` or `NAME=BASE_URL`): each site on the node its name hashes to,
    PER_JOB sites a job there, each job's archive DIR/NAME/xcedu.db (its files beside it), NAME
    the site's own or, for a shard, its first site's and how many more it holds."""
    by_node: dict[str, list[str]] = {}
    for spec in dict.fromkeys(specs):
        by_node.setdefault(node_for(spec.partition("=")[0], nodes), []).append(spec)
    jobs = []
    for node, node_specs in by_node.items():
        for start in range(0, len(node_specs), per_job):
            shard = node_specs[start:start + per_job]
            name = shard[0].partition("=")[0] + (f"+{len(shard) - 1}" if len(shard) > 1 else "")
            archive = archives / name / ARCHIVE_NAME
            jobs.append(SiteJob(name, shard, node, archive, files_dir_beside(archive)))
    return jobs


def run_of(job: SiteJob, since: str) -> tuple[str, str]:
    """(status, one line) of the run JOB's crawl recorded in its archive, if it is here to read."""
    try:
        with Archive.open_for_reading(job.archive) as archive:
            run = archive.last_run()
    except ArchiveUnusable as exc:
        return "unknown", f"{exc} (an archive on another machine: copy it here to merge it)"
    if run is None or run["started_at"] < since:
        # A crawl that found the archive locked (last night's still going) records no run.
        return "unknown", f"no run recorded since {since}: see the job's log on {job.node}"
    return run["status"], (f"run {run['id']} {run['status']}: {run['new']} new, {run['updated']} "
                           f"updated, {run['failed']} failed" + (f"; {run['reason']}" if run["reason"] else ""))


def absolute_path(ctx: click.Context, param: click.Parameter, path: Path) -> Path:
    if not path.is_absolute():
        # A job runs in the Scrapyd node's own working folder, which the scheduler cannot know.
        raise click.BadParameter(f"must be an absolute path on the nodes, not {path}")
    return path


@subcommand(
    "schedule",
    "Crawl many sites on Scrapyd nodes (the project deployed there with scrapyd-deploy): one "
    "job per site (or per --per-job sites, crawled together in one process), each site always "
    "on the same node (by a hash of its name), each job writing its own archive "
    "DIR/NAME/xcedu.db on that node. Waits for every job, reports each run "
    "as its archive records it and, with --merge, merges the archives (DIR must then be "
    "readable here: the same machine, a shared mount, or a copy).",
    "xcedu schedule --node http://node1:6800/ --node http://node2:6800/ --site xuchang "
    "--site changge --archives /srv/xcedu --merge /srv/xcedu/province.db",
    exit_status="exit status: 0 every run ok, 1 a node could not be used, 2 a bad option, "
    "3 some run not ok or not found",
)
@click.option("--node", "nodes", multiple=True, required=True, metavar="URL",
              help="a Scrapyd node (repeat for each)")
@click.option("--site", "sites", multiple=True, required=True, metavar="NAME[=BASE_URL]",
              help="a site profile to crawl, optionally at another base URL (repeat)")
@click.option("--per-job", type=click.IntRange(min=1), default=1,
              help="sites a job crawls together, in one process and one archive (default 1)")
@click.option("--archives", type=click.Path(path_type=Path), required=True, metavar="DIR",
              callback=absolute_path,
              help="the folder, an absolute path on the nodes, that holds each site's archive")
@click.option("-s", "settings", multiple=True, metavar="NAME=VALUE", callback=name_value_pairs,
              help="a Scrapy setting for every job")
@click.option("--merge", "merge_output", type=click.Path(path_type=Path), metavar="OUT",
              help="merge the archives into OUT at the end")
@click.option("--poll", type=float, default=5.0, help="seconds between polls (default 5)")
@click.option("--timeout", type=float, default=86_400.0,
              help="give up waiting after this many seconds (default a day)")
def schedule_command(nodes: tuple[str, ...], sites: tuple[str, ...], per_job: int, archives: Path,
                     settings: dict[str, str], merge_output: Path | None, poll: float,
                     timeout: float) -> int:
    nodes = [node if node.endswith("/") else node + "/" for node in nodes]
    jobs = site_jobs(list(sites), nodes, archives, per_job)
    since = utc_now()
    statuses = []

    def report(job: SiteJob) -> None:
        status, line = run_of(job, since)
        statuses.append(status)
        print(f"{job.site}: {line}")

    try:
        for job in jobs:
            schedule(job, settings)
            print(f"{job.site}: job {job.job_id} on {job.node}, archive {job.archive}")
        wait(jobs, poll, timeout, report)
    except (ScrapydError, TimeoutError) as exc:
        raise CommandError(str(exc)) from None
    if merge_output:
        merge_into([job.archive for job in jobs], merge_output)
    return 0 if all(status == "ok" for status in statuses) else EXIT_CODES["partial"]
