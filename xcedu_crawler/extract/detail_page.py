"""An announcement's detail page: its title, info line and body, and the announcement it ends."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property

from parsel import Selector

from xcedu_crawler.extract.article import ArticlePart, announcement_from_parts
from xcedu_crawler.extract.article_body import (
    GENERIC_BODIES,
    ArticleText,
    article_text,
    densest_block,
    picture_block,
)
from xcedu_crawler.extract.article_links import (
    attachment_areas,
    attachments_in,
    discovered_next_part,
    pager_next_part,
    script_redirect,
)
from xcedu_crawler.extract.dates import find_date, find_labelled_date
from xcedu_crawler.extract.elements import (
    ElementIndex,
    element_text,
    following_text,
    inline_scripts,
    preceding_text,
    texts,
)
from xcedu_crawler.extract.info_line import (
    DATE_METAS,
    GENERIC_DATE_LABELS,
    GENERIC_SOURCE_LABELS,
    SOURCE_METAS,
    labelled_value,
    meta_contents,
)
from xcedu_crawler.extract.list_page import script_pager_next
from xcedu_crawler.extract.sites import SiteProfile
from xcedu_crawler.extract.text import extract_images, normalize_space
from xcedu_crawler.extract.urls import TRACKING_KEYS_DEFAULT, canonical_url
from xcedu_crawler.items import Attachment, DateCandidate, FetchedPage, ListEntry, RawAnnouncement

# How far after the title a labelled date or source may stand: the info line, not a sidebar.
TEXT_AFTER_TITLE = 400
TEXT_BEFORE_BODY = 1500
# How close under the title a date without a label may stand.
UNLABELLED_DATE_REACH = 200
# A title found as an element's own text, not a heading's: long enough not to be a word of it.
MIN_OWN_TITLE_CHARS = 8
_SITE_NAME_SEPARATOR = re.compile(r"\s*(?:_|\||-{1,2}|—+|–)\s*")


class DetailPage:
    """Each field comes from the profile's selectors first, then from generic fallbacks in a
    fixed order; `provenance` names the rule that produced each field."""

    def __init__(self, selector: Selector, url: str, profile: SiteProfile,
                 tracking_keys: Iterable[str] = TRACKING_KEYS_DEFAULT):
        self.selector = selector
        self.url = url
        self.profile = profile
        self.tracking_keys = tuple(tracking_keys)  # the query keys its canonical URLs drop

    @cached_property
    def canonical_url(self) -> str:
        return canonical_url(self.url, self.tracking_keys)

    @cached_property
    def _elements(self) -> ElementIndex:
        return ElementIndex(self.selector)

    def _css(self, css: str) -> list[Selector]:
        return self._elements.css(css)

    @cached_property
    def _metas(self) -> dict[str, str]:
        return meta_contents(self.selector)

    def _meta(self, name: str) -> str | None:
        return self._metas.get(name.lower())

    # Title

    @cached_property
    def _title(self) -> tuple[str | None, str | None, Selector | None]:
        """(title, rule, the element holding it)."""
        for css in self.profile.title:
            for node in self._css(css):
                text = element_text(node)
                if text:
                    return text, "profile", node
        meta = self._meta("ArticleTitle")
        if meta:
            return meta, "meta:ArticleTitle", self._heading_matching(meta)
        heading = self._heading_matching(self._page_title())
        if heading is not None:
            return element_text(heading), f"heading:{heading.root.tag}", heading
        return None, None, None

    @property
    def title(self) -> str | None:
        """The whole title as the page shows it (its 【tag】 included), or None."""
        return self._title[0]

    def _page_title(self) -> str:
        """<title> without the site-name suffix ("关于…的通知_许昌市教育局" → "关于…的通知")."""
        text = normalize_space(" ".join(self.selector.xpath("//title//text()").getall()))
        # The site's name may come first (凯里市人民政府-…): the title is the longest part.
        return max(_SITE_NAME_SEPARATOR.split(text), key=len) if text else ""

    def _heading_matching(self, title: str) -> Selector | None:
        """The longest heading whose text is (part of) TITLE."""
        if not title:
            return None
        root = self.selector.root
        best, best_length = None, 3
        for element in [*root.iter("h1", "h2", "h3", "h4"), *self._elements.classed("title")]:
            text = element_text(element)
            if len(text) > best_length and text in title:
                best, best_length = element, len(text)
        if best is None and len(title) >= MIN_OWN_TITLE_CHARS:
            # No heading: the element whose own text begins the title (<div>…</div>, <b>…</b>);
            # XPath finds the few that contain its first characters.
            prefix = title[:MIN_OWN_TITLE_CHARS]
            for found in root.xpath("//body//text()[contains(., $prefix)]", prefix=prefix):
                element = found.getparent()
                if found.is_tail or element.tag in ("script", "style", "a", "option"):
                    continue
                text = normalize_space(element.text or "")
                if text.startswith(prefix) and text in title and len(text) > best_length:
                    best, best_length = element, len(text)
        return Selector(root=best) if best is not None else None

    @cached_property
    def _text_after_title(self) -> str:
        """The text right after the title element, in document order: where its info line is."""
        node = self._title[2]
        return following_text(node.root, TEXT_AFTER_TITLE) if node is not None else ""

    @cached_property
    def _text_before_body(self) -> str:
        """The text just before the body: the info line of a page whose title is only in its
        metas, or an info table (发文机关 / 发布日期 rows) standing above the title."""
        if self.body is None:
            return ""
        return preceding_text(self.body.root, TEXT_BEFORE_BODY)

    def _info_regions(self) -> Iterator[str]:
        """Where a generic rule looks for labelled values, nearest first (the farther is
        read only when asked for: it costs a walk of the page)."""
        yield self._text_after_title
        yield self._text_before_body

    # Info line: source and dates

    @cached_property
    def _info_text(self) -> str:
        # Text nodes joined by newlines so that a value never runs into the next label.
        found: list[str] = []
        for css in self.profile.info_bar:
            for node in self._css(css):
                found.extend(texts(node.root))
        return "\n".join(found)

    @cached_property
    def _source(self) -> tuple[str | None, str | None]:
        for css in self.profile.source:
            found = self._css(css)
            if found:
                return element_text(found[0]) or None, "profile"
        labelled = labelled_value(self._info_text, self.profile.source_labels)
        if labelled is not None:
            return labelled or None, "profile"
        for region in self._info_regions():
            for label in GENERIC_SOURCE_LABELS:
                labelled = labelled_value(region, (label,))
                if labelled:
                    return labelled, f"label:{label}"
        # Printed on the page, it outranks the CMS's metas (often the site's own name).
        if closing := self._article_text.closing_source:
            return closing, "closing-line"
        for name in SOURCE_METAS:
            if meta := self._meta(name):
                return meta, f"meta:{name}"
        return None, None

    @property
    def source(self) -> str | None:
        return self._source[0]

    @cached_property
    def dates(self) -> list[DateCandidate]:
        """Date texts found on the page, best first: the profile's info line, a labelled date
        right after the title, then the PubDate meta."""
        candidates = []
        if self._info_text:
            labelled = find_labelled_date(self._info_text, self.profile.date_labels)
            if labelled:
                candidates.append(DateCandidate(raw=labelled, rule="profile"))
        for region in self._info_regions() if not candidates else ():
            labelled = next(((label, date) for label in GENERIC_DATE_LABELS
                             if (date := find_labelled_date(region, (label,)))), None)
            if labelled:
                candidates.append(DateCandidate(raw=labelled[1], rule=f"label:{labelled[0]}"))
                break
        if not candidates and self._title[2] is not None:
            # Printed under the title with no label at all (2023-12-01 14:43), before the
            # body begins: the date a notice is signed with at its end is not it.
            between = self._text_after_title[:UNLABELLED_DATE_REACH]
            if self.paragraphs and (start := between.find(self.paragraphs[0][:8])) >= 0:
                between = between[:start]
            unlabelled = find_date(between)
            if unlabelled:
                candidates.append(DateCandidate(raw=unlabelled, rule="after-title"))
        for name in DATE_METAS:
            if meta := self._meta(name):
                candidates.append(DateCandidate(raw=meta, rule=f"meta:{name}"))
                break
        return candidates

    # Body

    @cached_property
    def _body(self) -> tuple[Selector | None, str | None]:
        for css in self.profile.body:
            found = self._css(css)
            if found:
                return found[0], "profile"
        for css in GENERIC_BODIES:
            found = self._css(css)
            if found:
                return found[0], f"container:{css}"
        dense = densest_block(self.selector.root)
        if dense is not None:
            return dense, "density"
        pictures = picture_block(self.selector)
        return (pictures, "pictures") if pictures is not None else (None, None)

    @property
    def body(self) -> Selector | None:
        return self._body[0]

    @cached_property
    def _article_text(self) -> ArticleText:
        if self.body is None:
            return ArticleText([], None)
        return article_text(self.body, self.title)

    @property
    def paragraphs(self) -> list[str]:
        return self._article_text.paragraphs

    @property
    def provenance(self) -> dict[str, str]:
        """Which rule produced each field found on this page (the date's is its candidate's)."""
        rules = {"title": self._title[1], "source": self._source[1], "body": self._body[1]}
        return {field: rule for field, rule in rules.items() if rule}

    @cached_property
    def images(self) -> list[str]:
        return extract_images(self.body, self.url) if self.body is not None else []

    @cached_property
    def attachments(self) -> list[Attachment]:
        """Links to documents in the body or an attachment list, each URL once, in page order."""
        pinned = [area.root for css in self.profile.attachment_areas for area in self._css(css)]
        areas = attachment_areas(self.body.root if self.body is not None else None, pinned)
        return attachments_in(areas, self.url, self.profile.file_extensions, self.tracking_keys)

    @cached_property
    def next_part_url(self) -> str | None:
        """The next page of an article split over several pages (its own pager, or TRS's script)."""
        pagers = [pager.root for css in self.profile.article_pager for pager in self._css(css)]
        next_texts = self.profile.article_next_texts
        if target := pager_next_part(pagers, self.url, next_texts, self.tracking_keys):
            return target
        if target := script_pager_next(" ".join(self._inline_scripts), self.url):
            return target
        return discovered_next_part(self.selector.root, self.url, next_texts)

    @cached_property
    def _inline_scripts(self) -> list[str]:
        return inline_scripts(self.selector.root)

    @cached_property
    def redirect_url(self) -> str | None:
        """Where a script-only page sends the browser, when the page has no article of its own."""
        if self.body is not None or self.title:
            return None
        return script_redirect(self._inline_scripts, self.url)

    @cached_property
    def is_not_found(self) -> bool:
        """An error page served with HTTP 200 ("页面不存在")."""
        if self.body is not None and self.paragraphs:
            return False
        body = next(self.selector.root.iter("body"), None)
        text = element_text(body) if body is not None else ""
        return any(marker in text for marker in self.profile.not_found_texts)

    @cached_property
    def part(self) -> ArticlePart:
        """What this page gives its article, as plain values."""
        return ArticlePart(url=self.canonical_url, title=self.title, source=self.source, dates=self.dates,
                           provenance=self.provenance, paragraphs=self.paragraphs, images=self.images,
                           attachments=self.attachments)

    def to_item(
        self,
        *,
        entry: ListEntry | None,
        site: str | None,
        earlier: Sequence[ArticlePart] = (),
        url: str | None = None,
        aliases: Sequence[str] = (),
        columns: Sequence[str] | None = None,
        pages: Sequence[FetchedPage] = (),
    ) -> RawAnnouncement:
        """The announcement this page ends, after the EARLIER parts of its article (see
        announcement_from_parts for the rest)."""
        return announcement_from_parts((*earlier, self.part), entry=entry, site=site, url=url,
                                       aliases=aliases, columns=columns, pages=pages)
