"""The replica site: what it serves at each path, its column lists, and what a correct crawl archives."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from xcedu_crawler.replica import templates
from xcedu_crawler.replica.body import normalize_space
from xcedu_crawler.replica.documents import document_reply
from xcedu_crawler.replica.model import (
    COLUMN_NAMES,
    COLUMNS,
    ENCODINGS,
    SITE_ID,
    Article,
    Listing,
    Reply,
    href,
    list_date_published,
    list_path,
)

# Called with how many times this path has been asked for with GET, this one included.
Responder = Callable[[int], Reply]

ROBOTS_TXT = f"User-agent: *\nDisallow: /{SITE_ID}/private/\n"
_TITLE_TAG = re.compile(r"【(?P<tag>[^】]*)】(?P<rest>.+)")


@dataclass(frozen=True)
class PageRecord:
    """An HTML announcement a correct crawl archives."""

    case: str
    article: Article
    catnums: tuple[str, ...]  # every column listing it, under any of its URLs
    alias_paths: tuple[str, ...] = ()
    interchangeable: bool = False  # crawl order decides which of path and alias is archived first


@dataclass(frozen=True)
class EntryRecord:
    """A `file` or `external` announcement, made from its list entry alone."""

    case: str
    kind: str
    listing: Listing


@dataclass(frozen=True)
class FailureRecord:
    """A listed URL a correct crawl records as a failure, with the contract's reason word."""

    case: str
    path: str
    reason: str


