"""An article's body: the block that holds it, and which of its paragraphs are the article's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import _Element
from parsel import Selector

from xcedu_crawler.extract.text import extract_paragraphs, normalize_space

# What every Chinese government CMS emits, tried after a profile's own selectors miss.
GENERIC_BODIES = (
    ".TRS_Editor", ".TRS_UEDITOR", "#zoom", "#TDContent", "#UCAP-CONTENT",
    "[itemprop=articleBody]", ".ewb-article-info",
)  # fmt: skip
MIN_DENSE_TEXT = 50  # characters a text-density body must hold (a short notice has 60)
# Editor's trailers at the end of a body, e.g. （责任编辑：张三）.
TRAILER = re.compile(r"^[（(]\s*(?:责任编辑|编辑|责编|审核|校对)\s*[:：].*[)）]$")
# A reprint's source printed as the article's last line: 来源：上海发布, （来源：新华社）.
CLOSING_SOURCE = re.compile(
    r"^[（(]?\s*(?:信息来源|来源于|来源)\s*[:：]\s*([^\s:：()（）][^:：()（）]{0,39}?)\s*[)）]?$")
# Cells of an info table as extract_paragraphs writes them: "发文机关： | 吉林省人民政府 | 成文日期： | …".
INFO_ROW = re.compile(r"^\S(?:[^|:：]{0,7})[:：] \| [^|]*(?: \| \S(?:[^|:：]{0,7})[:：] \| [^|]*)*$")
# Buttons and widgets that templates put inside the content box.
PAGE_CHROME = re.compile(
    r"^(?:[X×]|分享到.*|扫一扫.{0,12}|(?:(?:pdf|word|PDF|WORD)下载\s*)+|(?:【?(?:打印本页|关闭窗口|打印|关闭)】?\s*)+)$")


def densest_block(root: _Element) -> Selector | None:
    """The block with the most paragraph text that is not mostly links: a last resort."""
    # One walk of the tree rather than two XPath queries per block (some 40 µs each,
    # hundreds of blocks a page): each link's text is handed to the blocks above it.
    link_texts: dict[_Element, list[str]] = {}
    for link in root.iter("a"):
        words = list(link.itertext())
        for ancestor in link.iterancestors():
            link_texts.setdefault(ancestor, []).extend(words)
    best, best_score = None, MIN_DENSE_TEXT
    for node in root.iter("div", "td", "article", "section"):
        own = [node.text or ""] + [child.tail or "" for child in node]
        own += [text for child in node if child.tag == "p" for text in child.itertext()]
        text = len(normalize_space(" ".join(own)))
        links = len(normalize_space(" ".join(link_texts.get(node, ()))))
        score = text - 2 * links
        if score > best_score:
            best, best_score = node, score
    return Selector(root=best) if best is not None else None


def picture_block(selector: Selector) -> Selector | None:
    """The block with most paragraphs of pictures: a scanned notice has no text at all.
    Pictures in links (logos, banners) do not count."""
    best, best_count = None, 0
    for node in selector.xpath("//div|//td|//article|//section"):
        count = len(node.xpath("./p//img[not(ancestor::a)]"))
        if count > best_count:
            best, best_count = node, count
    return best


@dataclass
class ArticleText:
    paragraphs: list[str]
    closing_source: str | None  # the source the article's last line names, if it names one


def article_text(body: Selector, title: str | None) -> ArticleText:
    """BODY's paragraphs without the trailers, widgets, info table and TITLE around the text,
    and the source line that closes it (an info line, not the article's)."""
    paragraphs = extract_paragraphs(body)
    closing_source = None
    while paragraphs and (TRAILER.match(paragraphs[-1]) or PAGE_CHROME.match(paragraphs[-1])):
        paragraphs.pop()
    if len(paragraphs) > 1 and (closing := CLOSING_SOURCE.match(paragraphs[-1])):
        closing_source = closing.group(1)
        paragraphs.pop()
    # A container that holds more than the article: its info table, share buttons and
    # the title (perhaps broken over lines) come before the text.
    while paragraphs and (INFO_ROW.match(paragraphs[0]) or PAGE_CHROME.match(paragraphs[0])):
        paragraphs.pop(0)
    return ArticleText(_without_leading_title(paragraphs, title), closing_source)


def _without_leading_title(paragraphs: list[str], title: str | None) -> list[str]:
    title = (title or "").replace(" ", "")
    joined = ""
    for count, paragraph in enumerate(paragraphs[:6], start=1):
        joined += paragraph.replace(" ", "")
        if not title.startswith(joined):
            break
        if joined == title:
            return paragraphs[count:]
    return paragraphs
