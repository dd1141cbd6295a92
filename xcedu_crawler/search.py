"""Chinese full-text search: the character-token text an FTS5 index holds, queries and snippets.

SQLite's stock tokenizers cannot find a two-character Chinese word: unicode61 takes a
whole run of Chinese characters as one token, and trigram needs three characters. So
the index holds the text with every Chinese character spaced out as a token of its own,
and a query term becomes a phrase of its characters: FTS5 matches a phrase only where
its tokens stand next to each other, so a term of any length is found exactly where it
occurs as a substring (README: "Search" has the measurements behind this choice).
"""

from __future__ import annotations

import re
import unicodedata

# CJK Unified Ideographs with extension A, the compatibility block, and extensions B and on.
_CJK_CHARACTER = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])")
_QUERY_TERM = re.compile(r'"([^"]*)"?|(\S+)')
SNIPPET_MARK = "**"


def index_text(text: str | None) -> str:
    """TEXT as the index holds it: NFKC-folded (full-width digits and letters as ASCII),
    each Chinese character a token of its own."""
    if not text:
        return ""
    # split() with the capturing group yields the text between characters and each character
    # in turn; joining them with spaces does what sub(r" \1 ") would, three times as fast.
    return " ".join(_CJK_CHARACTER.split(unicodedata.normalize("NFKC", text)))


def query_terms(query: str) -> list[str]:
    """The terms of a query: whitespace-separated words, or "quoted phrases" kept whole."""
    terms = []
    for quoted, word in _QUERY_TERM.findall(query):
        term = (quoted or word).strip()
        if term and index_text(term).split():
            terms.append(term)
    return terms


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression finding announcements that contain every term of QUERY.

    Each term becomes a quoted phrase of its tokens, so FTS5 syntax in user input
    (AND, NEAR, *, column filters) is read as text, never as an operator.
    """
    terms = query_terms(query)
    if not terms:
        raise ValueError("the search query has no word to look for")
    phrases = []
    for term in terms:
        tokens = index_text(term).replace('"', " ").split()
        phrases.append('"' + " ".join(tokens) + '"')
    return " ".join(phrases)


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
