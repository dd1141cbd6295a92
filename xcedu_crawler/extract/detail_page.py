"""An announcement's detail page: title, info bar, body, attachments, continuation and redirects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from itertools import islice
from urllib.parse import unquote, urljoin

from lxml import etree
from lxml.etree import _Element
from parsel import Selector

from xcedu_crawler.extract.dates import find_date, find_labelled_date
from xcedu_crawler.extract.elements import ElementIndex, inline_scripts, links, texts
from xcedu_crawler.extract.list_page import script_pager_next
from xcedu_crawler.extract.sites import SiteProfile
from xcedu_crawler.extract.text import extract_images, extract_paragraphs, normalize_space
from xcedu_crawler.extract.urls import (
    canonical_url,
    file_extension,
    file_name,
    host_of,
    is_http_url,
)
from xcedu_crawler.items import Attachment, DateCandidate, ListEntry, RawAnnouncement

# A page whose whole content is a script that sends the browser elsewhere.
SCRIPT_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)"""
)


def _labelled_value(text: str, labels: tuple[str, ...]) -> str | None:
    """The value after the first LABEL: in TEXT ("" when the label stands empty), None without one."""
    for label in labels:
        # "来源：…", "来源: …" or "【来源】…". [^\S\n]: spaces but not the newline between
        # text nodes, so that an empty value never takes the next label's text; a value in
        # an element of its own (来源：<a>某局</a>) is the next text node, unless that is a label.
        match = re.search(rf"(?:{label}[^\S\n]*[:：]|【{label}】)[^\S\n]*([^【】\n]*)"
                          rf"(?:\n[^\S\n]*([^【】\n:：]*)(?=[\n【】]|$))?", text)
        if match:
            own_line, next_line = match.group(1), match.group(2) or ""
            if not own_line.strip() and INFO_LABEL.match(next_line):
                next_line = ""  # the next label, written without a colon: the value is empty
            return _cut_at_next_label(normalize_space(own_line or next_line))
    return None


def _cut_at_next_label(value: str) -> str:
    """"XX县教育局 发布时间：…" on one line: the value ends where another label starts."""
    return re.split(r"\s+\S{2,4}[:：]", value)[0]


def preceding_text(element: _Element, limit: int) -> str:
    """The last LIMIT or so characters of the body's text before ELEMENT in document order,
    one text node a line, blank ones, scripts and styles left out. One walk from the top
    (XPath's preceding:: axis costs more than the whole extraction of most pages)."""
    root = element.getroottree().getroot()
    top = root.find("body") if root.find("body") is not None else root
    ancestors = set(element.iterancestors())
    found: list[str] = []
    for node in top.iter():
        if node is element:
            break
        if isinstance(node.tag, str) and node.tag not in ("script", "style"):
            found.append(node.text or "")
        # An ancestor's tail comes after ELEMENT; everyone else's has been passed.
        if node not in ancestors:
            found.append(node.tail or "")
    return "\n".join(text for text in found if text and not text.isspace())[-limit:]


def following_text(element, limit: int) -> str:
    """Up to about LIMIT characters of the text after ELEMENT in document order, scripts and
    styles left out, one text node a line. Walks the tree, where XPath's following:: axis
    would collect the rest of the page first."""
    texts: list[str] = []
    size = 0

    def add(text: str | None) -> None:
        nonlocal size
        # Blank nodes left out: a label and its value in two cells are then two lines.
        if text and not text.isspace():
            texts.append(text)
            size += len(text)

    node = element
    while node is not None and size < limit:
        add(node.tail)
        sibling = node.getnext()
        while sibling is not None and size < limit:
            for inner in sibling.iter():
                if isinstance(inner.tag, str) and inner.tag not in ("script", "style"):
                    add(inner.text)
                if inner is not sibling:
                    add(inner.tail)
                if size >= limit:
                    break
            add(sibling.tail)
            sibling = sibling.getnext()
        node = node.getparent()
    return "\n".join(texts)


_TAG = re.compile(r"<[^>]*>")


def meta_contents(selector: Selector) -> dict[str, str]:
    """The non-empty content of each <meta name>, by its lower-cased name (contentSource
    occurs as well as ContentSource); the first of a repeated name."""
    contents: dict[str, str] = {}
    for meta in selector.root.iter("meta"):
        # Some CMSs copy the title's markup into a meta (…力量<div>——热烈祝贺…</div>).
        content = normalize_space(_TAG.sub("", meta.get("content") or ""))
        name = meta.get("name") or meta.get("property")
        if name and content:
            contents.setdefault(name.strip().lower(), content)
    return contents


