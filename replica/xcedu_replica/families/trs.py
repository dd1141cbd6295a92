"""A county bureau's TRS WCM site: script-only pagers, relative links, head metas, articles split over pages."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import PurePosixPath
from random import Random
from typing import NamedTuple

from xcedu_replica.body import Body, heading, paragraph, prose, signature
from xcedu_replica.families.family import (
    CHARSETS,
    EDITORS,
    STANDARD_META_NAMES,
    Article,
    FamilySite,
    built,
    draft,
    head_metas,
    html_reply,
    ordinary_body,
)
from xcedu_replica.model import Listing, Reply, href, shanghai_time
from xcedu_replica.templates import link_text
from xcedu_replica.variation import Variation, variation
from xcedu_replica.vocabulary import DOCUMENT_NAMES

SITE_NAME = "长葛市教育局"
SOURCES = ("长葛市教育局", "长葛市教育局办公室", "长葛市教育局基础教育股", "长葛市教研室")


class Column(NamedTuple):
    """A column; its list pages are BASE.EXT, BASE_1.EXT, BASE_2.EXT… and so are its details."""

    id: str
    name: str
    base: str
    ext: str


COLUMNS = (
    Column("gzdt", "工作动态", "index", "html"),
    Column("tzgg", "通知公告", "index", "html"),
    Column("zcwj", "政策文件", "list", "shtml"),
)
_COLUMNS = {column.id: column for column in COLUMNS}
PER_COLUMN = 25
PAGE_SIZE = 8

PAGER_SCRIPT_PATH = "/js/createPageHTML.js"
# The template's pager function, run by the browser: the HTML itself holds no pager link.
_PAGER_SCRIPT = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  function link(i, text) {
    var name = i == 0 ? _sPageName : _sPageName + "_" + i;
    document.write('<a href="' + name + "." + _sPageExt + '">' + text + "</a> ");
  }
  if (_nCurrIndex > 0) { link(_nCurrIndex - 1, "&#19978;&#19968;&#39029;"); }
  if (_nCurrIndex + 1 < _nPageCount) { link(_nCurrIndex + 1, "&#19979;&#19968;&#39029;"); }
}
"""
# Templates written by hand over the years: meta names are matched case-insensitively.
LOWER_CASE_META_NAMES = ("ArticleTitle", "pubdate", "contentSource")
EDITOR_CONTAINER = "TRS_Editor"
# The newer UEditor-based body keeps several classes, TRS_UEDITOR among them.
UEDITOR_CONTAINER = "view TRS_UEDITOR trs_paper_default trs_web"
CLOCK_TEXT = "今天是2026年11月29日 星期日"

PROFILE_HINTS = {
    "column_paths": tuple(f"/{c.id}/{c.base}.{c.ext}" for c in COLUMNS),
    # The breadcrumb's last link names the column, on list and detail pages alike (the
    # ColumnName meta and the <title> "通知公告_长葛市教育局" agree with it).
    "column_name": (".position a:last-of-type::text",),
    "list_entry": "ul.list > li",
    "entry_link": "a",  # its title attribute holds the whole title; the text may be cut "..."
    "entry_date": "span",
    # createPageHTML(total pages, current 0-based index, base name, extension): page index i
    # (i = n - 1 for page n) is BASE.EXT for i = 0, else BASE_i.EXT, in the first page's folder.
    "pager_regex": r'createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\)',
    "detail_url_regex": r"/\d{6}/t\d{8}_\d+(?:_\d+)?\.s?html$",
    "title": ("h2.title",),  # absent on some pages: then the ArticleTitle meta
    "title_meta": "ArticleTitle",
    "body": (".TRS_Editor", ".TRS_UEDITOR"),
    "body_trailer_regex": r"^（责任编辑：[^）]*）$",  # the container's last <p>: not a paragraph
    "info_bar": ("div.info",),  # "发布时间：2022-03-01 09:30  来源：长葛市教育局"
    "source_labels": ("来源",),
    "date_labels": ("发布时间",),
    "meta_names": STANDARD_META_NAMES,  # matched case-insensitively
    "attachment_areas": (".TRS_Editor", ".TRS_UEDITOR", "div.attach"),
    # A split article: the same createPageHTML call inside div.article, with the detail
    # page's own stem as base name (t20220310_9210001.html, then t20220310_9210001_1.html).
    "article_pager": ("div.article div.page script",),
    "not_date_areas": ("div.sidebar",),  # a clock line stands there before the article
}


