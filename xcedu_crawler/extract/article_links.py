"""Where an article page leads beyond its text: its attachments, its next part and a script redirect."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from itertools import islice
from urllib.parse import unquote, urljoin

from lxml import etree
from lxml.etree import _Element

from xcedu_crawler.extract.elements import element_text, links
from xcedu_crawler.extract.urls import (
    TRACKING_KEYS_DEFAULT,
    canonical_url,
    file_extension,
    file_name,
    host_of,
    is_http_url,
)
from xcedu_crawler.items import Attachment

# A page whose whole content is a script that sends the browser elsewhere.
SCRIPT_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)"""
)
# How many wrappers around a body are looked through for the attachment list after it.
ATTACHMENT_WRAPPER_LEVELS = 6
# The part number a multi-page article's later pages add to its file name: abc_2.html.
ARTICLE_PART = re.compile(r"_\d{1,3}$")


def attachment_areas(body: _Element | None, pinned: list[_Element]) -> list[_Element]:
    """Where attachment links stand: the body, and the areas a profile PINNED or else the
    first blocks after the body."""
    areas = [body] if body is not None else []
    areas += pinned
    if not pinned and body is not None:
        # Templates print the attachment list right after the body, or after the row or
        # box that holds it (<tr><td><div>body</div></td></tr><tr><td>附件：…</td></tr>):
        # the first blocks that follow the body or its nearest wrapper that has any.
        node = body
        for _ in range(ATTACHMENT_WRAPPER_LEVELS):
            if node is None or node.tag in ("body", "html"):
                break
            following = list(islice(node.itersiblings(etree.Element), 3))
            if following:
                areas += following
                break
            node = node.getparent()
    return areas


def attachments_in(
    areas: Iterable[_Element], page_url: str, extensions: Collection[str],
    tracking_keys: Iterable[str] = TRACKING_KEYS_DEFAULT,
) -> list[Attachment]:
    """Links to documents (files with one of EXTENSIONS) in AREAS, each canonical URL once, in page order."""
    found: dict[str, Attachment] = {}
    for area in areas:
        for link, href in links(area):
            # Most links are not documents: the extension is read before the link is resolved.
            if file_extension(href) not in extensions:
                continue
            url = urljoin(page_url, href)
            if not is_http_url(url):
                continue
            key = canonical_url(url, tracking_keys)
            if key not in found:
                found[key] = Attachment(url=key, name=element_text(link) or file_name(url))
    return list(found.values())


def pager_next_part(
    pagers: Iterable[_Element], page_url: str, next_texts: Collection[str],
    tracking_keys: Iterable[str] = TRACKING_KEYS_DEFAULT,
) -> str | None:
    """The target of a next-page link (one of NEXT_TEXTS) in an article's own PAGERS, unless it is this page."""
    own = canonical_url(page_url, tracking_keys)
    for pager in pagers:
        for link, href in links(pager):
            if element_text(link) in next_texts:
                target = urljoin(page_url, href)
                if canonical_url(target, tracking_keys) != own:
                    return target
    return None


def discovered_next_part(root: _Element, page_url: str, next_texts: Collection[str]) -> str | None:
    """A 下一页 link anywhere to a page named after this one (abc.html → abc_2.html):
    another part of this article, never the next article (下一篇, another name)."""
    own = file_name(page_url).rsplit(".", 1)[0]
    stem = ARTICLE_PART.sub("", own)
    if not stem:
        return None
    for link, href in links(root):
        # The href first: most links lead elsewhere, and reading a link's text costs more.
        if stem not in unquote(href):
            continue
        target = urljoin(page_url, href)
        name = file_name(target).rsplit(".", 1)[0]
        if (name != own and ARTICLE_PART.sub("", name) == stem
                and host_of(target) == host_of(page_url)
                and element_text(link) in next_texts):
            return target
    return None


def script_redirect(scripts: Iterable[str], page_url: str) -> str | None:
    """Where the first of SCRIPTS that sets the location sends the browser (an http(s) URL), or None."""
    for script in scripts:
        match = SCRIPT_REDIRECT.search(script)
        if match:
            target = urljoin(page_url, (match.group(1) or match.group(2)).strip())
            return target if is_http_url(target) else None
    return None
