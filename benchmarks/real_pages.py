"""Field accuracy and speed on real government article pages: the project, GNE and trafilatura."""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.util import find_spec
from pathlib import Path

from benchmarks.common import PROJECT_ROOT, Figure, Results, benchmark_main, progress
from xcedu_crawler.extract.dates import find_date, parse_date
from xcedu_crawler.extract.detail_page import DetailPage
from xcedu_crawler.extract.elements import page_selector
from xcedu_crawler.extract.encoding import decoded_response
from xcedu_crawler.extract.normalize import IncompleteAnnouncement, normalize
from xcedu_crawler.extract.sites import SiteProfile, get_profile
from xcedu_crawler.extract.text import normalize_space

FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures" / "real"
ROUNDS, QUICK_ROUNDS = 5, 1
# The targets for the project on this set.
GOAL_SHARE, GOAL_MINUTE, GOAL_BODY_F1, GOAL_SPEED_UP = 0.95, 0.90, 0.95, 10
MINUTE_PRECISIONS = ("minute", "second")
COMPARE_EXTRA = "pip install -e '.[compare]'"


@dataclass
class RealPage:
    """A saved page as its repository holds it (raw bytes) and the labels read on it."""

    name: str
    body: bytes
    meta: dict  # the sidecar NAME.json: origin, site, labels

    @property
    def labels(self) -> dict:
        return self.meta["labels"]

    @property
    def url(self) -> str:
        # Extraction reads no URL but links' bases; a loopback address keeps the set offline.
        return f"http://127.0.0.1/real/{self.name}.html"


@dataclass
class Extracted:
    title: str | None
    published: str | None  # ISO 8601 in Asia/Shanghai
    precision: str | None
    source: str | None
    body: str  # the body text, paragraphs joined by newlines
    stored: bool = True  # whether the project would archive it (other extractors: always)


def load_pages(directory: Path = FIXTURES_DIR) -> list[RealPage]:
    def sidecar(path: Path) -> dict:
        return json.loads(path.with_suffix(".json").read_text("utf-8"))

    paths = sorted(directory.glob("*.html"))
    return [RealPage(path.stem, path.read_bytes(), sidecar(path)) for path in paths]


def generic_profile() -> SiteProfile:
    """The `generic` profile once there is one; until then a profile with no selectors, which
    leaves every field to DetailPage's generic fallbacks."""
    try:
        return get_profile("generic")
    except ValueError:
        return SiteProfile(name="generic", base_url="http://127.0.0.1", column_paths=(),
                           column_name=(), list_entry="")  # fmt: skip


def project_extract(page: RealPage, profile: SiteProfile) -> Extracted:
    """As a crawl reads a detail page with no list entry in hand: decoded by choose_encoding,
    read by DetailPage, normalised by normalize()."""
    response = decoded_response(page.url, page.body, {})
    detail = DetailPage(page_selector(response), page.url, profile)
    raw = detail.to_item(entry=None, site=None, url=page.url)
    stored = True
    try:
        item = normalize(raw)
    except IncompleteAnnouncement:
        # Not archived today (no title, or no body); the other fields are still scored as
        # normalize() reads them, with stand-ins for the missing ones, dropped below.
        stored = False
        item = normalize(replace(raw, title=raw.title or "-", paragraphs=raw.paragraphs or ["-"]))
    title = f"【{item.title_tag}】{item.title}" if item.title_tag else item.title
    return Extracted(
        title=title if raw.title else None,
        published=item.published_at,
        precision=item.published_precision,
        source=item.source,
        body="\n".join(item.paragraphs) if raw.paragraphs else "",
        stored=stored,
    )


def read_date(text: str | None) -> tuple[str | None, str | None]:
    """Another extractor's date text, read by the project's date parser so that every
    extractor is scored on the same reading."""
    if not text:
        return None, None
    parsed = parse_date(text) or parse_date(find_date(text) or "")
    return (parsed.iso, parsed.precision) if parsed else (None, None)


def gne_extractor() -> Callable[[RealPage], Extracted]:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def extract(page: RealPage) -> Extracted:
        # GNE takes text: the page as the project decodes it.
        result = extractor.extract(decoded_response(page.url, page.body, {}).text)
        published, precision = read_date(result.get("publish_time"))
        # GNE has no source field; its author rules read 来源 too.
        return Extracted(result.get("title"), published, precision, result.get("author") or None,
                         result.get("content") or "")  # fmt: skip

    return extract


def trafilatura_extractor() -> Callable[[RealPage], Extracted]:
    from trafilatura import bare_extraction

    def extract(page: RealPage) -> Extracted:
        document = bare_extraction(page.body, url=page.url, with_metadata=True)
        if document is None:
            return Extracted(None, None, None, None, "")
        published, precision = read_date(document.date)
        # trafilatura has no source field either; author is the nearest.
        return Extracted(document.title, published, precision, document.author, document.text or "")

    return extract


def comparable(text: str) -> str:
    return "".join(normalize_space(text).split())


