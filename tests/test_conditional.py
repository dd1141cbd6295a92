"""Conditional GET: the replica's validators and 304s, and re-runs that send them back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f
from xcedu_replica import ReplicaServer, build_site
from xcedu_replica.conditional import BOTH, ETAG, LAST_MODIFIED, NONE, Validation
from xcedu_replica.families.hanweb import build_hanweb_site
from xcedu_replica.families.trs import build_trs_site
from xcedu_replica.model import Reply

from tests.checks import check_archive, runs, snapshot
from tests.conftest import crawl
from xcedu_crawler.archive import Archive
from xcedu_crawler.archive.rows import key_of

PAGE = Reply(200, "text/html", b"<html>page</html>")


def test_a_page_sends_the_validators_of_its_path_and_earns_a_304_only_while_they_match():
    validation = Validation(True)
    served = dict(validation.answer("/a.html", PAGE, {}).headers)
    assert set(served) == {"ETag", "Last-Modified"}
    assert validation.answer("/a.html", PAGE, {"If-None-Match": served["ETag"]}).status == 304
    since = {"If-Modified-Since": served["Last-Modified"]}
    assert validation.answer("/a.html", PAGE, since).status == 304
    edited = Reply(200, "text/html", b"<html>page, edited</html>")
    # If-None-Match decides when sent, even against a matching date.
    assert validation.answer("/a.html", edited, {"If-None-Match": served["ETag"], **since}).status == 200
    # Edited within the same second: Last-Modified still moves on.
    assert validation.answer("/a.html", edited, since).status == 200
    assert dict(validation.answer("/a.html", edited, {}).headers)["Last-Modified"] != served["Last-Modified"]
    assert validation.answer("/gone.html", Reply(404, "text/html", b"no"), {}).headers == ()


def test_some_validators_is_the_same_mix_every_time_and_none_ignores_conditional_headers():
    paths = [f"/page/{n}.html" for n in range(200)]
    some = [Validation("some").kinds(path) for path in paths]
    assert some == [Validation("some").kinds(path) for path in paths]
    assert {BOTH, NONE, frozenset({ETAG}), frozenset({LAST_MODIFIED})} == set(some)
    never = Validation(False)
    reply = never.answer("/a.html", PAGE, {"If-None-Match": "*", "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert (reply.status, reply.headers) == (200, ())
    with pytest.raises(ValueError):
        Validation("all")


@contextmanager
def served(build=build_site, validators: bool | str = True) -> Iterator[tuple[object, ReplicaServer]]:
    """A replica of the test's own (BUILD), served with VALIDATORS."""
    site = build()
    with ReplicaServer(site, validators=validators) as server:
        yield site, server


def validators(db_path) -> dict[str, tuple]:
    with Archive.open(db_path) as archive:
        return archive.validators()


def conditional_gets(server) -> dict[str, int]:
    return {e.path: e.status for e in server.exchanges if e.conditional}


@deferred_f_from_coro_f
async def test_a_no_change_rerun_gets_304s_where_validators_exist_and_full_pages_where_not(tmp_path):
    db_path = tmp_path / "xcedu.db"
    with served(validators="some") as (site, server):
        await crawl(server, db_path)
        before = snapshot(db_path)
        kept = validators(db_path)
        await crawl(server, db_path)
        starts = site.column_start_paths()
        with_validators = [path for path in starts if server.validation.kinds(path)]
        assert with_validators and len(with_validators) < len(starts)  # the mix this test is about
        assert conditional_gets(server) == dict.fromkeys(with_validators, 304)
        for path in set(starts) - set(with_validators):
            [exchange] = [e for e in server.exchanges if e.path == path]
            assert exchange.status == 200 and server.base_url + path not in kept
        assert snapshot(db_path) == before
        check_archive(db_path, site, server.base_url)
        run = runs(db_path)[-1]
        assert (run["mode"], run["status"], run["requests"]) == ("incremental", "ok", 1 + len(starts))


@deferred_f_from_coro_f
async def test_a_list_page_changed_between_runs_is_fetched_again_and_archived(tmp_path):
    db_path = tmp_path / "xcedu.db"
    with served() as (site, server):
        await crawl(server, db_path)
        [new_path] = site.publish("003002", 1)
        await crawl(server, db_path)
        # The new entry pushed one down onto page 2, which the pager then reached.
        changed = ["/jyj/003002/moreinfo.html", "/jyj/003002/2.html"]
        unchanged = set(site.column_start_paths()) - set(changed)
        assert conditional_gets(server) == {**dict.fromkeys(changed, 200), **dict.fromkeys(unchanged, 304)}
        assert ("GET", new_path) in server.requests
        run = runs(db_path)[-1]
        assert (run["status"], run["new"]) == ("ok", 1)
        check_archive(db_path, site, server.base_url)
        # Its new validators answer the next night's question.
        await crawl(server, db_path)
        assert conditional_gets(server) == dict.fromkeys(site.column_start_paths(), 304)


@deferred_f_from_coro_f
async def test_a_detail_page_unchanged_behind_a_redated_entry_is_confirmed_by_a_304_not_reparsed(tmp_path):
    db_path = tmp_path / "xcedu.db"
    with served() as (site, server):
        await crawl(server, db_path)
        before = snapshot(db_path)
        url = next(w["url"] for w in site.expected_announcements(server.base_url) if w["case"] == "ordinary")
        assert url in validators(db_path)
        with Archive.open(db_path) as archive:
            # As if the list had shown another date last time: tonight's entry differs from it.
            archive.db.execute("UPDATE announcement_urls SET list_date = '1999-01-01' WHERE url_key = ?",
                               [key_of(url)])
            # And that run ended `partial`: tonight's catches up, reading every list page.
            archive.db.execute("UPDATE crawl_runs SET status = 'partial'")
            archive.db.conn.commit()
        crawler = await crawl(server, db_path)
        path = url.removeprefix(server.base_url)
        assert conditional_gets(server) == {path: 304}
        assert crawler.stats.get_value("xcedu/not_modified") == 1
        assert snapshot(db_path) == before  # the list date is tonight's again
        run = runs(db_path)[-1]
        assert (run["mode"], run["status"], run["unchanged"], run["new"], run["updated"]) == (
            "catch-up", "ok", 1, 0, 0)


@pytest.mark.parametrize("overrides, spider_kwargs", [({}, {"full": "1"}), ({"XCEDU_CONDITIONAL_GET": False}, {})])
@deferred_f_from_coro_f
async def test_a_full_run_or_the_setting_off_fetches_everything_unconditionally(tmp_path, overrides, spider_kwargs):
    db_path = tmp_path / "xcedu.db"
    with served() as (site, server):
        await crawl(server, db_path)
        await crawl(server, db_path, spider_kwargs, **overrides)
        assert conditional_gets(server) == {}
        assert 304 not in {e.status for e in server.exchanges}
        check_archive(db_path, site, server.base_url)


@pytest.mark.parametrize("site_name, build", [("changge", build_trs_site), ("yuzhou", build_hanweb_site)])
@deferred_f_from_coro_f
async def test_a_family_site_rerun_is_answered_304_on_every_list_page_it_asks_for(tmp_path, site_name, build):
    db_path = tmp_path / "xcedu.db"
    with served(build) as (site, server):
        await crawl(server, db_path, {"site": site_name})
        before = snapshot(db_path)
        await crawl(server, db_path, {"site": site_name})
        assert conditional_gets(server) == dict.fromkeys(site.column_start_paths(), 304)
        assert snapshot(db_path) == before
        check_archive(db_path, site, server.base_url)
        assert runs(db_path)[-1]["status"] == "ok"
