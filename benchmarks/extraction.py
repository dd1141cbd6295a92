"""Extraction and normalisation per page: the project's spider + pipelines vs trafilatura, on the same bytes."""

from __future__ import annotations

import cProfile
import pstats
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler
from trafilatura import bare_extraction  # the `bench` extra: pip install -e '.[bench]'
from xcedu_replica import build_site
from xcedu_replica.body import normalize_space
from xcedu_replica.fixtures import FIXTURE_BASE_URL
from xcedu_replica.model import COLUMN_NAMES, href

from benchmarks.common import Figure, Results, benchmark_main, progress
from benchmarks.profiling import top_functions_report
from xcedu_crawler.crawl.middlewares import CharsetMiddleware
from xcedu_crawler.crawl.pipelines import NormalizePipeline
from xcedu_crawler.crawl.process import project_settings
from xcedu_crawler.crawl.spiders.xcedu import XceduSpider
from xcedu_crawler.items import Announcement, ListEntry, RawAnnouncement

# 300 pages: every template, encoding and date style of the replica's ordinary announcements.
SAMPLE_PER_COLUMN, QUICK_SAMPLE_PER_COLUMN = 75, 10
ROUNDS, QUICK_ROUNDS = 2, 1
GOAL_SPEED_UP = 20
BODY_SIMILARITY = 0.9
# Compared without whitespace and table rules: trafilatura renders a table as Markdown
# ("| a | b |", "|---|"), the archive joins a row's cells with " | ".
_IGNORED_IN_BODY = re.compile(r"[\s|\-]+")


@dataclass
class SamplePage:
    """A detail page as served (raw bytes), the list entry leading to it, and the truth about it."""

    url: str
    body: bytes
    content_type: str
    entry: ListEntry
    titles: tuple[str, ...]  # the whole title and the title without its 【tag】: either is right
    day: str  # YYYY-MM-DD of the publication time
    text: str  # the body paragraphs, normalised for comparison


@dataclass
class Extracted:
    title: str | None
    day: str | None
    text: str


def comparable_text(paragraphs: list[str] | str) -> str:
    text = paragraphs if isinstance(paragraphs, str) else "".join(paragraphs)
    return _IGNORED_IN_BODY.sub("", text)


def sample_pages(per_column: int) -> list[SamplePage]:
    """The ordinary announcements of a replica of PER_COLUMN per column (single-page articles)."""
    site = build_site(per_column)
    truth = {
        expected["url"]: expected for expected in site.expected_announcements(FIXTURE_BASE_URL)
    }
    listings = {listing.link: listing for entries in site.listings.values() for listing in entries}
    pages = []
    for record in site.page_records:
        if record.case != "ordinary":
            continue
        path = record.article.path
        url = FIXTURE_BASE_URL + href(path)
        reply, listing, expected = site.respond(href(path)), listings[path], truth[url]
        title = normalize_space(record.article.title)
        entry = ListEntry(url, title, f"{listing.list_date:%Y-%m-%d}", COLUMN_NAMES[listing.catnum])
        pages.append(SamplePage(
            url, reply.body, reply.content_type, entry, (title, expected["title"]),
            expected["published_at"][:10], comparable_text(expected["paragraphs"]),
        ))  # fmt: skip
    return pages


class ProjectExtractor:
    """What the crawl does with a fetched detail page, from the charset middleware to the
    normalise pipeline, with the project's own components (no engine, no storage)."""

    def __init__(self) -> None:
        # A crawler checks that the reactor it is configured for is the one installed.
        if not is_reactor_installed():
            install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
        settings = project_settings({"XCEDU_BASE_URL": FIXTURE_BASE_URL})
        crawler = get_crawler(XceduSpider, settings.copy_to_dict())
        self.spider = XceduSpider.from_crawler(crawler, full="1")
        self.charset = CharsetMiddleware.from_crawler(crawler)
        self.normalizer = NormalizePipeline.from_crawler(crawler)

    def __call__(self, page: SamplePage) -> Extracted:
        request = Request(page.url)
        headers = {"Content-Type": page.content_type}
        response = HtmlResponse(page.url, body=page.body, headers=headers, request=request)
        response = self.charset.process_response(request, response)
        outputs = self.spider.parse_detail(response, entry=page.entry)
        [raw] = [output for output in outputs if isinstance(output, RawAnnouncement)]
        item = self.normalizer.process_item(raw)
        if not isinstance(item, Announcement):
            return Extracted(None, None, "")
        title = f"【{item.title_tag}】{item.title}" if item.title_tag else item.title
        return Extracted(
            title, (item.published_at or "")[:10] or None, comparable_text(item.paragraphs)
        )


