"""Chinese search tokenizers on 100,000 synthetic announcements, each ranked by bm25: the chosen index against the alternatives.

Each approach gets its own database holding the same announcements; the script prints
index build time, database size, exact-recall check, and query latency (median, p95)
for short (1-2 character) and long (4+ character) terms.

    python -m benchmarks.search_latency [--size 100000]
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xcedu_replica.vocabulary import DISTRICTS, SOURCES, TOPICS

from xcedu_crawler.archive import SEARCH_COLUMNS, SEARCH_WEIGHTS
from xcedu_crawler.archive.search import index_text, match_expression

SHORT_TERMS = ("双", "减", "双减", "招生", "中招", "教师", "安全")
LONG_TERMS = ("教育工作", "学前教育", "义务教育阶段", "课后服务", "校园安全工作", "招生计划")
REPEATS = 5
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
# The archive's indexed columns and their bm25 weights: each approach indexes the same.
_COLUMNS = ", ".join(SEARCH_COLUMNS)
_WEIGHTS = ", ".join(str(weight) for weight in SEARCH_WEIGHTS)


def synthetic_announcements(size: int):
    """Titles, bodies and sources made of the replica's sentences, about 600 characters each."""
    rng = random.Random(20220207)
    topics = list(TOPICS)
    sentences = [s for topic in topics for s in TOPICS[topic]]
    for number in range(size):
        topic = rng.choice(topics)
        title = f"{rng.choice(DISTRICTS)}关于做好{topic}工作的通知（第{number}号）"
        body = "\n".join(rng.choice(sentences) for _ in range(rng.randint(6, 14)))
        yield number + 1, title, body, rng.choice(SOURCES)


def bigram_text(text: str) -> str:
    """Overlapping two-character tokens for Chinese runs (a lone character stays itself)."""
    def grams(run: re.Match[str]) -> str:
        chars = run.group(0)
        if len(chars) == 1:
            return f" {chars} "
        return " " + " ".join(chars[i : i + 2] for i in range(len(chars) - 1)) + " "
    return _CJK_RUN.sub(grams, text)


@dataclass
class Approach:
    name: str
    create: str  # the FTS table's definition
    transform: Callable[[str], str]  # document text → indexed text
    query: Callable[[str], str | None]  # term → MATCH expression, None: fall back to LIKE


def bigram_query(term: str) -> str | None:
    return None if len(term) < 2 else '"' + bigram_text(term).strip() + '"'


def trigram_query(term: str) -> str | None:
    return None if len(term) < 3 else f'"{term}"'


APPROACHES = (
    Approach("characters (chosen)", f"fts5({_COLUMNS}, content='')", index_text,
             match_expression),
    Approach("bigrams + LIKE for 1 char", f"fts5({_COLUMNS}, content='')", bigram_text,
             bigram_query),
    Approach("trigram + LIKE under 3 chars", f"fts5({_COLUMNS}, tokenize='trigram', content='')",
             lambda text: text, trigram_query),
)


def build(approach: Approach, path: Path, size: int) -> float:
    db = sqlite3.connect(path)
    db.execute(f"CREATE TABLE docs (id INTEGER PRIMARY KEY, {_COLUMNS})")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", synthetic_announcements(size))
    started = time.perf_counter()
    db.execute(f"CREATE VIRTUAL TABLE fts USING {approach.create}")
    db.executemany(
        f"INSERT INTO fts (rowid, {_COLUMNS}) VALUES (?, ?, ?, ?)",
        ((i, *map(approach.transform, texts))
         for i, *texts in db.execute(f"SELECT id, {_COLUMNS} FROM docs").fetchall()),
    )
    db.commit()
    elapsed = time.perf_counter() - started
    db.execute("VACUUM")
    db.close()
    return elapsed


def ranked(db: sqlite3.Connection, approach: Approach, term: str) -> list[int]:
    """The top 20 ids for TERM, as xcedu search asks (bm25 order), or a LIKE scan fallback."""
    expression = approach.query(term)
    if expression is None:
        # A LIKE scan cannot rank by relevance; newest first is the best it can do, and
        # like any ordering it has to read every row.
        like = f"%{term}%"
        return [row[0] for row in db.execute(
            "SELECT id FROM docs WHERE title LIKE ? OR body LIKE ? OR source LIKE ? "
            "ORDER BY id DESC LIMIT 20", [like, like, like])]
    return [row[0] for row in db.execute(
        f"SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, {_WEIGHTS}) LIMIT 20",
        [expression])]


def matching_count(db: sqlite3.Connection, approach: Approach, term: str) -> int:
    expression = approach.query(term)
    if expression is None:
        return truth_count(db, term)
    return db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", [expression]).fetchone()[0]


def latencies(db: sqlite3.Connection, approach: Approach, terms: tuple[str, ...]) -> list[float]:
    times = []
    for _ in range(REPEATS):
        for term in terms:
            started = time.perf_counter()
            ranked(db, approach, term)
            times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="announcements (default 100000)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for approach in APPROACHES:
            path = Path(folder) / f"{len(rows)}.db"
            print(f"building {approach.name} over {args.size} announcements…", file=sys.stderr)
            build_seconds = build(approach, path, args.size)
            db = sqlite3.connect(path)
            exact = all(
                matching_count(db, approach, term) == truth_count(db, term)
                for term in SHORT_TERMS + LONG_TERMS
            )
            short, long_ = latencies(db, approach, SHORT_TERMS), latencies(db, approach, LONG_TERMS)
            index_mb = (path.stat().st_size - docs_size(db)) / 1e6
            rows.append((approach.name, build_seconds, index_mb, exact, statistics.median(short),
                         p95(short), statistics.median(long_), p95(long_)))
            db.close()
    print(f"\nChinese search over {args.size:,} synthetic announcements "
          f"({REPEATS}× {len(SHORT_TERMS)} short and {len(LONG_TERMS)} long terms, top 20 by bm25)\n")
    print("| approach | index build s | index MB | exact recall | short median ms | short p95 ms "
          "| long median ms | long p95 ms |\n|---|---|---|---|---|---|---|---|")
    for name, build_s, mb, exact, s_med, s_95, l_med, l_95 in rows:
        print(f"| {name} | {build_s:.1f} | {mb:.0f} | {'yes' if exact else 'NO'} | {s_med:.1f} | "
              f"{s_95:.1f} | {l_med:.1f} | {l_95:.1f} |")
    return 0


def truth_count(db: sqlite3.Connection, term: str) -> int:
    like = f"%{term}%"
    return db.execute("SELECT count(*) FROM docs WHERE title LIKE ? OR body LIKE ? OR source LIKE ?",
                      [like, like, like]).fetchone()[0]


def docs_size(db: sqlite3.Connection) -> int:
    """Bytes of the docs table and its index, so the FTS index's own size can be told apart."""
    return db.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name IN ('docs', 'sqlite_autoindex_docs_1')"
    ).fetchone()[0] or 0


if __name__ == "__main__":
    raise SystemExit(main())
