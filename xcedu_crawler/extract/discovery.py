"""List discovery: the entries, the column name and the next page, read off a list page that no profile describes."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml.etree import _Element

from xcedu_crawler.extract.dates import find_date
from xcedu_crawler.extract.elements import links, texts
from xcedu_crawler.extract.text import normalize_space

# The shortest link text taken for a title: navigation (首页, 工作动态) is shorter.
MIN_TITLE_CHARS = 6
# An entry holds its title link and perhaps a column or "more" link; a box of many links is not one.
MAX_LINKS_PER_ENTRY = 3
ENTRY_TAGS = frozenset({"li", "tr", "dd", "div", "p", "dl", "section", "article"})
BREADCRUMB_LABELS = ("您当前的位置", "您现在的位置", "当前位置", "所在位置", "当前页面", "您的位置", "位置")
BREADCRUMB_SEPARATORS = re.compile(r"\s*(?:>|»|›|→|/|＞|-&gt;|&gt;)\s*")
NEXT_PAGE_TEXTS = frozenset({"下页", "下一页", "下一页>", "下一页>>", "下一页»", "后页", "下页>", ">", "›", "»", ">>"})
# Sentences that only ever head boxes of links, never a column's list.
NOT_A_LIST = ("相关链接", "友情链接", "相关文章", "相关阅读", "热点", "推荐")
# Things real pagers put in the URL to say which page this is.
PAGE_IN_PATH = re.compile(r"(?P<stem>(?:index|list|default|column-index|moreinfo)[_-])(?P<number>\d+)(?P<ext>\.\w+)$")
PAGE_FIRST_IN_PATH = re.compile(r"(?P<stem>index|list|default|moreinfo)(?P<ext>\.\w+)$")
LAST_PAGE_TEXTS = frozenset({"尾页", "末页", "最后一页", ">|", "»|"})
PAGE_COUNT_TEXT = re.compile(r"共\s*(?P<total>\d+)\s*页|第?\s*\d+\s*/\s*(?P<total2>\d+)\s*页")
PAGE_PARAMETERS = ("page", "pageNo", "pageNum", "PageIndex", "pageIndex", "currPage", "pn", "p", "curPage")
PAGE_COUNT_VARIABLE = re.compile(r"\b(?:countPage|totalPage|pageCount|totalPages|page_count)\s*[=:]\s*['\"]?(\d+)")
CURRENT_PAGE_VARIABLE = re.compile(r"\b(?:currentPage|curPage|pageIndex|nowPage)\s*[=:]\s*['\"]?(\d+)")


def entry_nodes(root: _Element) -> list[_Element]:
    """The dominant group of repeated siblings that each hold one title-like link: the entries.

    Of every element's children of one tag, those that are entries (a link of at least
    MIN_TITLE_CHARS, few links) are counted, dated ones twice; the group with most wins.
    Navigation, breadcrumbs, footers and pagers lose by their short link texts, link boxes
    by their lack of dates and their headings.
    """
    best: list[_Element] = []
    best_score = 0.0
    for parent in root.iter():
        if not isinstance(parent.tag, str) or parent.tag in {"script", "style", "head"}:
            continue
        groups: dict[str, list[_Element]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag in ENTRY_TAGS:
                groups.setdefault(child.tag, []).append(child)
        for members in groups.values():
            entries = [member for member in members if title_link(member) is not None]
            if not entries or _heads_a_link_box(parent):
                continue
            dated = sum(1 for member in entries if find_date(" ".join(texts(member))))
            score = len(entries) + dated
            if score > best_score:
                best, best_score = entries, score
    return best


def title_link(node: _Element) -> _Element | None:
    """The link of an entry: the one with the longest title-like text, if the node is an entry."""
    found = [(len(link_title(link)), link) for link, href in links(node)
             if href and not href.startswith(("javascript", "#", "mailto:"))]
    if not found or len(found) > MAX_LINKS_PER_ENTRY:
        return None
    length, link = max(found, key=lambda pair: pair[0])
    return link if length >= MIN_TITLE_CHARS else None


def link_title(link: _Element) -> str:
    """The whole title: a link's title attribute, else its text (lists cut long texts with "...")."""
    return normalize_space(link.get("title") or "") or normalize_space("".join(texts(link)))


def _heads_a_link_box(parent: _Element) -> bool:
    """Whether the heading right above PARENT (or its box's first line) says 相关链接 and the like."""
    candidates = [parent.getprevious()]
    container = parent.getparent()
    if container is not None and len(container) and container[0] is not parent:
        candidates.append(container[0])
    for heading in candidates:
        if heading is None or not isinstance(heading.tag, str):
            continue
        words = normalize_space("".join(texts(heading)))
        # A heading is a short line; a box of links or entries before the list is not one.
        if len(words) <= 12 and any(label in words for label in NOT_A_LIST):
            return True
    return False


