"""Downloader middleware that re-decodes HTML whose HTTP charset contradicts its bytes."""

from __future__ import annotations

import logging

from scrapy.http import HtmlResponse, Request, Response

from xcedu_crawler.encoding import choose_encoding

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
