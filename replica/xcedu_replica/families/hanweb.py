"""A city bureau's Hanweb JCMS site: list records as CDATA in a script, later ones only by a POSTed dataproxy."""

from __future__ import annotations

import json
from datetime import date
from html import escape
from random import Random
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from xcedu_replica.body import Body, paragraph, prose, signature
from xcedu_replica.families.family import (
    CHARSETS,
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

SITE_NAME = "禹州市教育局"
SOURCES = ("禹州市教育局", "禹州市教育局办公室", "禹州市教育局基础教育股", "禹州市招生办公室")


class Column(NamedTuple):
    """A column and the id of the jpage module (unitid) that lists it."""

    id: str
    name: str
    unit_id: str


COLUMNS = (
    Column("1271", "工作动态", "4569"),
    Column("1272", "通知公告", "4570"),
    Column("1273", "政策文件", "4571"),
)
_COLUMNS = {column.id: column for column in COLUMNS}
PER_COLUMN = 28
PER_PAGE = 10

DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
JPAGE_SCRIPT_PATH = "/module/web/jpage/jpage.js"
HITS_PATH = "/module/visitcount/articlehits.jsp"
FORM_FIELDS = (
    "col", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype"
)  # fmt: skip
RANGE_FIELDS = ("startrecord", "endrecord", "perpage")

PROFILE_HINTS = {
    "column_paths": tuple(f"/col/col{column.id}/index.html" for column in COLUMNS),
    # The breadcrumb's last link names the column (the ColumnName meta agrees).
    "column_name": (".bt-position a:last-of-type::text",),
    # The list is not in the HTML: each entry is the CDATA of a <record> in the
    # <script type="text/xml"> datastore, and in the dataproxy's XML alike.
    "datastore": 'script[type="text/xml"]',
    "record_regex": r"<record><!\[CDATA\[(.*?)\]\]></record>",
    "list_entry": "li",  # within a record's CDATA
    "entry_link": "a",  # its title attribute holds the whole title; the text may be cut "..."
    "entry_date": "span",
    "jpage_total_regex": r"totalRecord\s*:\s*(\d+)",
    "jpage_per_page_regex": r"perPage\s*:\s*(\d+)",
    "jpage_params_regex": r"ajaxParam\s*:\s*(\{[^{}]*\})",  # a JSON object of FORM_FIELDS
    "dataproxy_path": DATAPROXY_PATH,  # POST only; a GET answers 405
    # In the query: 1-based, inclusive record numbers and the page size, e.g.
    # ?startrecord=11&endrecord=20&perpage=10; the reply is <datastore> XML with
    # <totalrecord>, <totalpage> and a <recordset> of those records.
    "dataproxy_query": RANGE_FIELDS,
    "dataproxy_form_fields": FORM_FIELDS,  # form-encoded, values as in ajaxParam
    "detail_url_regex": r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",
    "title": ("td.title",),
    "title_meta": "ArticleTitle",
    "body": ("#zoom",),
    "body_trailer_regex": r"^（责任编辑：[^）]*）$",  # the container's last <p>: not a paragraph
    "info_bar": ("td.info",),  # <span>发布日期：2022-03-01</span><span>信息来源：禹州市教育局</span>
    "source_labels": ("信息来源",),
    "date_labels": ("发布日期",),
    "meta_names": STANDARD_META_NAMES,
    "attachment_areas": ("#zoom",),
}


def column_path(column: Column) -> str:
    return f"/col/col{column.id}/index.html"


def detail_path(column_id: str, day: date, number: int) -> str:
    return f"/art/{day.year}/{day.month}/{day.day}/art_{column_id}_{number}.html"


def ajax_params(column: Column, varied: bool = False) -> dict[str, str]:
    """The form fields the column page's script gives jpage, and the dataproxy wants back;
    VARIED: as a variation's site has them, with an appid besides."""
    params = {
        "col": "1", "webid": "1", "path": "/", "columnid": column.id, "sourceContentType": "1",
        "unitid": column.unit_id, "webname": SITE_NAME, "permissiontype": "0",
    }  # fmt: skip
    return {"col": "1", "appid": "1", **params} if varied else params


def js_literal(params: dict[str, str]) -> str:
    """PARAMS as a Hanweb template writes them: a JavaScript object literal, unquoted keys,
    numbers bare and other values in single quotes: {col:1,appid:'1',webid:1,path:'/',…}."""

    def value(key: str, text: str) -> str:
        # appid is a string even where it looks like a number, as on real pages.
        return text if text.isdigit() and key != "appid" else f"'{text}'"

    return "{" + ",".join(f"{key}:{value(key, text)}" for key, text in params.items()) + "}"


class HanwebSite(FamilySite):
    """The site: build it with build_hanweb_site().

    A column page (/col/col1272/index.html) holds, in <div id="{unitid}">, a
    <script type="text/xml"><datastore><nextgroup><![CDATA[<a href="…dataproxy.jsp?page=1…">
    </a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/art/2022/3/1/art_1272_80012.html"
    title="whole title" target="_blank">cut title...</a><span>2022-03-01</span></li>]]></record>
    …</recordset></datastore></script> with the first PER_PAGE records only, then a script
    calling $("#4570").jpage({totalRecord: 28, perPage: 10, proxyUrl: "…dataproxy.jsp",
    ajaxParam: {"col": "1", "webid": "1", "path": "/", "columnid": "1272",
    "sourceContentType": "1", "unitid": "4570", "webname": "禹州市教育局", "permissiontype": "0"}}).

    The other records come from POST /module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=20
    &perpage=10 with the ajaxParam fields as its form (query and form are read alike, as a
    JSP's getParameter does). A missing or wrong field, or a bad range, answers 400.
    """

    def __init__(self, per_page: int = PER_PAGE, variation: Variation | None = None):
        super().__init__(tuple((column.id, column.name) for column in COLUMNS), variation)
        self.per_page = per_page
        self.serve("/", html_reply(_home_page()))
        self.serve(JPAGE_SCRIPT_PATH, _script_reply("jQuery.fn.jpage = function (options) {};"))
        self.serve(HITS_PATH, _script_reply('document.write("128");'))

    def detail_reply(self, article: Article, index: int) -> Reply:
        return html_reply(_detail_page(article, self.variation), article.charset)

    def list_routes(self) -> dict[str, Reply]:
        return {
            column_path(column): html_reply(
                _column_page(column, self.listings[column.id][: self.per_page],
                             len(self.listings[column.id]), self.per_page, self.variation)
            )
            for column in COLUMNS
        }  # fmt: skip

    def column_start_paths(self) -> list[str]:
        return [column_path(column) for column in COLUMNS]

    def respond(self, path: str, attempt: int = 1) -> Reply | None:
        if unquote(urlsplit(path).path) == DATAPROXY_PATH:
            return _GET_REFUSED
        return super().respond(path, attempt)

    def respond_post(self, path: str, body: bytes) -> Reply | None:
        """The dataproxy's answer to a POST of PATH with form BODY; other pages refuse POSTs."""
        parts = urlsplit(path)
        if unquote(parts.path) != DATAPROXY_PATH:
            return _POST_REFUSED if super().respond(path) else None
        try:
            form = body.decode("utf-8")
        except UnicodeDecodeError:
            return _bad_request("表单编码错误")
        params = dict(parse_qsl(parts.query)) | dict(parse_qsl(form))
        column = _COLUMNS.get(params.get("columnid", ""))
        if column is None:
            return _bad_request("栏目不存在")
        for field, value in ajax_params(column, self.variation is not None).items():
            if params.get(field) != value:
                return _bad_request(f"参数{field}错误")
        try:
            start, end, per_page = (int(params[field]) for field in RANGE_FIELDS)
        except (KeyError, ValueError):
            return _bad_request("记录范围错误")
        if start < 1 or end < start or per_page < 1:
            return _bad_request("记录范围错误")
        entries = self.listings[column.id]
        reply = _datastore_reply(
            column, entries[start - 1 : end], len(entries), per_page, self.variation
        )
        return self.restyled(reply)


def build_hanweb_site(
    per_column: int = PER_COLUMN, per_page: int = PER_PAGE, variation_seed: int | None = None
) -> HanwebSite:
    """The site with PER_COLUMN records in each column, special cases included; deterministic.
    With a VARIATION_SEED, in the markup that seed draws (None: the family's own)."""
    site = HanwebSite(per_page, variation(variation_seed))
    return built(site, _add_special_cases, per_column, _ordinary)


# Ordinary announcements

_ORDINARY_NUMBER_BASE = 80_000
_DOCUMENT_EXTENSIONS = ("pdf", "docx", "xlsx", "wps")


def _ordinary(serial: int, column_id: str, day: date) -> Article:
    rng = Random(f"hanweb-{serial}")
    content = draft(rng, serial, day, SOURCES)
    number = _ORDINARY_NUMBER_BASE + serial
    stamp = f"{day:%y%m%d}{number}"
    image_src = f"/picture/0/{stamp}.jpg" if rng.random() < 0.2 else None
    document = None
    if rng.random() < 0.3:
        extension = rng.choice(_DOCUMENT_EXTENSIONS)
        name = rng.choice(DOCUMENT_NAMES).format(year=day.year, topic=content.topic)
        document = (f"/attach/0/{stamp}.{extension}", f"{name}.{extension}")
    return Article(
        path=detail_path(column_id, day, number),
        column=column_id,
        title=content.title,
        moment=content.moment,
        precision=content.precision,
        source=content.source,
        parts=(ordinary_body(rng, content, image_src, document),),
    )


# Special cases

_GZDT, _TZGG, _ZCWJ = COLUMNS


def _special(column: Column, number: int, title: str, when: str, body: Body,
             **fields) -> Article:  # fmt: skip
    moment = shanghai_time(when, "%Y-%m-%d %H:%M")
    return Article(
        path=detail_path(column.id, moment.date(), number), column=column.id, title=title,
        moment=moment, precision="minute", source=SOURCES[0], parts=(body,), **fields,
    )  # fmt: skip


def _add_special_cases(site: HanwebSite) -> None:
    site.add_entry("external entry", "external", Listing(
        _GZDT.id, "https://mp.weixin.qq.com/s/yzjy-2022-shuangjian",
        "禹州市举办中小学生“双减”成果展示活动", date(2022, 3, 6),
    ))  # fmt: skip

    site.add_missing("404 entry", Listing(
        _TZGG.id, detail_path(_TZGG.id, date(2022, 3, 7), 88_001),
        "关于做好2022年中小学教师资格考试报名工作的通知", date(2022, 3, 7),
    ))  # fmt: skip

    edited = _special(
        _ZCWJ, 88_002, "【通知】关于做好2022年义务教育阶段学校招生入学工作的通知",
        "2022-03-08 09:05",
        Body((
            paragraph("各乡镇（街道）中心学校，市直各学校：", indent=""),
            paragraph("为切实做好2022年义务教育阶段学校招生入学工作，现将有关事项通知如下。"),
            paragraph("各地要严格落实“双减”要求，严禁以各类考试、竞赛成绩作为招生依据。"),
            signature("禹州市教育局"),
        )),
        editor="王芳",
    )  # fmt: skip
    site.add_page("editor trailer in the body", edited, "trailer")

    mislabelled = _special(
        _GZDT, 88_003, "禹州市召开2022年学前教育工作推进会", "2022-03-04 15:30",
        prose(
            "3月4日，禹州市教育局召开2022年学前教育工作推进会。",
            "会议要求，扩大普惠性学前教育资源，坚决纠正幼儿园“小学化”倾向。",
            "各乡镇（街道）中心学校负责同志参加会议。",
        ),
        charset="utf-8-meta-gb2312",
    )  # fmt: skip
    site.add_page("UTF-8 page whose meta says gb2312", mislabelled, "mislabelled")


# Markup

_GET_REFUSED = Reply(
    405, "text/html;charset=UTF-8",
    "<html><body><h1>HTTP Status 405 - HTTP method GET is not supported by this URL</h1>"
    "</body></html>".encode(),
)  # fmt: skip
_POST_REFUSED = Reply(
    405, "text/html;charset=UTF-8",
    b"<html><body><h1>HTTP Status 405 - Method Not Allowed</h1></body></html>",
)  # fmt: skip
_NAV = "".join(f'<li><a href="{column_path(column)}">{column.name}</a></li>' for column in COLUMNS)
_HEADER = f"""<div class="header">
<div class="logo"><a href="/">{SITE_NAME}</a></div>
<ul class="nav"><li><a href="/">首页</a></li>{_NAV}</ul>
</div>"""
_FONT_SIZES = (
    '【字体：<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> '
    '<a href="javascript:doZoom(12)">小</a>】'
)
_FOOTER = f"""<div class="footer">
<p>主办：{SITE_NAME} &nbsp; 技术支持：南京大汉网络有限公司 &nbsp; 网站标识码：4110810010</p>
</div>"""


def _script_reply(text: str) -> Reply:
    return Reply(200, "application/javascript", text.encode())


def _bad_request(message: str) -> Reply:
    return Reply(400, "text/html;charset=UTF-8", f"<html><body>{message}</body></html>".encode())


def _page(title: str, main: str, head_extra: str = "", charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
{CHARSETS[charset].meta}
<meta name="SiteName" content="{SITE_NAME}">
{head_extra}<title>{escape(title, quote=False)}</title>
</head>
<body>
{_HEADER}
<div class="main">
{main}
</div>
{_FOOTER}
</body>
</html>
"""


def _position(column: Column, variation: Variation | None) -> str:
    if variation is not None:
        return variation.breadcrumb([("/", "首页"), (column_path(column), column.name)],
                                    "bt-position")  # fmt: skip
    return (
        '<div class="bt-position">当前位置：<a href="/">首页</a>'
        f' &gt; <a href="{column_path(column)}">{column.name}</a></div>'
    )


def _record(listing: Listing, variation: Variation | None) -> str:
    link = (
        f'<a href="{escape(href(listing.link))}" title="{escape(listing.title)}" '
        f'target="_blank">{escape(link_text(listing.title), quote=False)}</a>'
    )
    day = f"{listing.list_date:%Y-%m-%d}"
    if variation is None:
        entry = f"<li>{link}<span>{day}</span></li>"
    elif variation.entry_shape == "table-tr":
        entry = variation.entries([(link, day)], "list")  # a table of its own, as Hanweb writes
    else:
        entry = variation.entry(link, day)
    return f"<record><![CDATA[{entry}]]></record>"


def _next_group(column: Column) -> str:
    # The template's own link, quotes and all: it only tells jpage where the proxy is.
    query = (
        f"page=1&webid=1&path='/'&columnid={column.id}&unitid={column.unit_id}"
        f"&webname='{quote(SITE_NAME)}'&permissiontype=0"
    )
    return f'<nextgroup><![CDATA[<a href="{DATAPROXY_PATH}?{query}"></a>]]></nextgroup>'


def _column_page(column: Column, first: list[Listing], total: int, per_page: int,
                 variation: Variation | None) -> str:  # fmt: skip
    records = "\n".join(_record(listing, variation) for listing in first)
    if variation is None:
        params = json.dumps(ajax_params(column), ensure_ascii=False)
        before, after = '<ul class="list">', "</ul>"
    else:
        params = js_literal(ajax_params(column, varied=True))
        before, after = "", ""
        if variation.entry_shape != "table-tr":
            before = variation.entries_open("list").strip()
            after = variation.entries_close().strip()
    crumb = _position(column, variation)
    place = "top" if variation is None else variation.crumb_place
    heading = ""
    if place == "above_title":
        heading = f'<div class="lm-head">{crumb}<h3 class="lm-name">{column.name}</h3></div>\n'
    main = f"""{crumb if place == "top" else ""}
<div class="lm-list">
{crumb if place == "in_box" else ""}{heading}\
<div id="{column.unit_id}"><script type="text/xml"><datastore>
{_next_group(column)}
<recordset>
{records}
</recordset>
</datastore></script></div>
<script type="text/javascript" src="{JPAGE_SCRIPT_PATH}"></script>
<script type="text/javascript">
$(document).ready(function () {{
    $("#{column.unit_id}").jpage({{
        dataStore: "#{column.unit_id}",
        totalRecord: {total},
        perPage: {per_page},
        proxyUrl: "{DATAPROXY_PATH}",
        ajaxParam: {params},
        dataBefore: '{before}',
        dataAfter: '{after}'
    }});
}});
</script>
</div>"""
    head = f'<meta name="ColumnName" content="{column.name}">\n'
    return _page(f"{column.name} - {SITE_NAME}", main, head)


def _datastore_reply(column: Column, records: list[Listing], total: int, per_page: int,
                     variation: Variation | None) -> Reply:  # fmt: skip
    record_lines = "".join(f"{_record(listing, variation)}\n" for listing in records)
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<datastore>
{_next_group(column)}
<totalrecord>{total}</totalrecord>
<totalpage>{-(-total // per_page)}</totalpage>
<recordset>
{record_lines}</recordset>
</datastore>
"""
    return Reply(200, "text/xml;charset=UTF-8", xml.encode())


def _detail_page(article: Article, variation: Variation | None) -> str:
    column = _COLUMNS[article.column]
    title = escape(article.title, quote=False)
    number = article.path.rsplit("_", 1)[1].removesuffix(".html")
    shown = article.date_text
    dated = f"发布日期：{shown}" if variation is None else variation.date_text(shown)
    info = [f"<span>{dated}</span>"]
    if article.source is not None:
        source = escape(article.source, quote=False)
        labelled = f"信息来源：{source}" if variation is None else variation.source_text(source)
        info.append(f"<span>{labelled}</span>")
    info.append(
        f'<span>浏览次数：<script src="{HITS_PATH}?colid={column.id}&amp;artid={number}">'
        "</script></span>"
    )
    trailer = f"\n<p>{article.trailer}</p>" if article.trailer else ""
    body = f"""<div id="zoom">
{article.parts[0].html}{trailer}
</div>"""
    crumb = _position(column, variation)
    place = "top" if variation is None else variation.crumb_place
    crumb_row = "" if place == "top" else f"\n<tr><td>{crumb}</td></tr>"
    title_cell = f'<td class="title">{title}</td>'
    if variation is not None:
        body = variation.wrap(body, "article")
        if place == "above_title":
            title_cell = f'<td class="title-cell">{crumb}<div class="title">{title}</div></td>'
            crumb_row = ""
    main = f"""{crumb if place == "top" else ""}
<table class="article" width="100%" cellspacing="0" cellpadding="0">{crumb_row}
<tr>{title_cell}</tr>
<tr><td class="info">{"&nbsp;&nbsp;".join(info)}&nbsp;&nbsp;{_FONT_SIZES}</td></tr>
<tr><td>{body}</td></tr>
<tr><td class="tools"><a href="javascript:window.print()">【打印本页】</a> \
<a href="javascript:window.close()">【关闭窗口】</a></td></tr>
</table>"""
    return _page(article.title, main, head_metas(article, column.name), article.charset)


def _home_page() -> str:
    links = "".join(f'<li><a href="{column_path(c)}">{c.name}</a></li>' for c in COLUMNS)
    return _page(SITE_NAME, f'<ul class="columns">{links}</ul>')
