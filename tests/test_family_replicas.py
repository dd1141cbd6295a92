"""The TRS WCM and Hanweb JCMS replicas: what they serve, how their lists page, and their ground truth."""

from __future__ import annotations

import http.client
import json
import re
from collections import Counter
from html import escape
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from xcedu_replica import ReplicaServer
from xcedu_replica.body import normalize_space
from xcedu_replica.families import hanweb, trs
from xcedu_replica.families.family import CHARSETS, Article, FamilySite

EXPECTED_KEYS = {
    "case", "url", "aliases", "kind", "title", "title_tag", "source", "published_at",
    "published_precision", "published_raw", "columns", "paragraphs", "images", "attachments",
}  # fmt: skip
# An entry as both families write it, in a list page or a record's CDATA.
LIST_ENTRY = re.compile(
    r'<li><a href="([^"]+)" title="[^"]*"[^>]*>[^<]*</a><span>[^<]+</span></li>'
)
TRS_PAGER = re.compile(trs.PROFILE_HINTS["pager_regex"])
HANWEB_RECORD = re.compile(hanweb.PROFILE_HINTS["record_regex"], re.DOTALL)
BUILDERS = {"trs": trs.build_trs_site, "hanweb": hanweb.build_hanweb_site}
HINTS = {"trs": trs.PROFILE_HINTS, "hanweb": hanweb.PROFILE_HINTS}


class Family(NamedTuple):
    name: str
    site: FamilySite
    server: ReplicaServer


@pytest.fixture(scope="module")
def trs_site():
    return trs.build_trs_site()


@pytest.fixture(scope="module")
def hanweb_site():
    return hanweb.build_hanweb_site()


@pytest.fixture(scope="module")
def trs_server(trs_site):
    with ReplicaServer(trs_site) as server:
        yield server


@pytest.fixture(scope="module")
def hanweb_server(hanweb_site):
    with ReplicaServer(hanweb_site) as server:
        yield server


@pytest.fixture(params=list(BUILDERS))
def family(request) -> Family:
    """Each family's site and its server in turn."""
    name = request.param
    return Family(name, request.getfixturevalue(f"{name}_site"),
                  request.getfixturevalue(f"{name}_server"))  # fmt: skip


def fetch(server: ReplicaServer, url: str, method: str = "GET", form: dict | None = None):
    """(status, headers, body) for a path or an absolute URL on SERVER; FORM is posted encoded."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(server.base_url).port, timeout=10)
    try:
        if form is None:
            connection.request(method, target)
        else:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            connection.request(method, target, urlencode(form).encode(), headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def served_html(site: FamilySite, article: Article, index: int = 0) -> str:
    """Page INDEX of ARTICLE as served, decoded as its charset says."""
    return site.respond(article.part_path(index)).body.decode(CHARSETS[article.charset].codec)


def page_text(server: ReplicaServer, url: str) -> str:
    status, _, body = fetch(server, url)
    assert status == 200, url
    return body.decode("utf-8")


def breadcrumb_column(html: str, css_class: str) -> str:
    """The last link of the breadcrumb div of CSS_CLASS: the column name."""
    trail = re.search(rf'<div class="{css_class}">(.*?)</div>', html)[1]
    return re.findall(r">([^<]+)</a>", trail)[-1]


class ContainerParagraphs(HTMLParser):
    """Texts of the <p>s inside the first <div> whose id or class list holds NAME."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.depth = 0
        self.text: list[str] | None = None
        self.paragraphs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.depth:
            self.depth += tag == "div"
            if tag == "p":
                self.text = []
        elif tag == "div" and self.name in (
            attributes.get("id"), *(attributes.get("class") or "").split()
        ):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        self.depth -= tag == "div"
        if tag == "p" and self.text is not None:
            self.paragraphs.append(normalize_space("".join(self.text)))
            self.text = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def container_paragraphs(html: str, name: str) -> list[str]:
    parser = ContainerParagraphs(name)
    parser.feed(html)
    parser.close()
    return [paragraph for paragraph in parser.paragraphs if paragraph]