def breadcrumb_column(root: _Element) -> str | None:
    """The last item of the breadcrumb (当前位置：首页 > 通知公告 gives 通知公告), if the page has one."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "title", "head", "html", "body"}:
            continue
        own = normalize_space(element.text or "")
        if not any(own.startswith(label) for label in BREADCRUMB_LABELS):
            continue
        text = normalize_space("".join(texts(element)))
        label = next(label for label in BREADCRUMB_LABELS if text.startswith(label))
        trail = text[len(label):].lstrip(":： ")
        items = [item for item in BREADCRUMB_SEPARATORS.split(trail) if item.strip()]
        if len(items) >= 2 or (items and len(list(links(element))) >= 1):
            return items[-1].strip()
    return None


def heading_column(root: _Element, entries: list[_Element]) -> str | None:
    """The nearest short heading before the entries (a column box's 通知公告)."""
    if not entries:
        return None
    container = entries[0].getparent()
    for _ in range(3):
        if container is None:
            return None
        for sibling in container.itersiblings(preceding=True):
            if isinstance(sibling.tag, str) and sibling.tag in {"h1", "h2", "h3", "h4", "h5", "div", "span", "p"}:
                text = normalize_space("".join(texts(sibling)))
                if 2 <= len(text) <= 12 and not find_date(text) and len(list(links(sibling))) <= 1:
                    return text
                break
        container = container.getparent()
    return None


def title_column(root: _Element) -> str | None:
    """The column from `<title>通知公告 - 某某市教育局</title>`: the part before the site's name."""
    title = root.find(".//title")
    text = normalize_space("".join(texts(title))) if title is not None else ""
    parts = [part for part in re.split(r"\s*[-_|—–]+\s*", text) if part]
    return parts[0] if parts else None


def next_link(root: _Element, url: str) -> str | None:
    """The target of a 下页/下一页/›/» link that leads to another page than URL."""
    for link, href in links(root):
        if normalize_space("".join(texts(link))) in NEXT_PAGE_TEXTS and href and not href.startswith(
                ("javascript", "#")):
            target = urljoin(url, href)
            if _same_page(target, url):
                continue
            return target
    return None


def numbered_next(root: _Element, url: str) -> str | None:
    """The link to page N+1 among a pager's numbers, where the page is page N by its URL."""
    current = page_number(url)
    wanted = str((current or 1) + 1)
    for link, href in links(root):
        if normalize_space("".join(texts(link))) == wanted and href and not href.startswith("javascript"):
            target = urljoin(url, href)
            if not _same_page(target, url) and urlsplit(target).netloc == urlsplit(url).netloc:
                return target
    return None


def stated_page_count(root: _Element, url: str) -> int | None:
    """How many pages the pager says the list has: 共12页, 3/12, or where its 尾页/末页 leads."""
    for link, href in links(root):
        if normalize_space("".join(texts(link))) in LAST_PAGE_TEXTS and href and not href.startswith("javascript"):
            if (number := page_number(urljoin(url, href))) is not None:
                return number
    text = normalize_space(" ".join(texts(root.find("body") if root.find("body") is not None else root)))
    if match := PAGE_COUNT_TEXT.search(text):
        return int(match["total"] or match["total2"])
    return None


def page_number(url: str) -> int | None:
    """Which page of a list URL is, by the numbering styles real pagers use (page 1 = 1)."""
    parts = urlsplit(url)
    for name, value in parse_qsl(parts.query):
        if name in PAGE_PARAMETERS and value.isdigit():
            return int(value)
    if match := PAGE_IN_PATH.search(parts.path):
        # index_1.html is the second page (index.html is the first).
        return int(match["number"]) + (1 if match["stem"].startswith(("index", "list", "default")) else 0)
    return None


def counted_next(scripts: str, url: str) -> str | None:
    """The next page where the page count is only in a script variable (countPage = 12)."""
    match = PAGE_COUNT_VARIABLE.search(scripts)
    if match is None:
        return None
    total = int(match[1])
    current_match = CURRENT_PAGE_VARIABLE.search(scripts)
    current = int(current_match[1]) if current_match else (page_number(url) or 1)
    if current >= total:
        return None
    return url_of_page(url, current + 1)


def url_of_page(url: str, number: int) -> str | None:
    """URL of page NUMBER of the list at URL, written the way URL writes its own page."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    for index, (name, value) in enumerate(query):
        if name in PAGE_PARAMETERS and value.isdigit():
            query[index] = (name, str(number))
            return urlunsplit(parts._replace(query=urlencode(query)))
    if match := PAGE_IN_PATH.search(parts.path):
        offset = 1 if match["stem"].startswith(("index", "list", "default")) else 0
        path = parts.path[: match.start()] + f"{match['stem']}{number - offset}{match['ext']}"
        return urlunsplit(parts._replace(path=path))
    if match := PAGE_FIRST_IN_PATH.search(parts.path):
        path = parts.path[: match.start()] + f"{match['stem']}_{number - 1}{match['ext']}"
        return urlunsplit(parts._replace(path=path))
    return None


def _same_page(target: str, url: str) -> bool:
    return urlsplit(target)._replace(fragment="") == urlsplit(url)._replace(fragment="")


def js_object(literal: str) -> dict:
    """A JavaScript object literal of plain values ({col:1,appid:'1',path:'/'}) as a dict.

    Hanweb pages write jpage()'s ajaxParam so: unquoted keys and single quotes, which
    json.loads cannot read. Strings are re-quoted and keys quoted, then JSON reads it.
    """
    out: list[str] = []
    index = 0
    while index < len(literal):
        char = literal[index]
        if char in "'\"":
            end = index + 1
            while end < len(literal) and literal[end] != char:
                end += 2 if literal[end] == "\\" else 1
            out.append(json.dumps(literal[index + 1:end].replace("\\" + char, char)))
            index = end + 1
            continue
        if char.isalpha() or char in "_$":
            end = index
            while end < len(literal) and (literal[end].isalnum() or literal[end] in "_$"):
                end += 1
            word = literal[index:end]
            following = literal[end:].lstrip()
            if following.startswith(":"):
                out.append(json.dumps(word))
            else:
                out.append({"undefined": "null", "True": "true", "False": "false"}.get(word, word))
            index = end
            continue
        out.append(char)
        index += 1
    text = re.sub(r",\s*([}\]])", r"\1", "".join(out))  # a trailing comma is legal JavaScript
    return json.loads(text)

