"""The bureau's Epoint WebBuilder markup: page chrome, list pages, both detail templates, error pages."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import PurePosixPath

from xcedu_replica.model import (
    COLUMN_NAMES,
    COLUMNS,
    META_DATE,
    SITE_ID,
    SITE_NAME,
    Article,
    Listing,
    Reply,
    href,
    list_path,
)
from xcedu_replica.variation import Variation

LIST_TEXT_LIMIT = 24  # longer titles are cut in the link text; the title attribute stays whole

_CHARSET_META = {
    "utf-8": '<meta charset="utf-8">',
    "gbk": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
    "gbk-lying": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
}
_CONTENT_TYPES = {
    "utf-8": "text/html; charset=utf-8",
    "gbk": "text/html",
    "gbk-lying": "text/html; charset=utf-8",
}
# gb18030 writes GBK's own bytes for every GBK character and still encodes anything beyond.
_CODECS = {"utf-8": "utf-8", "gbk": "gb18030", "gbk-lying": "gb18030"}

CLICK_COUNTER_PATH = f"/{SITE_ID}/Upclicktimes.aspx"
LOGO_PATH = f"/{SITE_ID}/images/logo.png"
NOT_FOUND_IMAGE_PATH = f"/{SITE_ID}/images/404.png"
ABOUT_PATH = f"/{SITE_ID}/about.html"
# A document in the sidebar of every page: a crawler must not take it for an attachment.
SIDEBAR_DOCUMENT_PATH = f"/{SITE_ID}/uploads/common/许昌市教育局政务服务事项清单.xls"

STATIC_FILES = (LOGO_PATH, NOT_FOUND_IMAGE_PATH, SIDEBAR_DOCUMENT_PATH)

# Redesigns that break a crawler's selectors, each affecting every page of one kind:
# detail pages lose their source, detail pages rename their content container, list pages
# rename their entries.
NO_SOURCE, BODY_RENAMED, LIST_RENAMED = DRIFTS = ("no_source", "body_renamed", "list_renamed")

_NAV_LINKS = (
    ("/", "首页"),
    *((list_path(catnum, 1), name) for catnum, name in COLUMNS),
    (ABOUT_PATH, "关于我们"),
)
_NAV = "".join(
    f'<li class="ewb-nav-item"><a href="{target}">{text}</a></li>' for target, text in _NAV_LINKS
)
_HEADER = f"""<div class="ewb-header">
<div class="ewb-logo"><a href="/"><img src="{LOGO_PATH}" alt="{SITE_NAME}"></a></div>
<ul class="ewb-nav">{_NAV}</ul>
</div>"""
# The clock reads a fixed day, far from every announcement: a date a crawl must never pick up.
_SIDEBAR = f"""<div class="ewb-side">
<div class="ewb-side-date">今天是2026年11月29日 星期日</div>
<div class="ewb-side-box"><h4 class="ewb-side-title">相关链接</h4>
<ul class="ewb-links">
<li><a href="http://www.moe.gov.cn/" target="_blank">中华人民共和国教育部</a></li>
<li><a href="http://jyt.henan.gov.cn/" target="_blank">河南省教育厅</a></li>
<li><a href="http://www.xuchang.gov.cn/" target="_blank">许昌市人民政府</a></li>
</ul></div>
<div class="ewb-side-box"><h4 class="ewb-side-title">下载专区</h4>
<ul class="ewb-links">
<li><a href="{href(SIDEBAR_DOCUMENT_PATH)}">政务服务事项清单.xls</a></li>
</ul></div>
</div>"""
_FOOTER = """<div class="ewb-footer">
<p>主办单位：许昌市教育局 &nbsp;&nbsp; 地址：许昌市魏都区八一路 &nbsp;&nbsp; 邮编：461000</p>
<p>网站标识码：4110000037 &nbsp;&nbsp;
<a href="https://beian.miit.gov.cn/" target="_blank">豫ICP备05012345号</a></p>
</div>"""


_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)


def html_reply(html: str, encoding: str, status: int = 200) -> Reply:
    return Reply(status, _CONTENT_TYPES[encoding], html.encode(_CODECS[encoding]))


def page(title: str, main: str, encoding: str, head_extra: str = "") -> str:
    """A whole page of the site: header, sidebar, MAIN and footer."""
    return f"""{_DOCTYPE}
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{_CHARSET_META[encoding]}
{head_extra}<title>{escape(title, quote=False)}</title>
</head>
<body>
{_HEADER}
<div class="ewb-container clearfix">
{_SIDEBAR}
<div class="ewb-main">
{main}
</div>
</div>
{_FOOTER}
</body>
</html>
"""


def breadcrumb(catnum: str | None, variation: Variation | None = None) -> str:
    if variation is not None:
        links = [("/", "首页")]
        if catnum is not None:
            links.append((list_path(catnum, 1), COLUMN_NAMES[catnum]))
        return variation.breadcrumb(links, "ewb-location")
    trail = '您当前的位置: <a href="/">首页</a>'
    if catnum is not None:
        trail += f' &gt; <a href="{list_path(catnum, 1)}">{COLUMN_NAMES[catnum]}</a>'
    return f'<div class="ewb-location">{trail}</div>'


def link_text(title: str) -> str:
    """The list's visible text for a title: cut with "..." past the limit."""
    return title if len(title) <= LIST_TEXT_LIMIT else title[: LIST_TEXT_LIMIT - 3] + "..."