def char_f1(expected: str, found: str) -> float:
    """Character F1: the multiset overlap of the two texts' characters, whitespace left out."""
    expected_chars, found_chars = Counter(comparable(expected)), Counter(comparable(found))
    common = sum((expected_chars & found_chars).values())
    if not common:
        return 0.0
    precision = common / sum(found_chars.values())
    recall = common / sum(expected_chars.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Scores:
    title: float
    day: float
    minute: float | None  # over the pages that print a minute
    source: float | None  # over the pages that name a source
    body_f1: float
    ms_per_page: float


def share(hits: list[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None


def score(pages: list[RealPage], found: list[Extracted], ms_per_page: float) -> Scores:
    title, day, minute, source, f1 = [], [], [], [], []
    for page, got in zip(pages, found, strict=True):
        labels = page.labels
        published = labels["published"]
        title.append(normalize_space(got.title or "") == normalize_space(labels["title"]))
        day.append((got.published or "")[:10] == published["iso"][:10])
        if published["precision"] in MINUTE_PRECISIONS:
            minute.append((got.published or "")[:16] == published["iso"][:16])
        if labels["source"] is not None:
            source.append(normalize_space(got.source or "") == labels["source"])
        f1.append(char_f1("\n".join(labels["body"]), got.body))
    return Scores(share(title), share(day), share(minute), share(source), statistics.mean(f1),
                  ms_per_page)  # fmt: skip


def timed_rounds(extract: Callable[[RealPage], Extracted], pages: list[RealPage], rounds: int):
    """(median ms per page over ROUNDS passes, the last pass's results)."""
    extract(pages[0])  # the first call loads models, dictionaries and caches: not a page's cost
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        found = [extract(page) for page in pages]
        times.append((time.perf_counter() - started) * 1000 / len(pages))
    return statistics.median(times), found


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def scores_table(scores: dict[str, Scores], pages: list[RealPage]) -> str:
    minutes = sum(p.labels["published"]["precision"] in MINUTE_PRECISIONS for p in pages)
    sources = sum(p.labels["source"] is not None for p in pages)
    header = ("extractor", "title exact", "date, day", f"date, minute ({minutes})",
              f"source exact ({sources})", "body char-F1", "ms/page")  # fmt: skip
    rows = [header, tuple("-" * len(cell) for cell in header)]
    for name, s in scores.items():
        rows.append((name, percent(s.title), percent(s.day), percent(s.minute), percent(s.source),
                     f"{s.body_f1:.2f}", f"{s.ms_per_page:.1f}"))  # fmt: skip
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def ratio(project: float | None, other: float | None) -> str:
    if project is None or other is None:
        return "-"
    return "∞" if other == 0 else f"{project / other:.2f}×"


def project_figures(project: Scores, stored: int, pages: int) -> list[Figure]:
    """The issue's targets for the project on this set."""

    def meets(value: float | None, goal: float) -> bool:
        return value is not None and value >= goal

    share_goal = f"≥ {GOAL_SHARE:.0%}"
    return [
        Figure("Real pages: archived by the project (title and body found)", f"{stored}/{pages}"),
        Figure("Real pages: title exact", percent(project.title), share_goal,
               meets(project.title, GOAL_SHARE)),
        Figure("Real pages: date to the day", percent(project.day), share_goal,
               meets(project.day, GOAL_SHARE)),
        Figure("Real pages: date to the minute", percent(project.minute), f"≥ {GOAL_MINUTE:.0%}",
               meets(project.minute, GOAL_MINUTE)),
        Figure("Real pages: source exact", percent(project.source), share_goal,
               meets(project.source, GOAL_SHARE)),
        Figure("Real pages: body character-F1", f"{project.body_f1:.2f}", f"≥ {GOAL_BODY_F1}",
               meets(project.body_f1, GOAL_BODY_F1)),
    ]  # fmt: skip


def comparison_figures(scores: dict[str, Scores], project: Scores) -> list[Figure]:
    figures = []
    if "GNE" in scores:
        gne = scores["GNE"]
        fields = ("title", "day", "minute", "source", "body_f1")
        figures.append(Figure(
            "Real pages: project / GNE, title · day · minute · source · body-F1",
            " · ".join(ratio(getattr(project, f), getattr(gne, f)) for f in fields),
            "≥ 1× each",
            all((getattr(project, f) or 0) >= (getattr(gne, f) or 0) for f in fields),
        ))  # fmt: skip
    if "trafilatura" in scores:
        speed_up = scores["trafilatura"].ms_per_page / project.ms_per_page
        figures.append(Figure("Real pages: speed, project / trafilatura", f"{speed_up:.0f}×",
                              f"≥ {GOAL_SPEED_UP}×", speed_up >= GOAL_SPEED_UP))  # fmt: skip
    return figures


def run(quick: bool) -> Results:
    pages = load_pages()
    rounds = QUICK_ROUNDS if quick else ROUNDS
    profile = generic_profile()
    project_name = f"project ({profile.name} profile)"
    extractors: dict[str, Callable[[RealPage], Extracted]] = {
        project_name: lambda page: project_extract(page, profile)
    }
    notes = []
    for name, build in (("GNE", gne_extractor), ("trafilatura", trafilatura_extractor)):
        if find_spec(name.lower()) is None:
            notes.append(f"{name} is not installed ({COMPARE_EXTRA}): skipped.")
        else:
            extractors[name] = build()
    scores, stored = {}, 0
    for name, extract in extractors.items():
        progress(f"real pages: {name} over {len(pages)} pages, {rounds} rounds")
        ms, found = timed_rounds(extract, pages, rounds)
        scores[name] = score(pages, found, ms)
        if name == project_name:
            stored = sum(got.stored for got in found)
    project = scores[project_name]
    hosts = {page.meta["site"] for page in pages}
    table = scores_table(scores, pages)
    heading = f"{len(pages)} pages from {len(hosts)} sites, median of {rounds} rounds:"
    notes.insert(0, f"{heading}\n\n{table}")
    figures = project_figures(project, stored, len(pages)) + comparison_figures(scores, project)
    return Results(figures, notes)


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
