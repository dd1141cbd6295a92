"""The replicas' markup-variation mode: other markup, the same content, a truth that follows the pages."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import types
from html import unescape
from urllib.parse import urlencode

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families import hanweb, trs
from xcedu_replica.model import href, list_path
from xcedu_replica.variation import Variation

from tests.checks import check_archive
from tests.conftest import crawl
from xcedu_crawler.extract.dates import parse_date
from xcedu_crawler.extract.sites import get_profile

BASE = "http://127.0.0.1:8000"
SEEDS = (1, 2, 3, 4, 5, 6, 7, 8)
BUILDERS = {
    "epoint": lambda seed=None: build_site(variation_seed=seed),
    "trs": lambda seed=None: trs.build_trs_site(variation_seed=seed),
    "hanweb": lambda seed=None: hanweb.build_hanweb_site(variation_seed=seed),
}
# What a variation may change in the truth: how the date is written, and its precision
# when the page drops the time.
DATE_FIELDS = {"published_at", "published_precision", "published_raw"}
_NAMES = re.compile(r'\s(?:class|id)="([^"]*)"')
_DECODINGS = ("utf-8", "gb18030")


@pytest.fixture(scope="module")
def plain_sites():
    return {family: build() for family, build in BUILDERS.items()}


def html_of(site, path: str) -> str:
    reply = site.respond(path, attempt=2)
    assert reply is not None and reply.status == 200, path
    for codec in _DECODINGS:
        try:
            return reply.body.decode(codec)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"{path} is neither UTF-8 nor GBK")


def names(html: str) -> set[str]:
    return {token for value in _NAMES.findall(html) for token in value.split()}


def page_paths(site, family: str) -> list[str]:
    """The paths of every HTML announcement page the truth names."""
    return [
        row["url"].removeprefix(BASE)
        for row in site.expected_announcements(BASE)
        if row["kind"] == "page"
    ]


def list_pages(site, family: str) -> list[tuple[str, list[str]]]:
    """(path, hrefs of its entries) of every list page a family serves as HTML."""
    if family == "epoint":
        return [
            (
                site.list_page_path(catnum, n),
                [entry.link for entry in site.page_listings(catnum, n)],
            )
            for catnum, _ in site.columns
            for n in range(1, site.total_pages(catnum) + 1)
        ]
    if family == "trs":
        return [
            (site.list_page_path(column, index), [entry.link for entry in entries])
            for column in trs.COLUMNS
            for index, entries in enumerate(site.list_pages(column.id))
        ]
    return [
        (hanweb.column_path(column), [e.link for e in site.listings[column.id][: site.per_page]])
        for column in hanweb.COLUMNS
    ]


@pytest.mark.parametrize("family", sorted(BUILDERS))
@pytest.mark.parametrize("seed", SEEDS[:4])
def test_a_variant_keeps_the_content_and_only_the_dates_may_read_otherwise(
    plain_sites, family, seed
):
    plain = plain_sites[family].expected_announcements(BASE)
    varied = BUILDERS[family](seed).expected_announcements(BASE)
    assert [row["url"] for row in varied] == [row["url"] for row in plain]
    for before, after in zip(plain, varied, strict=True):
        content = set(before) - DATE_FIELDS
        assert {k: after[k] for k in content} == {k: before[k] for k in content}, after["url"]
        assert after["published_at"][:10] == before["published_at"][:10]
        # A variant may drop the time, never add one; its raw text says what the truth says.
        if after["published_precision"] != before["published_precision"]:
            assert after["published_precision"] == "day"
        parsed = parse_date(after["published_raw"])
        assert (parsed.iso, parsed.precision) == (
            after["published_at"],
            after["published_precision"],
        ), after["url"]


@pytest.mark.parametrize("family", sorted(BUILDERS))
def test_every_class_and_id_is_renamed_on_every_page(plain_sites, family):
    plain, varied = plain_sites[family], BUILDERS[family](3)
    pairs = [(path, path) for path in page_paths(plain, family)[:12]]
    pairs += [
        (before, after)
        for (before, _), (after, _) in zip(list_pages(plain, family), list_pages(varied, family))
    ]
    for before, after in pairs:
        old = names(html_of(plain, before))
        assert old, before
        assert not old & names(html_of(varied, after)), after


@pytest.mark.parametrize("family", sorted(BUILDERS))
@pytest.mark.parametrize("seed", SEEDS)
def test_a_variant_serves_its_pages_in_its_own_markup(plain_sites, family, seed):
    plain, site = plain_sites[family], BUILDERS[family](seed)
    variation = site.variation
    for path in page_paths(site, family):
        html = html_of(site, path)
        assert html != html_of(plain, path), path
        assert variation.crumb_label in html, path
    for row in site.expected_announcements(BASE):
        if row["kind"] == "page" and row["published_raw"] in html_of(
            plain, row["url"][len(BASE) :]
        ):
            # What the page shows is what the truth stores.
            assert row["published_raw"] in html_of(site, row["url"][len(BASE) :]), row["url"]


@pytest.mark.parametrize("family", ["epoint", "trs"])
@pytest.mark.parametrize("seed", SEEDS)
def test_every_list_page_is_served_where_the_pager_leads_with_its_entries(family, seed):
    site = BUILDERS[family](seed)
    pages = list_pages(site, family)
    pager = site.variation.pager
    for path, links in pages:
        html = unescape(html_of(site, path))
        for link in links:
            assert href(link).rsplit("/", 1)[-1] in html, (path, link)
        if pager.markup == "script":
            assert re.search(r'createPageHTML\(\d+, \d+, "\w+", "s?html"\)', html), path
        if pager.markup == "count_var":
            assert re.search(rf"var {pager.count_var} = \d+;", html), path
    # Page 2 is linked from page 1 the way the pager writes it.
    first, second = pages[0][0], pages[1][0]
    if pager.markup != "script":
        assert f'href="{second.rsplit("/", 1)[-1]}"' in html_of(site, first)


def test_a_query_pager_serves_its_pages_and_not_the_native_ones():
    seed = next(s for s in range(1, 50) if Variation(s).pager.url == "query")
    site = build_site(variation_seed=seed)
    param = site.variation.pager.param
    first = list_path("003001", 1)
    assert site.list_page_path("003001", 2) == f"{first}?{param}=2"
    page_two = html_of(site, f"{first}?{param}=2")
    assert site.page_listings("003001", 2)[0].link in page_two
    assert site.respond(list_path("003001", 2)) is None
    assert site.respond(f"{first}?{param}=99") is None


def test_an_index_pager_counts_from_the_stem():
    seed = next(s for s in range(1, 50) if Variation(s).pager.url == "index")
    site = build_site(variation_seed=seed)
    assert site.list_page_path("003002", 3) == "/jyj/003002/moreinfo_2.html"
    assert site.page_listings("003002", 3)[0].link in html_of(site, "/jyj/003002/moreinfo_2.html")


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_hanweb_variant_writes_ajax_param_as_a_javascript_literal_the_dataproxy_takes(seed):
    site = hanweb.build_hanweb_site(variation_seed=seed)
    column = hanweb.COLUMNS[1]
    html = html_of(site, hanweb.column_path(column))
    literal = re.search(r"ajaxParam\s*:\s*(\{[^{}]*\})", html)[1]
    with pytest.raises(json.JSONDecodeError):
        json.loads(literal)
    form = {key: value.strip("'") for key, value in re.findall(r"(\w+):('[^']*'|\d+)", literal)}
    assert form["appid"] == "1" and form["columnid"] == column.id
    # The jpage call names the datastore's container by its renamed id.
    [container] = re.findall(r'\$\("#([\w-]+)"\)\.jpage', html)
    assert f'<div id="{container}">' in html
    query = hanweb.DATAPROXY_PATH + "?startrecord=11&endrecord=20&perpage=10"
    reply = site.respond_post(query, urlencode(form).encode())
    assert reply.status == 200
    records = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", reply.body.decode(), re.DOTALL)
    assert [re.search(r'href="([^"]+)"', r)[1] for r in records] == [
        entry.link for entry in site.listings[column.id][10:20]
    ]
    del form["appid"]
    assert site.respond_post(query, urlencode(form).encode()).status == 400


@pytest.mark.parametrize("family", sorted(BUILDERS))
def test_variants_are_deterministic_and_differ_by_seed(family):
    first, again, other = BUILDERS[family](5), BUILDERS[family](5), BUILDERS[family](6)
    path = page_paths(first, family)[0]
    assert html_of(first, path) == html_of(again, path)
    assert html_of(first, path) != html_of(other, path)


def test_a_few_seeds_meet_every_entry_shape_breadcrumb_place_and_pager_markup():
    variations = [Variation(seed) for seed in SEEDS]
    assert {v.entry_shape for v in variations} == {"ul-li", "div-div", "table-tr", "dl-dd"}
    assert {v.crumb_place for v in variations} == {"top", "in_box", "above_title"}
    assert {v.pager.markup for v in variations} == {"links", "numbers", "script", "count_var"}


def fitted_profile(name: str, seed: int, family: str):
    """The family's profile with every selector renamed as variant SEED renames it, and its
    pager and labels: what a person would write after reading the variant's pages."""
    variation = Variation(seed)
    new = variation.name
    base = get_profile(FITTED_BASES[family])
    source_word = re.sub(r"[【】:： {}]", "", variation.source_label)
    date_word = re.sub(r"[【】:： {}]", "", variation.date_label)
    entry_tag = {"ul-li": "li", "div-div": "div", "table-tr": "tr", "dl-dd": "dd"}
    common = {
        "name": name,
        "list_entry": f"{entry_tag[variation.entry_shape]}.{new('list-item')}",
        "entry_date": f".{new('list-date')}",
        "pager": f".{new('page')}",
        "pager_next_texts": (variation.pager.next_text,),
        "source_labels": (source_word,),
        "date_labels": (date_word,),
    }
    if family == "epoint":
        return dataclasses.replace(
            base, **common,
            column_name=(f".{new('ewb-column-title')}::text",),
            title=(f"#{new('tdTitle')}", f"h1.{new('ewb-article-title')}",
                   f"div.{new('ewb-article-title')}"),
            body=(f"#{new('TDContent')}", f"#{new('mainContent')}"),
            info_bar=(f"font.{new('webfont')}", f".{new('ewb-article-sources')}"),
            source=(f"#{new('infoSource')}",),
            attachment_areas=(f"#{new('TDContent')}", f"#{new('mainContent')}",
                              f".{new('ewb-attach')}", f".{new('ewb-article-attach')}"),
            article_pager=(f".{new('ewb-article-page')}",),
        )  # fmt: skip
    return dataclasses.replace(
        base, **common,
        column_name=(f".{new('position')} a:last-of-type::text",),
        title=(f"h2.{new('title')}",),
        body=(f".{new(trs.EDITOR_CONTAINER)}", f".{new('TRS_UEDITOR')}"),
        info_bar=(f"div.{new('info')}",),
        attachment_areas=(f"div.{new('attach')}",),
    )  # fmt: skip


