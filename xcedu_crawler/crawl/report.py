"""The run's account of itself, site by site: what was read and what went wrong, and so its status.

The spider, the middlewares and the pipelines tell the report what happened, each in one
call that also counts the matching Scrapy stats key (for the stats dump operators read);
the run's status follows from the report alone, never from stats keys.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scrapy.statscollectors import StatsCollector

from xcedu_crawler.crawl.health import list_key
from xcedu_crawler.extract.urls import host_of

# A column whose detail pages show no body this often is read blind.
MIN_BODILESS_PAGES = 2
BODILESS_SHARE = 0.1
BLOCKED = "the site answered with anti-crawler challenges; the host was left alone"


@dataclass
class SiteReport:
    """One site's part of a run."""

    name: str
    list_pages: int = 0
    failed_lists: int = 0
    challenges: int = 0
    blocked_hosts: set[str] = field(default_factory=set)
    outcomes: Counter[str] = field(default_factory=Counter)  # new, updated, unchanged, failed
    unstored: int = 0
    list_problems: dict[str, str] = field(default_factory=dict)  # column → the first one said
    detail_pages: Counter[str] = field(default_factory=Counter)  # by column
    bodiless: Counter[str] = field(default_factory=Counter)  # by column: no body anywhere

    def status(self) -> tuple[str, str | None]:
        """This site's status and, unless it is `ok`, why."""
        nothing_read = self.failed_lists and not self.list_pages
        if self.blocked_hosts:
            return "blocked", BLOCKED
        if nothing_read and self.challenges:
            return "blocked", "no list page could be read: the site answered with anti-crawler challenges"
        if nothing_read:
            return "failed", "no list page could be read"
        problems = []
        if self.challenges:
            problems.append(f"{self.challenges} anti-crawler challenge(s)")
        if self.failed_lists:
            problems.append(f"{self.failed_lists} list page(s) could not be read")
        if self.unstored:
            problems.append(f"{self.unstored} announcement(s) could not be stored")
        problems += [f"column {column}: {why}" for column, why in sorted(self.list_problems.items())]
        problems += self.bodiless_columns()
        return ("partial", "; ".join(problems)) if problems else ("ok", None)

    def bodiless_columns(self) -> list[str]:
        """Columns where neither the profile nor discovery found a body on a share of the pages.

        Absolute, unlike the health figures, so that a first run on a site nobody has seen
        cannot stay `ok`; one broken page among many is a failure row, not a problem of the run.
        """
        return [
            f"column {column}: no body found on {count} of {self.detail_pages[column]} detail page(s)"
            for column, count in sorted(self.bodiless.items())
            if count >= MIN_BODILESS_PAGES and count >= BODILESS_SHARE * self.detail_pages[column]
        ]

    def figures(self) -> dict[str, Any]:
        status, reason = self.status()
        return {"status": status, "reason": reason, "list_pages": self.list_pages,
                **{name: self.outcomes[name] for name in ("new", "updated", "unchanged", "failed")}}


class RunReport:
    """Every site's report, found by name or by the host of a URL."""

    def __init__(self, stats: StatsCollector):
        self.stats = stats
        self.sites: dict[str, SiteReport] = {}
        self._site_of_host: dict[str, str] = {}

    def add_site(self, name: str, hosts: frozenset[str]) -> None:
        self.sites[name] = SiteReport(name)
        self._site_of_host.update(dict.fromkeys(hosts, name))

    def site(self, name: str | None) -> SiteReport:
        """The site called NAME; with one site, that one whatever the name (a bare Failure)."""
        if name in self.sites:
            return self.sites[name]
        if len(self.sites) == 1:
            return next(iter(self.sites.values()))
        return self.sites.setdefault(name or "other", SiteReport(name or "other"))

    def site_of(self, url: str) -> SiteReport:
        return self.site(self._site_of_host.get(host_of(url)))

    def column_label(self, site: str | None, column: str) -> str:
        """How health figures and stats name a column: with its site once a run has several."""
        return column if len(self.sites) <= 1 else f"{site}:{column}"

    # What happened, as the components say it

    def list_page_read(self, site: str, column: str, entries: int, counted: bool) -> None:
        """A list page of COLUMN was read with ENTRIES; COUNTED: they count for run health."""
        self.site(site).list_pages += 1
        label = self.column_label(site, column)
        self.stats.inc_value("xcedu/list_pages")
        self.stats.inc_value(list_key(label, "pages"))
        if counted:
            self.stats.inc_value(list_key(label, "entries"), entries)

    def list_pages_of(self, site: str, column: str) -> int:
        return self.stats.get_value(list_key(self.column_label(site, column), "pages"), 0)

    def list_failed(self, url: str) -> None:
        self.site_of(url).failed_lists += 1
        self.stats.inc_value("xcedu/failed_lists")

    def list_problem(self, site: str, column: str, why: str) -> None:
        """Something wrong with COLUMN's list that makes the run `partial`."""
        self.site(site).list_problems.setdefault(column, why)
        problems = self.stats.get_value("xcedu/list_problems") or {}
        self.stats.set_value("xcedu/list_problems", {self.column_label(site, column): why, **problems})

    def challenged(self, url: str) -> None:
        self.site_of(url).challenges += 1
        self.stats.inc_value("xcedu/challenges")

    def host_blocked(self, url: str) -> None:
        self.site_of(url).blocked_hosts.add(host_of(url))
        self.stats.inc_value("xcedu/blocked_hosts")

    def detail_page_read(self, site: str | None, column: str, bodiless: bool) -> None:
        report = self.site(site)
        report.detail_pages[column] += 1
        if bodiless:
            report.bodiless[column] += 1
            self.stats.inc_value(f"xcedu/bodiless/{self.column_label(site, column)}")

    def stored(self, site: str | None, outcome: str) -> None:
        self.site(site).outcomes[outcome] += 1
        self.stats.inc_value(f"xcedu/{outcome}")

    def failed(self, url: str, reason: str) -> None:
        report = self.site_of(url)
        report.outcomes["failed"] += 1
        if reason == "store_error":
            report.unstored += 1
        self.stats.inc_value("xcedu/failed")
        self.stats.inc_value(f"xcedu/failed/{reason}")

    # What it comes to

    def status(self) -> tuple[str, str | None]:
        """The sites' status together: one site's trouble is the run's `partial`, naming it."""
        statuses = {name: site.status() for name, site in self.sites.items()}
        if len(statuses) == 1:
            return next(iter(statuses.values()))
        kinds = {status for status, _ in statuses.values()}
        if kinds == {"ok"}:
            return "ok", None
        said = "; ".join(f"site {name} {status}: {why}" for name, (status, why)
                         in sorted(statuses.items()) if status != "ok")
        # Every site blocked, or every one failed, is the run's status; anything else is partial.
        return (kinds.pop() if len(kinds) == 1 and kinds != {"partial"} else "partial"), said

    def counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for site in self.sites.values():
            total.update(site.outcomes)
        return {name: total[name] for name in ("new", "updated", "unchanged", "failed")}

    def per_site(self) -> dict[str, dict[str, Any]] | None:
        """Each site's figures, for the run row; None for a one-site run (its row says it all)."""
        if len(self.sites) <= 1:
            return None
        return {name: site.figures() for name, site in sorted(self.sites.items())}
