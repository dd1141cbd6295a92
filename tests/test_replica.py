"""The replica site and its server: what is served, how, and the ground truth it gives other tests."""

from __future__ import annotations

import http.client
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.fixtures import write_fixtures
from xcedu_replica.model import (
    DATE_STYLES,
    ENCODINGS,
    META_DATE,
    NO_DATE,
    TEMPLATES,
    Article,
    href,
)
from xcedu_replica.site import Site

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
SEED_TEXT = Path(__file__).parents[1] / "replica" / "xcedu_replica" / "data" / "seed-page.txt"
EXPECTED_KEYS = {
    "case", "url", "aliases", "kind", "title", "title_tag", "source", "published_at",
    "published_precision", "published_raw", "columns", "paragraphs", "images", "attachments",
}  # fmt: skip
FLAKY = "10 HTTP 500 then OK"
LIST_ENTRY = re.compile(
    r'<li class="[^"]+"><a href="([^"]+)"[^>]*>[^<]*</a><span class="ewb-list-date">([^<]+)</span>'
)
BASE_URL = "http://127.0.0.1:8000"


def connect(server: ReplicaServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", urlsplit(server.base_url).port, timeout=10)


def fetch(server: ReplicaServer, url: str, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    """(status, headers, body) for a path or an absolute URL on the server."""
    parts = urlsplit(url)
    connection = connect(server)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def text_of(body: bytes) -> str:
    """A page's text, decoded as its own meta tag says (the header may lie)."""
    return body.decode("gb18030" if b"charset=gb2312" in body else "utf-8")


def by_case(expected: list[dict], case: str) -> dict:
    [found] = [item for item in expected if item["case"] == case]
    return found


def by_url(expected: list[dict], url: str) -> dict:
    [found] = [item for item in expected if item["url"] == url]
    return found


def list_entries(server: ReplicaServer, catnum: str, number: int = 1) -> list[tuple[str, str]]:
    """(href as written, date) of each entry on a list page, whatever class the entries have."""
    path = f"/jyj/{catnum}/moreinfo.html" if number == 1 else f"/jyj/{catnum}/{number}.html"
    return LIST_ENTRY.findall(text_of(fetch(server, path)[2]))


def assert_contents_distinct(expected: list[dict]) -> None:
    """Nothing but the republished copy may look republished: equal content, two URLs."""
    contents = Counter(
        (i["title"], i["published_at"], tuple(i["paragraphs"]), i["kind"] != "page" and i["url"])
        for i in expected
    )
    assert max(contents.values()) == 1


def first_ordinary(site: Site, catnum: str, date_style: str = "dash_minute") -> str:
    """The path of the first ordinary announcement of CATNUM written in DATE_STYLE."""
    return next(
        record.article.path
        for record in site.page_records
        if record.case == "ordinary"
        and (record.article.catnum, record.article.date_style) == (catnum, date_style)
    )


@pytest.fixture
def fresh(replica):
    """The module's server with its per-URL counters forgotten."""
    replica.reset_state()
    return replica


def test_serves_on_a_free_loopback_port(replica, replica_site):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", replica.base_url)
    with ReplicaServer(replica_site) as second:
        assert second.base_url != replica.base_url
        assert fetch(second, "/robots.txt")[0] == 200
    with pytest.raises(RuntimeError):
        second.base_url


def test_robots_txt_disallows_the_private_folder(fresh):
    status, headers, body = fetch(fresh, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body.decode("ascii").splitlines() == ["User-agent: *", "Disallow: /jyj/private/"]


def test_unknown_paths_are_404_html_pages(fresh):
    status, headers, body = fetch(fresh, "/jyj/003001/nothing-here.html")
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert b"404" in body
    assert fetch(fresh, "/jyj/003001/1.html")[0] == 404  # page 1 is moreinfo.html only


def test_requests_are_logged_in_order_with_their_query(fresh):
    fetch(fresh, "/jyj/003004/moreinfo.html?from=timeline")
    fetch(fresh, "/robots.txt", method="HEAD")
    assert fresh.requests == [
        ("GET", "/jyj/003004/moreinfo.html?from=timeline"),
        ("HEAD", "/robots.txt"),
    ]


def test_head_answers_with_the_headers_of_get(fresh, replica_site):
    seed = by_case(replica_site.expected_announcements(fresh.base_url), "1 seed page")
    get_status, get_headers, get_body = fetch(fresh, seed["url"])
    head_status, head_headers, head_body = fetch(fresh, seed["url"], method="HEAD")
    assert (head_status, head_body) == (get_status, b"")
    assert head_headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("utf-8", "text/html; charset=utf-8"),
        ("gbk", "text/html"),
        ("gbk-lying", "text/html; charset=utf-8"),
    ],
)
def test_pages_come_in_every_encoding(fresh, replica_site, encoding, content_type):
    articles = [r.article for r in replica_site.page_records if r.article.encoding == encoding]
    assert len(articles) >= 10
    status, headers, body = fetch(fresh, articles[0].path)
    assert status == 200 and headers["Content-Type"] == content_type
    if encoding == "utf-8":
        assert '<meta charset="utf-8">' in body.decode("utf-8")
    else:
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        text = body.decode("gbk")
        assert 'content="text/html; charset=gb2312"' in text
        assert articles[0].title in text


def test_list_pages_come_in_every_encoding(fresh, replica_site):
    served = set()
    for catnum, _ in replica_site.columns:
        for number in range(1, replica_site.total_pages(catnum) + 1):
            page = "moreinfo" if number == 1 else number
            status, headers, body = fetch(fresh, f"/jyj/{catnum}/{page}.html")
            assert status == 200
            served.add((headers["Content-Type"], b"charset=gb2312" in body))
    assert served == {
        ("text/html; charset=utf-8", False),
        ("text/html", True),
        ("text/html; charset=utf-8", True),
    }


def test_server_error_then_ok_until_reset(fresh, replica_site):
    flaky = by_case(replica_site.expected_announcements(fresh.base_url), FLAKY)["url"]
    assert fetch(fresh, flaky, method="HEAD")[0] == 500  # HEAD tells, and uses up nothing
    assert [fetch(fresh, flaky)[0] for _ in range(3)] == [500, 200, 200]
    fresh.reset_state()
    assert fresh.requests == []
    assert [fetch(fresh, flaky)[0] for _ in range(2)] == [500, 200]


def test_failing_urls_fail_as_expected(fresh, replica_site):
    failures = {f["reason"]: f["url"] for f in replica_site.expected_failures(fresh.base_url)}
    assert failures.keys() == {
        "http_404", "http_500", "not_found_page", "robots", "download_error", "parse",
    }  # fmt: skip
    assert fetch(fresh, failures["http_404"])[0] == 404
    assert [fetch(fresh, failures["http_500"])[0] for _ in range(3)] == [500, 500, 500]
    status, _, body = fetch(fresh, failures["not_found_page"])
    assert status == 200 and "您访问的页面不存在" in body.decode("utf-8")
    # Served all the same: only obeying robots.txt keeps a crawler from archiving it.
    status, _, body = fetch(fresh, failures["robots"])
    assert status == 200 and "内部工作简报" in body.decode("utf-8")
    status, _, body = fetch(fresh, failures["parse"])
    assert status == 200 and "<title>许昌市教育局</title>" in body.decode("utf-8")


def test_cut_connection_really_cuts(fresh, replica_site):
    failures = replica_site.expected_failures(fresh.base_url)
    [cut] = [f["url"] for f in failures if f["reason"] == "download_error"]
    for _ in range(2):  # every time, not only the first
        connection = connect(fresh)
        try:
            connection.request("GET", urlsplit(cut).path)
            response = connection.getresponse()
            assert response.status == 200
            declared = int(response.headers["Content-Length"])
            with pytest.raises(http.client.IncompleteRead) as cut_short:
                response.read()
            assert 0 < len(cut_short.value.partial) < declared
        finally:
            connection.close()


def test_pager_links_to_itself_at_both_ends(fresh, replica_site):
    def pager_links(path: str) -> dict[str, str]:
        text = text_of(fetch(fresh, path)[2])
        links = re.findall(r'<a href="([^"]+)">(首页|上页|下页|末页)</a>', text)
        return {label: link for link, label in links}

    last = replica_site.total_pages("003001")
    assert pager_links("/jyj/003001/moreinfo.html") == {
        "首页": "moreinfo.html", "上页": "moreinfo.html", "下页": "2.html", "末页": f"{last}.html",
    }  # fmt: skip
    last_page = pager_links(f"/jyj/003001/{last}.html")
    assert last_page["下页"] == last_page["末页"] == f"{last}.html"
    assert last_page["上页"] == f"{last - 1}.html"
    assert fetch(fresh, f"/jyj/003001/{last + 1}.html")[0] == 404


def test_every_column_has_at_least_three_list_pages(replica_site):
    names = dict(replica_site.columns)
    assert names == {"003001": "工作动态", "003002": "通知公告", "003003": "政策法规", "003004": "县区动态"}
    assert replica_site.column_start_paths() == [f"/jyj/{catnum}/moreinfo.html" for catnum in names]
    for catnum in names:
        assert replica_site.total_pages(catnum) >= 3


def test_every_expected_url_is_served(fresh, replica_site):
    expected = replica_site.expected_announcements(fresh.base_url)
    fetch(fresh, by_case(expected, FLAKY)["url"])  # its one 500
    for item in expected:
        if item["kind"] == "external":
            assert not item["url"].startswith(fresh.base_url)
            continue
        documents = [attachment["url"] for attachment in item["attachments"]]
        for url in (item["url"], *item["aliases"], *item["images"], *documents):
            assert fetch(fresh, url)[0] == 200, (item["case"], url)
        if item["kind"] == "file":
            assert not fetch(fresh, item["url"])[1]["Content-Type"].startswith("text/html")


def test_seed_page_has_its_18_paragraphs(fresh, replica_site):
    seed = by_case(replica_site.expected_announcements(fresh.base_url), "1 seed page")
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()[3:]
    assert seed["paragraphs"] == [" ".join(line.split()) for line in lines if line.split()]
    assert len(seed["paragraphs"]) == 18
    assert (seed["title_tag"], seed["title"]) == ("部署", "许昌市2022年教育工作会议召开")
    assert seed["published_raw"] == "2022-02-07 09:41"
    assert seed["published_at"] == "2022-02-07T09:41:00+08:00"
    assert seed["source"] is None and seed["columns"] == ["工作动态"]
    status, headers, body = fetch(fresh, seed["url"])
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    content = body.decode("utf-8").partition("<!--EpointContent-->")[2].partition("</td>")[0]
    assert content.count("<p>") - content.count("<p>&nbsp;</p>") == 18
    # The published indentation is kept, for the crawler to normalise.
    assert "<p>\xa01月29日,许昌市2022年教育工作会议召开。" in content


def test_expected_announcements_are_well_formed(replica_site):
    expected = replica_site.expected_announcements("http://127.0.0.1:8000")
    for item in expected:
        assert EXPECTED_KEYS <= item.keys() <= EXPECTED_KEYS | {"interchangeable_urls"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", item["published_at"])
        assert item["aliases"] == sorted(item["aliases"])
        assert item["columns"] == sorted(item["columns"])
    urls = [url for item in expected for url in (item["url"], *item["aliases"])]
    assert len(urls) == len(set(urls))
    assert_contents_distinct(expected)


def test_expected_announcements_cover_every_case(replica_site):
    base_url = "http://127.0.0.1:8000"
    expected = replica_site.expected_announcements(base_url)
    cross = by_case(expected, "2 cross-listed, 3 tracking query")
    assert cross["columns"] == ["县区动态", "政策法规", "通知公告"] and cross["aliases"] == []
    assert by_case(expected, "3 fragment link")["columns"] == ["县区动态", "工作动态"]
    republished = by_case(expected, "4 republished copy")
    assert republished["interchangeable_urls"] and len(republished["aliases"]) == 1
    assert republished["columns"] == ["县区动态", "工作动态"]

    files = [item for item in expected if item["kind"] == "file"]
    assert sorted(item["url"].rsplit(".", 1)[1] for item in files) == ["ofd", "pdf", "wps"]
    for item in files:
        whole_title = f"【{item['title_tag']}】{item['title']}" if item["title_tag"] else item["title"]
        assert item["attachments"] == [{"url": item["url"], "name": whole_title}]
        assert (item["published_precision"], item["source"], item["paragraphs"]) == ("day", None, [])
    assert {item["url"] for item in expected if item["kind"] == "external"} == {
        "https://mp.weixin.qq.com/s/xcedu-demo",
        "http://www.haedu.gov.cn/2022/02/07/1.html",
    }

    redirect = by_case(expected, "7 script redirect")
    assert len(redirect["aliases"]) == 1 and redirect["aliases"] != [redirect["url"]]
    two_page = by_case(expected, "13 two-page article")
    assert "一、招生计划" in two_page["paragraphs"] and two_page["paragraphs"][-1] == "2022年3月10日"
    scanned = by_case(expected, "14 image-only body")
    assert scanned["paragraphs"] == [] and len(scanned["images"]) == 3
    assert all(url.startswith(base_url + "/jyj/") for url in scanned["images"])
    attachments = by_case(expected, "15 attachments")["attachments"]
    assert [a["url"].rsplit(".", 1)[1] for a in attachments] == ["xlsx", "docx", "wps", "ofd"]
    assert attachments[0]["name"] == "2022年教师招聘考试成绩.xlsx" and "%E" in attachments[0]["url"]


def test_markup_showcase_paragraphs(replica_site):
    expected = replica_site.expected_announcements("http://h")
    markup = by_case(expected, "body markup showcase")["paragraphs"]
    assert "坚持公平公正、免试就近入学， 全面落实“双减”要求。" in markup  # inner U+3000
    assert "严格执行“十项严禁”招生纪律，不得以任何形式举办选拔性考试。" in markup  # inline runs
    assert "咨询电话： 0374-2961234 0374-2961235" in markup  # &nbsp; runs
    nested = markup.index("各学校要做好以下工作：")
    assert markup[nested + 1 : nested + 4] == [
        "（一）及时公布招生简章；", "（二）设立招生咨询电话；", "确保招生工作平稳有序。",
    ]  # fmt: skip
    table = markup.index("序号 | 学校 | 备注 | 计划数")
    assert markup[table + 1 : table + 4] == [
        "1 | 许昌市第一中学 | | 600", "2 | 许昌高级中学 | 含特长生 | 550", "3 | 许昌市实验中学 | |",
    ]  # fmt: skip
    assert "附件：许昌市2022年中小学招生计划表" in markup
    assert markup[-2:] == ["许昌市教育局", "2022年2月14日"]
    assert not any("xcShare" in p or "text-indent" in p for p in markup)


def test_variants_all_occur(replica_site):
    articles = [record.article for record in replica_site.page_records]
    assert {(a.template, a.encoding) for a in articles} == {
        (template, encoding) for template in TEMPLATES for encoding in ENCODINGS
    }
    assert {a.date_style for a in articles} == {*DATE_STYLES, NO_DATE, META_DATE}
    assert any(a.meta and a.date_style not in (META_DATE, NO_DATE) for a in articles)
    expected = replica_site.expected_announcements("http://h")
    assert {item["published_precision"] for item in expected} == {"second", "minute", "day"}
    for article in articles:
        article.title.encode("gbk")
    assert any(len(a.title) > 24 for a in articles) and any(len(a.title) <= 24 for a in articles)
    bodies = " ".join(p for a in articles for body in a.parts for p in body.paragraphs)
    assert bodies.count("双减") >= 5 and bodies.count("招生") >= 5


def test_the_site_is_deterministic(replica_site):
    again = build_site()
    assert again.expected_announcements("http://h") == replica_site.expected_announcements("http://h")
    for record in replica_site.page_records[::7]:
        path = record.article.path
        assert again.respond(path, 2) == replica_site.respond(path, 2)


def test_a_benchmark_sized_site_builds_quickly():
    site = build_site(per_column=1250)
    assert len(site.expected_announcements("http://h")) >= 5000
    assert site.respond("/jyj/003004/125.html").status == 200


def test_fixture_pages_are_up_to_date(tmp_path):
    names = write_fixtures(tmp_path)
    assert len(names) >= 12
    for name in names:
        for suffix in (".html", ".json"):
            file_name = f"{name}{suffix}"
            assert (FIXTURES / file_name).read_bytes() == (tmp_path / file_name).read_bytes(), (
                f"{file_name} is stale: python -m xcedu_replica.fixtures tests/fixtures/pages"
            )


# Changes between crawls, for tests of nightly runs


@pytest.fixture
def live():
    """A site of its own, served: these tests change it."""
    site = build_site()
    with ReplicaServer(site) as server:
        yield site, server


def test_publish_tops_the_column_and_pushes_older_entries_down(live):
    site, server = live
    before = [(href(e.link), f"{e.list_date:%Y-%m-%d}") for e in site.listings["003002"]]
    newest_before = max(entry.list_date for entries in site.listings.values() for entry in entries)
    expected_before = site.expected_announcements(BASE_URL)
    failures_before = site.expected_failures(BASE_URL)

    paths = site.publish("003002", 13)

    assert len(paths) == len(set(paths)) == 13
    served = [entry for number in range(1, 6) for entry in list_entries(server, "003002", number)]
    assert [link for link, _ in served[:13]] == [href(path) for path in paths]
    assert served[13:] == before
    new_dates = [day for _, day in served[:13]]
    assert new_dates == sorted(new_dates, reverse=True) and min(new_dates) > f"{newest_before}"
    assert site.total_pages("003002") == 5 and fetch(server, "/jyj/003002/6.html")[0] == 404

    expected = site.expected_announcements(BASE_URL)
    assert [item for item in expected if item["case"] != "published"] == expected_before
    published = [item for item in expected if item["case"] == "published"]
    assert [item["url"] for item in published[::-1]] == [BASE_URL + path for path in paths]
    assert {item["columns"][0] for item in published} == {"通知公告"}
    assert_contents_distinct(expected)
    for path, item in zip(paths[::-1], published):
        status, _, body = fetch(server, path)
        assert status == 200 and item["title"] in text_of(body)
    assert site.expected_failures(BASE_URL) == failures_before


@pytest.mark.parametrize("relist", [True, False])
def test_edit_changes_the_body_and_with_relist_the_dates(live, relist):
    site, server = live
    path = first_ordinary(site, "003001")
    url = BASE_URL + path
    position = [entry.link for entry in site.listings["003001"]].index(path)
    number, index = position // site.page_size + 1, position % site.page_size
    before = by_url(site.expected_announcements(BASE_URL), url)
    listed_before = list_entries(server, "003001", number)

    site.edit(path, relist=relist)

    after = by_url(site.expected_announcements(BASE_URL), url)
    assert after["paragraphs"][:-1] == before["paragraphs"]
    assert re.fullmatch(r"（\d{4}年\d{1,2}月\d{1,2}日更新）.+", after["paragraphs"][-1])
    listed_after = list_entries(server, "003001", number)
    assert listed_after[index][0] == listed_before[index][0] == href(path)  # kept its place
    assert (listed_after[index][1] > listed_before[index][1]) is relist
    assert (after["published_at"] > before["published_at"]) is relist
    assert {k: v for k, v in after.items() if not k.startswith(("published", "paragraphs"))} == {
        k: v for k, v in before.items() if not k.startswith(("published", "paragraphs"))
    }
    page = text_of(fetch(server, path)[2])
    assert after["paragraphs"][-1] in page and after["published_raw"] in page
    if relist:
        assert listed_after[index][1] == after["published_at"][:10]
        assert before["published_raw"] not in page


@pytest.mark.parametrize(
    ("how", "reason"), [("404", "http_404"), ("not_found_page", "not_found_page")]
)
def test_withdraw_takes_a_page_down_until_restored(live, how, reason):
    site, server = live
    path = first_ordinary(site, "003004")
    url = BASE_URL + path
    expected_before = site.expected_announcements(BASE_URL)
    failures_before = site.expected_failures(BASE_URL)

    site.withdraw(path, how)

    status, _, body = fetch(server, path)
    if how == "404":
        assert status == 404
    else:
        assert status == 200 and "您访问的页面不存在" in body.decode("utf-8")
    listed = [link for number in range(1, 4) for link, _ in list_entries(server, "003004", number)]
    assert href(path) in listed
    expected = site.expected_announcements(BASE_URL)
    assert by_url(expected, url) == {**by_url(expected_before, url), "gone": True}
    assert [item for item in expected if item["url"] != url] == [
        item for item in expected_before if item["url"] != url
    ]
    failures = site.expected_failures(BASE_URL)
    assert failures[: len(failures_before)] == failures_before
    assert [(f["url"], f["reason"]) for f in failures[len(failures_before) :]] == [(url, reason)]

    site.restore(path)

    status, _, body = fetch(server, path)
    assert status == 200 and by_url(expected, url)["title"] in text_of(body)
    assert site.expected_announcements(BASE_URL) == expected_before
    assert site.expected_failures(BASE_URL) == failures_before


def test_changes_refuse_what_they_cannot_model(live):
    site, server = live
    seed = site.special_articles["seed"].path
    ordinary = first_ordinary(site, "003001")
    for change in (
        lambda: site.edit(seed),
        lambda: site.withdraw(seed, "404"),
        lambda: site.withdraw(ordinary, "410"),
        lambda: site.restore(ordinary),  # not withdrawn
        lambda: setattr(site, "drift", "no_title"),
        lambda: setattr(server, "challenge", "403"),
    ):
        with pytest.raises(ValueError):
            change()


@pytest.mark.parametrize("status", ["521", "412"])
def test_challenge_answers_everything_but_robots_txt(live, status):
    site, server = live
    flaky = by_case(site.expected_announcements(BASE_URL), FLAKY)["url"]
    detail = first_ordinary(site, "003002")
    paths = ["/", "/jyj/003001/moreinfo.html", "/jyj/003003/2.html", detail, flaky,
             "/jyj/images/logo.png", "/jyj/003001/nothing-here.html"]  # fmt: skip
    server.reset_state()
    server.challenge = status

    for path in paths:
        for method in ("GET", "HEAD"):
            got_status, headers, body = fetch(server, path, method)
            assert (got_status, headers["Content-Type"]) == (int(status), "text/html"), path
            assert int(headers["Content-Length"]) < 2048
        page = fetch(server, path)[2].decode("ascii")
        assert 'document.cookie="__jsl_clearance=' in page and "; path=/" in page
        assert "location.href=location.pathname+location.search" in page
        assert "<script>" in page and "ewb-" not in page
    assert fetch(server, "/robots.txt")[0] == 200
    assert len(server.requests) == 3 * len(paths) + 1

    server.challenge = None
    assert fetch(server, "/jyj/003001/moreinfo.html")[0] == 200
    assert fetch(server, detail)[0] == 200
    # The site behind the firewall never saw the challenged requests: its first GET fails.
    assert [fetch(server, flaky)[0] for _ in range(2)] == [500, 200]


def detail_pages(site: Site) -> list[tuple[Article, int, str]]:
    """(article, part index, page text) of every part of every HTML announcement."""
    return [
        # The second GET: the "500 then OK" page has used up its error.
        (record.article, index, text_of(site.respond(record.article.part_path(index), 2).body))
        for record in site.page_records
        for index in range(len(record.article.parts))
    ]


def test_drift_no_source_drops_every_trace_of_the_source(live):
    site, _ = live
    expected = site.expected_announcements(BASE_URL)
    pages = [page for _, _, page in detail_pages(site)]
    assert any('id="infoSource"' in page for page in pages)
    assert any('name="contentSource"' in page for page in pages)

    site.drift = "no_source"

    for article, _, page in detail_pages(site):
        assert "来源" not in page and "infoSource" not in page and "contentSource" not in page
        assert article.title in page and re.search(r'id="(TDContent|mainContent)"', page)
    assert site.expected_announcements(BASE_URL) == expected
    site.drift = None
    assert [page for _, _, page in detail_pages(site)] == pages


def test_drift_body_renamed_hides_the_content_container(live):
    site, _ = live
    expected = site.expected_announcements(BASE_URL)
    pages = [page for _, _, page in detail_pages(site)]

    site.drift = "body_renamed"

    for article, index, page in detail_pages(site):
        assert not re.search(r"TDContent|mainContent|ewb-article-info", page)
        assert f'<div class="article-content-v2">{article.parts[index].html}</div>' in page
        assert article.title in page
        assert article.visible_date is None or article.visible_date in page
    assert site.expected_announcements(BASE_URL) == expected
    site.drift = None
    assert [page for _, _, page in detail_pages(site)] == pages


def test_drift_list_renamed_renames_the_entries_only(live):
    site, server = live
    before = text_of(fetch(server, "/jyj/003002/2.html")[2])

    site.drift = "list_renamed"

    page = text_of(fetch(server, "/jyj/003002/2.html")[2])
    assert "ewb-list-node" not in page and page.count('<li class="list-item-v2">') == site.page_size
    renamed = before.replace('<li class="ewb-list-node clearfix">', '<li class="list-item-v2">')
    assert page == renamed
    assert 'class="ewb-page"' in page
    detail = text_of(fetch(server, first_ordinary(site, "003002"))[2])
    assert re.search(r'id="(TDContent|mainContent)"', detail)
    site.drift = None
    assert text_of(fetch(server, "/jyj/003002/2.html")[2]) == before


def test_reset_state_keeps_changes_drift_and_challenge(live):
    site, server = live
    path = first_ordinary(site, "003003")
    site.withdraw(path, "404")
    site.drift = "list_renamed"
    server.challenge = "521"
    server.reset_state()
    assert (site.drift, server.challenge) == ("list_renamed", "521")
    assert fetch(server, path)[0] == 521
    server.challenge = None
    assert fetch(server, path)[0] == 404
