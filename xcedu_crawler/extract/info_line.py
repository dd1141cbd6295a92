"""An article's info line: the labelled values (来源：…, 发布时间：…) and the metas that stand in for them."""

from __future__ import annotations

import re

from parsel import Selector

from xcedu_crawler.extract.text import normalize_space

GENERIC_DATE_LABELS = ("信息时间", "发布时间", "发布日期", "时间", "日期")
GENERIC_SOURCE_LABELS = ("信息来源", "来源于", "来源", "发布机构", "发文机关")
# The words an info line's labels start with: a value is never one of them.
INFO_LABEL = re.compile(r"\s*(?:{})".format("|".join(
    (*GENERIC_DATE_LABELS, *GENERIC_SOURCE_LABELS, "阅读", "浏览", "点击", "作者", "字号"))))
# Metas that carry the publication time or the source, by CMS, in the order they are trusted.
DATE_METAS = ("PubDate", "publishdate", "firstpublishedtime", "pubtime", "article:published_time")
SOURCE_METAS = ("ContentSource", "source")

_TAG = re.compile(r"<[^>]*>")


def labelled_value(text: str, labels: tuple[str, ...]) -> str | None:
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
