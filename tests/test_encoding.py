import codecs

import pytest
from scrapy.http import HtmlResponse

from xcedu_crawler.extract.encoding import choose_encoding

TEXT = "【部署】许昌市2022年教育工作会议召开。1月29日上午，全市教育工作会议召开。"
# 𠮷 (U+20BB7) has no GBK code; GB18030 encodes it in four bytes.
RARE_TEXT = "𠮷姓学生家长座谈会"


def page(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>xcedu</title></head><body><p>{text}</p></body></html>"


GB2312_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
GBK_META = '<meta charset="GBK">'
UTF8_META = '<meta charset="utf-8">'


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "text"),
    [
        pytest.param(
            page(TEXT, GB2312_META).encode("gbk"),
            "text/html",
            "gb18030",
            TEXT,
            id="gbk-no-header-charset-gb2312-meta",
        ),
        pytest.param(
            page(TEXT, GB2312_META).encode("gbk"),
            None,
            "gb18030",
            TEXT,
            id="gbk-no-content-type-gb2312-meta",
        ),
        pytest.param(
            page(TEXT, GB2312_META).encode("gbk"),
            "text/html; charset=utf-8",
            "gb18030",
            TEXT,
            id="gbk-header-says-utf8",
        ),
        pytest.param(
            page(TEXT).encode("gbk"),
            "text/html; charset=UTF-8",
            "gb18030",
            TEXT,
            id="gbk-header-says-utf8-no-meta",
        ),
        pytest.param(
            page(TEXT).encode("utf-8"),
            "text/html; charset=utf-8",
            "utf-8",
            TEXT,
            id="utf8-with-header",
        ),
        pytest.param(
            page(TEXT, UTF8_META).encode("utf-8"),
            "text/html",
            "utf-8",
            TEXT,
            id="utf8-meta-only",
        ),
        pytest.param(
            page(TEXT, GB2312_META).encode("utf-8"),
            "text/html",
            "utf-8",
            TEXT,
            id="utf8-meta-says-gb2312",
        ),
        pytest.param(
            page(TEXT).encode("utf-8"),
            "text/html; charset=gbk",
            "utf-8",
            TEXT,
            id="utf8-header-says-gbk",
        ),
        pytest.param(
            page(TEXT).encode("gbk"),
            "text/html",
            "gb18030",
            TEXT,
            id="gbk-no-declaration-at-all",
        ),
        pytest.param(
            codecs.BOM_UTF8 + page(TEXT, GB2312_META).encode("utf-8"),
            "text/html; charset=gbk",
            "utf-8",
            TEXT,
            id="utf8-bom-beats-header-and-meta",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + page(TEXT).encode("utf-16-le"),
            "text/html",
            "utf-16-le",
            TEXT,
            id="utf16-bom",
        ),
        pytest.param(
            page(RARE_TEXT, GBK_META).encode("gb18030"),
            "text/html",
            "gb18030",
            RARE_TEXT,
            id="gb18030-only-character-gbk-meta",
        ),
        pytest.param(
            page(RARE_TEXT, GB2312_META).encode("gb18030"),
            "text/html; charset=utf-8",
            "gb18030",
            RARE_TEXT,
            id="gb18030-only-character-header-says-utf8",
        ),
        pytest.param(
            # A GBK lead byte cut off before "</p>".
            page(TEXT, GB2312_META).encode("gbk").replace(b"</p>", b"\xd6</p>"),
            "text/html; charset=utf-8",
            "gb18030",
            TEXT + "\ufffd",
            id="gbk-with-a-broken-byte-fewest-replacements",
        ),
        pytest.param(
            page("Notice 2022", GB2312_META).encode("ascii"),
            "text/html; charset=utf-8",
            "utf-8",
            "Notice 2022",
            id="ascii-page-header-wins",
        ),
    ],
)
def test_choose_encoding(body, content_type, encoding, text):
    chosen = choose_encoding(body, content_type)
    headers = {"Content-Type": content_type} if content_type else {}
    response = HtmlResponse("http://h.cn/a.html", body=body, headers=headers, encoding=chosen)
    assert chosen == encoding
    assert response.css("p::text").get() == text