# What every Chinese government CMS emits, tried after a profile's own selectors miss.
GENERIC_BODIES = (
    ".TRS_Editor", ".TRS_UEDITOR", "#zoom", "#TDContent", "#UCAP-CONTENT",
    "[itemprop=articleBody]", ".ewb-article-info",
)  # fmt: skip
GENERIC_DATE_LABELS = ("信息时间", "发布时间", "发布日期", "时间", "日期")
GENERIC_SOURCE_LABELS = ("信息来源", "来源于", "来源", "发布机构", "发文机关")
# The words an info line's labels start with: a value is never one of them.
INFO_LABEL = re.compile(r"\s*(?:{})".format("|".join(
    (*GENERIC_DATE_LABELS, *GENERIC_SOURCE_LABELS, "阅读", "浏览", "点击", "作者", "字号"))))
# Metas that carry the publication time or the source, by CMS, in the order they are trusted.
DATE_METAS = ("PubDate", "publishdate", "firstpublishedtime", "pubtime", "article:published_time")
SOURCE_METAS = ("ContentSource", "source")
# How far after the title a labelled date or source may stand: the info line, not a sidebar.
TEXT_AFTER_TITLE = 400
TEXT_BEFORE_BODY = 1500
# How close under the title a date without a label may stand.
UNLABELLED_DATE_REACH = 200
# A title found as an element's own text, not a heading's: long enough not to be a word of it.
MIN_OWN_TITLE_CHARS = 8
# How many wrappers around a body are looked through for the attachment list after it.
ATTACHMENT_WRAPPER_LEVELS = 6
# The part number a multi-page article's later pages add to its file name: abc_2.html.
ARTICLE_PART = re.compile(r"_\d{1,3}$")
# Editor's trailers at the end of a body, e.g. （责任编辑：张三）.
TRAILER = re.compile(r"^[（(]\s*(?:责任编辑|编辑|责编|审核|校对)\s*[:：].*[)）]$")
# Cells of an info table as extract_paragraphs writes them: "发文机关： | 吉林省人民政府 | 成文日期： | …".
INFO_ROW = re.compile(r"^\S(?:[^|:：]{0,7})[:：] \| [^|]*(?: \| \S(?:[^|:：]{0,7})[:：] \| [^|]*)*$")
# Buttons and widgets that templates put inside the content box.
PAGE_CHROME = re.compile(
    r"^(?:[X×]|分享到.*|扫一扫.{0,12}|(?:(?:pdf|word|PDF|WORD)下载\s*)+|(?:【?(?:打印本页|关闭窗口|打印|关闭)】?\s*)+)$")
_SITE_NAME_SEPARATOR = re.compile(r"\s*(?:_|\||-{1,2}|—+|–)\s*")
MIN_DENSE_TEXT = 50  # characters a text-density body must hold (a short notice has 60)


