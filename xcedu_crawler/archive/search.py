"""Exact full-text search: the character tokens an FTS5 index holds, queries and snippets.

SQLite's stock tokenizers cannot find a two-character Chinese word: unicode61 takes a
whole run of Chinese characters as one token, and trigram needs three characters. So
the index holds every character of the text as a token of its own, and a query term
becomes a phrase of its characters' tokens: FTS5 matches a phrase only where its tokens
stand next to each other, within one column, so a term of any length is found exactly
where it occurs as a substring of a title, body or source (README: "Search" has the
measurements behind this choice).

Punctuation and spaces are tokens too, not the separators unicode61 would drop: dropped,
they would let 教育工作会议 match "教育工作。会议" and `1=1` match "1, 1". Every token is
ASCII (a letter or digit as itself, any other character as `u` and its code point in
hex), so what is a token does not depend on the Unicode tables of the SQLite at hand.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

_QUERY_TERM = re.compile(r'"([^"]*)"?|(\S+)')
# More terms than this make FTS5 intersect more phrases than any query needs (1,000 took
# 47 s); each character of a term is a token whose positions FTS5 reads, so their length
# together is bounded too (3,000 characters take 0.17 s on 5,000 announcements).
MAX_TERMS = 32
MAX_QUERY_CHARACTERS = 1000
SNIPPET_MARK = "**"


# The search index's rowid is an announcement's `search_key`: seconds from 1900 to its
# publication (local time, as `published_at` writes it), times this span, plus its id
# (64 bits hold that to the year 2192, for a billion announcements). FTS5
# walks a term's matches in rowid order, so "newest first" reads the first LIMIT matches and
# stops, where any other order has to read and rank them all (README: "Search").
SEARCH_KEY_SPAN = 10**9
_KEY_EPOCH = datetime(1900, 1, 1)


def search_key(published_at: str | None, announcement_id: int) -> int:
    """The index rowid of an announcement: newest publication highest; undated ones lowest."""
    seconds = 0
    if published_at:
        try:
            local = datetime.fromisoformat(published_at[:19])
        except ValueError:
            local = _KEY_EPOCH
        seconds = max(int((local - _KEY_EPOCH).total_seconds()), 0)
    return seconds * SEARCH_KEY_SPAN + announcement_id


class QueryError(ValueError):
    """A query that cannot be searched: one clear line for the user."""


class _CharacterTokens(dict):
    """str.translate table: each character to its token, spaced; filled as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = char.lower()
        if len(folded) != 1:  # İ lowers to two characters: keep it as it is
            folded = char
        token = folded if folded.isascii() and folded.isalnum() else f"u{ord(folded):x}"
        self[code] = spaced = f" {token} "
        return spaced


_TOKENS = _CharacterTokens()


def index_text(text: str | None) -> str:
    """TEXT as the index holds it: NFKC-folded (full-width digits and letters as ASCII),
    case-folded, every character a token of its own."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).translate(_TOKENS)


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query: whitespace-separated words, or "quoted phrases" kept whole.

    A term of punctuation alone (`!!!`, `，。？`) is no word to look for and is left out.
    """
    terms: dict[str, str] = {}
    for quoted, word in _QUERY_TERM.findall(query):
        term = (quoted or word).strip()
        if any(char.isalnum() for char in term):
            terms.setdefault(index_text(term), term)
    return list(terms.values())


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression finding announcements that contain every term of QUERY.

    Each term becomes a quoted phrase of its tokens; tokens are letters, digits and
    u-codes, so FTS5 syntax in user input (AND, NEAR, *, quotes, column filters) is read
    as text, never as an operator.
    """
    terms = query_terms(query)
    if not terms:
        raise QueryError("the search query has no word to look for")
    if len(terms) > MAX_TERMS:
        raise QueryError(f"the search query has {len(terms)} different words; at most {MAX_TERMS}")
    length = sum(len(term) for term in terms)
    if length > MAX_QUERY_CHARACTERS:
        raise QueryError(f"the search query's words are {length} characters long together; "
                         f"at most {MAX_QUERY_CHARACTERS}")
    return " ".join('"' + " ".join(index_text(term).split()) + '"' for term in terms)


def snippet(text: str | None, terms: list[str], width: int = 40) -> str:
    """A window of TEXT around the first term found, every occurrence marked **so**; "" if none."""
    if not text or not terms:
        return ""
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return ""
    start = max(first.start() - width, 0)
    end = min(first.end() + width, len(text))
    window = pattern.sub(lambda m: f"{SNIPPET_MARK}{m.group(0)}{SNIPPET_MARK}", text[start:end])
    return ("…" if start else "") + window.replace("\n", " ") + ("…" if end < len(text) else "")
