"""Markup variation: each family's replica under seeds 1..N, crawled, scored field by field against its truth."""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import (
    PROJECT_ROOT,
    PYTHON,
    Figure,
    progress,
    project_crawl_command,
    render_table,
    scratch_dir,
)
from tests.checks import ANNOUNCEMENT_FIELDS, runs, snapshot

# Each family's replica and the profile that crawls it when there is no generic one.
FAMILIES = {"epoint": "xuchang", "trs": "changge", "hanweb": "yuzhou"}
GENERIC = "generic"
# Scored besides the announcement fields: what the row's side tables and body say.
FIELDS = (*ANNOUNCEMENT_FIELDS, "columns", "attachments", "body")


def builder(family: str) -> Callable[[int | None], object]:
    """The family's build function, called with a variation seed (None: its own markup)."""
    if family == "epoint":
        from xcedu_replica import build_site

        return lambda seed: build_site(variation_seed=seed)
    if family == "trs":
        from xcedu_replica.families.trs import build_trs_site

        return lambda seed: build_trs_site(variation_seed=seed)
    from xcedu_replica.families.hanweb import build_hanweb_site

    return lambda seed: build_hanweb_site(variation_seed=seed)


def serve(family: str, seed: int | None) -> None:
    """Child process: serve the variant, print its base URL and truth as one JSON line, and
    serve until stdin ends."""
    from xcedu_replica import ReplicaServer

    site = builder(family)(seed)
    with ReplicaServer(site) as server:
        base = server.base_url
        truth = {
            "base_url": base,
            "announcements": site.expected_announcements(base),
            "failures": site.expected_failures(base),
            "start_urls": [base + path for path in site.column_start_paths()],
            "variation": site.variation.describe() if site.variation else "the family's own markup",
        }
        print(json.dumps(truth, ensure_ascii=False), flush=True)
        sys.stdin.read()


@dataclass
class Score:
    """How one crawl of one variant compares with the variant's truth."""

    family: str
    seed: int | None
    profile: str
    expected: int = 0
    rows: int = 0
    missing: int = 0
    extra: int = 0
    duplicate: int = 0
    right: Counter[str] = field(default_factory=Counter)  # field: rows exactly right
    failures_missing: int = 0
    failures_extra: int = 0
    status: str = ""
    exit_code: int = 0
    variation: str = ""
    wrong_examples: dict[str, str] = field(default_factory=dict)  # field: one URL it is wrong on


