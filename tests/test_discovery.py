"""List discovery on markup no profile describes: entries, column name, pager styles, JavaScript literals."""

from __future__ import annotations

import pytest
from parsel import Selector

from xcedu_crawler.extract import discovery
from xcedu_crawler.extract.list_page import ListPage
from xcedu_crawler.extract.sites import get_profile

URL = "http://127.0.0.1/tzgg/index.html"
NAV = '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/tzgg/">通知公告</a></li><li><a href="/gzdt/">工作动态</a></li></ul>'
LINKS_BOX = ('<div><h4>相关链接</h4><ul><li><a href="http://www.moe.gov.cn/">中华人民共和国教育部</a></li>'
             '<li><a href="http://jyt.henan.gov.cn/">河南省教育厅网站首页</a></li></ul></div>')


def page(body: str, title: str = "通知公告 - 某市教育局", url: str = URL) -> ListPage:
    html = f"<html><head><title>{title}</title></head><body>{NAV}{LINKS_BOX}{body}</body></html>"
    return ListPage(Selector(text=html), url, get_profile("generic"))


ENTRY_SHAPES = {
    "ul-li": '<ul class="lm-list">{}</ul>', "table-tr": "<table><tbody>{}</tbody></table>",
    "dl-dd": "<dl>{}</dl>", "div-div": '<div class="box">{}</div>',
}
ENTRY = {
    "ul-li": '<li><a href="/a/{n}.html">关于做好2022年第{n}项招生工作的通知</a><span>2022-03-0{n}</span></li>',
    "table-tr": '<tr><td><a href="/a/{n}.html">关于做好2022年第{n}项招生工作的通知</a></td><td>2022-03-0{n}</td></tr>',
    "dl-dd": '<dd><a href="/a/{n}.html">关于做好2022年第{n}项招生工作的通知</a><em>[2022-03-0{n}]</em></dd>',
    "div-div": '<div><a href="/a/{n}.html">关于做好2022年第{n}项招生工作的通知</a> 2022-03-0{n}</div>',
}


@pytest.mark.parametrize("shape", sorted(ENTRY_SHAPES))
def test_the_repeated_entries_are_found_in_any_shape_never_the_navigation_or_a_link_box(shape):
    entries = "".join(ENTRY[shape].format(n=n) for n in range(1, 6))
    found = page(ENTRY_SHAPES[shape].format(entries)).entries
    assert [entry.url for entry in found] == [f"http://127.0.0.1/a/{n}.html" for n in range(1, 6)]
    assert found[0].title == "关于做好2022年第1项招生工作的通知" and found[0].date_raw == "2022-03-01"


@pytest.mark.parametrize(("crumb", "column"), [
    ('<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">通知公告</a></div>', "通知公告"),
    ('<div>您现在的位置: <a href="/">首页</a> » <a href="/x/">教育动态</a></div>', "教育动态"),
    ('<p>所在位置：<a href="/">首页</a> / <a href="/z/">政策文件</a></p>', "政策文件"),
    ('<span>当前页面：<a href="/">首页</a>→<a href="/g/">工作动态</a></span>', "工作动态"),
])
def test_the_column_is_the_breadcrumbs_last_item_whatever_its_label(crumb, column):
    listed = page(crumb + '<ul><li><a href="/a/1.html">关于做好2022年招生工作的通知</a> 2022-03-01</li></ul>')
    assert (listed.column, listed.provenance["column"]) == (column, "breadcrumb")


def test_without_a_breadcrumb_the_column_comes_from_the_heading_then_the_title():
    entries = "".join(ENTRY["ul-li"].format(n=n) for n in range(1, 4))
    assert page(f"<div><h3>政策法规</h3><ul>{entries}</ul></div>").column == "政策法规"
    titled = page(f"<ul>{entries}</ul>", title="招生考试 - 某市教育局")
    assert (titled.column, titled.provenance["column"]) == ("招生考试", "title")


def test_hanweb_ajaxparam_is_read_as_the_javascript_literal_real_pages_write():
    literal = "{col:1,appid:'1',webid:31,path:'/',columnid:1632871,sourceContentType:'1',unitid:'4569',webname:'某县教育局',permissiontype:0,}"
    assert discovery.js_object(literal) == {
        "col": 1, "appid": "1", "webid": 31, "path": "/", "columnid": 1632871, "sourceContentType": "1",
        "unitid": "4569", "webname": "某县教育局", "permissiontype": 0}
    assert discovery.js_object('{"a": "it\'s", b: true}') == {"a": "it's", "b": True}


@pytest.mark.parametrize(("url", "number", "next_url"), [
    ("http://x.cn/tzgg/index.html", None, "http://x.cn/tzgg/index_1.html"),
    ("http://x.cn/tzgg/index_3.html", 4, "http://x.cn/tzgg/index_4.html"),
    ("http://x.cn/list.jsp?column=5&pageNo=2", 2, "http://x.cn/list.jsp?column=5&pageNo=3"),
    ("http://x.cn/list.jsp?PageIndex=7", 7, "http://x.cn/list.jsp?PageIndex=8"),
    ("http://x.cn/col/column-index-2.shtml", 2, "http://x.cn/col/column-index-3.shtml"),
])
def test_page_numbers_in_urls_are_read_and_written_in_the_urls_own_style(url, number, next_url):
    assert discovery.page_number(url) == number
    assert discovery.url_of_page(url, (number or 1) + 1) == next_url


@pytest.mark.parametrize(("pager", "next_url"), [
    ('<div><a href="?page=2">下一页</a> <a href="?page=9">尾页</a></div>', "http://127.0.0.1/tzgg/index.html?page=2"),
    ('<div><a href="index_1.html">&gt;</a></div>', "http://127.0.0.1/tzgg/index_1.html"),
    ('<div><span>1</span> <a href="index_1.html">2</a> <a href="index_2.html">3</a></div>',
     "http://127.0.0.1/tzgg/index_1.html"),
    ('<script>var countPage = 5; var currentPage = 1;</script>', "http://127.0.0.1/tzgg/index_1.html"),
    ('<script>createPageHTML(4, 0, "index", "html");</script>', "http://127.0.0.1/tzgg/index_1.html"),
])
def test_the_next_page_is_found_in_every_pager_style(pager, next_url):
    listed = page('<ul><li><a href="/a/1.html">关于做好2022年招生工作的通知</a> 2022-03-01</li></ul>' + pager)
    assert listed.next_page().url == next_url


def test_the_last_page_of_a_counted_pager_has_no_next():
    listed = page('<ul><li><a href="/a/1.html">关于做好2022年招生工作的通知</a> 2022-03-01</li></ul>'
                  "<script>var countPage = 3;</script>", url="http://127.0.0.1/tzgg/index_2.html")
    assert listed.next_page() is None


@pytest.mark.parametrize("pager", [
    '<div>共3页 <a href="?page=4">下一页</a></div>',
    '<div>3/3页 <a href="?page=4">下一页</a></div>',
    '<div><a href="?page=4">下一页</a> <a href="?page=3">尾页</a></div>',
])
def test_a_column_never_walks_past_the_page_count_its_pager_states(pager):
    listed = page('<ul><li><a href="/a/1.html">关于做好2022年招生工作的通知</a> 2022-03-01</li></ul>' + pager,
                  url="http://127.0.0.1/tzgg/index.html?page=3")
    assert listed.next_page() is None

