"""Middlewares: whole bodies, charset repair, redirects that stay on the site, challenges, callback errors."""

from __future__ import annotations

import logging
import zlib
from typing import Any

from scrapy.downloadermiddlewares import cookies
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.spidermiddlewares.httperror import HttpError
from tldextract import TLDExtract

from xcedu_crawler.crawl.run import ArchiveRun
from xcedu_crawler.extract.challenge import Headers, is_challenge
from xcedu_crawler.extract.encoding import choose_encoding
from xcedu_crawler.extract.urls import host_of

logger = logging.getLogger(__name__)

# Scrapy's CookiesMiddleware asks tldextract whether a cookie's domain is a public suffix,
# and tldextract fetches the suffix list from the internet on first use. A crawler makes no
# request its user did not ask for: the list that ships with tldextract is used, and no
# cache is written. Scrapy has no setting for this, hence the replacement of its extractor.
cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def describe_download_error(error: BaseException, request: Request) -> str:
    """What an operator needs to know about a failed download, never an empty message."""
    if isinstance(error, DownloadTimeoutError):
        return f"timed out after {request.meta.get('download_timeout', 0):g} s"
    message = str(error)
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


class IncompleteBody(Exception):
    """The response body ended before its compressed stream did."""


class CompleteBodyMiddleware:
    """A compressed body must decompress to its end, or the response is a download error.

    Scrapy's HttpCompressionMiddleware returns as much as a cut gzip stream gives (a
    Content-Length shorter than the stream, a proxy that dropped the tail), so a paragraph
    ending mid-sentence would be archived as the whole notice. This runs before it (above
    590) on the raw bytes; it decompresses once more, which only compressed responses pay.
    """

    WBITS = {b"gzip": 16 + zlib.MAX_WBITS, b"x-gzip": 16 + zlib.MAX_WBITS, b"deflate": zlib.MAX_WBITS}
    CHUNK = 1 << 16

    def process_response(self, request: Request, response: Response) -> Response:
        encodings = [value.strip().lower() for value in
                     response.headers.get(b"Content-Encoding", b"").split(b",") if value.strip()]
        if len(encodings) == 1 and encodings[0] in self.WBITS and response.body:
            if not self._complete(response.body, self.WBITS[encodings[0]]):
                raise IncompleteBody(f"the {encodings[0].decode()} body of {len(response.body)} bytes "
                                     "ends before its compressed stream does (truncated)")
        return response

    def _complete(self, body: bytes, wbits: int) -> bool:
        decompressor = zlib.decompressobj(wbits)
        data = body
        try:
            while data and not decompressor.eof:
                # Bounded output per step: a compression bomb costs time, not memory.
                decompressor.decompress(data, self.CHUNK)
                data = decompressor.unconsumed_tail
        except zlib.error:
            return False
        return decompressor.eof


