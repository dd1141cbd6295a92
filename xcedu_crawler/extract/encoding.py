"""Choose the encoding that decodes a fetched HTML page right, whatever its header claims."""

from __future__ import annotations

from scrapy.http import HtmlResponse
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    to_unicode,
)

# The encodings of the site's pages, tried after what the page says of itself.
_SITE_ENCODINGS = ("utf-8", "gb18030")


def choose_encoding(body: bytes, content_type: str | None) -> str:
    """The Python codec name to decode an HTML page with, e.g. for HtmlResponse(encoding=...).

    A byte order mark wins. Otherwise the first of the header charset, the page's own
    declaration, UTF-8 and GB18030 that decodes the bytes without a replacement
    character; when none does, the one that needs the fewest replacements.
    """
    bom_encoding, _ = read_bom(body)
    if bom_encoding is not None:
        return bom_encoding
    # w3lib resolves both labels to Python codec names and reads gb2312/gbk as gb18030.
    candidates = (
        http_content_type_encoding(content_type),
        html_body_declared_encoding(body),
        *_SITE_ENCODINGS,
    )
    replacements: dict[str, int] = {}
    for encoding in dict.fromkeys(filter(None, candidates)):
        # to_unicode decodes as Scrapy's TextResponse will, so "clean" here is clean there.
        replacements[encoding] = to_unicode(body, encoding).count("\ufffd")
        if replacements[encoding] == 0:
            return encoding
    # Some pages hold a few broken bytes; the right encoding still breaks the fewest.
    return min(replacements, key=replacements.__getitem__)


def decoded_response(url: str, body: bytes, headers: dict[str, str], status: int = 200) -> HtmlResponse:
    """A stored page as a response, decoded by choose_encoding as a crawl decodes it."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return HtmlResponse(url, status=status, headers=headers, body=body,
                        encoding=choose_encoding(body, content_type))
