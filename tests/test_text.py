import pytest
from parsel import Selector

from xcedu_crawler.extract.text import (
    extract_images,
    extract_paragraphs,
    is_cut,
    normalize_space,
    split_title_tag,
)


def content(inner_html: str) -> Selector:
    """The content cell of an Epoint detail page holding inner_html, beside a breadcrumb."""
    page = (
        '<html><body><div class="ewb-location">您当前的位置: 首页</div>'
        f'<table><tr><td id="TDContent">{inner_html}</td></tr></table></body></html>'
    )
    return Selector(text=page).css("#TDContent")[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  标题  ", "标题"),
        ("\u3000\u30001月29日,会议召开", "1月29日,会议召开"),
        ("a\xa0\xa0b", "a b"),
        ("a\t\n\r b", "a b"),
        ("a\u2002b\u2003c\u200bd", "a b c d"),
        ("\ufeff标题\u3000 \xa0", "标题"),
        ("a\u3000\u3000b", "a b"),
        ("", ""),
        ("\u3000 \xa0", ""),
        ("全角，标点。不改", "全角，标点。不改"),
    ],
)
def test_normalize_space(text, expected):
    assert normalize_space(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("【部署】许昌市2022年教育工作会议召开", ("部署", "许昌市2022年教育工作会议召开")),
        ("许昌市2022年教育工作会议召开", (None, "许昌市2022年教育工作会议召开")),
        ("【】标题", (None, "标题")),
        ("【部署】【通知】x", ("部署", "【通知】x")),
        ("  【 部 署 】\u3000 许昌市  会议 ", ("部 署", "许昌市 会议")),
        ("关于【部署】的通知", (None, "关于【部署】的通知")),
        ("【部署】", (None, "【部署】")),
        ("[部署]标题", (None, "[部署]标题")),
    ],
)
def test_split_title_tag(title, expected):
    assert split_title_tag(title) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("【部署】许昌市2022年教育工作会议...", True),
        ("许昌市2022年教育工作会议…", True),
        ("许昌市2022年教育工作会议……", True),
        ("许昌市2022年教育工作会议... ", True),
        ("许昌市2022年教育工作会议召开", False),
        ("许昌市…教育工作会议召开", False),
        ("", False),
    ],
)
def test_is_cut(text, expected):
    assert is_cut(text) is expected


@pytest.mark.parametrize(
    ("inner_html", "expected"),
    [
        pytest.param(
            "<!--EpointContent--><p>\u3000\u30001月29日,会议召开。</p><p>\u3000\u3000第二段</p>",
            ["1月29日,会议召开。", "第二段"],
            id="paragraphs-with-ideographic-indent-and-comment",
        ),
        pytest.param(
            "<p>&nbsp;&nbsp;正文&nbsp;一</p><p>&nbsp;</p><p> </p><p>正文二</p>",
            ["正文 一", "正文二"],
            id="nbsp-and-empty-paragraphs",
        ),
        pytest.param(
            "<p>第一行<br>第二行<br/><br>第三行</p>",
            ["第一行", "第二行", "第三行"],
            id="br-in-p",
        ),
        pytest.param(
            "<div>甲<br>乙</div>",
            ["甲", "乙"],
            id="br-in-div",
        ),
        pytest.param(
            "<div>引言<p>段一</p>中间<div>段二</div>结尾</div>",
            ["引言", "段一", "中间", "段二", "结尾"],
            id="runs-around-inner-blocks",
        ),
        pytest.param(
            "开头文字<p>段落</p>尾巴",
            ["开头文字", "段落", "尾巴"],
            id="container-own-text-and-tails",
        ),
        pytest.param(
            "<table><tr><th>学校</th><th>人数</th><th>备注</th></tr>"
            "<tr><td>一中</td><td>1200</td><td></td></tr>"
            "<tr><td> 二中 </td><td></td><td>新建</td></tr></table>",
            ["学校 | 人数 | 备注", "一中 | 1200 |", "二中 | | 新建"],
            id="table-with-th-row-and-empty-cells",
        ),
        pytest.param(
            "<table><tr><td></td><td>&nbsp;</td></tr><tr><td>仅此</td></tr></table>",
            ["仅此"],
            id="all-empty-row-dropped",
        ),
        pytest.param(
            "<table><tr><td><p>第一</p><p>第二</p></td>"
            "<td><span>嵌套</span>文字<br>换行</td></tr></table>",
            ["第一 第二 | 嵌套文字 换行"],
            id="cell-text-includes-nested-text",
        ),
        pytest.param(
            "<table><tr><td>外</td>"
            "<td><table><tr><td>内1</td><td>内2</td></tr></table></td></tr></table>",
            ["外 | 内1 | 内2"],
            id="nested-table-in-cell",
        ),
        pytest.param(
            "<p>可见<script>var a = '隐藏';</script>文字</p><style>p { color: red }</style>"
            "<noscript>请启用脚本</noscript><p>下一段</p>",
            ["可见文字", "下一段"],
            id="script-style-noscript-hidden",
        ),
        pytest.param(
            "<p>前<!-- 注释 -->后</p>",
            ["前后"],
            id="comment-inside-paragraph",
        ),
        pytest.param(
            '<p><font face="仿宋"><span style="x">许昌市</span><b>教育局</b></font>'
            '<a href="#">召开</a><strong>会议</strong><img src="a.png">。</p>',
            ["许昌市教育局召开会议。"],
            id="inline-wrappers-do-not-break",
        ),
        pytest.param(
            "<ul><li>一、总体要求</li><li>二、<em>主要任务</em></li></ul><ol><li>三</li></ol>",
            ["一、总体要求", "二、主要任务", "三"],
            id="li-list",
        ),
        pytest.param(
            "<h2>标题二</h2><blockquote>引用</blockquote><hr>分隔后<center>居中</center>",
            ["标题二", "引用", "分隔后", "居中"],
            id="other-blocks",
        ),
        pytest.param(
            "<font>第一段<p>第二段</p>第三段</font>",
            ["第一段", "第二段", "第三段"],
            id="block-inside-inline",
        ),
        pytest.param(
            "<p>附件：关于开展工作的通知.pdf</p>"
            "<p style='text-align:right'>许昌市教育局<br>2022年2月7日</p>",
            ["附件：关于开展工作的通知.pdf", "许昌市教育局", "2022年2月7日"],
            id="attachment-line-and-signature-kept",
        ),
        pytest.param(
            "<p>繁體字“引号”，标点...不改</p>",
            ["繁體字“引号”，标点...不改"],
            id="text-kept-as-published",
        ),
        pytest.param(
            '<p><img src="scan1.jpg"></p><p><img src="scan2.jpg"></p>',
            [],
            id="images-only-body",
        ),
    ],
)
def test_extract_paragraphs(inner_html, expected):
    assert extract_paragraphs(content(inner_html)) == expected


