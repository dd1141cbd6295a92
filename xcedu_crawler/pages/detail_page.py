"""An announcement's detail page: title, info bar, body, attachments, continuation and redirects."""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urljoin

from parsel import Selector

from xcedu_crawler.dates import find_labelled_date
from xcedu_crawler.items import Attachment, DateCandidate, ListEntry, RawAnnouncement
from xcedu_crawler.sites import SiteProfile
from xcedu_crawler.text import extract_images, extract_paragraphs, normalize_space
from xcedu_crawler.urls import canonical_url, file_extension, file_name, is_http_url

# A page whose whole content is a script that sends the browser elsewhere.
SCRIPT_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)"""
)


def meta_content(selector: Selector, name: str) -> str | None:
    """The content of <meta name=NAME>, matching the name case-insensitively (contentSource occurs)."""
    wanted = name.lower()
    for meta in selector.xpath("//meta[@name]"):
        if meta.attrib["name"].strip().lower() == wanted:
            content = normalize_space(meta.attrib.get("content", ""))
            if content:
                return content
    return None


class DetailPage:
    def __init__(self, selector: Selector, url: str, profile: SiteProfile):
        self.selector = selector
        self.url = url
        self.profile = profile

    def _first(self, selectors: tuple[str, ...]) -> Selector | None:
        for css in selectors:
            found = self.selector.css(css)
            if found:
                return found[0]
        return None

    def _text(self, node: Selector) -> str:
        return normalize_space(" ".join(node.xpath(".//text()[not(ancestor::script)]").getall()))

    @cached_property
    def body(self) -> Selector | None:
        return self._first(self.profile.body)

    @cached_property
    def title(self) -> str | None:
        """The whole title as the page shows it (its 【tag】 included), or None."""
        for css in self.profile.title:
            for node in self.selector.css(css):
                text = self._text(node)
                if text:
                    return text
        return meta_content(self.selector, "ArticleTitle")

    @cached_property
    def _info_text(self) -> str:
        # Text nodes joined by newlines so that a value never runs into the next label.
        texts = []
        for css in self.profile.info_bar:
            for node in self.selector.css(css):
                texts.extend(node.xpath(".//text()[not(ancestor::script)]").getall())
        return "\n".join(texts)

    @cached_property
    def source(self) -> str | None:
        for css in self.profile.source:
            found = self.selector.css(css)
            if found:
                return self._text(found[0]) or None
        for label in self.profile.source_labels:
            match = re.search(
                # [^\S\n]: spaces but not the newline between text nodes, so that an
                # empty value never takes the next label's text.
                rf"{label}[^\S\n]*[:：][^\S\n]*([^【】\n]*)", self._info_text
            )
            if match:
                return normalize_space(match.group(1)) or None
        return meta_content(self.selector, "ContentSource")

    @cached_property
    def dates(self) -> list[DateCandidate]:
        """Date texts found on the page, best first: the labelled info-bar date, then PubDate."""
        candidates = []
        labelled = find_labelled_date(self._info_text, self.profile.date_labels)
        if labelled:
            candidates.append(DateCandidate(raw=labelled, rule="label"))
        meta = meta_content(self.selector, "PubDate")
        if meta:
            candidates.append(DateCandidate(raw=meta, rule="meta:PubDate"))
        return candidates

    @cached_property
    def paragraphs(self) -> list[str]:
        return extract_paragraphs(self.body) if self.body is not None else []

    @cached_property
    def images(self) -> list[str]:
        return extract_images(self.body, self.url) if self.body is not None else []

    @cached_property
    def attachments(self) -> list[Attachment]:
        """Links to documents in the body or the attachment list, each URL once, in page order."""
        found: dict[str, Attachment] = {}
        for css in self.profile.attachment_areas:
            for link in self.selector.css(css).css("a[href]"):
                url = urljoin(self.url, link.attrib["href"].strip())
                if not is_http_url(url) or file_extension(url) not in self.profile.file_extensions:
                    continue
                key = canonical_url(url)
                if key not in found:
                    name = self._text(link) or file_name(url)
                    found[key] = Attachment(url=key, name=name)
        return list(found.values())

    @cached_property
    def next_part_url(self) -> str | None:
        """The next page of an article split over several pages."""
        for css in self.profile.article_pager:
            for link in self.selector.css(css).css("a[href]"):
                if self._text(link) in self.profile.article_next_texts:
                    target = urljoin(self.url, link.attrib["href"].strip())
                    if canonical_url(target) != canonical_url(self.url):
                        return target
        return None

    @cached_property
    def redirect_url(self) -> str | None:
        """Where a script-only page sends the browser, when the page has no article of its own."""
        if self.body is not None or self.title:
            return None
        for script in self.selector.xpath("//script[not(@src)]/text()").getall():
            match = SCRIPT_REDIRECT.search(script)
            if match:
                target = urljoin(self.url, (match.group(1) or match.group(2)).strip())
                return target if is_http_url(target) else None
        return None

    @cached_property
    def is_not_found(self) -> bool:
        """An error page served with HTTP 200 ("页面不存在")."""
        if self.body is not None and self.paragraphs:
            return False
        text = self._text(self.selector.xpath("//body")[0]) if self.selector.xpath("//body") else ""
        return any(marker in text for marker in self.profile.not_found_texts)


def announcement_from_parts(
    parts: list[DetailPage], url: str, entry: ListEntry | None, aliases: tuple[str, ...] = ()
) -> RawAnnouncement:
    """One announcement from the pages of an article: the first page's title, source and dates,
    every page's paragraphs, and their images and attachments each once."""
    first = parts[0]
    announcement = RawAnnouncement(
        url=url,
        kind="page",
        entry=entry,
        aliases=list(aliases),
        columns=[entry.column] if entry else [],
        title=first.title,
        source=first.source,
        dates=first.dates,
    )
    for part in parts:
        announcement.paragraphs += part.paragraphs
        announcement.images += [img for img in part.images if img not in announcement.images]
        known = {attachment.url for attachment in announcement.attachments}
        announcement.attachments += [a for a in part.attachments if a.url not in known]
    return announcement