def by_case(expected: list[dict], case: str) -> dict:
    [found] = [item for item in expected if item["case"] == case]
    return found


def trs_list_pages(server: ReplicaServer, start_path: str) -> list[str]:
    """Every list page of a column, found the only way the site offers: its createPageHTML call."""
    first_url = server.base_url + start_path
    pages = [page_text(server, first_url)]
    total, index, base, ext = TRS_PAGER.search(pages[0]).groups()
    assert int(index) == 0
    for number in range(1, int(total)):
        pages.append(page_text(server, urljoin(first_url, f"{base}_{number}.{ext}")))
    return pages


def hanweb_records(server: ReplicaServer, start_path: str) -> tuple[str, list[str]]:
    """The column name and the record CDATA of a column: page 1, then POSTs to the dataproxy."""
    html = page_text(server, server.base_url + start_path)
    records = HANWEB_RECORD.findall(html)
    hints = hanweb.PROFILE_HINTS
    total = int(re.search(hints["jpage_total_regex"], html)[1])
    per_page = int(re.search(hints["jpage_per_page_regex"], html)[1])
    form = json.loads(re.search(hints["jpage_params_regex"], html)[1])
    for start in range(per_page + 1, total + 1, per_page):
        status, _, body = post_records(server, start, start + per_page - 1, per_page, form)
        assert status == 200
        records += HANWEB_RECORD.findall(body.decode("utf-8"))
    return breadcrumb_column(html, "bt-position"), records


def post_records(server: ReplicaServer, start: int, end: int, per_page: int, form: dict):
    query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
    return fetch(server, f"{hanweb.DATAPROXY_PATH}?{query}", "POST", form)


def assert_lists_hold_each_entry_once(
    site: FamilySite, base_url: str, listed: list[tuple[str, str]]
) -> None:
    """LISTED: (column name, absolute URL) of every entry read from the lists."""
    expected = site.expected_announcements(base_url)
    failures = [failure["url"] for failure in site.expected_failures(base_url)]
    urls = [url for _, url in listed]
    assert Counter(urls) == Counter([item["url"] for item in expected] + failures)
    column_of = {url: name for name, url in listed}
    for item in expected:
        assert [column_of[item["url"]]] == item["columns"], item["url"]


# Both families


def test_each_site_has_three_columns_of_about_25_entries(family):
    site = family.site
    assert len(site.columns) == 3
    assert len({name for _, name in site.columns}) == 3
    for column, _ in site.columns:
        assert 25 <= len(site.listings[column]) <= 30


def test_start_paths_are_the_profile_hints(family):
    assert tuple(family.site.column_start_paths()) == HINTS[family.name]["column_paths"]


def test_every_expected_url_is_served(family):
    _, site, server = family
    for item in site.expected_announcements(server.base_url):
        if item["kind"] == "external":
            assert not item["url"].startswith(server.base_url)
            continue
        documents = [attachment["url"] for attachment in item["attachments"]]
        for url in (item["url"], *item["images"], *documents):
            assert fetch(server, url)[0] == 200, (item["case"], url)
        content_type = fetch(server, item["url"])[1]["Content-Type"]
        assert content_type.startswith("text/html") == (item["kind"] == "page"), item["url"]


def test_failures_are_404s(family):
    _, site, server = family
    failures = site.expected_failures(server.base_url)
    assert [(failure["case"], failure["reason"]) for failure in failures] == [
        ("404 entry", "http_404")
    ]
    assert fetch(server, failures[0]["url"])[0] == 404


def test_expected_announcements_are_well_formed(family):
    _, site, server = family
    expected = site.expected_announcements(server.base_url)
    assert all(set(item) == EXPECTED_KEYS for item in expected)
    assert len({item["url"] for item in expected}) == len(expected)
    pages = [item for item in expected if item["kind"] == "page"]
    assert all(item["title"] and item["paragraphs"] and item["published_at"] for item in pages)
    # No two announcements look republished: equal content at two URLs.
    contents = Counter((i["title"], i["published_at"], tuple(i["paragraphs"])) for i in pages)
    assert max(contents.values()) == 1
    trailers = [p for item in pages for p in item["paragraphs"] if p.startswith("（责任编辑")]
    assert trailers == []


