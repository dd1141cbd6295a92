"""Anti-crawler challenges: the script pages WAFs send are caught, the site's own pages are not."""

from __future__ import annotations

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.badpages import BadPageServer, reply
from tests.checks import runs
from tests.test_badpages import crawl_bad_pages
from xcedu_crawler.archive import Archive
from xcedu_crawler.extract.challenge import MAX_CHALLENGE_BYTES, is_challenge

# Jiasule's second round, as the issue found it: no `document.cookie=` anywhere.
OBFUSCATED_JSL = (
    "<html><head><meta charset='utf-8'></head><body><script>"
    "var _0x5c2a=['cookie','__jsl_clearance_s=1656042314.718|0|ab%3D;max-age=3600;path=/'];"
    "document[_0x5c2a[0]]=_0x5c2a[1];location.href=location.pathname+location.search;"
    "</script></body></html>"
)
ARTICLE_TEXT = "<p>" + "为深入贯彻落实全市教育工作会议精神，现就做好有关工作通知如下。" * 20 + "</p>"


def page(script: str, text: str = "") -> bytes:
    head = "<html><head><meta charset='utf-8'></head>"
    return f"{head}<body>{text}<script>{script}</script></body></html>".encode()


def cookies(*values: str) -> dict[str, list[str]]:
    return {"set-cookie": list(values)}


JSLUID = cookies("__jsluid_s=3a1c9e0f; path=/")
JSFUCK = "[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(![]+[])[+!+[]]+(!![]+[])[+[]]]"


CHALLENGES = {
    "jiasule-first-round": (
        521, cookies("__jsluid_s=3a1c9e0f; max-age=31536000; path=/; HttpOnly"),
        page("document.cookie=('_')+('_')+(-~[]+[])+'jsl_clearance_s='+(+new Date());"
             "location.href=location.pathname+location.search"),
    ),
    "jiasule-obfuscated-412": (412, JSLUID, OBFUSCATED_JSL.encode()),
    "jiasule-go-round": (
        521, {},
        page('var _0x1a=function(){};go({"bts":["1714542141.604|0|y1V","%3D"],"chars":"yK%jB",'
             '"ct":"b7399ba3","ha":"sha1","is":true,"tn":"__jsl_clearance_s","vt":"3600"})'),
    ),
    # Each of these three is caught only once the obfuscation is undone.
    "hex-escaped-cookie-with-waf-cookie-200": (
        200, JSLUID,
        page(r"var t=['\x63\x6f\x6f\x6b\x69\x65','a=1'];document[t[0]]=t[1];"),
    ),
    "split-cookie-with-waf-cookie-200": (
        200, JSLUID, page('window.document["coo"+"kie"]="k=v";'),
    ),
    "bracketed-reload-200": (200, {}, page("window['location']['rel'+'oad']();")),
    "bracketed-cookie-412": (412, {}, page("document['cookie']='k=v; path=/';")),
    "split-cookie-521": (521, {}, page('window.document["coo"+"kie"]="k=v";')),
    "atob-packed-200-reload": (
        200, {}, page("eval(atob('ZG9jdW1lbnQuY29va2llPSJfX2M9MSI7bG9jYXRpb24ucmVsb2FkKCk='))"),
    ),
    "atob-packed-412-cookie": (412, {}, page("eval(atob('ZG9jdW1lbnQuY29va2llPSJjPTF8MHx4Ig=='))")),
    "jsfuck-521": (521, {}, page(JSFUCK * 3)),
    "alibaba-acw-sc-v2": (
        200, cookies("acw_tc=781bad3a16; path=/; HttpOnly; Max-Age=1800"),
        page("var arg1='70D9569CD5E5895C84F284A09503B1598C5762A1';"
             "var _0x4818=['\\x63\\x73\\x4b\\x48'];function setCookie(name,value){"
             "var expiredate=new Date();expiredate.setTime(expiredate.getTime()+3600000);"
             "document.cookie=name+'='+value+';expires='+expiredate.toGMTString()+';path=/';}"
             "function reload(x){setCookie('acw_sc__v2',x);document.location.reload();}"),
    ),
    "ruishu-412": (
        412, cookies("FSSBBIl1UgzbN7N80S=wdyNt8FP1MR4F1_g9zl4CMEJ; Path=/"),
        b"<html><head><meta id='sx6c1KC7YLcx' content='rX93gZkP.qLdmc' r='m'>"
        b"<script r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=52206;"
        b"$_ts.cd=\"qtJDrpAltcLqlqVm\";</script><script src='/3of0EhpccaFM/RkdMxdIZoj2i.bc4278d.js'"
        b" r='m'></script></head><body></body></html>",
    ),
    "ruishu-202-own-cookie-name": (
        202, cookies("NfBCSins2OywS=60dYxS3C; path=/"),
        b"<html><head><script>$_ts=window['$_ts'];$_ts.cd=\"qEk\";</script></head></html>",
    ),
    "yunsuo-200": (
        200, cookies("yunsuo_session_verify=d21eb089dde2f05fd34ee94b269914f2; path=/"),
        page('function stringToHex(s){var v="";for(var i=0;i<s.length;i++)'
             '{v+=s.charCodeAt(i).toString(16);}return v;}'
             'document.cookie="srcurl="+stringToHex(window.location.href)+";path=/;";'
             'self.location="/index.php?security_verify_data="+stringToHex(screen.width+"");'),
    ),
    "reload-timer-200": (200, {}, page("setTimeout(function(){location.reload();},1000);")),
    "href-to-itself-200": (200, {}, page("location.href=location.href;")),
    "window-location-to-itself-200": (200, {}, page("window.location = window.location.href;")),
    "replace-with-itself-200": (200, {}, page("location.replace(location.href)")),
    "waf-cookie-and-obfuscated-403": (
        403, cookies("__jsluid_h=9c1f"), page("var _0x3e7a=['x'];(function(_0x1d){})(_0x3e7a);"),
    ),
    "ruishu-runtime-503": (503, {}, page("$_ts=window['$_ts'];$_ts.cd='qq';")),
    "set-cookie-given-as-one-string": (
        200, {"set-cookie": "safedog-flow-item=8471BA51; path=/"},  # type: ignore[dict-item]
        page("document.cookie='safe=1';self.location='/?sd=1';"),
    ),
}  # fmt: skip

