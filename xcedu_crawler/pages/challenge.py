"""Recognises an anti-crawler challenge: HTTP 412/521 with a small cookie-setting script page."""

from __future__ import annotations

import re

CHALLENGE_STATUSES = frozenset({412, 521})
MAX_CHALLENGE_BYTES = 16_384
_SETS_COOKIE = re.compile(rb"document\s*\.\s*cookie\s*=", re.IGNORECASE)


def is_challenge(status: int, body: bytes) -> bool:
    """True for the script page a WAF sends instead of the content, never for an ordinary error page."""
    return (
        status in CHALLENGE_STATUSES
        and len(body) <= MAX_CHALLENGE_BYTES
        and bool(_SETS_COOKIE.search(body))
    )
