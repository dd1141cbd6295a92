"""The `xcedu` spider: navigation only (columns, pagers, entries, redirects); pages/ extracts."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure as TwistedFailure

from xcedu_crawler.archive import utc_now
from xcedu_crawler.crawl.conditional import CONDITIONAL, NOT_MODIFIED, header_values
from xcedu_crawler.crawl.incremental import DETAIL, LIST
from xcedu_crawler.crawl.middlewares import (
    Blocked,
    RedirectedOffSite,
    RedirectLoop,
    describe_download_error,
)
from xcedu_crawler.crawl.run import ArchiveRun
from xcedu_crawler.extract.article import ArticlePart
from xcedu_crawler.extract.detail_page import DetailPage
from xcedu_crawler.extract.elements import page_selector
from xcedu_crawler.extract.entries import announcement_from_entry
from xcedu_crawler.extract.list_page import DatastorePaging, ListPage, NextPage
from xcedu_crawler.extract.sites.targets import SiteTarget, read_sites_file, site_targets
from xcedu_crawler.extract.urls import canonical_url, file_extension, host_of
from xcedu_crawler.items import (
    Failure,
    FetchedPage,
    FileBatch,
    ListEntry,
    ListPageRead,
    UnchangedPage,
)

logger = logging.getLogger(__name__)

MAX_SCRIPT_REDIRECTS = 3
MAX_ARTICLE_PARTS = 50


def comma_list(value: str | list[str] | None) -> list[str]:
    """A spider argument given as `a,b` on the command line or as a list in code."""
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip() for item in value or [] if item.strip()]


def fetched(response: Response) -> FetchedPage:
    """The response as served, to keep: status, headers and the raw bytes."""
    return FetchedPage(response.url, response.status, header_values(response), response.body, utc_now())


class XceduSpider(scrapy.Spider):
    name = "xcedu"

    def __init__(
        self,
        *args: Any,
        start_urls: str | list[str] | None = None,
        full: str | bool = False,
        site: str | list[str] | None = None,
        sites_file: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # -a site=NAME[,NAME=BASE_URL,COLUMN_URL...]: sites other than XCEDU_SITE, all in this run;
        # -a sites_file=FILE: the same, one a line.
        self.site_specs = [*comma_list(site), *(read_sites_file(sites_file) if sites_file else [])]
        self.requested_start_urls = comma_list(start_urls)
        # -a full=1: walk every list page and re-fetch every detail (a periodic backfill).
        self.full = str(full).lower() in {"1", "true", "yes", "on"}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        try:
            targets = site_targets(spider.site_specs, default_site=settings.get("XCEDU_SITE"),
                                   base_url=settings.get("XCEDU_BASE_URL") or None,
                                   start_urls=spider.requested_start_urls)
        except (ValueError, OSError) as exc:
            raise NotConfigured(str(exc)) from exc
        for target in targets:
            if not target.column_urls:
                raise NotConfigured(f"site profile {target.name!r} names no columns: "
                                    "give them with -a start_urls=URL[,URL...]")
        spider.targets = {target.name: target for target in targets}
        spider.target_of_host = {host: target for target in targets for host in target.hosts}
        # Read once, and handed to every page object, so that one set of keys makes each URL canonical.
        spider.tracking_keys = tuple(settings.getlist("XCEDU_TRACKING_KEYS"))
        # Same site means one of the hosts the columns live on; anything else is external.
        spider.site_hosts = set(spider.target_of_host)
        spider.max_list_pages = settings.getint("XCEDU_MAX_LIST_PAGES")
        if spider.max_list_pages < 1:
            raise NotConfigured("XCEDU_MAX_LIST_PAGES must be at least 1")
        spider.listed = {}  # (site, column) → the entry URLs its list pages showed in this run
        return spider

    def target(self, url: str) -> SiteTarget:
        """The site a page of this run belongs to, by its host (redirects stay on the run's hosts)."""
        return self.target_of_host[host_of(url)]

    def canonical(self, url: str) -> str:
        return canonical_url(url, self.tracking_keys)

    async def start(self) -> AsyncIterator[Any]:
        # Planned by ArchiveRun once it holds the archive's lock, so that a run killed a
        # moment ago counts.
        run = ArchiveRun.of(self.crawler)
        self.plan, self.report = run.plan, run.report
        for target in self.targets.values():
            self.report.add_site(target.name, target.hosts)
        for target in self.targets.values():
            for url in target.column_urls:
                yield scrapy.Request(url, callback=self.parse_list, errback=self.list_failed,
                                     meta={CONDITIONAL: LIST})
        # Downloads that failed last time are tried again, whatever the lists say.
        for referer, urls in self.plan.pending_files.items():
            yield FileBatch(referer, urls)

    def parse_list(
        self, response: Response, column: str | None = None, paging: DatastorePaging | None = None
    ) -> Iterator[Any]:
        if response.status == NOT_MODIFIED:
            # As when an `ok` run read it (CrawlPlan.revalidates): nothing on it is new, so
            # neither its entries nor its pager are followed.
            yield ListPageRead(self.canonical(response.url), column)
            return
        target = self.target(response.url)
        page = ListPage(page_selector(response), response.url, target.profile, column=column,
                        tracking_keys=self.tracking_keys)
        if page.column is None:
            self.report.list_failed(response.url)
            yield Failure(response.url, "parse", "list page without a column name")
            return
        found = page.entries
        # Health counts the entries the profile's own selector found: entries that only
        # discovery found still show as a drop, so that the profile gets fixed.
        counted = page.provenance["entries"] == "profile" or not target.profile.list_entry
        self.report.list_page_read(target.name, page.column, len(found), counted)
        # Read before the provenance is taken, so that it says which rule found the pager too.
        next_page = page.next_page(paging)
        provenance = page.provenance
        for field, rule in provenance.items():
            self.crawler.stats.inc_value(f"xcedu/list_provenance/{field}/{rule}")
        if not found:
            self.list_problem(target, page.column, f"list page {response.url} shows no entries")
        entries = [replace(entry, url=self.canonical(entry.url)) for entry in found]
        # One item for the page's listings, not one an entry: items are what a crawl's CPU goes on.
        yield ListPageRead(self.canonical(response.url), page.column, [entry.url for entry in entries],
                           provenance)
        listed = self.listed.setdefault((target.name, page.column), set())
        unseen = {entry.url for entry in entries} - listed
        listed |= unseen
        new_entries = 0
        for entry in entries:
            if self.plan.is_known(entry):
                self.crawler.stats.inc_value("xcedu/skipped_known")
                continue
            new_entries += 1
            yield from self.follow_entry(entry, target)
        if not (next_page and self.plan.follows_pager(new_entries)):
            return
        if not unseen:
            self.list_problem(target, page.column, f"pager stopped: list page {response.url} lists "
                                                   "nothing not already listed")
        elif self.report.list_pages_of(target.name, page.column) >= self.max_list_pages:
            self.list_problem(target, page.column, f"pager stopped: more than {self.max_list_pages} "
                                                   "list pages (XCEDU_MAX_LIST_PAGES)")
        else:
            yield self.list_request(next_page, page.column)

    def list_problem(self, target: SiteTarget, column: str, why: str) -> None:
        """Something wrong with COLUMN's list that makes the run `partial` (the first one said)."""
        logger.warning("Column %s: %s", self.report.column_label(target.name, column), why)
        self.report.list_problem(target.name, column, why)

    def list_request(self, next_page: NextPage, column: str) -> scrapy.Request:
        if next_page.formdata is None:
            return scrapy.Request(next_page.url, callback=self.parse_list, errback=self.list_failed,
                                  meta={CONDITIONAL: LIST})
        # A Hanweb continuation: XML records without the column page around them.
        return scrapy.FormRequest(
            next_page.url,
            formdata=next_page.formdata,
            callback=self.parse_list,
            errback=self.list_failed,
            cb_kwargs={"column": column, "paging": next_page.paging},
        )

    def follow_entry(self, entry: ListEntry, target: SiteTarget) -> Iterator[Any]:
        url = entry.url
        if host_of(url) not in target.hosts:
            yield announcement_from_entry(entry, "external", site=target.name)
        elif file_extension(url) in target.profile.file_extensions:
            yield announcement_from_entry(entry, "file", site=target.name)
        else:
            yield scrapy.Request(
                url,
                callback=self.parse_detail,
                errback=self.detail_failed,
                cb_kwargs={"entry": entry},
                meta={CONDITIONAL: DETAIL},
            )

    def parse_detail(
        self,
        response: Response,
        entry: ListEntry,
        aliases: tuple[str, ...] = (),
        parts: tuple[ArticlePart, ...] = (),
        pages: tuple[FetchedPage, ...] = (),
    ) -> Iterator[Any]:
        """A detail page; for an article over several pages, PARTS and PAGES are what its
        earlier pages gave (plain values: a request must pickle for a JOBDIR disk queue).
        A 304 (only ever to a first page) says the archived announcement is as served."""
        if response.status == NOT_MODIFIED:
            yield UnchangedPage(self.canonical(response.url), entry, self.target(response.url).name)
            return
        target = self.target(response.url)
        page = DetailPage(page_selector(response), response.url, target.profile, tracking_keys=self.tracking_keys)
        if page.redirect_url and not parts:
            yield from self.follow_script_redirect(page.redirect_url, page.canonical_url, entry, aliases,
                                                   target)
            return
        if page.is_not_found:
            yield Failure(page.canonical_url, "not_found_page", "HTTP 200 with an error page")
            return
        pages = (*pages, fetched(response))
        next_part = page.next_part_url and self.canonical(page.next_part_url)
        if (
            next_part
            and len(pages) < MAX_ARTICLE_PARTS
            and next_part not in {part.url for part in (*parts, page.part)}
        ):
            yield scrapy.Request(
                next_part,
                callback=self.parse_detail,
                errback=self.detail_failed,
                cb_kwargs={"entry": entry, "aliases": aliases, "parts": (*parts, page.part), "pages": pages},
                # A part is fetched for this article even when a list also links it.
                dont_filter=True,
            )
            return
        yield page.to_item(entry=entry, site=target.name, earlier=parts, aliases=aliases, pages=pages)

    def follow_script_redirect(
        self, location: str, stub: str, entry: ListEntry, aliases: tuple[str, ...], site: SiteTarget
    ) -> Iterator[Any]:
        location = self.canonical(location)
        if host_of(location) not in site.hosts:
            yield announcement_from_entry(entry, "external", site=site.name, url=location,
                                          aliases=(*aliases, stub))
        elif len(aliases) >= MAX_SCRIPT_REDIRECTS or location == stub or location in aliases:
            yield Failure(stub, "parse", f"script redirect loop or chain too long via {location}")
        else:
            yield scrapy.Request(
                location,
                callback=self.parse_detail,
                errback=self.detail_failed,
                cb_kwargs={"entry": entry, "aliases": (*aliases, stub)},
                # The target may be listed too; it must still be fetched to carry the alias.
                dont_filter=True,
            )

    def list_failed(self, failure: TwistedFailure) -> Iterator[Failure]:
        self.report.list_failed(failure.request.url)
        yield self.failure_item(failure, "list page")

    def detail_failed(self, failure: TwistedFailure) -> Iterator[Any]:
        entry = failure.request.cb_kwargs.get("entry")
        if failure.check(RedirectedOffSite) and entry is not None:
            # As a script redirect off the site: the entry is archived as external.
            chain = [*failure.request.meta.get("redirect_urls", []), failure.request.url]
            aliases = (*failure.request.cb_kwargs.get("aliases", ()), *map(self.canonical, chain))
            yield announcement_from_entry(entry, "external", site=self.target(failure.request.url).name,
                                          url=self.canonical(failure.value.target), aliases=aliases)
            return
        yield self.failure_item(failure, "")

    def callback_failed(self, response: Response, exception: Exception) -> Iterator[Failure]:
        """A callback raised: the URL gets a failure row (CallbackFailureMiddleware)."""
        is_list = response.request.callback == self.parse_list
        if is_list:
            self.report.list_failed(response.url)
        detail = f"{'list page ' if is_list else ''}could not be read: {type(exception).__name__}: {exception}"
        # One line: the traceback of a page that breaks a parser says less than its URL.
        logger.error("%s %s", response.url, detail[:500])
        yield Failure(self.canonical(response.url), "parse", detail[:2000])

    def failure_item(self, failure: TwistedFailure, what: str) -> Failure:
        request = failure.request
        if failure.check(Blocked):
            reason, detail = "blocked", str(failure.value)
        elif failure.check(HttpError):
            status = failure.value.response.status
            reason, detail = f"http_{status}", f"HTTP {status}"
        elif failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            reason, detail = "robots", "disallowed by robots.txt"
        elif failure.check(RedirectLoop):
            reason, detail = "redirect_loop", str(failure.value)
        elif failure.check(RedirectedOffSite):
            reason, detail = "redirected_off_site", str(failure.value)
        else:
            reason, detail = "download_error", describe_download_error(failure.value, request)
        if what:
            detail = f"{what}: {detail}"
        # Recorded under the URL that was asked for, not where its redirects led.
        url = request.meta.get("redirect_urls", [request.url])[0]
        logger.warning("Could not archive %s: %s", url, detail)
        return Failure(self.canonical(url), reason, detail)