def trafilatura_extract(page: SamplePage) -> Extracted:
    document = bare_extraction(page.body, url=page.url, with_metadata=True)
    if document is None:
        return Extracted(None, None, "")
    return Extracted(document.title, document.date, comparable_text(document.text or ""))


def accuracy(pages: list[SamplePage], results: list[Extracted]) -> dict[str, float]:
    """Share of pages whose title, day and body match the replica's truth."""
    title = day = body = 0
    for page, found in zip(pages, results, strict=True):
        title += normalize_space(found.title or "") in page.titles
        day += found.day == page.day
        similarity = SequenceMatcher(None, page.text, found.text, autojunk=False).ratio()
        body += similarity >= BODY_SIMILARITY
    return {"title": title / len(pages), "day": day / len(pages), "body": body / len(pages)}


def timed_pass(
    extract: Callable[[SamplePage], Extracted], pages: list[SamplePage]
) -> tuple[float, list[Extracted]]:
    started = time.perf_counter()
    results = [extract(page) for page in pages]
    return len(pages) / (time.perf_counter() - started), results


def profile_report(extract: ProjectExtractor, pages: list[SamplePage]) -> str:
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(timed_pass, extract, pages)
    title = f"Where the project's extraction time goes (cProfile, {len(pages)} pages)"
    return top_functions_report(pstats.Stats(profiler), len(pages), title)


def run(quick: bool) -> Results:
    pages = sample_pages(QUICK_SAMPLE_PER_COLUMN if quick else SAMPLE_PER_COLUMN)
    rounds = QUICK_ROUNDS if quick else ROUNDS
    # The project reads a page with its list entry in hand, as in a crawl: where a page shows
    # no date, the list's is the archived one. trafilatura has the page and its URL only.
    extractors = {"project": ProjectExtractor(), "trafilatura": trafilatura_extract}
    # The first calls load models, dictionaries and caches: not a page's cost.
    for extract in extractors.values():
        for page in pages[:5]:
            extract(page)
    speeds: dict[str, list[float]] = {name: [] for name in extractors}
    found: dict[str, list[Extracted]] = {}
    for round_number in range(1, rounds + 1):
        for name, extract in extractors.items():
            progress(f"extraction, round {round_number}/{rounds}: {name} over {len(pages)} pages")
            speed, found[name] = timed_pass(extract, pages)
            speeds[name].append(speed)

    project_speed = statistics.median(speeds["project"])
    trafilatura_speed = statistics.median(speeds["trafilatura"])
    speed_up = project_speed / trafilatura_speed
    figures = [
        Figure(
            "Extraction + normalisation, project (pages/s)",
            f"{project_speed:.0f} pages/s ({1000 / project_speed:.2f} ms/page)",
        ),
        Figure(
            "Extraction, trafilatura bare_extraction (pages/s)",
            f"{trafilatura_speed:.1f} pages/s ({1000 / trafilatura_speed:.1f} ms/page)",
        ),
        Figure("Extraction speed, project / trafilatura", f"{speed_up:.0f}×", f"≥ {GOAL_SPEED_UP}×",
               speed_up >= GOAL_SPEED_UP),
    ]  # fmt: skip
    for name in extractors:
        shares = accuracy(pages, found[name])
        figures.append(Figure(
            f"Field accuracy, {name} ({len(pages)} pages): title / day / body",
            " / ".join(f"{shares[field]:.0%}" for field in ("title", "day", "body")),
        ))  # fmt: skip
    notes = [] if speed_up >= GOAL_SPEED_UP else [profile_report(extractors["project"], pages)]
    return Results(figures, notes)


if __name__ == "__main__":
    raise SystemExit(benchmark_main(run, __doc__))