def list_page(
    catnum: str,
    page_number: int,
    total_pages: int,
    listings: list[Listing],
    encoding: str,
    drift: str | None = None,
    variation: Variation | None = None,
) -> str:
    name = COLUMN_NAMES[catnum]
    if variation is not None:
        return page(
            f"{name} - {SITE_NAME}",
            _varied_list(catnum, page_number, total_pages, listings, variation),
            encoding,
        )
    entry_class = "list-item-v2" if drift == LIST_RENAMED else "ewb-list-node clearfix"
    entries = "\n".join(_list_entry(listing, entry_class) for listing in listings)
    main = f"""{breadcrumb(catnum)}
<div class="ewb-column">
<h3 class="ewb-column-title">{name}</h3>
<ul class="ewb-list">
{entries}
</ul>
{_pager(page_number, total_pages)}
</div>"""
    return page(f"{name} - {SITE_NAME}", main, encoding)


def _varied_list(catnum: str, number: int, total: int, listings: list[Listing],
                 variation: Variation) -> str:  # fmt: skip
    crumb = breadcrumb(catnum, variation)
    entries = variation.entries(
        [(_entry_link(listing), f"{listing.list_date:%Y-%m-%d}") for listing in listings],
        "ewb-list",
    )
    pager = variation.pager.html(
        number, total, list_path(catnum, 1), lambda n: list_path(catnum, n)
    )
    return f"""{variation.crumb_at("top", crumb)}
<div class="ewb-column">
{variation.crumb_at("in_box", crumb)}<div class="ewb-column-head">
{variation.crumb_at("above_title", crumb)}<h3 class="ewb-column-title">{COLUMN_NAMES[catnum]}</h3>
</div>
{variation.wrap(entries, "ewb-list")}
{pager}
</div>"""


def _entry_link(listing: Listing) -> str:
    title = f' title="{escape(listing.title)}"' if listing.title_attribute else ""
    return (
        f'<a href="{escape(href(listing.link))}"{title} target="_blank" class="ewb-list-name">'
        f"{escape(link_text(listing.title), quote=False)}</a>"
    )


def _list_entry(listing: Listing, entry_class: str) -> str:
    return (
        f'<li class="{entry_class}">{_entry_link(listing)}'
        f'<span class="ewb-list-date">{listing.list_date:%Y-%m-%d}</span></li>'
    )


def _pager(page_number: int, total_pages: int) -> str:
    # Relative links, as the template writes them; 上页 on page 1 and 下页 on the last page
    # link to the page itself.
    def link(number: int, text: str) -> str:
        target = "moreinfo.html" if number == 1 else f"{number}.html"
        return f'<li class="ewb-page-li"><a href="{target}">{text}</a></li>'

    return (
        '<div class="ewb-page"><ul>'
        + link(1, "首页")
        + link(max(1, page_number - 1), "上页")
        + f'<li class="ewb-page-li current"><span>{page_number}/{total_pages}</span></li>'
        + link(min(total_pages, page_number + 1), "下页")
        + link(total_pages, "末页")
        + "</ul></div>"
    )


def detail_page(
    article: Article, part: int, drift: str | None = None, variation: Variation | None = None
) -> str:
    """Part PART (0-based) of an article, in its template as DRIFT (one of DRIFTS) changed it
    and with VARIATION's markup."""
    render = _old_template if article.template == "old" else _new_template
    head_meta = _head_meta(article, drift)
    main = render(article, part, drift, variation)
    return page(article.title, main, article.encoding, head_meta)


