"""`xcedu probe`: what discovery sees on a site nobody has described yet, and a draft profile for it."""

from __future__ import annotations

import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import click
from scrapy.http import HtmlResponse

from xcedu_crawler import settings
from xcedu_crawler.commands.common import CommandError, subcommand
from xcedu_crawler.extract.detail_page import DetailPage
from xcedu_crawler.extract.elements import page_selector
from xcedu_crawler.extract.encoding import decoded_response
from xcedu_crawler.extract.list_page import ListPage, NextPage
from xcedu_crawler.extract.sites import FILE_EXTENSIONS, get_profile
from xcedu_crawler.extract.urls import file_extension, host_of

# A person probing a site is shown a handful of pages; the probe never crawls.
MAX_FETCHES = 5
TIMEOUT_SECONDS = 30
SAMPLE_ENTRIES = 5
# A page whose paragraphs hold this many times the text of its entries' titles is an article.
ARTICLE_TEXT_RATIO = 3
FAMILIES = {"jpage": "Hanweb JCMS (datastore records, jpage pager)",
            "createPageHTML": "TRS WCM (createPageHTML pager)"}


@dataclass
class Fetcher:
    """Fetches a few pages the way the crawler would: its User-Agent, robots.txt obeyed.

    Plain urllib, not a Scrapy crawl: a probe reads at most MAX_FETCHES pages, one at a
    time, for a person at a terminal.
    """

    fetched: int = 0

    def get(self, url: str, form: dict[str, str] | None = None) -> HtmlResponse:
        if self.fetched >= MAX_FETCHES:
            raise CommandError(f"a probe fetches at most {MAX_FETCHES} pages")
        if not self._allowed(url):
            raise CommandError(f"robots.txt of {host_of(url)} disallows {url}")
        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(url, data=data, headers={"User-Agent": settings.USER_AGENT})
        self.fetched += 1
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:  # noqa: S310 - http(s) only
                return decoded_response(reply.url, reply.read(), dict(reply.headers), reply.status)
        except (urllib.error.URLError, OSError) as exc:
            raise CommandError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from exc

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        robots = urllib.robotparser.RobotFileParser(f"{parts.scheme}://{parts.netloc}/robots.txt")
        try:
            with urllib.request.urlopen(robots.url, timeout=TIMEOUT_SECONDS) as reply:  # noqa: S310
                robots.parse(reply.read().decode("utf-8", "replace").splitlines())
        except (urllib.error.URLError, OSError):
            return True  # no robots.txt: everything is allowed, as Scrapy's RobotsTxtMiddleware has it
        return robots.can_fetch(settings.USER_AGENT, url)


def is_article(as_list: ListPage, as_article: DetailPage) -> bool:
    """An article (with a box of related links, say) rather than a column's list page."""
    listed = sum(len(entry.title) for entry in as_list.entries)
    return sum(len(paragraph) for paragraph in as_article.paragraphs) > ARTICLE_TEXT_RATIO * listed


def describe_list(page: ListPage) -> list[str]:
    entries = page.entries
    lines = [f"column: {page.column!r} (from {page.provenance.get('column', 'nothing')})",
             f"entries: {len(entries)} (from {page.provenance.get('entries')})"]
    for entry in entries[:SAMPLE_ENTRIES]:
        lines.append(f"  {entry.date_raw or '(no date)':>12}  {entry.title}  {entry.url}")
    return lines


def describe_detail(page: DetailPage) -> list[str]:
    rules = page.provenance
    first = page.paragraphs[0] if page.paragraphs else None
    dates = page.dates
    return [
        f"detail page: {page.url}",
        f"  title:   {page.title!r} ({rules.get('title', 'not found')})",
        f"  date:    {dates[0].raw if dates else None!r} ({dates[0].rule if dates else 'not found'})",
        f"  source:  {page.source!r} ({rules.get('source', 'not found')})",
        f"  body:    {len(page.paragraphs)} paragraph(s) ({rules.get('body', 'not found')})"
        + (f", first: {first[:60]!r}" if first else ""),
        f"  attachments: {[attachment.name for attachment in page.attachments]}",
    ]


def next_of(fetcher: Fetcher, page: ListPage, next_page: NextPage) -> ListPage:
    response = fetcher.get(next_page.url, next_page.formdata)
    return ListPage(page_selector(response), response.url, page.profile, column=page.column)