FITTED_BASES = {"epoint": "xuchang", "trs": "changge"}


# Seeds whose pager the profiles' pager families read: Epoint links at the native URLs,
# TRS createPageHTML; the rest (shapes, names, wrappers, crumbs, dates, labels) varies.
@pytest.mark.parametrize(("family", "seed"), [("epoint", 8), ("trs", 4)])
@deferred_f_from_coro_f
async def test_a_crawl_told_the_variant_names_archives_its_truth_exactly(
    tmp_path, monkeypatch, family, seed
):
    name = f"variant_{family}_{seed}"
    module = types.ModuleType(f"xcedu_crawler.extract.sites.{name}")
    module.PROFILE = fitted_profile(name, seed, family)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    site = BUILDERS[family](seed)
    with ReplicaServer(site) as server:
        await crawl(server, tmp_path / "xcedu.db", {"site": name})
        check_archive(tmp_path / "xcedu.db", site, server.base_url)


# One seed of each pager style and entry shape: the rest of the seeds run in
# `python -m benchmarks.variation`.
@pytest.mark.parametrize(("family", "seed"), [("epoint", 1), ("epoint", 6), ("trs", 2), ("trs", 7),
                                              ("hanweb", 3), ("hanweb", 5)])
@deferred_f_from_coro_f
async def test_discovery_alone_archives_a_variant_it_was_never_told_about(tmp_path, family, seed):
    site = BUILDERS[family](seed)
    with ReplicaServer(site) as server:
        start_urls = ",".join(server.base_url + path for path in site.column_start_paths())
        await crawl(server, tmp_path / "xcedu.db", {"site": "generic", "start_urls": start_urls})
        check_archive(tmp_path / "xcedu.db", site, server.base_url)
