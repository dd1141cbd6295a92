"""Variation: a seeded redesign of a replica's markup over the same content, as sibling sites differ."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from urllib.parse import parse_qsl

# How a page may write a time, by the precision it keeps.
DATE_FORMAT_VARIANTS = {
    "day": ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"),
    "minute": ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M"),
    "second": ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S"),
}
# The labels (and their punctuation) an info bar puts before a source and a date.
SOURCE_LABELS = ("信息来源：{}", "来源: {}", "【来源】{}", "来源：{}", "信息来源:{}")
DATE_LABELS = (
    "发布时间：{}",
    "发布日期：{}",
    "发布日期 {}",
    "时间：{}",
    "【发布时间】{}",
    "信息时间:{}",
)
CRUMB_LABELS = ("当前位置：", "您当前的位置：", "您现在的位置：", "所在位置：", "当前页面：")
CRUMB_SEPARATORS = (">", "»", "/", "→", "&gt;")
# Where the breadcrumb stands: before the content box, first in it, or right above the title.
CRUMB_PLACES = ("top", "in_box", "above_title")
ENTRY_SHAPES = ("ul-li", "div-div", "table-tr", "dl-dd")
# How a list page leads on: links (first/prev/next/last), numbered links, a TRS
# createPageHTML call, or a page count in a script variable beside a next link.
PAGER_MARKUPS = ("links", "numbers", "script", "count_var")
# Where page n > 1 of a column is: the family's own URLs, {stem}_{n-1}.{ext}, or a query.
PAGER_URLS = ("native", "index", "query")
PAGE_PARAMS = ("page", "pageNo", "pageNum", "PageIndex", "currPage", "pn")
COUNT_VARS = ("countPage", "totalPage", "pageCount")
NEXT_TEXTS = ("下页", "下一页", ">", "›", "»")
LAST_TEXTS = ("尾页", "末页")
# Class and id names of real sites, by what they name; a name of none of these gets a neutral one.
_SYNONYMS = (
    (("position", "location", "crumb"), ("position", "crumb", "bt-position", "dqwz", "location")),
    (("page",), ("pager", "fy", "pagination", "page-box", "pages")),
    (("date", "time"), ("time", "rq", "sj", "pubdate", "date")),
    (("title", "tit"), ("tit", "bt", "biaoti", "news-tit", "art-title")),
    (("list", "node", "item"), ("lm-list", "news-list", "list-con", "xxgk-list", "item")),
    (("content", "editor", "zoom", "detail", "infodetail", "ueditor"),
     ("zw", "nr", "article-con", "detail-con", "con-text")),
    (("source", "info"), ("xx", "msg", "art-info", "laiyuan", "meta-bar")),
)  # fmt: skip
_NEUTRAL = ("box", "wrap", "bd", "con", "inner", "m", "k", "part", "blk", "zone")
_ATTRIBUTE = re.compile(rb'(\s(?:class|id)\s*=\s*")([^"]*)(")')
_ID_REFERENCE = re.compile(rb'(["\'])#([A-Za-z0-9_-]+)\1')


@dataclass(frozen=True)
class Pager:
    """A list pager's looks and the URLs it leads to."""

    markup: str  # a PAGER_MARKUPS entry
    url: str  # a PAGER_URLS entry
    param: str  # the query parameter, for url "query"
    next_text: str
    last_text: str
    count_var: str  # for markup "count_var"
    last_links_itself: bool  # on the last page, next links to the page itself (else no link)

    def page_path(self, first: str, number: int, native: Callable[[int], str]) -> str:
        """Path of page NUMBER (1-based) of the column whose page 1 is FIRST; NATIVE(n) is
        the family's own path of page n."""
        if number == 1:
            return first
        if self.url == "native":
            return native(number)
        if self.url == "index":
            stem, ext = posixpath.splitext(first)
            return f"{stem}_{number - 1}{ext}"
        return f"{first}?{self.param}={number}"

    def page_number(self, first: str, path: str, query: str, native: int | None) -> int | None:
        """The page number PATH?QUERY is of the column whose page 1 is FIRST, or None;
        NATIVE: the number it has among the family's own paths."""
        if self.url == "native":
            return native if path != first else 1
        if self.url == "index":
            stem, ext = posixpath.splitext(first)
            if path == first:
                return 1
            match = re.fullmatch(rf"{re.escape(stem)}_(\d+){re.escape(ext)}", path)
            return int(match[1]) + 1 if match and not match[1].startswith("0") else None
        if path != first:
            return None
        value = dict(parse_qsl(query)).get(self.param)
        if value is None:
            return 1
        return int(value) if value.isdigit() and not value.startswith("0") else None

    def html(self, number: int, total: int, first: str, native: Callable[[int], str]) -> str:
        """The pager of page NUMBER of TOTAL, linking pages relative to FIRST's folder."""

        def target(n: int) -> str:
            return posixpath.basename(self.page_path(first, n, native))

        def link(n: int, text: str) -> str:
            return f'<a href="{target(n)}">{text}</a>'

        def next_link() -> str:
            if number < total:
                return link(number + 1, self.next_text)
            return link(number, self.next_text) if self.last_links_itself else ""

        if self.markup == "script":
            stem, ext = posixpath.splitext(posixpath.basename(first))
            call = f'createPageHTML({total}, {number - 1}, "{stem}", "{ext.lstrip(".")}");'
            return f'<div class="page"><script type="text/javascript">{call}</script></div>'
        if self.markup == "count_var":
            script = (
                f'<script type="text/javascript">var {self.count_var} = {total};'
                f"var currentPage = {number};</script>"
            )
            return f'<div class="page">{script}{next_link()}</div>'
        parts = []
        if self.markup == "links":
            parts.append(link(1, "首页"))
            if number > 1:
                parts.append(link(number - 1, "上一页"))
            parts.append(f'<span class="page-count">{number}/{total}</span>')
        else:
            window = range(max(1, number - 2), min(total, number + 2) + 1)
            parts += [
                f'<span class="current">{n}</span>' if n == number else link(n, str(n))
                for n in window
            ]
        parts += [next_link(), link(total, self.last_text)]
        if self.markup == "numbers":
            parts.append(f"<span>共{total}页</span>")
        return '<div class="page">' + " ".join(p for p in parts if p) + "</div>"