def test_the_sites_are_deterministic(family):
    name, site, _ = family
    rebuilt = BUILDERS[name]()
    assert rebuilt.expected_announcements("http://h") == site.expected_announcements("http://h")
    first_list = site.column_start_paths()[0]
    assert rebuilt.respond(first_list) == site.respond(first_list)


# TRS WCM


def test_trs_pagers_are_script_calls_only(trs_site, trs_server):
    for column in trs.COLUMNS:
        pages = trs_list_pages(trs_server, trs.list_page_path(column, 0))
        assert len(pages) == len(trs_site.list_pages(column.id)) >= 3
        for index, html in enumerate(pages):
            [call] = TRS_PAGER.findall(html)
            assert call == (str(len(pages)), str(index), column.base, column.ext)
            # No link to another list page, and no pager text for a crawler to follow.
            assert not re.search(rf'href="[^"]*{column.base}_\d+\.{column.ext}"', html)
            assert "下一页" not in html and "下页" not in html
        beyond = f"/{column.id}/{column.base}_{len(pages)}.{column.ext}"
        assert fetch(trs_server, beyond)[0] == 404
        assert fetch(trs_server, f"/{column.id}/{column.base}_0.{column.ext}")[0] == 404


def test_trs_shtml_column_names_its_pages_list(trs_server):
    [column] = [column for column in trs.COLUMNS if column.ext == "shtml"]
    assert (column.base, trs.list_page_path(column, 2)) == ("list", "/zcwj/list_2.shtml")
    first = page_text(trs_server, "/zcwj/list.shtml")
    assert 'createPageHTML(4, 0, "list", "shtml");' in first
    assert fetch(trs_server, "/zcwj/index.html")[0] == 404


def test_trs_list_pages_hold_every_entry_once(trs_site, trs_server):
    listed = []
    for path in trs_site.column_start_paths():
        for html in trs_list_pages(trs_server, path):
            name = breadcrumb_column(html, "position")
            assert f"<title>{name}_{trs.SITE_NAME}</title>" in html
            for link in LIST_ENTRY.findall(html):
                # Links to the site are relative to the column folder: "./202203/t….html".
                assert link.startswith(("./", "http"))
                listed.append((name, urljoin(trs_server.base_url + path, link)))
    assert_lists_hold_each_entry_once(trs_site, trs_server.base_url, listed)


def test_trs_split_article_pages_with_its_own_script_pager(trs_site, trs_server):
    article = trs_site.special_articles["split"]
    expected = trs_site.expected_announcements(trs_server.base_url)
    item = by_case(expected, "article split over two pages")
    assert article.path.endswith("/t20220310_9210001.html")
    second_path = article.path.replace(".html", "_1.html")
    first, second = page_text(trs_server, article.path), page_text(trs_server, second_path)
    assert 'createPageHTML(2, 0, "t20220310_9210001", "html");' in first
    assert 'createPageHTML(2, 1, "t20220310_9210001", "html");' in second
    assert fetch(trs_server, article.path.replace(".html", "_2.html"))[0] == 404
    trailer = "（责任编辑：李明）"
    first_paragraphs = container_paragraphs(first, "TRS_Editor")
    second_paragraphs = container_paragraphs(second, "TRS_Editor")
    assert first_paragraphs[-1] == second_paragraphs[-1] == trailer
    assert item["paragraphs"] == first_paragraphs[:-1] + second_paragraphs[:-1]
    assert (len(first_paragraphs) - 1, len(item["paragraphs"])) == (5, 11)
    assert item["url"] == trs_server.base_url + article.path and item["aliases"] == []
    assert item["title_tag"] == "通知"