@dataclass(frozen=True)
class TrsArticle(Article):
    """An article of the site, with the looks its template varies."""

    visible_title: bool = True  # an <h2 class="title">; the ArticleTitle meta is always there
    visible_date: bool = True  # the date in the info line; without, only the PubDate meta has it
    pubdate_meta: bool = True
    meta_names: tuple[str, str, str] = STANDARD_META_NAMES
    container: str = EDITOR_CONTAINER  # the class attribute of the body container
    sidebar_clock: bool = False  # a sidebar with today's date before the article

    @property
    def raw_date_text(self) -> str:
        return self.date_text if self.visible_date else self.meta_date_text

    def part_path(self, index: int) -> str:
        """Page INDEX (0-based): t…_1.html is the second page of t….html."""
        if index == 0:
            return self.path
        stem, ext = self.path.rsplit(".", 1)
        return f"{stem}_{index}.{ext}"


def list_page_path(column: Column, index: int) -> str:
    """List page INDEX (0-based) of COLUMN."""
    name = column.base if index == 0 else f"{column.base}_{index}"
    return f"/{column.id}/{name}.{column.ext}"


def _native_pages(column: Column) -> Callable[[int], str]:
    """The family's own path of page n (1-based) of COLUMN."""
    return lambda number: list_page_path(column, number - 1)


def detail_path(column: Column, day: date, number: int) -> str:
    return f"/{column.id}/{day:%Y%m}/t{day:%Y%m%d}_{number}.{column.ext}"


class TrsSite(FamilySite):
    """The site: build it with build_trs_site()."""

    def __init__(self, page_size: int = PAGE_SIZE, variation: Variation | None = None):
        super().__init__(tuple((column.id, column.name) for column in COLUMNS), variation)
        self.page_size = page_size
        self.serve("/", html_reply(_home_page()))
        self.serve(PAGER_SCRIPT_PATH, Reply(200, "application/javascript", _PAGER_SCRIPT.encode()))

    def detail_reply(self, article: Article, index: int) -> Reply:
        return html_reply(_detail_page(article, index, self.variation), article.charset)

    def list_pages(self, column_id: str) -> list[list[Listing]]:
        """The entries of each list page of the column, in order."""
        entries = self.listings[column_id]
        size = self.page_size
        return [entries[start : start + size] for start in range(0, len(entries), size)] or [[]]

    def list_routes(self) -> dict[str, Reply]:
        routes = {}
        for column in COLUMNS:
            pages = self.list_pages(column.id)
            for index, listings in enumerate(pages):
                html = _list_page(column, index, len(pages), listings, self.variation)
                routes[self.list_page_path(column, index)] = html_reply(html)
        return routes

    def list_page_path(self, column: Column, index: int) -> str:
        """Where list page INDEX (0-based) of COLUMN is served: the variation's pager decides."""
        if self.variation is None:
            return list_page_path(column, index)
        native = _native_pages(column)
        return self.variation.pager.page_path(native(1), index + 1, native)

    def column_start_paths(self) -> list[str]:
        return [list_page_path(column, 0) for column in COLUMNS]


def build_trs_site(
    per_column: int = PER_COLUMN, page_size: int = PAGE_SIZE, variation_seed: int | None = None
) -> TrsSite:
    """The site with PER_COLUMN entries in each column, special cases included; deterministic.
    With a VARIATION_SEED, in the markup that seed draws (None: the family's own)."""
    site = TrsSite(page_size, variation(variation_seed))
    return built(site, _add_special_cases, per_column, _ordinary)


# Ordinary announcements

_ORDINARY_NUMBER_BASE = 9_100_000
_DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls")


