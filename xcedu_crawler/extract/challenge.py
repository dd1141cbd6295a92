"""Recognises an anti-crawler challenge: a small script page a WAF sends in place of the content."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence

# What real challenge pages look like (public crawler code and write-ups):
# - Knownsec Jiasule (加速乐): HTTP 521 with `Set-Cookie: __jsluid_s=…` (`__jsluid_h` on
#   plain http) and `<script>document.cookie=<JSFuck>;location.href=location.pathname+
#   location.search</script>`; then a second 521 whose obfuscated script runs
#   go({"bts":…,"ha":"sha1","tn":"__jsl_clearance_s",…}) to set the clearance cookie
#   (github.com/MgArcher/jiasule crack.py; the `cookie=(.*?);location` regexes crawlers use).
# - Alibaba Cloud WAF: HTTP 200 `<html><script>var arg1='70D9…';var _0x4818=['\x63…',…];
#   function setCookie(name,value){…} function reload(x){setCookie("acw_sc__v2",x);
#   document.location.reload();}</script></html>` (github.com/WangYihang/acw-sc-v2.js README).
# - Ruishu (瑞数): HTTP 412 (202 in some versions, even 200) with a Set-Cookie whose name
#   ends in S (FSSBBIl1UgzbN7N80S, or a per-site one such as NfBCSins2OywS), and a body of
#   `<meta id=… content=… r='m'><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=…;
#   $_ts.cd="…"</script><script src="/…/….js" r='m'></script>` and no text at all.
# - Yunsuo (云锁) and Safedog (安全狗): a small script page with `Set-Cookie:
#   yunsuo_session_verify=…` / `security_session_verify=…` / `safedog-flow-item=…`.

CHALLENGE_STATUSES = frozenset({412, 521})
# Statuses a challenge page comes with where self-reloading code alone tells it from the
# site's own page; a 403 or 503 error page may reload itself (a maintenance page does).
RELOADING_CHALLENGE_STATUSES = frozenset({200, 202, 412, 521})
MAX_CHALLENGE_BYTES = 32_768  # real challenge pages are 1-20 KB, most of it script
MAX_CHALLENGE_TEXT_BYTES = 300  # visible text: none, or a "please enable JavaScript" line

# Cookies that only a WAF's challenge sets. Not acw_tc: Alibaba Cloud sets it on every
# response through its WAF and load balancers, articles included, so it tells nothing.
WAF_CHALLENGE_COOKIES = frozenset({
    "__jsluid", "__jsluid_s", "__jsluid_h", "__jsl_clearance", "__jsl_clearance_s",  # Jiasule
    "acw_sc__v2", "acw_sc__v3",  # Alibaba Cloud WAF
    # Ruishu: the S cookie comes in the headers, the T one from its script.
    "FSSBBIl1UgzbN7N80S", "FSSBBIl1UgzbN7N80T", "FSSBBIl1UgzbN7N443S", "FSSBBIl1UgzbN7N443T",
    "yunsuo_session_verify", "security_session_verify", "security_session_mid_verify",  # Yunsuo
    "safedog-flow-item",  # Safedog
})  # fmt: skip

_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_NOT_TEXT = re.compile(
    rb"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|\s+|&nbsp;",
    re.IGNORECASE | re.DOTALL,
)

# Undoing what obfuscators do to hide names, so that the patterns below see them:
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")  # '\x63\x6f…' for 'co…'
_CONCATENATION = re.compile(r"""["']\s*\+\s*["']""")  # "coo"+"kie"
_BRACKET_ACCESS = re.compile(r"""\[\s*["']([\w$]+)["']\s*\]""")  # document['cookie']
_ATOB = re.compile(r"""atob\(\s*["']([A-Za-z0-9+/=]+)["']\s*\)""")  # eval(atob('ZG9j…'))

# The script sets a cookie: `document.cookie=`, but also the word standing alone in a
# string table (var _0x5c2a=['cookie',…];document[_0x5c2a[0]]=…) or in a setCookie().
_SETS_COOKIE = re.compile(r"cookie", re.IGNORECASE)
_OBFUSCATED = re.compile(
    r"\b_0x[0-9a-f]{4,}\b|\beval\s*\(|\batob\s*\(|\bFunction\s*\(|String\.fromCharCode"
    r"|[\[\]()!+]{100}"  # JSFuck
)
_LOCATION = r"(?:(?:window|document|self|top)\.)?location"
_RELOADS = re.compile(
    rf"{_LOCATION}\.reload\s*\("
    rf"|{_LOCATION}(?:\.href)?\s*=\s*{_LOCATION}(?:\.href)?\s*(?:[;,)}}]|$)"
    rf"|{_LOCATION}(?:\.href)?\s*=\s*{_LOCATION}\.pathname\s*\+\s*{_LOCATION}\.search"
    rf"|{_LOCATION}\.(?:replace|assign)\(\s*{_LOCATION}(?:\.href)?\s*\)"
    r"|history\.go\(\s*0?\s*\)",
    re.MULTILINE,
)
# Code only a challenge runs: Ruishu's $_ts, or the name of a challenge cookie it sets.
_CHALLENGE_CODE = re.compile(
    r"\$_ts\s*=|" + "|".join(re.escape(name) for name in sorted(WAF_CHALLENGE_COOKIES))
)

Headers = Mapping[str, Sequence[str]]  # lower-case header name → its values, in order


def is_challenge(status: int, headers: Headers, body: bytes) -> bool:
    """True for the script page a WAF sends instead of the content, never for the site's own pages.

    Only a small page (MAX_CHALLENGE_BYTES) that runs an inline script and shows next to
    no text (MAX_CHALLENGE_TEXT_BYTES) can be one: every article, list and ordinary error
    page is left alone, whatever its status or cookies. Such a page is a challenge when:
    - its script is challenge code (Ruishu's $_ts, or it names a WAF challenge cookie), or
    - it answers 200, 202, 412 or 521 and its script reloads the page itself, or
    - it answers 412 or 521 and its script sets a cookie or is obfuscated, or comes
      with a WAF challenge cookie (Set-Cookie), or
    - it comes with a WAF challenge cookie and its script sets a cookie or is obfuscated.
    A WAF cookie alone is not enough: Jiasule sets __jsluid on ordinary pages as well,
    and a page that is only a script may be the site's own redirect.
    """
    if len(body) > MAX_CHALLENGE_BYTES:
        return False
    scripts = b"\n".join(_SCRIPT.findall(body))
    if not scripts.strip() or len(_NOT_TEXT.sub(b"", body)) > MAX_CHALLENGE_TEXT_BYTES:
        return False
    code = _deobfuscated(scripts.decode("latin-1"))
    if _CHALLENGE_CODE.search(code):
        return True
    if status in RELOADING_CHALLENGE_STATUSES and _RELOADS.search(code):
        return True
    suspicious_code = bool(_SETS_COOKIE.search(code) or _OBFUSCATED.search(code))
    waf_cookie = sets_waf_challenge_cookie(headers)
    if status in CHALLENGE_STATUSES:
        return suspicious_code or waf_cookie
    return suspicious_code and waf_cookie


def sets_waf_challenge_cookie(headers: Headers) -> bool:
    """Whether HEADERS set one of WAF_CHALLENGE_COOKIES."""
    values = headers.get("set-cookie", ())
    # A single value given as a str is one header, not a sequence of characters.
    for value in [values] if isinstance(values, str) else values:
        if value.split("=", 1)[0].strip() in WAF_CHALLENGE_COOKIES:
            return True
    return False


def _deobfuscated(code: str) -> str:
    """CODE with the text of each atob('…') literal added, then escaped characters, split
    strings and bracketed property names undone: what the patterns above are matched against."""
    decoded = [code]
    for literal in _ATOB.findall(code):
        try:
            decoded.append(base64.b64decode(literal, validate=True).decode("latin-1"))
        except (binascii.Error, ValueError):
            continue  # not base64 after all: nothing hidden there
    code = _ESCAPE.sub(lambda match: chr(int(match[1] or match[2], 16)), "\n".join(decoded))
    return _BRACKET_ACCESS.sub(r".\1", _CONCATENATION.sub("", code))