class Variation:
    """Markup choices drawn from SEED; the same seed always gives the same site."""

    def __init__(self, seed: int):
        self.seed = seed
        rng = Random(seed)
        # The choices that change a page's shape most cycle with the seed, so that any few
        # seeds in a row meet every entry shape, breadcrumb place and pager markup.
        self.entry_shape = ENTRY_SHAPES[seed % len(ENTRY_SHAPES)]
        self.crumb_place = CRUMB_PLACES[seed % len(CRUMB_PLACES)]
        self.layers = rng.randint(1, 3)
        self.crumb_label = rng.choice(CRUMB_LABELS)
        self.crumb_separator = rng.choice(CRUMB_SEPARATORS)
        self.source_label = rng.choice(SOURCE_LABELS)
        self.date_label = rng.choice(DATE_LABELS)
        self.drops_time = rng.random() < 0.3  # some articles show the day only
        self.date_formats = rng.randrange(3), rng.randrange(3)  # the site's two date styles
        self.pager = _pager(rng, PAGER_MARKUPS[seed // 2 % len(PAGER_MARKUPS)])

    def describe(self) -> str:
        """The choices in one line, for a person trying the variant by hand."""
        pager = self.pager
        url = f"?{pager.param}=N" if pager.url == "query" else pager.url
        return (
            f"entries {self.entry_shape}, {self.layers} extra layers, breadcrumb "
            f"{self.crumb_label}… {self.crumb_separator} ({self.crumb_place}), pager {pager.markup} "
            f"at {url} pages, labels {self.source_label.format('…')} / "
            f"{self.date_label.format('…')}{', some dates without a time' if self.drops_time else ''}"
        )

    # Names

    def name(self, token: str) -> str:
        """TOKEN's new class or id name: the same for the same seed everywhere."""
        digest = hashlib.md5(f"{self.seed}:{token}".encode()).digest()
        lowered = token.lower()
        pool = next(
            (names for words, names in _SYNONYMS if any(w in lowered for w in words)), _NEUTRAL
        )
        return f"{pool[digest[0] % len(pool)]}{'-_'[digest[1] % 2]}{digest[2] % 90 + 10}"

    def rename(self, markup: bytes) -> bytes:
        """MARKUP with every class and id token (and every "#id" a script names) renamed;
        bytes, as class and id names are ASCII whatever the page's encoding."""

        def attribute(match: re.Match) -> bytes:
            tokens = match[2].decode("ascii").split()
            return match[1] + " ".join(map(self.name, tokens)).encode("ascii") + match[3]

        def reference(match: re.Match) -> bytes:
            quote = match[1]
            return quote + b"#" + self.name(match[2].decode("ascii")).encode("ascii") + quote

        return _ID_REFERENCE.sub(reference, _ATTRIBUTE.sub(attribute, markup))

    # Layout

    def wrap(self, inner: str, what: str) -> str:
        """INNER inside this site's extra container layers (WHAT names them)."""
        tags = ("div", "section", "div")
        for depth in range(self.layers):
            tag = tags[depth % len(tags)]
            inner = f'<{tag} class="{what}-layer{depth}">{inner}</{tag}>'
        return inner

    def breadcrumb(self, links: list[tuple[str, str]], css_class: str) -> str:
        """A breadcrumb of LINKS (href, text) in a div of CSS_CLASS."""
        separator = f" {self.crumb_separator} "
        trail = separator.join(f'<a href="{target}">{text}</a>' for target, text in links)
        return f'<div class="{css_class}">{self.crumb_label}{trail}</div>'

    def crumb_at(self, place: str, crumb: str) -> str:
        """CRUMB if this site puts it at PLACE (a CRUMB_PLACES entry), else nothing."""
        return crumb if place == self.crumb_place else ""

    def entries(self, items: list[tuple[str, str]], list_class: str) -> str:
        """A list of ITEMS (link HTML, date text) in this site's entry shape."""
        return (
            self.entries_open(list_class)
            + "\n".join(self.entry(link, day) for link, day in items)
            + self.entries_close()
        )

    def entries_open(self, list_class: str) -> str:
        tag = {"ul-li": "ul", "div-div": "div", "table-tr": "table", "dl-dd": "dl"}
        return f'<{tag[self.entry_shape]} class="{list_class}">\n'

    def entries_close(self) -> str:
        tag = {"ul-li": "ul", "div-div": "div", "table-tr": "table", "dl-dd": "dl"}
        return f"\n</{tag[self.entry_shape]}>"

    def entry(self, link: str, day: str) -> str:
        """One list entry: LINK (an <a>) and the date text DAY."""
        if self.entry_shape == "table-tr":
            return f'<tr class="list-item"><td>{link}</td><td class="list-date">{day}</td></tr>'
        tag = {"ul-li": "li", "div-div": "div", "dl-dd": "dd"}[self.entry_shape]
        return f'<{tag} class="list-item">{link}<span class="list-date">{day}</span></{tag}>'

    # Dates and labels

    def date_style(self, key: str, precision: str) -> tuple[str, str]:
        """(strftime format, precision) for the article KEY, shown at PRECISION before."""
        rng = Random(f"variation-{self.seed}-date-{key}")
        if self.drops_time and rng.random() < 0.5:
            precision = "day"
        formats = DATE_FORMAT_VARIANTS[precision]
        return formats[self.date_formats[rng.randrange(2)]], precision

    def source_text(self, source: str) -> str:
        return self.source_label.format(source)

    def date_text(self, shown: str) -> str:
        """The date SHOWN (already written out) with its label."""
        return self.date_label.format(shown)


def _pager(rng: Random, markup: str) -> Pager:
    # A createPageHTML call leads to {stem}_{index}.{ext} pages only.
    url = "index" if markup == "script" else rng.choice(PAGER_URLS)
    return Pager(
        markup=markup,
        url=url,
        param=rng.choice(PAGE_PARAMS),
        next_text=rng.choice(NEXT_TEXTS),
        last_text=rng.choice(LAST_TEXTS),
        count_var=rng.choice(COUNT_VARS),
        last_links_itself=rng.random() < 0.5,
    )


def variation(seed: int | None) -> Variation | None:
    """The Variation of SEED; None (today's markup) for None."""
    return None if seed is None else Variation(seed)