def _ordinary(serial: int, column_id: str, day: date) -> TrsArticle:
    """Announcement number SERIAL; its looks cycle with SERIAL so that every one occurs."""
    rng = Random(f"trs-{serial}")
    column = _COLUMNS[column_id]
    content = draft(rng, serial, day, SOURCES)
    number = _ORDINARY_NUMBER_BASE + serial
    path = detail_path(column, day, number)
    folder = posixpath.dirname(path)
    image_src = f"./W0{day:%Y%m%d}{number}.jpg" if rng.random() < 0.2 else None
    attachments = ()
    if rng.random() < 0.3:
        name = rng.choice(DOCUMENT_NAMES).format(year=day.year, topic=content.topic)
        extension = rng.choice(_DOCUMENT_EXTENSIONS)
        attachments = ((f"{folder}/P0{day:%Y%m%d}{number}_1.{extension}", f"{name}.{extension}"),)
    visible_date = serial % 7 != 4
    return TrsArticle(
        path=path,
        column=column_id,
        title=content.title,
        moment=content.moment,
        precision=content.precision,
        source=content.source,
        parts=(ordinary_body(rng, content, image_src),),
        attachments=attachments,
        editor=None if serial % 4 == 3 else EDITORS[serial % len(EDITORS)],
        visible_title=serial % 5 != 2,
        visible_date=visible_date,
        # A page without a visible date always has the meta: no page is undated.
        pubdate_meta=not visible_date or serial % 3 != 0,
        meta_names=LOWER_CASE_META_NAMES if serial % 3 == 1 else STANDARD_META_NAMES,
        container=UEDITOR_CONTAINER if serial % 2 else EDITOR_CONTAINER,
    )


# Special cases

_GZDT, _TZGG, _ZCWJ = COLUMNS


def _special(column: Column, number: int, title: str, when: str, parts: tuple[Body, ...],
             **looks) -> TrsArticle:  # fmt: skip
    moment = shanghai_time(when, "%Y-%m-%d %H:%M")
    return TrsArticle(
        path=detail_path(column, moment.date(), number), column=column.id, title=title,
        moment=moment, precision="minute", source=SOURCES[0], parts=parts, **looks,
    )  # fmt: skip


def _add_special_cases(site: TrsSite) -> None:
    split = _special(
        _TZGG, 9_210_001, "【通知】长葛市2022年普通高中招生工作实施方案", "2022-03-10 08:30",
        (
            Body((
                paragraph("为做好我市2022年普通高中招生工作，根据省、市有关规定，制定本方案。"),
                heading("一、招生计划"),
                paragraph("2022年全市普通高中计划招生四千余人，招生计划向农村初中倾斜。"),
                heading("二、报名办法"),
                paragraph("报名对象为具有本市学籍的应届初中毕业生，报名实行网上报名。"),
            )),
            Body((
                heading("三、录取办法"),
                paragraph("录取工作按照“志愿优先、分数优先”的原则，分批次进行。"),
                heading("四、工作要求"),
                paragraph("各学校要严格执行招生政策，严禁违规招生、有偿招生。"),
                signature("长葛市教育局"),
                signature("2022年3月10日"),
            )),
        ),
        editor="李明",
    )  # fmt: skip
    site.add_page("article split over two pages", split, "split")

    gbk = _special(
        _GZDT, 9_210_002, "长葛市召开2022年校园安全工作专题会议", "2022-03-08 15:30",
        (prose(
            "3月8日下午，长葛市教育局召开校园安全工作专题会议，分析研判当前校园安全形势。",
            "会议要求，各学校要全面排查校舍、消防、食品等方面的安全隐患，建立整改台账。",
            "会议强调，要加强校园周边综合治理，落实上下学时段“护学岗”制度。",
        ),),
        charset="gbk", editor="王芳",
    )  # fmt: skip
    site.add_page("GBK page", gbk, "gbk")

    clock = _special(
        _GZDT, 9_210_003, "长葛市扎实推进“双减”工作落地见效", "2022-03-04 10:15",
        (prose(
            "今年以来，长葛市教育局把“双减”工作作为一号工程，全面推行课后服务“5+2”模式。",
            "全市义务教育学校课后服务实现全覆盖，学生参与率达到百分之九十五以上。",
        ),),
        pubdate_meta=False, sidebar_clock=True, editor="张三",
    )  # fmt: skip
    site.add_page("sidebar clock before the article", clock, "clock")

    missing = detail_path(_TZGG, date(2022, 3, 7), 9_210_004)
    site.add_missing("404 entry", Listing(
        _TZGG.id, missing, "关于做好2022年中小学教师资格考试报名工作的通知", date(2022, 3, 7)
    ))  # fmt: skip

    document = f"/{_ZCWJ.id}/202203/P020220305397481234567.pdf"
    site.add_entry("file entry", "file", Listing(
        _ZCWJ.id, document, "长葛市2022年义务教育阶段学校招生入学政策问答", date(2022, 3, 5)
    ))  # fmt: skip

    meta_only = _special(
        _ZCWJ, 9_210_006, "关于印发《长葛市中小学校园安全管理办法》的通知", "2022-03-06 16:20",
        (prose(
            "各乡镇（街道）中心学校，市直各学校：",
            "现将《长葛市中小学校园安全管理办法》印发给你们，请认真遵照执行。",
            "各学校要完善突发事件应急预案，每学期至少组织两次应急疏散演练。",
        ),),
        visible_title=False, meta_names=LOWER_CASE_META_NAMES, container=UEDITOR_CONTAINER,
        editor="赵磊",
    )  # fmt: skip
    site.add_page("title only in the meta, lower-case metas, UEditor body", meta_only, "meta-only")

    folder = f"/{_TZGG.id}/202203/"
    attached = _special(
        _TZGG, 9_210_007, "关于公布2022年长葛市中小学教师招聘考试成绩的公告", "2022-03-02 14:06",
        (prose(
            "根据《长葛市2022年公开招聘中小学教师公告》，现将考试成绩予以公布。",
            "请进入资格复审的人员按时参加资格复审，逾期视为自动放弃。",
        ),),
        attachments=(
            (folder + "P020220302541236987412.xlsx", "2022年教师招聘考试成绩.xlsx"),
            (folder + "P020220302541236987413.doc", "关于资格复审有关事项的说明.doc"),
        ),
        editor="张三",
    )  # fmt: skip
    site.add_page("attachments after the body", attached, "attachments")