def _info_id(article: Article) -> str:
    return PurePosixPath(article.path).stem


def _click_counter(article: Article) -> str:
    return f'<script src="{CLICK_COUNTER_PATH}?InfoID={_info_id(article)}"></script>'


def _head_meta(article: Article, drift: str | None) -> str:
    if not article.meta:
        return ""
    tags = [f'<meta name="ArticleTitle" content="{escape(article.title)}">']
    if article.pubdate_meta is not None:
        tags.append(f'<meta name="PubDate" content="{article.pubdate_meta}">')
    if article.source is not None and drift != NO_SOURCE:
        tags.append(f'<meta name="contentSource" content="{escape(article.source)}">')
    return "\n".join(tags) + "\n"


def _renamed_content(body_html: str) -> str:
    # A redesign's content container: none of the names the template used before.
    return f'<div class="article-content-v2">{body_html}</div>'


def _attachment_links(article: Article, separator: str) -> str:
    return separator.join(
        f'<a href="{escape(href(path))}" target="_blank">{escape(name, quote=False)}</a>'
        for path, name in article.attachments
    )


def _old_template(
    article: Article, part: int, drift: str | None, variation: Variation | None
) -> str:
    attachment_row = ""
    if article.attachments:
        links = _attachment_links(article, "<br>")
        attachment_row = f'\n<tr><td class="ewb-attach">附件：{links}</td></tr>'
    source = f'<span id="infoSource">{escape(article.visible_source or "", quote=False)}</span>'
    shown_date = article.visible_date or ""
    if variation is None:
        source_part, date_part = f"【信息来源:{source}】", f"【信息时间:{shown_date} &nbsp;&nbsp;"
    else:
        source_part = _bracketed(variation.source_text(source))
        date_part = _bracketed(variation.date_text(shown_date)).removesuffix("】") + " &nbsp;&nbsp;"
    info_bar = "" if drift == NO_SOURCE else source_part
    info_bar += (
        f"{date_part}阅读次数:{_click_counter(article)}】"
        '【字号 <a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(14)">小</a>】'
        '【<a href="javascript:window.print()">我要打印</a>】'
        '【<a href="javascript:window.close()">关闭</a>】'
    )
    title, body = escape(article.title, quote=False), article.parts[part].html
    content = (
        f"<td>{_renamed_content(body)}</td>"
        if drift == BODY_RENAMED
        else f'<td id="TDContent" class="infodetail"><!--EpointContent-->{_wrapped(body, variation)}</td>'
    )
    crumb = breadcrumb(article.catnum, variation)
    top, in_table = (
        (crumb, "") if variation is None or variation.crumb_place == "top" else ("", crumb)
    )
    crumb_row = f"\n<tr><td>{in_table}</td></tr>" if in_table else ""
    return f"""{top}
<table id="tblInfo" width="100%" border="0" cellspacing="0" cellpadding="0">{crumb_row}
<tr><td id="tdTitle" align="center"><font><b>{title}</b></font></td></tr>
<tr><td align="center"><font class="webfont">{info_bar}</font></td></tr>
<tr>{content}</tr>{attachment_row}
</table>"""