class DetailPage:
    """Each field comes from the profile's selectors first, then from generic fallbacks in a
    fixed order; `provenance` names the rule that produced each field."""

    def __init__(self, selector: Selector, url: str, profile: SiteProfile):
        self.selector = selector
        self.url = url
        self.profile = profile

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

    @staticmethod
    def _text(node: Selector | _Element) -> str:
        element = node.root if isinstance(node, Selector) else node
        return normalize_space(" ".join(texts(element)))

    # Title

    @cached_property
    def _title(self) -> tuple[str | None, str | None, Selector | None]:
        """(title, rule, the element holding it)."""
        for css in self.profile.title:
            for node in self._css(css):
                text = self._text(node)
                if text:
                    return text, "profile", node
        meta = self._meta("ArticleTitle")
        if meta:
            return meta, "meta:ArticleTitle", self._heading_matching(meta)
        heading = self._heading_matching(self._page_title())
        if heading is not None:
            return self._text(heading), f"heading:{heading.root.tag}", heading
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
            text = self._text(element)
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
                return self._text(found[0]) or None, "profile"
        labelled = _labelled_value(self._info_text, self.profile.source_labels)
        if labelled is not None:
            return labelled or None, "profile"
        for region in self._info_regions():
            for label in GENERIC_SOURCE_LABELS:
                labelled = _labelled_value(region, (label,))
                if labelled:
                    return labelled, f"label:{label}"
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
        dense = self._densest_block()
        if dense is not None:
            return dense, "density"
        pictures = self._picture_block()
        return (pictures, "pictures") if pictures is not None else (None, None)

    @property
    def body(self) -> Selector | None:
        return self._body[0]

    def _densest_block(self) -> Selector | None:
        """The block with the most paragraph text that is not mostly links: a last resort."""
        # One walk of the tree rather than two XPath queries per block (some 40 µs each,
        # hundreds of blocks a page): each link's text is handed to the blocks above it.
        link_texts: dict[_Element, list[str]] = {}
        for link in self.selector.root.iter("a"):
            words = list(link.itertext())
            for ancestor in link.iterancestors():
                link_texts.setdefault(ancestor, []).extend(words)
        best, best_score = None, MIN_DENSE_TEXT
        for node in self.selector.root.iter("div", "td", "article", "section"):
            own = [node.text or ""] + [child.tail or "" for child in node]
            own += [text for child in node if child.tag == "p" for text in child.itertext()]
            text = len(normalize_space(" ".join(own)))
            links = len(normalize_space(" ".join(link_texts.get(node, ()))))
            score = text - 2 * links
            if score > best_score:
                best, best_score = node, score
        return Selector(root=best) if best is not None else None

    def _picture_block(self) -> Selector | None:
        """The block with most paragraphs of pictures: a scanned notice has no text at all.
        Pictures in links (logos, banners) do not count."""
        best, best_count = None, 0
        for node in self.selector.xpath("//div|//td|//article|//section"):
            count = len(node.xpath("./p//img[not(ancestor::a)]"))
            if count > best_count:
                best, best_count = node, count
        return best

    @cached_property
    def paragraphs(self) -> list[str]:
        if self.body is None:
            return []
        paragraphs = extract_paragraphs(self.body)
        while paragraphs and (TRAILER.match(paragraphs[-1]) or PAGE_CHROME.match(paragraphs[-1])):
            paragraphs.pop()
        # A container that holds more than the article: its info table, share buttons and
        # the title (perhaps broken over lines) come before the text.
        while paragraphs and (INFO_ROW.match(paragraphs[0]) or PAGE_CHROME.match(paragraphs[0])):
            paragraphs.pop(0)
        return self._without_leading_title(paragraphs)

    def _without_leading_title(self, paragraphs: list[str]) -> list[str]:
        title = (self.title or "").replace(" ", "")
        joined = ""
        for count, paragraph in enumerate(paragraphs[:6], start=1):
            joined += paragraph.replace(" ", "")
            if not title.startswith(joined):
                break
            if joined == title:
                return paragraphs[count:]
        return paragraphs

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
        areas = [self.body.root] if self.body is not None else []
        pinned = [area.root for css in self.profile.attachment_areas for area in self._css(css)]
        areas += pinned
        if not pinned and self.body is not None:
            # Templates print the attachment list right after the body, or after the row or
            # box that holds it (<tr><td><div>body</div></td></tr><tr><td>附件：…</td></tr>):
            # the first blocks that follow the body or its nearest wrapper that has any.
            node = self.body.root
            for _ in range(ATTACHMENT_WRAPPER_LEVELS):
                if node is None or node.tag in ("body", "html"):
                    break
                following = list(islice(node.itersiblings(etree.Element), 3))
                if following:
                    areas += following
                    break
                node = node.getparent()
        found: dict[str, Attachment] = {}
        for area in areas:
            for link, href in links(area):
                # Most links are not documents: the extension is read before the link is resolved.
                if file_extension(href) not in self.profile.file_extensions:
                    continue
                url = urljoin(self.url, href)
                if not is_http_url(url):
                    continue
                key = canonical_url(url)
                if key not in found:
                    found[key] = Attachment(url=key, name=self._text(link) or file_name(url))
        return list(found.values())

    @cached_property
    def next_part_url(self) -> str | None:
        """The next page of an article split over several pages (its own pager, or TRS's script)."""
        for css in self.profile.article_pager:
            for pager in self._css(css):
                for link, href in links(pager.root):
                    if self._text(link) in self.profile.article_next_texts:
                        target = urljoin(self.url, href)
                        if canonical_url(target) != canonical_url(self.url):
                            return target
        if target := script_pager_next(" ".join(self._inline_scripts), self.url):
            return target
        return self._discovered_next_part()

    def _discovered_next_part(self) -> str | None:
        """A 下一页 link anywhere to a page named after this one (abc.html → abc_2.html):
        another part of this article, never the next article (下一篇, another name)."""
        own = file_name(self.url).rsplit(".", 1)[0]
        stem = ARTICLE_PART.sub("", own)
        if not stem:
            return None
        for link, href in links(self.selector.root):
            # The href first: most links lead elsewhere, and reading a link's text costs more.
            if stem not in unquote(href):
                continue
            target = urljoin(self.url, href)
            name = file_name(target).rsplit(".", 1)[0]
            if (name != own and ARTICLE_PART.sub("", name) == stem
                    and host_of(target) == host_of(self.url)
                    and self._text(link) in self.profile.article_next_texts):
                return target
        return None

    @cached_property
    def _inline_scripts(self) -> list[str]:
        return inline_scripts(self.selector.root)

    @cached_property
    def redirect_url(self) -> str | None:
        """Where a script-only page sends the browser, when the page has no article of its own."""
        if self.body is not None or self.title:
            return None
        for script in self._inline_scripts:
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
        body = next(self.selector.root.iter("body"), None)
        text = self._text(body) if body is not None else ""
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
        provenance=first.provenance,
    )
    for part in parts:
        announcement.paragraphs += part.paragraphs
        announcement.images += [img for img in part.images if img not in announcement.images]
        known = {attachment.url for attachment in announcement.attachments}
        announcement.attachments += [a for a in part.attachments if a.url not in known]
    return announcement