NOT_CHALLENGES = {
    "nginx-403": (
        403, {}, b"<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden"
                 b"</h1></center><hr><center>nginx</center></body></html>",
    ),
    "404-with-analytics-and-waf-cookie": (
        404, JSLUID,
        page('var _hmt=_hmt||[];(function(){var hm=document.createElement("script");'
             'hm.src="https://hm.baidu.com/hm.js?abc";'
             'var s=document.getElementsByTagName("script")[0];'
             "s.parentNode.insertBefore(hm,s);})();",
             "<h2>404</h2><p>页面不存在</p>"),
    ),
    "503-maintenance-reloading-itself": (
        503, {}, page("setTimeout(function(){location.reload();},30000);", "<p>系统维护中，请稍后访问</p>"),
    ),
    "412-error-page": (412, {}, b"<html><body><h1>412 Precondition Failed</h1></body></html>"),
    "521-empty": (521, {}, b""),
    "521-too-big": (
        521, {}, page("document.cookie='a=1';location.reload();") + b" " * MAX_CHALLENGE_BYTES,
    ),
    "200-article-with-acw-tc": (
        200, cookies("acw_tc=781bad3a16; path=/; HttpOnly; Max-Age=1800"),
        page("document.cookie='fontsize=16;path=/';", f"<h1>关于做好双减工作的通知</h1>{ARTICLE_TEXT}"),
    ),
    "200-article-with-cookie-and-reload-script": (
        200, JSLUID,
        page("function setFont(s){document['cookie']='size='+s;location.reload();}", ARTICLE_TEXT),
    ),
    "200-redirect-with-acw-tc": (
        200, cookies("acw_tc=781bad3a16; path=/"),
        page('document.cookie="from=list";location.href="/a/2.html";'),
    ),
    "200-script-redirect": (200, {}, page('location.href="/jyj/003001/2.html";')),
    "200-cookie-then-elsewhere": (
        200, {}, page("document.cookie='lang=zh';window.location='/zh/';"),
    ),
    "200-short-notice-with-stats": (200, {}, page("var _hmt=_hmt||[];", "<p>本栏目暂无信息</p>")),
}  # fmt: skip


@pytest.mark.parametrize(("status", "headers", "body"), CHALLENGES.values(), ids=CHALLENGES.keys())
def test_a_challenge_is_recognised(status, headers, body):
    assert is_challenge(status, headers, body)


@pytest.mark.parametrize(
    ("status", "headers", "body"), NOT_CHALLENGES.values(), ids=NOT_CHALLENGES.keys()
)
def test_the_sites_own_page_is_no_challenge(status, headers, body):
    assert not is_challenge(status, headers, body)


@deferred_f_from_coro_f
async def test_an_obfuscated_412_challenge_blocks_the_run(tmp_path):
    challenge = reply(OBFUSCATED_JSL, status=412, headers={"Set-Cookie": JSLUID["set-cookie"][0]})
    paths = ("/list1.html", "/list2.html", "/list3.html")
    with BadPageServer(dict.fromkeys(paths, challenge)) as server:
        # Three challenges in a row (XCEDU_CHALLENGE_LIMIT) leave the host alone.
        await crawl_bad_pages(server, tmp_path / "x.db", *paths, XCEDU_CHALLENGE_DELAY=0.1)
    [run] = runs(tmp_path / "x.db")
    assert run["status"] == "blocked", run["reason"]
    with Archive.open(tmp_path / "x.db") as archive:
        reasons = [row["reason"] for row in archive.db["failures"].rows]
        assert archive.db["announcements"].count == 0
    assert reasons and set(reasons) == {"blocked"}


@deferred_f_from_coro_f
async def test_one_challenged_list_page_makes_the_run_blocked_and_a_challenged_detail_partial(tmp_path):
    from tests.badpages import detail_page, list_page

    challenge = reply(OBFUSCATED_JSL, status=412, headers={"Set-Cookie": JSLUID["set-cookie"][0]})
    with BadPageServer({"/list.html": challenge}) as server:
        await crawl_bad_pages(server, tmp_path / "only-list.db", XCEDU_CHALLENGE_DELAY=0.1)
    [run] = runs(tmp_path / "only-list.db")
    assert run["status"] == "blocked", run["reason"]

    routes = {"/list.html": reply(list_page([("/a/1.html", "第一篇", "2022-03-01"), ("/a/2.html", "第二篇", "2022-03-02")])),
              "/a/1.html": challenge, "/a/2.html": reply(detail_page("第二篇", ["正文。"]))}
    with BadPageServer(routes) as server:
        await crawl_bad_pages(server, tmp_path / "one-detail.db", XCEDU_CHALLENGE_DELAY=0.1)
    [run] = runs(tmp_path / "one-detail.db")
    assert run["status"] == "partial" and "1 anti-crawler challenge(s)" in run["reason"]
