"""Canonical announcement URLs, their identity keys, and small tests on URLs."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from posixpath import splitext
from urllib.parse import SplitResult, unquote_plus, unquote_to_bytes, urlsplit, urlunsplit

from w3lib.url import safe_url_string

TRACKING_KEYS_DEFAULT = ("from", "spm", "utm_*", "share", "isappinstalled")

_HTTP_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str, tracking_keys: Iterable[str] = TRACKING_KEYS_DEFAULT) -> str:
    """The archive's form of an absolute URL (see the `url` column of the contract).

    A tracking key ending in "*" matches every query key it prefixes; keys match
    case-insensitively. Raises ValueError for a malformed port.
    """
    # Not w3lib's canonicalize_url: it sorts the query and unquotes/requotes it, while
    # the archive keeps the URL users cite, in its published order. safe_url_string only
    # percent-encodes what a browser would (a raw Chinese file name), as Scrapy does for
    # every request, so a link and the response it led to share one form.
    parts = urlsplit(safe_url_string(url))
    patterns = [key.lower() for key in tracking_keys]
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair, patterns)
    )
    return urlunsplit((parts.scheme, _host(parts), parts.path or "/", query, ""))


def url_key(url: str, tracking_keys: Iterable[str] = TRACKING_KEYS_DEFAULT) -> str:
    """The identity of an announcement URL: its canonical form without the scheme.

    http and https twins of one page share a key (`//host/path?query`).
    """
    return canonical_url(url, tracking_keys).partition(":")[2]


def host_of(url: str) -> str:
    """The lower-cased host of a URL, with its port unless it is the scheme's default."""
    return _host(urlsplit(url))


def file_extension(url: str) -> str | None:
    """The lower-cased extension of the URL's file name ("pdf", "wps"), None without one."""
    return splitext(file_name(url))[1].removeprefix(".").lower() or None


def file_name(url: str) -> str:
    """The percent-decoded last segment of the URL's path ("" for a path ending in "/")."""
    segment = urlsplit(url).path.rpartition("/")[2]
    name = unquote_to_bytes(segment)
    try:
        return name.decode("utf-8")
    except UnicodeDecodeError:
        # Older GBK-era servers percent-encode file names in GBK; GB18030 is its superset.
        # UTF-8 goes first because GBK bytes are very rarely valid UTF-8.
        return name.decode("gb18030", errors="replace")


def is_http_url(url: str) -> bool:
    """Whether the URL is an http(s) URL with a host (not javascript:, mailto:, data:…)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket in a scraped href
        return False
    return parts.scheme in _HTTP_SCHEMES and bool(parts.netloc)


def _host(parts: SplitResult) -> str:
    # hostname drops user info (never part of an announcement's identity) and lower-cases.
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    return host


def _is_tracking(pair: str, patterns: list[str]) -> bool:
    key = unquote_plus(pair.partition("=")[0]).lower()
    # fnmatch gives the "utm_*" prefix match of the settings' key list.
    return any(fnmatchcase(key, pattern) for pattern in patterns)