def crawl_variant(family: str, seed: int | None, profile: str, scratch: Path) -> Score:
    """Serve FAMILY's variant SEED in a child, crawl it with `xcedu crawl -a site=PROFILE` in
    another, and score the archive."""
    score = Score(family, seed, profile)
    server = subprocess.Popen(
        [PYTHON, "-m", "benchmarks.variation", "--serve", family, str(seed or 0)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
    )  # fmt: skip
    try:
        truth = json.loads(server.stdout.readline())
        db_path = scratch / f"{family}-{seed}.db"
        command = [
            *project_crawl_command(truth["base_url"], db_path, full=True), "-a", f"site={profile}",
            # A generic crawl knows no columns of its own: they are the replica's column pages.
            "-a", f"start_urls={','.join(truth['start_urls'])}",
        ]  # fmt: skip
        crawl = subprocess.run(
            [PYTHON, "-m", *command],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,  # a partial or failed run is a score, not an error
        )
    finally:
        server.stdin.close()
        server.wait()
    score.exit_code, score.variation = crawl.returncode, truth["variation"]
    if not db_path.exists():
        raise RuntimeError(
            f"{family} seed {seed}: no archive; the crawl said:\n{crawl.stderr[-3000:]}"
        )
    compare(score, snapshot(db_path), truth)
    score.status = ",".join(run["status"] for run in runs(db_path))
    return score


def compare(score: Score, data: dict, truth: dict) -> None:
    """Fill SCORE in from the archive's DATA (tests.checks.snapshot) and the variant's TRUTH."""
    rows = data["announcements"]
    expected = truth["announcements"]
    score.expected, score.rows = len(expected), len(rows)
    attachments: dict[int, list[dict]] = {}
    for attachment in data["attachments"]:
        attachments.setdefault(attachment["announcement_id"], []).append(
            {"url": attachment["url"], "name": attachment["name"]}
        )
    by_url = {}
    for row in rows:
        for url in (row["url"], *json.loads(row["aliases"] or "[]")):
            by_url.setdefault(url, row)
    matched: Counter[int] = Counter()
    for want in expected:
        found = {
            by_url[url]["id"]: by_url[url]
            for url in (want["url"], *want["aliases"])
            if url in by_url
        }
        if not found:
            score.missing += 1
            continue
        for row_id in found:
            matched[row_id] += 1
        score.duplicate += len(found) - 1
        row = next(iter(found.values()))
        got = got_fields(row, attachments.get(row["id"], []))
        for name in FIELDS:
            if got[name] == wanted(want, name):
                score.right[name] += 1
            else:
                score.wrong_examples.setdefault(name, want["url"])
    # A row standing for an announcement another row stands for already is a duplicate too.
    score.duplicate += sum(count - 1 for count in matched.values() if count > 1)
    score.extra = sum(row["id"] not in matched for row in rows)
    got_failures = {(f["url"], f["reason"]) for f in data["failures"]}
    want_failures = {(f["url"], f["reason"]) for f in truth["failures"]}
    score.failures_missing = len(want_failures - got_failures)
    score.failures_extra = len(got_failures - want_failures)


def got_fields(row: dict, attachments: list[dict]) -> dict:
    got = {name: row[name] for name in ANNOUNCEMENT_FIELDS}
    got["paragraphs"] = json.loads(got["paragraphs"])
    got["images"] = json.loads(got["images"])
    got["columns"] = sorted(json.loads(row["columns"]))
    got["attachments"] = sorted(attachments, key=lambda a: a["url"])
    got["body"] = row["body"]
    return got


def wanted(want: dict, name: str) -> object:
    if name == "attachments":
        return sorted(want["attachments"], key=lambda a: a["url"])
    if name == "body":
        return "\n".join(want["paragraphs"])
    return want[name]


def profile_for(family: str) -> tuple[str, str | None]:
    """(the profile to crawl with, a note when it is not the generic one)."""
    if importlib.util.find_spec(f"xcedu_crawler.extract.sites.{GENERIC}") is not None:
        return GENERIC, None
    return FAMILIES[family], (
        f"xcedu_crawler/extract/sites/{GENERIC}.py does not exist yet: each family is crawled with "
        "its own profile instead (" + ", ".join(f"{f}: {p}" for f, p in FAMILIES.items()) + ")"
    )


def report(scores: list[Score], notes: list[str]) -> str:
    figures = []
    for family in FAMILIES:
        # The unvaried replica: the scorer's own check, as its profile archives it exactly.
        for plain in (s for s in scores if s.family == family and s.seed is None):
            exact = all(plain.right[name] == plain.expected for name in FIELDS)
            exact = exact and not (plain.missing or plain.extra or plain.duplicate)
            figures.append(Figure(
                f"{family}: unvaried replica, every field and row exactly right",
                "yes" if exact else "no", "yes", exact,
            ))  # fmt: skip
        mine = [s for s in scores if s.family == family and s.seed is not None]
        if not mine:
            continue
        expected = sum(s.expected for s in mine)
        for name in FIELDS:
            right = sum(s.right[name] for s in mine)
            worst = min(s.right[name] / s.expected for s in mine)
            figures.append(Figure(
                f"{family}: {name} exactly right", f"{right / expected:.1%} (worst seed {worst:.1%})",
                "≥ 99 %", right / expected >= 0.99,
            ))  # fmt: skip
        rows = {
            "missing": sum(s.missing for s in mine),
            "extra": sum(s.extra for s in mine),
            "duplicate": sum(s.duplicate for s in mine),
        }
        figures.append(Figure(
            f"{family}: rows missing / extra / duplicate", " / ".join(map(str, rows.values())),
            "0 / 0 / 0", not any(rows.values()),
        ))  # fmt: skip
    lines = ["| family | seed | profile | rows (expected) | missing | extra | dup | failures missing/extra | run | exit | variation |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for s in scores:
        lines.append(
            f"| {s.family} | {'-' if s.seed is None else s.seed} | {s.profile} | {s.rows} ({s.expected}) "
            f"| {s.missing} | {s.extra} | {s.duplicate} | {s.failures_missing}/{s.failures_extra} "
            f"| {s.status} | {s.exit_code} | {s.variation} |"
        )
    wrong = [
        f"- {s.family} seed {s.seed}: " + ", ".join(f"{k} ({v})" for k, v in sorted(s.wrong_examples.items()))
        for s in scores if s.wrong_examples and s.seed is not None
    ][:12]  # fmt: skip
    sections = [
        render_table(figures),
        "Per crawl (seed - is the unvaried replica):",
        "\n".join(lines),
    ]
    if wrong:
        sections += ["Fields wrong, with one URL each (first crawls):", "\n".join(wrong)]
    return "\n\n".join([*notes, *sections])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seeds", nargs="?", type=int, default=8, help="seeds 1..N (default 8)")
    parser.add_argument("--family", choices=sorted(FAMILIES), action="append",
                        help="only this family (repeatable; default: all three)")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=3, help="crawls at once (default 3)")
    parser.add_argument("--site", help=f"crawl with -a site=SITE (default: {GENERIC} if it "
                        "exists, else each family's own profile)")  # fmt: skip
    parser.add_argument("--no-unvaried", action="store_true",
                        help="skip the reference crawl of each family's own markup")  # fmt: skip
    parser.add_argument("--serve", nargs=2, metavar=("FAMILY", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        family, seed = args.serve
        serve(family, int(seed) or None)
        return 0
    families = args.family or list(FAMILIES)
    notes, plan = [], []
    for family in families:
        profile, note = (args.site, None) if args.site else profile_for(family)
        if note and note not in notes:
            notes.append(note)
        seeds = ([] if args.no_unvaried else [None]) + list(range(1, args.seeds + 1))
        plan += [(family, seed, profile) for seed in seeds]
    progress(f"variation: {len(plan)} crawls, {args.jobs} at once")
    with scratch_dir() as scratch, ThreadPoolExecutor(args.jobs) as pool:

        def one(job: tuple[str, int | None, str]) -> Score:
            score = crawl_variant(*job, scratch)
            progress(f"variation: {job[0]} seed {job[1]}: {score.rows} rows of {score.expected}")
            return score

        scores = list(pool.map(one, plan))
    print(report(scores, notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