@pytest.mark.parametrize(
    ("key", "container", "count"),
    [
        ("gbk", "TRS_Editor", 3),
        ("clock", "TRS_Editor", 2),
        ("meta-only", "TRS_UEDITOR", 3),
        ("attachments", "TRS_Editor", 2),
    ],
)
def test_trs_truth_drops_the_editor_trailer(trs_site, trs_server, key, container, count):
    article = trs_site.special_articles[key]
    [item] = [i for i in trs_site.expected_announcements(trs_server.base_url)
              if i["url"] == trs_server.base_url + article.path]  # fmt: skip
    served = container_paragraphs(served_html(trs_site, article), container)
    assert served[-1] == f"（责任编辑：{article.editor}）"
    assert item["paragraphs"] == served[:-1] and len(item["paragraphs"]) == count


def test_trs_gbk_page_is_gbk_throughout(trs_site, trs_server):
    article = trs_site.special_articles["gbk"]
    status, headers, body = fetch(trs_server, article.path)
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=GBK")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    html = body.decode("gbk")
    assert 'charset=gbk">' in html and f'<h2 class="title">{article.title}</h2>' in html


def test_trs_clock_stands_before_the_date_next_to_the_title(trs_site, trs_server):
    item = by_case(
        trs_site.expected_announcements(trs_server.base_url), "sidebar clock before the article"
    )
    html = page_text(trs_server, item["url"])
    assert html.index(trs.CLOCK_TEXT) < html.index('<h2 class="title">') < html.index("发布时间：")
    assert not re.search(r'<meta name="pubdate"', html, re.IGNORECASE)
    assert "发布时间：2022-03-04 10:15" in html
    assert (item["published_raw"], item["published_at"], item["published_precision"]) == (
        "2022-03-04 10:15", "2022-03-04T10:15:00+08:00", "minute"
    )  # fmt: skip


def test_trs_title_only_in_the_meta(trs_site, trs_server):
    item = by_case(
        trs_site.expected_announcements(trs_server.base_url),
        "title only in the meta, lower-case metas, UEditor body",
    )
    html = page_text(trs_server, item["url"])
    assert '<h2 class="title">' not in html
    assert f'<meta name="ArticleTitle" content="{item["title"]}">' in html
    assert '<meta name="pubdate" content="2022-03-06 16:20">' in html
    assert '<meta name="contentSource" content="长葛市教育局">' in html
    assert item["url"].endswith(".shtml")


def test_trs_attachments_follow_the_body_as_relative_links(trs_site, trs_server):
    expected = trs_site.expected_announcements(trs_server.base_url)
    item = by_case(expected, "attachments after the body")
    html = page_text(trs_server, item["url"])
    assert '<a href="./P020220302541236987412.xlsx">2022年教师招聘考试成绩.xlsx</a>' in html
    folder = trs_server.base_url + "/tzgg/202203/"
    assert item["attachments"] == [
        {"url": folder + "P020220302541236987412.xlsx", "name": "2022年教师招聘考试成绩.xlsx"},
        {"url": folder + "P020220302541236987413.doc", "name": "关于资格复审有关事项的说明.doc"},
    ]


def test_trs_file_entry_is_a_document(trs_site, trs_server):
    item = by_case(trs_site.expected_announcements(trs_server.base_url), "file entry")
    assert item["url"] == trs_server.base_url + "/zcwj/202203/P020220305397481234567.pdf"
    assert item["attachments"] == [{"url": item["url"], "name": item["title"]}]
    assert (item["paragraphs"], item["source"], item["published_precision"]) == ([], None, "day")
    assert fetch(trs_server, item["url"])[1]["Content-Type"] == "application/pdf"


