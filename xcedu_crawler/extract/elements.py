"""Cheap element lookups on a parsed page: profile selectors from one index, text and links by lxml."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from lxml.etree import _Element
from parsel import Selector

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
