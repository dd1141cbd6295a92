"""Validators: ETag and Last-Modified on the replica's pages, and 304 answers to conditional GETs."""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

from xcedu_replica.model import Reply

ETAG, LAST_MODIFIED = "etag", "last_modified"
BOTH = frozenset({ETAG, LAST_MODIFIED})
NONE: frozenset[str] = frozenset()
# What "some" gives a path, by a checksum of it: every mix a real server farm shows, one
# page in four with no validator at all (as from a CMS script that sets no header).
_SOME = (BOTH, frozenset({ETAG}), frozenset({LAST_MODIFIED}), NONE)


class Validation:
    """Which validators each path sends, and the 304s they earn.

    VALIDATORS: True (every page sends both), False (none sends any) or "some" (each path
    the same kinds on every request, by a checksum of it; see `kinds`).

    An ETag is a hash of the body, so any change of content changes it. A Last-Modified is
    remembered per path: the moment this server first served that body, and a second more
    than the last one whenever the body differs from what the path served before, so that
    an edit made within the second of the last fetch still reads as modified.
    """

    def __init__(self, validators: bool | str):
        if validators not in (True, False, "some"):
            raise ValueError(f'validators must be True, False or "some", not {validators!r}')
        self.validators = validators
        self._started = datetime.now(timezone.utc).replace(microsecond=0)
        self._lock = threading.Lock()
        self._served: dict[str, tuple[str, datetime]] = {}  # path: (body digest, Last-Modified)

    def kinds(self, path: str) -> frozenset[str]:
        """The validators PATH (as requested, query included) is served with."""
        if self.validators is True:
            return BOTH
        if self.validators is False:
            return NONE
        return _SOME[zlib.crc32(path.encode("utf-8")) % len(_SOME)]

    def answer(self, path: str, reply: Reply, request_headers: Mapping[str, str]) -> Reply:
        """REPLY with its validators; 304 without a body when REQUEST_HEADERS hold a match."""
        kinds = self.kinds(path)
        if reply.status != 200 or not kinds:
            return reply
        digest = hashlib.sha256(reply.body).hexdigest()
        headers = {}
        if ETAG in kinds:
            headers["ETag"] = f'"{digest[:20]}"'
        if LAST_MODIFIED in kinds:
            headers["Last-Modified"] = format_datetime(self._last_modified(path, digest), usegmt=True)
        validated = replace(reply, headers=tuple(headers.items()))
        if _not_modified(headers, request_headers):
            return replace(validated, status=304, body=b"")
        return validated

    def _last_modified(self, path: str, digest: str) -> datetime:
        with self._lock:
            served = self._served.get(path)
            if served is None:
                moment = self._started
            elif served[0] == digest:
                return served[1]
            else:
                now = datetime.now(timezone.utc).replace(microsecond=0)
                moment = max(now, served[1] + timedelta(seconds=1))
            self._served[path] = (digest, moment)
            return moment


def _not_modified(validators: dict[str, str], request_headers: Mapping[str, str]) -> bool:
    """As RFC 9110 has it: If-None-Match decides when sent; If-Modified-Since only without it."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        etag = validators.get("ETag")
        sent = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag is not None and (etag in sent or "*" in sent)
    if_modified_since = request_headers.get("If-Modified-Since")
    last_modified = validators.get("Last-Modified")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC asks
    return parsedate_to_datetime(last_modified) <= since