def draft_profile(name: str, url: str, page: ListPage, family: str | None) -> str:
    """A profile module to commit: discovery does the rest, so only what discovery cannot know."""
    parts = urlsplit(url)
    family_line = {"jpage": "    list_family=DATASTORE,\n", "createPageHTML": "    list_family=SCRIPT_PAGER,\n"}
    imports = {"jpage": "DATASTORE, ", "createPageHTML": "SCRIPT_PAGER, "}
    return (
        f'"""{page.column or name}: a draft profile written by `xcedu probe {url}`."""\n\n'
        f"from xcedu_crawler.extract.sites import {imports.get(family or '', '')}SiteProfile\n\n"
        "# Discovery reads the columns, entries, pagers and articles of this site; pin selectors\n"
        "# here only where `xcedu probe` shows it reading one wrong.\n"
        "PROFILE = SiteProfile(\n"
        f'    name="{name}",\n'
        f'    base_url="{parts.scheme}://{parts.netloc}",\n'
        f'    column_paths=(\n        "{parts.path}{"?" + parts.query if parts.query else ""}",  # {page.column}\n    ),\n'
        f"{family_line.get(family or '', '')}"
        ")\n"
    )


def probe(url: str, saved: Path | None, name: str | None, out: Path | None) -> list[str]:
    fetcher = Fetcher()
    profile = get_profile("generic")
    if saved is not None:
        response = decoded_response(url, saved.read_bytes(), {})
    else:
        response = fetcher.get(url)
    selector = page_selector(response)  # one parse, read both ways
    page = ListPage(selector, response.url, profile)
    lines = [f"probe of {url}"]
    as_article = DetailPage(selector, response.url, profile)
    if is_article(page, as_article):
        lines.append("more article text than list entries: reading it as an article page")
        lines += describe_detail(as_article)
        return lines
    lines += describe_list(page)
    next_page = page.next_page()
    family = page.provenance.get("pager")
    lines.append(f"family: {FAMILIES.get(family or '', 'pager links or numbers')}")
    lines.append(f"pager: {family or 'none found (a single list page)'}")
    if next_page is not None:
        lines.append(f"  page 2: {next_page.url}")
        if saved is None:
            second = next_of(fetcher, page, next_page)
            third = second.next_page(next_page.paging) if next_page.paging else second.next_page()
            lines.append(f"  page 3: {third.url if third else '(page 2 is the last)'}")
    articles = [entry for entry in page.entries
                if host_of(entry.url) == host_of(url) and file_extension(entry.url) not in FILE_EXTENSIONS]
    for article in articles[:2] if saved is None else ():
        try:
            detail = fetcher.get(article.url)
        except CommandError as exc:  # one broken article says nothing of the others
            lines.append(f"  ({exc})")
            continue
        lines += describe_detail(DetailPage(page_selector(detail), detail.url, profile))
        break
    if name:
        target = out or Path(f"{name}.py")
        target.write_text(draft_profile(name, url, page, family), encoding="utf-8")
        lines.append(f"draft profile written to {target}: review it, then move it to xcedu_crawler/extract/sites/")
    lines.append(f"({fetcher.fetched} page(s) fetched)")
    return lines


@subcommand(
    "probe",
    "Show what discovery sees on a column list page (or a saved page): the column name, the "
    "entries, the pager and the next two list pages, and one article's fields with the rule "
    f"behind each. Obeys robots.txt and fetches at most {MAX_FETCHES} pages. With --name, "
    "writes a draft site profile.\n\n"
    "TARGET: a list page URL, or a saved page's file (with --url).",
    "xcedu probe http://jyj.example.gov.cn/tzgg/index.html --name example",
)
@click.argument("target")
@click.option("--url", help="the URL a saved page was served at")
@click.option("--name", help="write a draft profile of this name (NAME.py, or -o)")
@click.option("-o", "out", type=click.Path(path_type=Path), help="where the draft profile goes")
def probe_command(target: str, url: str | None, name: str | None, out: Path | None) -> None:
    saved = None
    if not target.startswith(("http://", "https://")):
        saved = Path(target)
        if not saved.is_file():
            raise click.UsageError(f"{target} is neither an http(s) URL nor a file")
        if not url:
            raise click.UsageError("a saved page needs --url, the address it was served at")
    print("\n".join(probe(url if saved else target, saved, name, out)))