def test_trs_looks_all_occur(trs_site):
    """Each variation of the template is on some ordinary page, and the metas hold the truth."""
    seen = Counter()
    for record in trs_site.page_records:
        article = record.article
        html = served_html(trs_site, article)
        assert f'<meta name="ArticleTitle" content="{escape(article.title)}">' in html
        seen["no visible title"] += '<h2 class="title">' not in html
        seen["no visible date"] += "发布时间：" not in html
        seen["no PubDate meta"] += not re.search(r'<meta name="pubdate"', html, re.IGNORECASE)
        seen["lower-case metas"] += '<meta name="pubdate"' in html
        seen["UEditor body"] += "TRS_UEDITOR" in html
        seen["no trailer"] += "责任编辑" not in html
        seen["image"] += '<img src="./W0' in html
        seen["attachment list"] += '<div class="attach">' in html
        # Without a visible date the PubDate meta holds the published date.
        if "发布时间：" not in html:
            assert re.search(rf'<meta name="pubdate" content="{article.date_text}">', html, re.I)
    assert all(seen[look] >= 2 for look in (
        "no visible title", "no visible date", "no PubDate meta", "lower-case metas",
        "UEditor body", "no trailer", "image", "attachment list",
    )), seen  # fmt: skip
    precisions = {record.article.precision for record in trs_site.page_records}
    assert precisions == {"day", "minute", "second"}


# Hanweb JCMS


def test_hanweb_column_page_holds_the_first_records_and_the_jpage_parameters(
    hanweb_site, hanweb_server
):
    for column in hanweb.COLUMNS:
        html = page_text(hanweb_server, hanweb.column_path(column))
        records = HANWEB_RECORD.findall(html)
        assert len(records) == hanweb.PER_PAGE
        assert f'<div id="{column.unit_id}"><script type="text/xml"><datastore>' in html
        assert not LIST_ENTRY.search(HANWEB_RECORD.sub("", html))  # entries only in records
        hints = hanweb.PROFILE_HINTS
        assert re.search(hints["jpage_total_regex"], html)[1] == str(hanweb.PER_COLUMN)
        form = json.loads(re.search(hints["jpage_params_regex"], html)[1])
        assert tuple(form) == hanweb.FORM_FIELDS
        assert (form["columnid"], form["unitid"]) == (column.id, column.unit_id)
        assert breadcrumb_column(html, "bt-position") == column.name


def test_dataproxy_returns_the_requested_records(hanweb_site, hanweb_server):
    column = hanweb.COLUMNS[1]
    links = [listing.link for listing in hanweb_site.listings[column.id]]
    form = hanweb.ajax_params(column)
    for start, end, wanted in ((11, 20, links[10:20]), (21, 30, links[20:28]), (1, 10, links[:10]),
                               (29, 38, []), (5, 25, links[4:25])):  # fmt: skip
        status, headers, body = post_records(hanweb_server, start, end, 10, form)
        xml = body.decode("utf-8")
        assert (status, headers["Content-Type"]) == (200, "text/xml;charset=UTF-8")
        assert "<totalrecord>28</totalrecord>" in xml and "<totalpage>3</totalpage>" in xml
        got = [re.search(r'href="([^"]+)"', record)[1] for record in HANWEB_RECORD.findall(xml)]
        assert got == wanted, (start, end)
    first_page = page_text(hanweb_server, hanweb.column_path(column))
    status, _, body = post_records(hanweb_server, 1, 10, 10, form)
    assert HANWEB_RECORD.findall(body.decode()) == HANWEB_RECORD.findall(first_page)


def test_dataproxy_reads_the_range_from_the_form_too(hanweb_server):
    column = hanweb.COLUMNS[0]
    form = {**hanweb.ajax_params(column), "startrecord": "11", "endrecord": "20", "perpage": "10"}
    status, _, body = fetch(hanweb_server, hanweb.DATAPROXY_PATH, "POST", form)
    assert status == 200 and len(HANWEB_RECORD.findall(body.decode())) == 10


