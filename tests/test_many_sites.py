"""Many sites in one run: each with its own profile and politeness, one archive, one run row."""

from __future__ import annotations

import json

import pytest
from scrapy import Request
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families.hanweb import build_hanweb_site
from xcedu_replica.families.trs import build_trs_site

from tests.badpages import BadPageServer
from tests.checks import check_archive, runs
from tests.conftest import crawl
from tests.test_challenge import JSLUID, OBFUSCATED_JSL, reply
from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.status import report
from xcedu_crawler.crawl.middlewares import HostSlotMiddleware
from xcedu_crawler.extract.sites import get_profile
from xcedu_crawler.extract.sites.targets import SiteTarget, read_sites_file, site_targets


def test_one_profile_is_the_single_site_crawl_it_always_was():
    [target] = site_targets([], default_site="xuchang", base_url="http://127.0.0.1:1")
    assert target.name == "xuchang" and target.column_urls[0].startswith("http://127.0.0.1:1/")
    [target] = site_targets(["changge"], default_site="xuchang", start_urls=["http://a.cn/l.html"])
    assert (target.name, target.column_urls) == ("changge", ("http://a.cn/l.html",))


def test_several_specs_are_a_site_each_and_bare_urls_one_per_host(tmp_path):
    sites_file = tmp_path / "sites.txt"
    sites_file.write_text("# Henan\nchangge=http://127.0.0.1:2\n\nhttp://b.cn/1.html  # generic\n"
                          "http://b.cn/2.html\nhttp://c.cn/1.html\n", encoding="utf-8")
    targets = site_targets(["xuchang=http://127.0.0.1:1", *read_sites_file(sites_file)],
                           default_site="xuchang")
    columns = {name: len(get_profile(name).column_paths) for name in ("xuchang", "changge")}
    assert [(t.name, t.profile.name, len(t.column_urls)) for t in targets] == [
        ("xuchang", "xuchang", columns["xuchang"]), ("changge", "changge", columns["changge"]),
        ("b.cn", "generic", 2), ("c.cn", "generic", 1)]
    assert targets[0].hosts == {"127.0.0.1:1"}


@pytest.mark.parametrize(("specs", "message"), [
    (["xuchang", "xuchang=http://x.cn"], "a site is named twice"),
    (["xuchang=http://x.cn", "changge=http://x.cn"], "both live on x.cn"),
    (["nosuch", "xuchang"], "no site profile named 'nosuch'"),
])
def test_a_list_of_sites_that_cannot_be_crawled_is_refused(specs, message):
    with pytest.raises(ValueError, match=message):
        site_targets(specs, default_site="xuchang")


def test_a_site_target_is_plain_data():
    target = site_targets(["xuchang"], default_site="xuchang")[0]
    assert isinstance(target, SiteTarget) and target.hosts == {"jyj.xuchang.gov.cn"}


@deferred_f_from_coro_f
async def test_three_families_and_a_blocked_site_in_one_run(tmp_path):
    sites = {"xuchang": build_site(), "changge": build_trs_site(), "yuzhou": build_hanweb_site()}
    challenge = reply(OBFUSCATED_JSL, status=412, headers={"Set-Cookie": JSLUID["set-cookie"][0]})
    db_path = tmp_path / "many.db"
    servers = {name: ReplicaServer(site) for name, site in sites.items()}
    for server in servers.values():
        server.__enter__()
    try:
        with BadPageServer({"/list.html": challenge}) as waf:
            specs = [f"{name}={server.base_url}" for name, server in servers.items()]
            await crawl(servers["xuchang"], db_path,
                        {"site": ",".join([*specs, waf.url("/list.html")])},
                        XCEDU_CHALLENGE_DELAY=0.1)
            blocked = waf.url("/list.html").split("/")[2]
        for name, server in servers.items():
            check_archive(db_path, sites[name], server.base_url, site_name=name)
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    [run] = runs(db_path)
    per_site = json.loads(run["sites"])
    assert run["status"] == "partial"
    assert run["reason"].startswith(f"site {blocked} blocked: "), run["reason"]
    assert {name: figures["status"] for name, figures in per_site.items()} == {
        "xuchang": "ok", "changge": "ok", "yuzhou": "ok", blocked: "blocked"}
    assert per_site[blocked]["new"] == 0 and all(per_site[name]["new"] > 0 for name in sites)
    assert run["new"] == sum(figures["new"] for figures in per_site.values())
    with Archive.open(db_path) as archive:
        shown = report(archive, runs=1)
    assert f"· {blocked}" in shown and "· yuzhou" in shown


def test_each_host_and_port_is_a_download_slot_of_its_own():
    # Scrapy's own key is the host name alone: every replica on 127.0.0.1 would share one
    # delay, and one blocked site's back-off would slow the others.
    slots = []
    for url in ("http://127.0.0.1:8001/a.html", "http://127.0.0.1:8002/a.html", "http://b.cn/a.html"):
        request = Request(url)
        HostSlotMiddleware().process_request(request)
        slots.append(request.meta["download_slot"])
    assert slots == ["127.0.0.1:8001", "127.0.0.1:8002", "b.cn"]
