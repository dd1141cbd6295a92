"""Article bodies built from block specs, so the paragraphs a crawl must find are known by construction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urljoin

# The contract's whitespace: Python's \s already covers U+3000 and U+00A0.
_WHITESPACE_RUN = re.compile(r"\s+")

IDEOGRAPHIC_INDENT = "\u3000\u3000"
NBSP_INDENT = "&nbsp;" * 4


def normalize_space(text: str) -> str:
    """The archive contract's whitespace rule: strip both ends, one ASCII space per inner run."""
    return _WHITESPACE_RUN.sub(" ", text).strip()


@dataclass(frozen=True)
class Block:
    """Markup inside the content container and what the contract makes of it."""

    html: str
    paragraphs: tuple[str, ...] = ()
    image_srcs: tuple[str, ...] = ()  # as written in src=""
    document_links: tuple[tuple[str, str], ...] = ()  # (href as written, link text)


@dataclass(frozen=True)
class Body:
    blocks: tuple[Block, ...]

    @property
    def html(self) -> str:
        return "\n".join(block.html for block in self.blocks)

    @property
    def paragraphs(self) -> list[str]:
        return [paragraph for block in self.blocks for paragraph in block.paragraphs]

    def images(self, page_url: str) -> list[str]:
        return [urljoin(page_url, src) for block in self.blocks for src in block.image_srcs]

    def documents(self, page_url: str) -> list[dict[str, str]]:
        return [
            {"url": urljoin(page_url, href), "name": name}
            for block in self.blocks
            for href, name in block.document_links
        ]


def _paragraphs(*texts: str) -> tuple[str, ...]:
    return tuple(p for p in map(normalize_space, texts) if p)


def paragraph(text: str, indent: str = IDEOGRAPHIC_INDENT, wrapper: str | None = None) -> Block:
    """<p> indented (raw U+3000, &nbsp; entities or spaces), maybe inside an inline wrapper."""
    inner = escape(text, quote=False)
    if wrapper == "font":
        inner = f'<font face="仿宋_GB2312" size="4">{inner}</font>'
    elif wrapper == "span":
        inner = f'<span style="font-family:仿宋;font-size:16pt">{inner}</span>'
    elif wrapper == "font+span":
        inner = f'<font face="宋体"><span style="line-height:2">{inner}</span></font>'
    return Block(f"<p>{indent}{inner}</p>", _paragraphs(text))


def prose(*texts: str) -> Body:
    """A body of plain paragraphs, one per text."""
    return Body(tuple(paragraph(text) for text in texts))


def raw_paragraph(text: str) -> Block:
    """<p> holding the text exactly, its own leading and trailing spacing included."""
    return Block(f"<p>{escape(text, quote=False)}</p>", _paragraphs(text))


def blank() -> Block:
    """An empty paragraph editors leave between paragraphs: dropped."""
    return Block("<p>&nbsp;</p>")


def signature(text: str) -> Block:
    """A right-aligned line (issuer or date) closing a notice: kept like any paragraph."""
    return Block(f'<p style="text-align:right">{escape(text, quote=False)}</p>', _paragraphs(text))


def heading(text: str) -> Block:
    return Block(f"<p><strong>{escape(text, quote=False)}</strong></p>", _paragraphs(text))


def nbsp_spaced(words: list[str]) -> Block:
    """One paragraph whose words are spaced with &nbsp; entities: each run reads as one space."""
    inner = "&nbsp;&nbsp;".join(escape(word, quote=False) for word in words)
    return Block(f"<p>{IDEOGRAPHIC_INDENT}{inner}</p>", _paragraphs(" ".join(words)))


def lines(texts: list[str], container: str = "p") -> Block:
    """Lines separated by <br> in one <p> or <div>: one paragraph each."""
    inner = "<br>".join(IDEOGRAPHIC_INDENT + escape(t, quote=False) for t in texts)
    return Block(f"<{container}>{inner}</{container}>", _paragraphs(*texts))


def inline_runs(parts: list[str]) -> Block:
    """One paragraph whose text is split over <span> and <font> runs: they join without spaces."""
    runs = [escape(part, quote=False) for part in parts]
    runs[1::2] = [f'<span style="color:#c00">{run}</span>' for run in runs[1::2]]
    html = f"<p>{IDEOGRAPHIC_INDENT}<font>{''.join(runs)}</font></p>"
    return Block(html, _paragraphs("".join(parts)))


def link_paragraph(before: str, link_text: str, href: str, after: str) -> Block:
    """A paragraph with a link to a web page (not a document): its text belongs to the paragraph."""
    html = (
        f"<p>{IDEOGRAPHIC_INDENT}{escape(before, quote=False)}"
        f'<a href="{escape(href)}" target="_blank">{escape(link_text, quote=False)}</a>'
        f"{escape(after, quote=False)}</p>"
    )
    return Block(html, _paragraphs(before + link_text + after))


def nested(before: str, inner: list[str], after: str) -> Block:
    """A <div> with its own text runs around inner <p>s: each run and each <p> is a paragraph."""
    inner_html = "".join(f"<p>{escape(t, quote=False)}</p>" for t in inner)
    html = f"<div>{escape(before, quote=False)}{inner_html}{escape(after, quote=False)}</div>"
    return Block(html, _paragraphs(before, *inner, after))


def table(header: list[str], rows: list[list[str]]) -> Block:
    """A table: a paragraph per row, cells joined by " | ", empty cells kept as empty strings."""
    def row_html(cells: list[str], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{escape(c, quote=False)}</{tag}>" for c in cells) + "</tr>"

    html = (
        '<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse"><tbody>'
        + row_html(header, "th")
        + "".join(row_html(row, "td") for row in rows)
        + "</tbody></table>"
    )
    return Block(html, tuple(normalize_space(" | ".join(cells)) for cells in [header, *rows]))


def script() -> Block:
    """An inline script in the body: its text never appears in paragraphs."""
    return Block('<script type="text/javascript">var xcShare = "分享到微信";</script>')


def style() -> Block:
    return Block("<style>.infodetail p{text-indent:2em;line-height:2;}</style>")


def image(src: str, caption: str | None = None) -> Block:
    """A centred picture, maybe with a caption line under it."""
    html = f'<p style="text-align:center"><img src="{escape(src)}" border="0" alt=""></p>'
    if caption is None:
        return Block(html, image_srcs=(src,))
    html += f'<p style="text-align:center">{escape(caption, quote=False)}</p>'
    return Block(html, _paragraphs(caption), (src,))


def document_line(label: str, name: str, href: str) -> Block:
    """An "附件：" line inside the body linking a document: a kept paragraph, and an attachment."""
    link = f'<a href="{escape(href)}">{escape(name, quote=False)}</a>'
    html = f"<p>{escape(label, quote=False)}{link}</p>"
    return Block(html, _paragraphs(label + name), document_links=((href, normalize_space(name)),))
