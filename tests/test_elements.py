"""The element index and lxml text helpers give what parsel's css() and XPath give."""

import pytest
from parsel import Selector

from xcedu_crawler.extract.elements import ElementIndex, inline_scripts, links, texts

PAGE = """<html><head><title>t</title>
<script src="/a.js"></script><script>var pager = 1;</script></head><body>
<div id="main" class="ewb-article  info"><h1 class="title x">标题<!-- a comment -->一</h1>
<p>正文<script>document.write("脚本")</script>尾巴 <a href=" ./a.pdf ">附件</a><a>no href</a></p>
<span class="info">info span</span></div>
<div id="main">a second element with the same id</div>
<td class="title">cell</td>
<div class="info-bar">not .info</div>
</body></html>"""

SELECTORS = [
    "#main", "div#main", "span#main", ".info", "div.info", "span.info", "h1.title", ".title",
    "td.title", ".missing", "#missing", "td", "div > span.info", "div.info span", "[id=main]",
    ".info-bar",
]  # fmt: skip


@pytest.fixture
def selector():
    return Selector(text=PAGE)


@pytest.mark.parametrize("css", SELECTORS)
def test_index_finds_what_parsel_finds_in_document_order(selector, css):
    expected = [node.root for node in selector.css(css)]
    found = ElementIndex(selector).css(css)
    assert [node.root for node in found] == expected
    assert all(isinstance(node, Selector) for node in found)


def test_texts_are_the_text_nodes_outside_scripts(selector):
    paragraph = selector.css("p")[0]
    assert texts(paragraph.root) == paragraph.xpath(".//text()[not(ancestor::script)]").getall()
    assert texts(paragraph.root) == ["正文", "尾巴 ", "附件", "no href"]
    heading = selector.css("h1")[0]
    # A comment's text is not text; what follows the comment is.
    assert texts(heading.root) == ["标题", "一"]


def test_links_have_an_href_stripped(selector):
    found = [(link.text, href) for link, href in links(selector.root)]
    assert found == [("附件", "./a.pdf")]


def test_inline_scripts_leave_out_external_ones(selector):
    assert inline_scripts(selector.root) == ["var pager = 1;", 'document.write("脚本")']


def test_texts_of_elements_nested_deeper_than_python_recurses():
    # 1,500 levels: within the 2,048 libxml2 keeps.
    page = Selector(text="<div>" * 1500 + "深<script>x</script>处" + "</div>" * 1500)
    assert texts(page.root) == ["深", "处"]