def test_dataproxy_refuses_get_and_bad_forms(hanweb_server):
    query = "?startrecord=11&endrecord=20&perpage=10"
    proxy = hanweb.DATAPROXY_PATH + query
    assert fetch(hanweb_server, proxy)[0] == 405
    assert fetch(hanweb_server, proxy, "HEAD")[0] == 405
    form = hanweb.ajax_params(hanweb.COLUMNS[0])
    assert fetch(hanweb_server, proxy, "POST", form)[0] == 200
    for field in hanweb.FORM_FIELDS:
        without = {key: value for key, value in form.items() if key != field}
        assert fetch(hanweb_server, proxy, "POST", without)[0] == 400, field
    assert fetch(hanweb_server, proxy, "POST", {**form, "unitid": "4570"})[0] == 400
    assert fetch(hanweb_server, proxy, "POST", {**form, "columnid": "9999"})[0] == 400
    for bad_range in ("startrecord=11&endrecord=20", "startrecord=0&endrecord=9&perpage=10",
                      "startrecord=20&endrecord=11&perpage=10",
                      "startrecord=a&endrecord=9&perpage=10"):  # fmt: skip
        assert fetch(hanweb_server, f"{hanweb.DATAPROXY_PATH}?{bad_range}", "POST", form)[0] == 400
    # Other pages are not forms: a POST to one is refused, to nothing is 404.
    assert fetch(hanweb_server, hanweb.column_path(hanweb.COLUMNS[0]), "POST", form)[0] == 405
    assert fetch(hanweb_server, "/module/web/nothing.jsp", "POST", form)[0] == 404


def test_hanweb_lists_hold_every_entry_once(hanweb_site, hanweb_server):
    listed = []
    for path in hanweb_site.column_start_paths():
        name, records = hanweb_records(hanweb_server, path)
        assert len(records) == hanweb.PER_COLUMN
        for record in records:
            [link] = LIST_ENTRY.findall(record)
            listed.append((name, urljoin(hanweb_server.base_url + path, link)))
    assert_lists_hold_each_entry_once(hanweb_site, hanweb_server.base_url, listed)
    assert ("POST", hanweb.DATAPROXY_PATH + "?startrecord=21&endrecord=30&perpage=10") in (
        hanweb_server.requests
    )


def test_hanweb_external_record_is_on_another_host(hanweb_site, hanweb_server):
    item = by_case(hanweb_site.expected_announcements(hanweb_server.base_url), "external entry")
    assert item["url"] == "https://mp.weixin.qq.com/s/yzjy-2022-shuangjian"
    assert (item["kind"], item["columns"], item["attachments"]) == ("external", ["工作动态"], [])
    assert item["published_at"] == "2022-03-06T00:00:00+08:00"


def test_hanweb_truth_drops_the_editor_trailer(hanweb_site, hanweb_server):
    item = by_case(
        hanweb_site.expected_announcements(hanweb_server.base_url), "editor trailer in the body"
    )
    served = container_paragraphs(page_text(hanweb_server, item["url"]), "zoom")
    assert served[-1] == "（责任编辑：王芳）"
    assert item["paragraphs"] == served[:-1] and len(item["paragraphs"]) == 4


def test_hanweb_utf8_page_whose_meta_says_gb2312(hanweb_site, hanweb_server):
    item = by_case(
        hanweb_site.expected_announcements(hanweb_server.base_url),
        "UTF-8 page whose meta says gb2312",
    )
    status, headers, body = fetch(hanweb_server, item["url"])
    assert (status, headers["Content-Type"]) == (200, "text/html")
    html = body.decode("utf-8")
    assert 'content="text/html; charset=gb2312"' in html
    assert f'<td class="title">{item["title"]}</td>' in html
    assert container_paragraphs(html, "zoom") == item["paragraphs"]
    assert len(item["paragraphs"]) == 3


def test_hanweb_info_line_and_metas(hanweb_site, hanweb_server):
    for item in hanweb_site.expected_announcements(hanweb_server.base_url):
        if item["kind"] != "page":
            continue
        html = page_text(hanweb_server, item["url"])
        assert f"<span>发布日期：{item['published_raw']}</span>" in html
        assert f'<meta name="PubDate" content="{item["published_raw"]}">' in html
        if item["source"] is not None:
            assert f"<span>信息来源：{item['source']}</span>" in html


# The server's POST support


def test_sites_without_forms_refuse_posts(trs_server, replica):
    for server, path in ((trs_server, "/tzgg/index.html"), (replica, "/jyj/003001/moreinfo.html")):
        status, _, _ = fetch(server, path, "POST", {"q": "1"})
        assert status == 405
        assert server.requests[-1] == ("POST", path)
