"""ConditionalGetMiddleware: list and detail pages asked for with If-None-Match / If-Modified-Since."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from xcedu_crawler.archive.validators import Validator, validators_in
from xcedu_crawler.crawl.incremental import LIST
from xcedu_crawler.crawl.run import ArchiveRun, is_write_error

# Request meta: the kind of page asked for (incremental.LIST or DETAIL), set by the spider.
# Requests without it (robots.txt, files, later parts of an article) are never conditional.
CONDITIONAL = "xcedu_conditional"
NOT_MODIFIED = 304


def header_values(response: Response) -> dict[str, str]:
    """The response's headers as text, repeated ones joined."""
    return {
        name.decode("latin-1"): b", ".join(values).decode("latin-1")
        for name, values in response.headers.items()
    }


class ConditionalGetMiddleware:
    """Sends a page's last validators back, so that an unchanged page costs its headers only.

    A list or detail page the archive holds validators for is asked for with If-None-Match
    (its ETag) and If-Modified-Since (its Last-Modified), when the run's plan revalidates
    that kind (CrawlPlan.revalidates: never in a full run); a 304 then reaches the spider,
    which reads it as "unchanged" (stats: xcedu/conditional asked, xcedu/not_modified).

    A list page's validators are recorded here, from its 200: the run reads its entries
    next, and a 304 is only trusted in an incremental run, after an `ok` one. A detail
    page's are recorded with its announcement, in the same transaction (Store.store), so
    that they never vouch for content the archive does not hold. Files are never asked for
    conditionally: one the archive holds intact is not asked for at all, and one asked for
    again is missing or damaged on disk, so its body is what is needed.

    Not Scrapy's HttpCacheMiddleware with the archive as its storage: its RFC2616Policy
    answers from the cache without asking while a page is "fresh" (by Cache-Control,
    Expires, or a tenth of its age since Last-Modified: a list page untouched for a year
    would not be asked again for five weeks, and new announcements on it missed), and
    on a 304 it hands back the stored body, so it must keep every page's body (lists
    included) and the spider would parse unchanged pages all over again. Here nothing is
    stored but two headers a page, and a 304 is not parsed at all.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.run = ArchiveRun.of(crawler)
        self.known: dict[str, Validator] | None = None  # read from the archive at the first request

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if not crawler.settings.getbool("XCEDU_CONDITIONAL_GET"):
            raise NotConfigured("XCEDU_CONDITIONAL_GET is off: every page is fetched in full")
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        kind, plan = request.meta.get(CONDITIONAL), self.run.plan
        if kind is None or request.method != "GET" or plan is None or not plan.revalidates(kind):
            return
        etag, last_modified = self._known().get(request.url, (None, None))
        if etag is None and last_modified is None:
            return
        if etag is not None:
            request.headers["If-None-Match"] = etag
        if last_modified is not None:
            request.headers["If-Modified-Since"] = last_modified
        # Past HttpErrorMiddleware to the callback, which knows what "unchanged" means there.
        handled = request.meta.get("handle_httpstatus_list", [])
        request.meta["handle_httpstatus_list"] = [*handled, NOT_MODIFIED]
        self.stats.inc_value("xcedu/conditional")

    def process_response(self, request: Request, response: Response) -> Response:
        kind = request.meta.get(CONDITIONAL)
        if kind is None:
            return response
        if response.status == NOT_MODIFIED:
            self.stats.inc_value("xcedu/not_modified")
        elif response.status == 200 and kind == LIST and request.method == "GET":
            self._record(request.url, validators_in(header_values(response)))
        return response

    def _known(self) -> dict[str, Validator]:
        if self.known is None:
            archive = self.run.open()
            self.known = archive.validators() if archive is not None else {}
        return self.known

    def _record(self, url: str, validator: Validator) -> None:
        archive = self.run.open()
        if archive is None or self.run.write_error:
            return
        try:
            archive.record_validators(url, validator)
        except Exception as exc:
            if not is_write_error(exc):
                raise
            self.run.failed_to_write(f"the archive (validators of {url})", exc)
