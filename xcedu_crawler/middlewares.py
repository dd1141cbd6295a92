"""Downloader middlewares: charset repair, and anti-crawler challenge detection and back-off."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request, Response

from xcedu_crawler.encoding import choose_encoding
from xcedu_crawler.pages.challenge import Headers, is_challenge
from xcedu_crawler.urls import host_of

logger = logging.getLogger(__name__)


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
        self.stats.inc_value("xcedu/challenges")
        slot = self._slot(request)
        if slot is not None:
            slot.delay = max(slot.delay * 2, self.min_delay)
            logger.warning("Anti-crawler challenge from %s: delay raised to %.1f s", request.url, slot.delay)
        if self.consecutive[host] >= self.limit and host not in self.blocked_hosts:
            self.blocked_hosts.add(host)
            self.stats.inc_value("xcedu/blocked_hosts")
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
