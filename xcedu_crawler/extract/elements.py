"""Cheap element lookups on a parsed page: profile selectors from one index, text and links by lxml."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from lxml.etree import HTMLParser, _Element
from parsel import Selector
from parsel.selector import create_root_node
from scrapy.http import TextResponse, XmlResponse
from scrapy.utils.response import get_base_url

from xcedu_crawler.extract.text import normalize_space


def page_selector(response: TextResponse) -> Selector:
    """RESPONSE's page parsed as Scrapy's `response.selector` parses it (text, base URL,
    huge trees), into plain lxml elements rather than lxml.html's: the class lookup lxml.html
    makes for every element Python reaches was a tenth of a page's extraction (measured on
    the real pages: 2.31 -> 2.11 ms), and nothing here uses its API. An XML reply (Hanweb's
    dataproxy) is Scrapy's own XML selector."""
    if isinstance(response, XmlResponse):
        return response.selector
    return Selector(root=create_root_node(response.text, HTMLParser, base_url=get_base_url(response)),
                    type="html")


# The selectors profiles use: `tag`, `#id`, `.class`, `tag#id`, `tag.class`.
_SIMPLE_SELECTOR = re.compile(r"(?P<tag>[a-zA-Z][a-zA-Z0-9]*)?(?:#(?P<id>[\w-]+)|\.(?P<class_>[\w-]+))")


class ElementIndex:
    """A page's elements by id and by class, in document order, gathered by one XPath query.

    Each parsel css() call is an XPath evaluation costing some 40 µs however small the
    page (lxml sets up an XPath context each time), and a profile tries a dozen selectors
    on every page: measured, two thirds of a page's extraction. Simple selectors are
    answered from this index; any other goes to parsel.
    """

    def __init__(self, selector: Selector):
        self.selector = selector
        self._by_id: dict[str, list[_Element]] = defaultdict(list)
        self._by_class: dict[str, list[_Element]] = defaultdict(list)
        for element in selector.root.xpath("//*[@id or @class]"):
            if element_id := element.get("id"):
                self._by_id[element_id].append(element)
            for name in (element.get("class") or "").split():
                self._by_class[name].append(element)

    def classed(self, word: str) -> list[_Element]:
        """The elements with a class name containing WORD in any case (Title, detail-title)."""
        return [element for name, found in self._by_class.items() if word in name.lower() for element in found]

    def css(self, css: str) -> list[Selector]:
        """The elements matching CSS, in document order, as parsel's css() finds them."""
        match = _SIMPLE_SELECTOR.fullmatch(css.strip())
        if match is None:
            return list(self.selector.css(css))
        tag, element_id, class_ = match["tag"], match["id"], match["class_"]
        if element_id:
            found = self._by_id.get(element_id, [])
        elif class_:
            found = self._by_class.get(class_, [])
        else:
            found = self.selector.root.iter(tag)
        return [
            Selector(root=element, type=self.selector.type)
            for element in found
            if tag is None or element.tag == tag.lower()
        ]


def texts(element: _Element) -> list[str]:
    """The text nodes within ELEMENT in document order, those of scripts left out (XPath's
    `.//text()[not(ancestor::script)]`, without an XPath evaluation)."""
    found: list[str] = []
    # A stack of its own, not recursion: pages nest deeper than Python's recursion limit.
    pending: list[_Element | str] = [element]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            found.append(node)
            continue
        if node.text:
            found.append(node.text)
        for child in node.iterchildren(reversed=True):
            if child.tail:
                pending.append(child.tail)
            # Comments and processing instructions have a non-string tag; their text is not text.
            if isinstance(child.tag, str) and child.tag != "script":
                pending.append(child)
    return found


def links(element: _Element) -> Iterator[tuple[_Element, str]]:
    """Each <a href> within ELEMENT (itself included) with its stripped href, in document order."""
    for link in element.iter("a"):
        href = link.get("href")
        if href is not None:
            yield link, href.strip()


def inline_scripts(element: _Element) -> list[str]:
    """The code of each <script> without a src within ELEMENT."""
    return [script.text for script in element.iter("script") if script.get("src") is None and script.text]


def element_text(node: Selector | _Element) -> str:
    """NODE's text (its scripts' left out), spaces normalised."""
    element = node.root if isinstance(node, Selector) else node
    return normalize_space(" ".join(texts(element)))


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
    collected: list[str] = []
    size = 0

    def add(text: str | None) -> None:
        nonlocal size
        # Blank nodes left out: a label and its value in two cells are then two lines.
        if text and not text.isspace():
            collected.append(text)
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
    return "\n".join(collected)