class CharsetMiddleware:
    """Scrapy trusts a header charset over the page's own declaration; some sites lie in the header."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse):
            return response
        encoding = choose_encoding(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        if encoding == response.encoding:
            return response
        logger.debug("Decoding %s as %s, not %s", response.url, encoding, response.encoding)
        self.stats.inc_value("xcedu/charset_corrected")
        return response.replace(encoding=encoding)


class Blocked(IgnoreRequest):
    """The site answered with an anti-crawler challenge, or its host is no longer asked."""


class HostSlotMiddleware:
    """Each host and port its own download slot: its own delay, concurrency and back-off.

    Scrapy keys a slot by host name alone, so that sites on one name and different ports
    (as every replica on 127.0.0.1 is) would share one delay, and one site's challenge
    back-off would slow the others of the run.
    """

    def process_request(self, request: Request) -> None:
        request.meta.setdefault("download_slot", host_of(request.url))


class ChallengeMiddleware:
    """Anti-crawler challenges: never passed on as pages; the host is slowed, then left alone.

    Each challenge raises the host's download delay; after XCEDU_CHALLENGE_LIMIT
    consecutive ones the run stops asking that host. Solving the challenge is not tried.
    """

    def __init__(self, crawler, limit: int, min_delay: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.limit = limit
        self.min_delay = min_delay
        self.consecutive: dict[str, int] = {}
        self.blocked_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        limit = crawler.settings.getint("XCEDU_CHALLENGE_LIMIT")
        if limit < 1:
            raise NotConfigured("XCEDU_CHALLENGE_LIMIT must be at least 1")
        return cls(crawler, limit, crawler.settings.getfloat("XCEDU_CHALLENGE_DELAY"))

    def process_request(self, request: Request) -> None:
        host = host_of(request.url)
        if host in self.blocked_hosts:
            raise self._not_asked(host)

    def process_response(self, request: Request, response: Response) -> Response:
        host = host_of(request.url)
        if not is_challenge(response.status, _header_values(response), response.body):
            self.consecutive[host] = 0
            return response
        self.consecutive[host] = self.consecutive.get(host, 0) + 1
        report = ArchiveRun.of(self.crawler).report
        report.challenged(request.url)
        slot = self._slot(request)
        if slot is not None:
            slot.delay = max(slot.delay * 2, self.min_delay)
            logger.warning("Anti-crawler challenge from %s: delay raised to %.1f s", request.url, slot.delay)
        if self.consecutive[host] >= self.limit and host not in self.blocked_hosts:
            self.blocked_hosts.add(host)
            report.host_blocked(request.url)
            logger.error("%s keeps answering with anti-crawler challenges: no more requests to it", host)
            if slot is not None:
                self._drop_queued(slot, host)
        raise Blocked(f"anti-crawler challenge (HTTP {response.status})")

    def _slot(self, request: Request):
        downloader = self.crawler.engine.downloader
        return downloader.slots.get(downloader.get_slot_key(request))

    def _drop_queued(self, slot, host: str) -> None:
        # Requests waiting out the host's delay already passed process_request; Scrapy has
        # no public way to recall them, so they are failed from the slot's queue, unsent.
        while slot.queue:
            _, queued = slot.queue.popleft()
            queued.errback(self._not_asked(host))

    def _not_asked(self, host: str) -> Blocked:
        return Blocked(f"not asked: {host} answered {self.limit} challenges in a row")


def _header_values(response: Response) -> Headers:
    """RESPONSE's headers as is_challenge() reads them: lower-case names, decoded values."""
    return {
        name.decode("latin-1").lower(): [value.decode("latin-1") for value in values]
        for name, values in response.headers.items()
    }


class RedirectLoop(IgnoreRequest):
    """An HTTP redirect back to a URL of its own chain."""


class RedirectedOffSite(IgnoreRequest):
    """A page of the site answered with an HTTP redirect to another host."""

    def __init__(self, target: str):
        super().__init__(f"redirected off the site to {target}")
        self.target = target


class SiteRedirectMiddleware(RedirectMiddleware):
    """Scrapy's RedirectMiddleware, failing loops and off-site redirects of pages loudly.

    Scrapy sends a loop's repeated URL to the duplicate filter, which drops it without a
    word, and follows a redirect to any host. Here a loop is a RedirectLoop and a page
    redirected to another host a RedirectedOffSite, both reaching the request's errback,
    which records them. Downloads (no callback) may still move to a file server.
    """

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise RedirectLoop(f"redirect loop: {' → '.join([*chain, redirected.url])}")
        site_hosts = getattr(self.crawler.spider, "site_hosts", None)
        if (site_hosts and request.callback is not NO_CALLBACK
                and host_of(redirected.url) not in site_hosts):
            raise RedirectedOffSite(redirected.url)
        return super()._redirect(redirected, request, reason)


class CallbackFailureMiddleware:
    """An exception in a spider callback becomes a failure row for its URL, never a silent drop."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response: Response, exception: Exception) -> Any:
        if isinstance(exception, HttpError):
            return None  # the request's errback and HttpErrorMiddleware deal with those
        return self.crawler.spider.callback_failed(response, exception)
