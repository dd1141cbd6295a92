import pytest

from xcedu_crawler.extract.urls import (
    canonical_url,
    file_extension,
    file_name,
    host_of,
    is_http_url,
    url_key,
)

DETAIL = "http://jyj.xuchang.gov.cn/jyj/003001/20220207/2b1c-9e.html"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(DETAIL, DETAIL, id="already-canonical"),
        pytest.param(DETAIL + "#top", DETAIL, id="fragment-dropped"),
        pytest.param(
            "HTTP://JYJ.XuChang.gov.cn/jyj/003001/A.html",
            "http://jyj.xuchang.gov.cn/jyj/003001/A.html",
            id="scheme-and-host-lowercased-path-kept",
        ),
        pytest.param("http://h.cn:80/a.html", "http://h.cn/a.html", id="http-80"),
        pytest.param("https://h.cn:443/a.html", "https://h.cn/a.html", id="https-443"),
        pytest.param(
            "http://jyj.xuchang.gov.cn:443/a.html",
            "http://jyj.xuchang.gov.cn:443/a.html",
            id="non-default-port-kept",
        ),
        pytest.param(
            "http://127.0.0.1:8080/a.html", "http://127.0.0.1:8080/a.html", id="replica-port-kept"
        ),
        pytest.param(
            DETAIL + "?from=timeline&isappinstalled=0",
            DETAIL,
            id="only-tracking-keys-no-question-mark",
        ),
        pytest.param(
            "http://h.cn/list.aspx?id=7&utm_source=wx&spm=a.b&UTM_Medium=x&page=2&share=1",
            "http://h.cn/list.aspx?id=7&page=2",
            id="tracking-keys-prefix-and-case-insensitive-order-kept",
        ),
        pytest.param(
            "http://h.cn/s?q=%E6%95%99%E8%82%B2&b=2&a=1",
            "http://h.cn/s?q=%E6%95%99%E8%82%B2&b=2&a=1",
            id="query-encoding-and-order-kept",
        ),
        pytest.param(
            "http://h.cn/a?fromage=1&utm=2",
            "http://h.cn/a?fromage=1&utm=2",
            id="only-whole-keys-match",
        ),
        pytest.param("http://h.cn/a?", "http://h.cn/a", id="empty-query"),
        pytest.param("http://h.cn", "http://h.cn/", id="empty-path"),
        pytest.param("http://h.cn?id=1", "http://h.cn/?id=1", id="empty-path-with-query"),
        pytest.param(
            "http://h.cn/jyj/%E9%99%84%E4%BB%B6.pdf",
            "http://h.cn/jyj/%E9%99%84%E4%BB%B6.pdf",
            id="percent-encoded-path-kept",
        ),
        pytest.param("http://user:pw@H.cn/a", "http://h.cn/a", id="user-info-dropped"),
        pytest.param("http://[::1]:80/a", "http://[::1]/a", id="ipv6-host"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_uses_the_given_tracking_keys():
    url = "http://h.cn/a?from=x&ref=y&Trk_id=1"
    assert canonical_url(url, ["ref", "trk_*"]) == "http://h.cn/a?from=x"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (DETAIL, "//jyj.xuchang.gov.cn/jyj/003001/20220207/2b1c-9e.html"),
        ("https://JYJ.xuchang.gov.cn:443/jyj/a.html?from=x#p", "//jyj.xuchang.gov.cn/jyj/a.html"),
        ("http://jyj.xuchang.gov.cn/jyj/a.html?id=1", "//jyj.xuchang.gov.cn/jyj/a.html?id=1"),
    ],
)
def test_url_key(url, expected):
    assert url_key(url) == expected


def test_http_and_https_twins_share_a_key():
    assert url_key("http://h.cn/a.html?spm=1") == url_key("https://h.cn:443/a.html")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://JYJ.XuChang.gov.cn/a", "jyj.xuchang.gov.cn"),
        ("http://h.cn:80/a", "h.cn"),
        ("https://h.cn:443/a", "h.cn"),
        ("https://h.cn:80/a", "h.cn:80"),
        ("http://127.0.0.1:8765/jyj/", "127.0.0.1:8765"),
        ("https://mp.weixin.qq.com/s/abc", "mp.weixin.qq.com"),
    ],
)
def test_host_of(url, expected):
    assert host_of(url) == expected


@pytest.mark.parametrize(
    ("url", "extension"),
    [
        ("http://h.cn/uploads/2022/notice.pdf", "pdf"),
        ("http://h.cn/uploads/2022/NOTICE.PDF", "pdf"),
        ("http://h.cn/uploads/%E9%80%9A%E7%9F%A5.wps", "wps"),
        ("http://h.cn/uploads/a.ofd?v=2#page=1", "ofd"),
        ("http://h.cn/uploads/archive.tar.gz", "gz"),
        ("http://h.cn/uploads/%E9%80%9A%E7%9F%A5%2Edocx", "docx"),
        ("http://h.cn/jyj/003001/moreinfo.html", "html"),
        ("http://h.cn/download/", None),
        ("http://h.cn/download", None),
        ("http://h.cn/", None),
        ("http://h.cn/.htaccess", None),
        ("http://h.cn/down.aspx?file=a.pdf", "aspx"),
    ],
)
def test_file_extension(url, extension):
    assert file_extension(url) == extension


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://h.cn/uploads/%E5%85%B3%E4%BA%8E%E9%80%9A%E7%9F%A5.pdf", "关于通知.pdf"),
        ("http://h.cn/uploads/关于通知.pdf", "关于通知.pdf"),
        ("http://h.cn/uploads/%B9%D8%D3%DA%CD%A8%D6%AA.doc", "关于通知.doc"),
        ("http://h.cn/uploads/a%20b.xls?x=1", "a b.xls"),
        ("http://h.cn/uploads/", ""),
    ],
)
def test_file_name(url, name):
    assert file_name(url) == name


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h.cn/a", True),
        ("HTTPS://h.cn/a", True),
        ("javascript:window.print()", False),
        ("javascript:void(0)", False),
        ("mailto:jyj@xuchang.gov.cn", False),
        ("data:image/png;base64,AAAA", False),
        ("ftp://h.cn/a.pdf", False),
        ("/jyj/a.html", False),
        ("http:/a.html", False),
        ("http://[::1/a", False),
        ("", False),
    ],
)
def test_is_http_url(url, expected):
    assert is_http_url(url) is expected
