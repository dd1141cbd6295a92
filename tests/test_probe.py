"""`xcedu probe` on each bundled replica and on a saved real page: what discovery sees, and a draft profile."""

from __future__ import annotations

import importlib.util

import pytest
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.families.hanweb import build_hanweb_site
from xcedu_replica.families.trs import build_trs_site

from xcedu_crawler import cli
from xcedu_crawler.extract.sites import DATASTORE, SiteProfile

FAMILIES = {"epoint": (build_site, "pager links"), "trs": (build_trs_site, "TRS WCM"),
            "hanweb": (build_hanweb_site, "Hanweb JCMS")}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_probe_shows_column_entries_pager_and_an_article_and_drafts_a_profile(capsys, tmp_path, family):
    build, family_name = FAMILIES[family]
    site = build()
    with ReplicaServer(site) as server:
        url = server.base_url + site.column_start_paths()[1]
        code = cli.main(["probe", url, "--name", f"draft_{family}", "-o", str(tmp_path / "draft.py")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "column: '通知公告' (from breadcrumb)" in out
    assert f"family: {family_name}" in out
    assert "  page 2: " in out and "  page 3: " in out
    [title_line] = [line for line in out.splitlines() if line.startswith("  title:   ")]
    assert "detail page: " in out and title_line.endswith(")") and "(not found)" not in title_line
    spec = importlib.util.spec_from_file_location("draft", tmp_path / "draft.py")
    draft = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draft)
    assert isinstance(draft.PROFILE, SiteProfile)
    assert draft.PROFILE.column_urls() == [url]
    assert (draft.PROFILE.list_family == DATASTORE) == (family == "hanweb")


def test_probe_reads_a_saved_real_page_as_an_article(capsys):
    code = cli.main(["probe", "tests/fixtures/real/kepu_gov_cn_yangtze_delta.html",
                     "--url", "http://127.0.0.1/kepu.html"])
    out = capsys.readouterr().out
    assert code == 0
    assert "reading it as an article page" in out, out
    assert "title:   '习近平主持召开深入推进长三角一体化发展座谈会'" in out
    assert "date:    '2023-12-01 14:43'" in out


def test_probe_refuses_what_robots_txt_disallows(capsys):
    site = build_site()
    with ReplicaServer(site) as server:
        code = cli.main(["probe", server.base_url + "/jyj/private/x.html"])
    assert code == 1
    assert "robots.txt of 127.0.0.1" in capsys.readouterr().err