# Markup

_NAV = "".join(
    f'<li><a href="{list_page_path(column, 0)}">{column.name}</a></li>' for column in COLUMNS
)
_HEADER = f"""<div class="header">
<div class="logo"><a href="/">{SITE_NAME}</a></div>
<ul class="nav"><li><a href="/">首页</a></li>{_NAV}</ul>
</div>"""
_SIDEBAR = f"""<div class="sidebar">
<div class="clock">{CLOCK_TEXT}</div>
<div class="links"><h4>相关链接</h4><ul>
<li><a href="http://jyt.henan.gov.cn/" target="_blank">河南省教育厅</a></li>
<li><a href="http://www.changge.gov.cn/" target="_blank">长葛市人民政府</a></li>
</ul></div>
</div>"""
_FOOTER = f"""<div class="footer">
<p>主办单位：{SITE_NAME} &nbsp;&nbsp; 地址：长葛市建设路 &nbsp;&nbsp; 网站标识码：4110820012</p>
</div>"""
_FONT_SIZES = (
    '<span class="font">【字体：<a href="javascript:doZoom(16)">大</a> '
    '<a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</span>'
)


def _page(title: str, main: str, charset: str = "utf-8", head_extra: str = "",
          sidebar: bool = False) -> str:  # fmt: skip
    """A whole page: header, MAIN and footer; with SIDEBAR, a sidebar before MAIN."""
    before_main = f"{_SIDEBAR}\n" if sidebar else ""
    return f"""<!DOCTYPE html>
<html>
<head>
{CHARSETS[charset].meta}
<meta name="SiteName" content="{SITE_NAME}">
{head_extra}<title>{escape(title, quote=False)}</title>
<script type="text/javascript" src="{PAGER_SCRIPT_PATH}"></script>
</head>
<body>
{_HEADER}
<div class="container">
{before_main}<div class="main">
{main}
</div>
</div>
{_FOOTER}
</body>
</html>
"""


def _position(column: Column, variation: Variation | None) -> str:
    if variation is not None:
        return variation.breadcrumb([("/", "首页"), (list_page_path(column, 0), column.name)],
                                    "position")  # fmt: skip
    return (
        '<div class="position">当前位置：<a href="/" class="CurrChnlCls">首页</a>'
        f' &gt; <a href="{list_page_path(column, 0)}" class="CurrChnlCls">{column.name}</a></div>'
    )


def _pager_call(total: int, index: int, base: str, ext: str) -> str:
    call = f'createPageHTML({total}, {index}, "{base}", "{ext}");'
    return f'<div class="page"><script type="text/javascript">{call}</script></div>'


