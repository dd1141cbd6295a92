"""Sibling sites: the TRS and Hanweb families crawled by profile alone, and each generic fallback."""

from __future__ import annotations

import dataclasses
import json

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families.hanweb import build_hanweb_site
from xcedu_replica.families.trs import build_trs_site

from tests.checks import check_archive, runs
from tests.conftest import crawl
from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.reparse import reparse_archive
from xcedu_crawler.extract.dates import parse_date
from xcedu_crawler.extract.detail_page import DetailPage
from xcedu_crawler.extract.encoding import decoded_response
from xcedu_crawler.extract.sites import get_profile

FAMILIES = {"changge": build_trs_site, "yuzhou": build_hanweb_site}


@pytest.mark.parametrize("site_name", sorted(FAMILIES))
@deferred_f_from_coro_f
async def test_a_family_replica_is_archived_by_its_profile_alone(tmp_path, site_name):
    site = FAMILIES[site_name]()
    db_path = tmp_path / "xcedu.db"
    with ReplicaServer(site) as server:
        await crawl(server, db_path, {"site": site_name})
        check_archive(db_path, site, server.base_url)
        [run] = runs(db_path)
        assert run["status"] == "ok"
        archive = Archive.open(db_path)
        try:
            sites = {row[0] for row in archive.db.execute("SELECT DISTINCT site FROM announcements")}
            # A re-parse reads each announcement with its own site's profile, whatever the default.
            before = list(archive.db["announcements"].rows_where(order_by="id"))
            outcomes = reparse_archive(archive, get_profile("xuchang"))
            after = list(archive.db["announcements"].rows_where(order_by="id"))
        finally:
            archive.close()
        assert sites == {site_name}
        assert outcomes["unchanged"] and not outcomes["updated"] and after == before


def page_of(site, base_url: str, path: str, profile) -> DetailPage:
    reply = site.respond(path, attempt=2)
    response = decoded_response(base_url + path, reply.body, {"Content-Type": reply.content_type})
    return DetailPage(response.selector, response.url, profile)


BROKEN = {"title": ("h9.nothing",), "body": ("#nothing",), "info_bar": ("#nothing",), "source": ()}


@pytest.mark.parametrize("site_name", sorted(FAMILIES))
def test_each_fallback_fires_when_the_profile_selectors_are_broken(site_name):
    site = FAMILIES[site_name]()
    base = "http://127.0.0.1:8000"
    profile = get_profile(site_name)
    broken = dataclasses.replace(profile, **BROKEN)
    checked = 0
    for want in site.expected_announcements(base):
        if want["kind"] != "page":
            continue
        path = want["url"].removeprefix(base)
        good, fallen = page_of(site, base, path, profile), page_of(site, base, path, broken)
        if good.next_part_url:
            continue  # a split article's paragraphs span two pages
        assert fallen.provenance["title"] in {"meta:ArticleTitle", "heading:h2", "heading:td"}
        assert fallen.title == good.title
        assert fallen.provenance["body"].startswith(("container:", "density"))
        assert fallen.paragraphs == want["paragraphs"], path
        # The first date found (label next to the title, else the PubDate meta) is the right one.
        assert "profile" not in {candidate.rule for candidate in fallen.dates}
        if fallen.dates:
            assert parse_date(fallen.dates[0].raw).iso == want["published_at"], path
        if want["source"]:
            assert fallen.source == want["source"]
            assert fallen.provenance["source"] != "profile"
        checked += 1
    assert checked > 20


def test_the_labelled_date_is_the_one_next_to_the_title_never_a_sidebar_clock():
    site = build_trs_site()
    base = "http://127.0.0.1:8000"
    broken = dataclasses.replace(get_profile("changge"), **BROKEN)
    page = page_of(site, base, "/gzdt/202203/t20220304_9210003.html", broken)
    assert [c.raw for c in page.dates if c.rule.startswith("label:")] == ["2022-03-04 10:15"]