def _new_template(
    article: Article, part: int, drift: str | None, variation: Variation | None
) -> str:
    source_label, date_label, colon = article.labels
    spans = []
    if article.date_style != META_DATE and drift != NO_SOURCE:
        source = escape(article.visible_source or "", quote=False)
        labelled = (
            f"{source_label}{colon}{source}" if variation is None else variation.source_text(source)
        )
        spans.append(f"<span>{labelled}</span>")
    if article.visible_date is not None:
        shown = article.visible_date
        labelled = (
            f"{date_label}{colon}{shown}" if variation is None else variation.date_text(shown)
        )
        spans.append(f"<span>{labelled}</span>")
    spans.append(f"<span>浏览次数{colon}{_click_counter(article)}</span>")
    title_tag = "h1" if article.template == "new-h1" else "div"
    attachments = ""
    if article.attachments:
        links = _attachment_links(article, " ")
        attachments = f'\n<div class="ewb-article-attach">附件：{links}</div>'
    title, body = escape(article.title, quote=False), article.parts[part].html
    content = (
        _renamed_content(body)
        if drift == BODY_RENAMED
        else _wrapped(f'<div class="ewb-article-info" id="mainContent">{body}</div>', variation)
    )
    after_body = _article_pager(article, part) + attachments
    crumb = breadcrumb(article.catnum, variation)
    place = "top" if variation is None else variation.crumb_place
    heading = f'<{title_tag} class="ewb-article-title">{title}</{title_tag}>'
    if place == "above_title":
        heading = f'<div class="ewb-article-head">{crumb}\n{heading}</div>'
    return f"""{crumb if place == "top" else ""}
<div class="ewb-article">
{crumb if place == "in_box" else ""}{heading}
<div class="ewb-article-sources">{"".join(spans)}</div>
{content}{after_body}
<div class="ewb-article-tools"><a href="javascript:window.print()">【打印本页】</a>
<a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""


def _wrapped(html: str, variation: Variation | None) -> str:
    return html if variation is None else variation.wrap(html, "ewb-article")


def _bracketed(text: str) -> str:
    """TEXT as an old info bar item, 【…】, unless its label is bracketed already."""
    return text if text.startswith("【") else f"【{text}】"


def _article_pager(article: Article, part: int) -> str:
    """The in-article pager of a multi-part article, outside the body container."""
    if len(article.parts) == 1:
        return ""
    names = [PurePosixPath(article.part_path(i)).name for i in range(len(article.parts))]
    links = []
    if part > 0:
        links.append(f'<a href="{names[part - 1]}">上一页</a>')
    links += [f'<a href="{name}">{i + 1}</a>' for i, name in enumerate(names)]
    if part < len(names) - 1:
        links.append(f'<a href="{names[part + 1]}">下一页</a>')
    return f'\n<div class="ewb-article-page">{" ".join(links)}</div>'


def script_redirect_stub(target_path: str) -> str:
    """A page that is nothing but a script sending the browser to TARGET_PATH."""
    script = f'<script>location.href="{href(target_path)}";</script>'
    return f'<html><head><meta charset="utf-8"></head><body>{script}</body></html>'


def challenge_page() -> str:
    """What an anti-crawler WAF sends instead of any page: a script that sets a clearance
    cookie computed in the browser, then loads the page again."""
    return """<html><head><meta charset="utf-8"><title></title></head><body><script>
var k=[0x6a,0x73,0x6c,0x5f,0x63,0x6c,0x65,0x61,0x72],h=0x1505;
for(var i=0;i<k.length;i++){h=((h<<5)+h+k[i])%0x7fffffff;}
document.cookie="__jsl_clearance=1656042314.718|0|"+h.toString(16)+"; path=/";
location.href=location.pathname+location.search;
</script></body></html>
"""


def not_found_page() -> str:
    """The site's own error page, served with HTTP 200."""
    main = f"""{breadcrumb(None)}
<div class="ewb-404"><img src="{NOT_FOUND_IMAGE_PATH}" alt="">
<p class="ewb-404-text">抱歉，您访问的页面不存在或已被删除！</p>
<p><a href="/">返回首页</a> &nbsp; <a href="javascript:history.back()">返回上一页</a></p></div>"""
    return page("页面不存在", main, "utf-8")


def broken_page(catnum: str, source: str, published: date) -> str:
    """A detail page whose template lost its title and its body: only chrome and an info line."""
    main = f"""{breadcrumb(catnum)}
<div class="ewb-article">
<div class="ewb-article-sources"><span>来源：{escape(source, quote=False)}</span>\
<span>发布时间：{published:%Y-%m-%d}</span></div>
<div class="ewb-article-info" id="mainContent"></div>
</div>"""
    return page(SITE_NAME, main, "utf-8")


def home_page() -> str:
    links = "".join(f'<li><a href="{list_path(c, 1)}">{name}</a></li>' for c, name in COLUMNS)
    main = f'{breadcrumb(None)}\n<ul class="ewb-home-columns">{links}</ul>'
    return page(SITE_NAME, main, "utf-8")


def about_page() -> str:
    main = f"""{breadcrumb(None)}
<div class="ewb-about"><p>许昌市教育局是市政府工作部门，负责全市教育工作。</p></div>"""
    return page(f"关于我们 - {SITE_NAME}", main, "utf-8")


def server_error_page() -> str:
    return (
        "<html><head><title>运行时错误</title></head>"
        "<body><h1>“/”应用程序中的服务器错误。</h1><h2><i>运行时错误</i></h2></body></html>"
    )


def missing_page() -> str:
    return (
        "<html><head><title>404 - 找不到文件或目录。</title></head>"
        "<body><h2>404 - 找不到文件或目录。</h2></body></html>"
    )