class Site:
    """Site "jyj" of the bureau. Build it with build_site(); pages are rendered when asked for."""

    def __init__(self, page_size: int):
        self.page_size = page_size
        self.columns = list(COLUMNS)
        self.listings: dict[str, list[Listing]] = {catnum: [] for catnum, _ in COLUMNS}
        self.page_records: list[PageRecord] = []
        self.entry_records: list[EntryRecord] = []
        self.failure_records: list[FailureRecord] = []
        self.special_articles: dict[str, Article] = {}  # by case key, for fixtures and tests
        self._routes: dict[str, Responder] = {
            "/": lambda _: templates.html_reply(templates.home_page(), "utf-8"),
            "/robots.txt": lambda _: Reply(200, "text/plain", ROBOTS_TXT.encode("ascii")),
            templates.ABOUT_PATH: lambda _: templates.html_reply(templates.about_page(), "utf-8"),
            templates.CLICK_COUNTER_PATH: lambda _: Reply(
                200, "application/javascript", b'document.write("1024");'
            ),
        }
        for path in templates.STATIC_FILES:
            self.serve_document(path)

    # Building

    def serve(self, path: str, responder: Responder) -> None:
        self._routes[path] = responder

    def serve_document(self, path: str) -> None:
        self._routes[path] = lambda _: document_reply(path)

    def serve_article(self, article: Article) -> None:
        """Serve every part of ARTICLE, its images and its documents."""
        for index, body in enumerate(article.parts):
            part_path = article.part_path(index)
            self._routes[part_path] = article_responder(article, index)
            for src in (src for block in body.blocks for src in block.image_srcs):
                self.serve_document(unquote(urljoin(part_path, src)))
            for link, _ in (link for block in body.blocks for link in block.document_links):
                self.serve_document(unquote(urljoin(part_path, link)))
        for path, _ in article.attachments:
            self.serve_document(path)

    def add_listing(self, listing: Listing) -> None:
        self.listings[listing.catnum].append(listing)

    def seal(self) -> None:
        """Order every column newest first (sorted() keeps equal dates in the order added)."""
        for catnum, entries in self.listings.items():
            self.listings[catnum] = sorted(entries, key=lambda entry: entry.list_date, reverse=True)

    # Serving

    def respond(self, path: str, attempt: int = 1) -> Reply | None:
        """The reply to a GET of PATH (percent-encoded, maybe with a query); None for nothing."""
        parts = urlsplit(path)
        route_path = unquote(parts.path)
        responder = self._routes.get(route_path) or self._list_responder(route_path)
        return responder(attempt) if responder is not None else None

    def _list_responder(self, path: str) -> Responder | None:
        match = re.fullmatch(rf"/{SITE_ID}/(\d{{6}})/(moreinfo|\d+)\.html", path)
        if match is None or match[1] not in self.listings:
            return None
        catnum, page = match[1], match[2]
        number = 1 if page == "moreinfo" else int(page)
        if (number < 2 and page != "moreinfo") or number > self.total_pages(catnum):
            return None  # page 1 is only moreinfo.html
        return lambda _: self.list_reply(catnum, number)

    def list_reply(self, catnum: str, number: int) -> Reply:
        column_index = [c for c, _ in COLUMNS].index(catnum)
        # Encodings rotate over pages, so every column has pages in all three.
        encoding = ENCODINGS[(column_index + number) % len(ENCODINGS)]
        html = templates.list_page(
            catnum, number, self.total_pages(catnum), self.page_listings(catnum, number), encoding
        )
        return templates.html_reply(html, encoding)

    def page_listings(self, catnum: str, number: int) -> list[Listing]:
        start = (number - 1) * self.page_size
        return self.listings[catnum][start : start + self.page_size]

    def total_pages(self, catnum: str) -> int:
        return max(1, -(-len(self.listings[catnum]) // self.page_size))

    def column_start_paths(self) -> list[str]:
        return [list_path(catnum, 1) for catnum, _ in self.columns]

    # Ground truth

    def expected_announcements(self, base_url: str) -> list[dict]:
        """One dict per announcement a correct crawl archives (archive column names as keys)."""
        base_url = base_url.rstrip("/")
        return [
            *(_page_expectation(record, base_url) for record in self.page_records),
            *(_entry_expectation(record, base_url) for record in self.entry_records),
        ]

    def expected_failures(self, base_url: str) -> list[dict]:
        base_url = base_url.rstrip("/")
        return [
            {"url": base_url + href(record.path), "reason": record.reason, "case": record.case}
            for record in self.failure_records
        ]


def article_responder(article: Article, index: int = 0) -> Responder:
    return lambda _: templates.html_reply(templates.detail_page(article, index), article.encoding)


def split_title_tag(title: str) -> tuple[str | None, str]:
    """("部署", "许昌市…") for "【部署】许昌市…"; (None, title) without a leading tag."""
    title = normalize_space(title)
    match = _TITLE_TAG.fullmatch(title)
    return (match["tag"], match["rest"]) if match else (None, title)


def part_content(article: Article, index: int, base_url: str) -> dict:
    """Paragraphs, images and attachments a crawl must find on part INDEX of ARTICLE."""
    part_url = base_url + href(article.part_path(index))
    body = article.parts[index]
    # Document order: links in the body, then the template's attachment list.
    attachments: dict[str, dict] = {}
    for document in body.documents(part_url):
        attachments.setdefault(document["url"], document)
    for path, name in article.attachments:
        url = base_url + href(path)
        attachments.setdefault(url, {"url": url, "name": normalize_space(name)})
    return {
        "paragraphs": body.paragraphs,
        "images": list(dict.fromkeys(body.images(part_url))),
        "attachments": list(attachments.values()),
    }


def _page_expectation(record: PageRecord, base_url: str) -> dict:
    article = record.article
    tag, title = split_title_tag(article.title)
    published = article.published()
    paragraphs, images, attachments = [], [], {}
    for index in range(len(article.parts)):
        content = part_content(article, index, base_url)
        paragraphs += content["paragraphs"]
        images += content["images"]
        for attachment in content["attachments"]:
            attachments.setdefault(attachment["url"], attachment)
    expectation = {
        "case": record.case,
        "url": base_url + href(article.path),
        "aliases": sorted(base_url + href(path) for path in record.alias_paths),
        "kind": "page",
        "title": title,
        "title_tag": tag,
        "source": article.source or None,
        "published_at": published.iso,
        "published_precision": published.precision,
        "published_raw": published.raw,
        "columns": sorted({COLUMN_NAMES[catnum] for catnum in record.catnums}),
        "paragraphs": paragraphs,
        "images": list(dict.fromkeys(images)),
        "attachments": list(attachments.values()),
    }
    if record.interchangeable:
        expectation["interchangeable_urls"] = True
    return expectation


def _entry_expectation(record: EntryRecord, base_url: str) -> dict:
    listing = record.listing
    url = urljoin(base_url + "/", href(listing.link))
    tag, title = split_title_tag(listing.title)
    published = list_date_published(listing.list_date)
    return {
        "case": record.case,
        "url": url,
        "aliases": [],
        "kind": record.kind,
        "title": title,
        "title_tag": tag,
        "source": None,
        "published_at": published.iso,
        "published_precision": published.precision,
        "published_raw": published.raw,
        "columns": [COLUMN_NAMES[listing.catnum]],
        "paragraphs": [],
        "images": [],
        "attachments": (
            [{"url": url, "name": normalize_space(listing.title)}] if record.kind == "file" else []
        ),
    }