@pytest.mark.parametrize(
    ("inner_html", "expected"),
    [
        pytest.param(
            '<p><img src="/jyj/uploads/a.jpg"><img src="b.png"></p>',
            [
                "http://jyj.xuchang.gov.cn/jyj/uploads/a.jpg",
                "http://jyj.xuchang.gov.cn/jyj/003001/20220207/b.png",
            ],
            id="relative-and-root-relative",
        ),
        pytest.param(
            '<img src="a.jpg"><img src="https://cdn.example.com/x.jpg"><img src=" a.jpg ">',
            [
                "http://jyj.xuchang.gov.cn/jyj/003001/20220207/a.jpg",
                "https://cdn.example.com/x.jpg",
            ],
            id="deduplicated-in-document-order",
        ),
        pytest.param(
            '<img src="data:image/png;base64,iVBORw0KGgo="><img src=""><img><img src="c.gif">',
            ["http://jyj.xuchang.gov.cn/jyj/003001/20220207/c.gif"],
            id="data-uri-and-empty-src-skipped",
        ),
        pytest.param("<p>无图</p>", [], id="no-images"),
    ],
)
def test_extract_images(inner_html, expected):
    page_url = "http://jyj.xuchang.gov.cn/jyj/003001/20220207/2b1c-9e.html"
    assert extract_images(content(inner_html), page_url) == expected


def nested(tag: str, depth: int, inner_html: str) -> str:
    return f"<{tag}>" * depth + inner_html + f"</{tag}>" * depth


@pytest.mark.parametrize(
    ("inner_html", "expected"),
    [
        # 1,500 levels: deeper than Python recurses, within the 2,048 libxml2 keeps.
        pytest.param(nested("div", 1500, "深处的段落"), ["深处的段落"], id="divs"),
        pytest.param(nested("span", 1500, "深处的段落"), ["深处的段落"], id="spans"),
        pytest.param(
            nested("span", 1500, "甲<br>乙") + "丙<p>丁</p>", ["甲", "乙丙", "丁"], id="spans-then-blocks"
        ),
        pytest.param(
            nested("table", 400, "<tr><td>格</td><td>子</td></tr>"), ["格 | 子"], id="tables-in-one-row"
        ),
        pytest.param(
            "<table>" + "<tr><td>外<table>" * 300 + "<tr><td>内</td><td>格</td></tr>"
            + "</table></td></tr>" * 300 + "</table>",
            ["外 " * 300 + "内 | 格"],
            id="tables-in-cells",
        ),
    ],
)  # fmt: skip
def test_extract_paragraphs_of_deeply_nested_elements(inner_html, expected):
    assert extract_paragraphs(content(inner_html)) == expected