def _relative(folder: str, path: str) -> str:
    """PATH as the template links it from a page in FOLDER: "./202203/t….html"."""
    return "./" + posixpath.relpath(path, folder)


def _list_page(column: Column, index: int, total: int, listings: list[Listing],
               variation: Variation | None) -> str:  # fmt: skip
    if variation is None:
        entries = "\n".join(_list_entry(column, listing) for listing in listings)
        main = f"""{_position(column, variation)}
<ul class="list">
{entries}
</ul>
{_pager_call(total, index, column.base, column.ext)}"""
    else:
        main = _varied_list(column, index, total, listings, variation)
    head = f'<meta name="ColumnName" content="{column.name}">\n'
    return _page(f"{column.name}_{SITE_NAME}", main, head_extra=head)


def _varied_list(column: Column, index: int, total: int, listings: list[Listing],
                 variation: Variation) -> str:  # fmt: skip
    crumb = _position(column, variation)
    entries = variation.entries(
        [(_entry_link(column, listing), f"{listing.list_date:%Y-%m-%d}") for listing in listings],
        "list",
    )
    native = _native_pages(column)
    pager = variation.pager.html(index + 1, total, native(1), native)
    return f"""{variation.crumb_at("top", crumb)}
<div class="lm-box">
{variation.crumb_at("in_box", crumb)}<div class="lm-head">
{variation.crumb_at("above_title", crumb)}<h3 class="lm-name">{column.name}</h3>
</div>
{variation.wrap(entries, "list")}
{pager}
</div>"""


def _entry_link(column: Column, listing: Listing) -> str:
    link = listing.link
    if link.startswith("/"):
        link = _relative(f"/{column.id}", link)
    return (
        f'<a href="{escape(href(link))}" title="{escape(listing.title)}" target="_blank">'
        f"{escape(link_text(listing.title), quote=False)}</a>"
    )


def _list_entry(column: Column, listing: Listing) -> str:
    return f"<li>{_entry_link(column, listing)}<span>{listing.list_date:%Y-%m-%d}</span></li>"


def _detail_page(article: TrsArticle, index: int, variation: Variation | None) -> str:
    column = _COLUMNS[article.column]
    folder = posixpath.dirname(article.path)
    title = escape(article.title, quote=False)
    crumb = _position(column, variation)
    place = "top" if variation is None else variation.crumb_place
    heading_html = f'<h2 class="title">{title}</h2>\n' if article.visible_title else ""
    if place == "above_title":
        heading_html = f'<div class="article-head">{crumb}\n{heading_html}</div>\n'
    info = []
    if article.visible_date:
        shown = article.date_text
        info.append(f"发布时间：{shown}" if variation is None else variation.date_text(shown))
    if article.source is not None:
        source = escape(article.source, quote=False)
        info.append(f"来源：{source}" if variation is None else variation.source_text(source))
    trailer = f"\n<p>{article.trailer}</p>" if article.trailer else ""
    pager = ""
    if len(article.parts) > 1:
        first_page = PurePosixPath(article.path)
        pager = "\n" + _pager_call(
            len(article.parts), index, first_page.stem, first_page.suffix.removeprefix(".")
        )
    attachments = ""
    if article.attachments:
        links = "<br>".join(
            f'<a href="{escape(href(_relative(folder, path)))}">{escape(name, quote=False)}</a>'
            for path, name in article.attachments
        )
        attachments = f'\n<div class="attach">附件：<br>{links}</div>'
    body = f"""<div class="{article.container}">
{article.parts[index].html}{trailer}
</div>"""
    if variation is not None:
        body = variation.wrap(body, "article")
    main = f"""{crumb if place == "top" else ""}
<div class="article">
{crumb if place == "in_box" else ""}{heading_html}\
<div class="info">{"&nbsp;&nbsp;".join(info)}{_FONT_SIZES}</div>
{body}{pager}{attachments}
</div>"""
    return _page(
        f"{article.title}_{SITE_NAME}", main, article.charset, head_metas(article, column.name, article.meta_names, article.pubdate_meta),
        sidebar=article.sidebar_clock,
    )  # fmt: skip


def _home_page() -> str:
    links = "".join(f'<li><a href="{list_page_path(c, 0)}">{c.name}</a></li>' for c in COLUMNS)
    return _page(SITE_NAME, f'<ul class="columns">{links}</ul>')