def test_the_heading_and_text_density_fallbacks():
    html = """<html><head><title>关于做好2022年中招工作的通知_某县教育局</title></head><body>
    <div class="nav"><a href="/">首页</a> <a href="/a">通知公告</a> <a href="/b">政策文件</a></div>
    <h1>某县教育局</h1>
    <div class="article"><h2>关于做好2022年中招工作的通知</h2>
      <div class="meta">发布时间：2022-03-01 09:30 来源：某县教育局办公室</div>
      <div class="content-v9"><p>各乡镇中心校：</p><p>为做好2022年中招工作，现将有关事项通知如下。</p>
        <p>一、严格执行招生政策，规范招生行为，确保公平公正。</p>
        <p>二、加强考务管理，确保考试安全平稳有序进行。</p><p>（责任编辑：李四）</p></div>
    </div>
    <div class="sidebar">今天是2026年11月29日 星期日 <a href="/x">更多</a></div></body></html>"""
    bare = dataclasses.replace(get_profile("changge"), title=(), body=(), info_bar=(), attachment_areas=())
    response = decoded_response("http://127.0.0.1:8000/a/1.html", html.encode("utf-8"),
                                {"Content-Type": "text/html; charset=utf-8"})
    page = DetailPage(response.selector, response.url, bare)
    assert (page.title, page.provenance["title"]) == ("关于做好2022年中招工作的通知", "heading:h2")
    assert [(c.raw, c.rule) for c in page.dates] == [("2022-03-01 09:30", "label:发布时间")]
    assert (page.source, page.provenance["source"]) == ("某县教育局办公室", "label:来源")
    assert page.provenance["body"] == "density"
    assert page.paragraphs == [
        "各乡镇中心校：", "为做好2022年中招工作，现将有关事项通知如下。",
        "一、严格执行招生政策，规范招生行为，确保公平公正。", "二、加强考务管理，确保考试安全平稳有序进行。",
    ]



@pytest.mark.parametrize("closing", ["来源：上海发布", "（来源：上海发布）", "信息来源: 上海发布"])
def test_a_source_printed_as_the_articles_last_line_outranks_the_cms_meta(closing):
    # As wsjkw.sh.gov.cn prints a reprint: no info line under the title, the site's own name
    # in the ContentSource meta, the reprint's origin as the body's last line, far below.
    districts = "".join(f"<p>{name}新增本土确诊病例2例、本土无症状感染者38例，分别居住于多个村居。</p>"
                        for name in ("浦东新区", "黄浦区", "静安区", "徐汇区", "长宁区", "普陀区", "虹口区",
                                     "杨浦区", "宝山区", "闵行区", "嘉定区", "金山区", "松江区", "青浦区"))
    html = f"""<html><head><title>本市新增病例居住地信息__上海市卫生健康委员会</title>
    <meta name="ContentSource" content="上海市卫生健康委员会"></head><body>
    <div class="Article"><h2>本市新增病例居住地信息</h2><p>( 2022-03-22)</p>
      <div id="ivs_content"><p>市卫健委今早通报：新增本土确诊病例31例和无症状感染者865例。</p>
        <p>各区信息如下：</p>{districts}
        <p>已对相关居住地落实终末消毒措施等。</p><p>{closing}</p></div></div></body></html>"""
    response = decoded_response("http://127.0.0.1:8000/a/2.html", html.encode("utf-8"),
                                {"Content-Type": "text/html; charset=utf-8"})
    page = DetailPage(response.selector, response.url, get_profile("generic"))
    assert (page.source, page.provenance["source"]) == ("上海发布", "closing-line")
    assert page.paragraphs[-1] == "已对相关居住地落实终末消毒措施等。"


def test_a_body_of_one_source_like_line_is_kept_as_the_body():
    html = """<html><head><title>通知</title></head><body><h2>通知</h2>
    <div class="TRS_Editor"><p>来源：本文由某县教育局提供</p></div></body></html>"""
    response = decoded_response("http://127.0.0.1:8000/a/3.html", html.encode("utf-8"),
                                {"Content-Type": "text/html; charset=utf-8"})
    page = DetailPage(response.selector, response.url, get_profile("generic"))
    assert page.paragraphs == ["来源：本文由某县教育局提供"]

# (replica, -a site): discovery alone; and, as a new user crawls a sibling site with no
# -a site at all, the bureau's own pins missing everywhere.
DISCOVERY_CRAWLS = [("xuchang", "generic"), ("changge", "generic"), ("yuzhou", "generic"),
                    ("changge", None), ("yuzhou", None)]


@pytest.mark.parametrize(("site_name", "profile"), DISCOVERY_CRAWLS)
@deferred_f_from_coro_f
async def test_discovery_archives_each_family_replica_as_its_own_profile_does(tmp_path, site_name, profile):
    site = {"xuchang": build_site, **FAMILIES}[site_name]()
    db_path = tmp_path / "xcedu.db"
    with ReplicaServer(site) as server:
        start_urls = ",".join(server.base_url + path for path in site.column_start_paths())
        await crawl(server, db_path, {"start_urls": start_urls, **({"site": profile} if profile else {})})
        check_archive(db_path, site, server.base_url)
        base_url = server.base_url
    [run] = runs(db_path)
    assert run["status"] == "ok", run["reason"]
    with Archive.open_for_reading(db_path) as archive:
        listings = list(archive.db["listings"].rows)
    # Each listing names its list page and the rules that read it: with no pins, discovery's.
    assert listings and all(row["list_page_url"].startswith(base_url) for row in listings)
    rules = [json.loads(row["provenance"]) for row in listings if row["provenance"]]
    assert rules and all(rule["entries"] != "profile" for rule in rules)
