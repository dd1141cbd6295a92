"""The replica site: what it serves at each path, its column lists, and what a correct crawl archives."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import unquote, urljoin, urlsplit

from xcedu_replica import templates
from xcedu_replica.body import Body, normalize_space, paragraph
from xcedu_replica.documents import document_reply
from xcedu_replica.model import (
    COLUMN_NAMES,
    COLUMNS,
    ENCODINGS,
    LIST_PATH,
    META_DATE,
    NO_DATE,
    SITE_ID,
    Article,
    Listing,
    Published,
    Reply,
    date_style_of,
    href,
    list_date_published,
    list_path,
    variation_date_style,
)
from xcedu_replica.ordinary import ordinary_article
from xcedu_replica.variation import Variation

# Called with how many times this path has been asked for with GET, this one included.
Responder = Callable[[int], Reply]

ROBOTS_PATH = "/robots.txt"
ROBOTS_TXT = f"User-agent: *\nDisallow: /{SITE_ID}/private/\n"
NOT_FOUND_PAGE = templates.html_reply(templates.not_found_page(), "utf-8")
# How a withdrawn page may answer, and the failure reason a crawl records for it.
WITHDRAWAL_REASONS = {"404": "http_404", "not_found_page": "not_found_page"}
# Changes between crawls apply to these only: single pages, each listed once at its own URL.
_CHANGEABLE_CASES = ("ordinary", "published")
_UPDATE_NOTE = "根据工作安排，本文部分内容已作调整，请以本文为准。"
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
    """Site "jyj" of the bureau. Build it with build_site(); pages are rendered when asked for.

    Between crawls a test may change it as the live site changes between nights: publish(),
    edit(), withdraw() and restore() keep the ground truth (expected_announcements(),
    expected_failures()) in step; `drift` changes the markup only. The server's threads may
    serve the site while it changes: each request sees a change whole or not at all.

    With a VARIATION, the same content is served in that variation's markup (and its list
    pages at its pager's URLs); the ground truth follows what the pages then show.
    """

    def __init__(self, page_size: int, variation: Variation | None = None):
        self.page_size = page_size
        self.variation = variation
        self.columns = list(COLUMNS)
        self.listings: dict[str, list[Listing]] = {catnum: [] for catnum, _ in COLUMNS}
        self.page_records: list[PageRecord] = []
        self.entry_records: list[EntryRecord] = []
        self.failure_records: list[FailureRecord] = []
        self.special_articles: dict[str, Article] = {}  # by case key, for fixtures and tests
        self._drift: str | None = None
        self._withdrawn: dict[str, str] = {}  # path: how (a WITHDRAWAL_REASONS key)
        self._ordinary_count = 0  # also the next ordinary announcement's serial number
        # Held by changes, and by the route lookups of requests, never while rendering.
        self._lock = threading.Lock()
        self._routes: dict[str, Responder] = {
            "/": lambda _: templates.html_reply(templates.home_page(), "utf-8"),
            ROBOTS_PATH: lambda _: Reply(200, "text/plain", ROBOTS_TXT.encode("ascii")),
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

    def article_responder(self, article: Article, index: int = 0) -> Responder:
        """Part INDEX of ARTICLE, rendered as the drift of the moment has it."""
        shown = self.shown(article)
        return lambda _: templates.html_reply(
            templates.detail_page(shown, index, self.drift, self.variation), article.encoding
        )

    def shown(self, article: Article) -> Article:
        """ARTICLE as the variation shows it: its own date style (and precision) on the page."""
        if self.variation is None or article.date_style in (NO_DATE, META_DATE):
            return article
        _, precision = date_style_of(article.date_style)
        fmt, precision = self.variation.date_style(article.path, precision)
        return replace(article, date_style=variation_date_style(precision, fmt))

    def serve_article(self, article: Article) -> None:
        """Serve every part of ARTICLE, its images and its documents."""
        for index in range(len(article.parts)):
            self._routes[article.part_path(index)] = self.article_responder(article, index)
        for path in linked_files(article):
            self.serve_document(path)

    def add_listing(self, listing: Listing) -> None:
        self.listings[listing.catnum].append(listing)

    def add_page(
        self, case: str, article: Article, *extra_links: tuple[str, str], key: str | None = None
    ) -> None:
        """Serve ARTICLE, list it in its column and at EXTRA_LINKS (catnum, link), and expect it;
        KEY names it among the special articles."""
        self.serve_article(article)
        links = [(article.catnum, article.path), *extra_links]
        for catnum, link in links:
            self.add_listing(Listing(catnum, link, article.title, article.list_date))
        self.page_records.append(PageRecord(case, article, tuple(catnum for catnum, _ in links)))
        if key is not None:
            self.special_articles[key] = article

    def add_ordinary(self, catnum: str, day: date) -> None:
        """Add the next ordinary announcement of column CATNUM, dated DAY."""
        self.add_page("ordinary", self._next_ordinary(catnum, day))

    def _next_ordinary(self, catnum: str, day: date) -> Article:
        # Serial numbers follow the order added; each gives an announcement of its own content.
        article = ordinary_article(self._ordinary_count, catnum, day)
        self._ordinary_count += 1
        return article

    def seal(self) -> None:
        """Order every column newest first (sorted() keeps equal dates in the order added)."""
        for catnum, entries in self.listings.items():
            self.listings[catnum] = newest_first(entries)

    # Changes between crawls

    def publish(self, catnum: str, count: int) -> list[str]:
        """Publish COUNT new ordinary announcements atop column CATNUM; their paths, newest first.

        They are dated a day apart after the newest date on the site, and listed newest
        first above the older entries, which move down and onto later list pages.
        """
        with self._lock:
            day = self._newest_day()
            articles: list[Article] = []
            for _ in range(count):
                day += timedelta(days=1)
                article = self._next_ordinary(catnum, day)
                self.serve_article(article)
                self.page_records.append(PageRecord("published", article, (catnum,)))
                articles.insert(0, article)
            new_entries = [Listing(catnum, a.path, a.title, a.list_date) for a in articles]
            # A new list rather than the old one changed: a list page being rendered uses the old.
            self.listings[catnum] = [*new_entries, *self.listings[catnum]]
        return [article.path for article in articles]

    def edit(self, path: str, *, relist: bool = True) -> None:
        """Append an update note to the body of ordinary announcement PATH; its URL stays.

        With RELIST, its page and its list entry are redated to the day after the newest date
        on the site (the entry keeps its place): how the real site shows an edit. Without,
        only the body changes, which only a crawl fetching every page again notices.
        """
        with self._lock:
            index, record = self._changeable_record(path)
            article = record.article
            day = self._newest_day() + timedelta(days=1)
            note = paragraph(f"（{day.year}年{day.month}月{day.day}日更新）{_UPDATE_NOTE}")
            *earlier_parts, last_part = article.parts
            edited = replace(article, parts=(*earlier_parts, Body((*last_part.blocks, note))))
            if relist:
                edited = replace(edited, moment=datetime.combine(day, article.moment.timetz()))
                self.listings[article.catnum] = [
                    replace(entry, list_date=day) if entry.link == path else entry
                    for entry in self.listings[article.catnum]
                ]
            self.serve_article(edited)
            self.page_records[index] = replace(record, article=edited)

    def withdraw(self, path: str, how: str) -> None:
        """Take ordinary announcement PATH down; its list entry stays. HOW (a WITHDRAWAL_REASONS
        key): "404" answers 404, "not_found_page" answers 200 with the site's error page.

        The archive keeps what it holds: PATH stays expected, with "gone": True, and is
        expected among the failures, until restore().
        """
        if how not in WITHDRAWAL_REASONS:
            raise ValueError(f"how must be one of {list(WITHDRAWAL_REASONS)}, not {how!r}")
        with self._lock:
            self._changeable_record(path)
            self._withdrawn[path] = how

    def restore(self, path: str) -> None:
        """Serve withdrawn PATH again, as before."""
        with self._lock:
            if self._withdrawn.pop(path, None) is None:
                raise ValueError(f"{path} is not withdrawn")

    @property
    def drift(self) -> str | None:
        """None, or a redesign (one of templates.DRIFTS) all pages of its kind are rendered with.

        "no_source": detail pages show no source, neither label nor #infoSource nor meta;
        "body_renamed": their content container has a name no crawler selector knows;
        "list_renamed": list entries are li.list-item-v2. The ground truth stays as it is:
        tests of a drifted site check the run's health, not the archive's rows.
        """
        return self._drift

    @drift.setter
    def drift(self, drift: str | None) -> None:
        if drift is not None and drift not in templates.DRIFTS:
            raise ValueError(f"drift must be None or one of {templates.DRIFTS}, not {drift!r}")
        self._drift = drift

    def _newest_day(self) -> date:
        return max(entry.list_date for entries in self.listings.values() for entry in entries)

    def _changeable_record(self, path: str) -> tuple[int, PageRecord]:
        for index, record in enumerate(self.page_records):
            if record.article.path == path and record.case in _CHANGEABLE_CASES:
                return index, record
        raise ValueError(f"{path} is not an ordinary announcement of the site")

    # Serving

    def respond(self, path: str, attempt: int = 1) -> Reply | None:
        """The reply to a GET of PATH (percent-encoded, maybe with a query); None for nothing."""
        parts = urlsplit(path)
        route_path = unquote(parts.path)
        with self._lock:
            responder = self._responder(route_path, parts.query)
        if responder is None:
            return None
        reply = responder(attempt)
        if self.variation is None or not reply.content_type.startswith("text/html"):
            return reply
        return replace(reply, body=self.variation.rename(reply.body))

    def _responder(self, path: str, query: str) -> Responder | None:
        how = self._withdrawn.get(path)
        if how is not None:
            return (lambda _: NOT_FOUND_PAGE) if how == "not_found_page" else None
        responder = self._routes.get(path)
        if responder is not None:
            return responder
        list_page = self._list_page(path, query)
        return None if list_page is None else self._list_responder(*list_page)

    def _list_page(self, path: str, query: str) -> tuple[str, int] | None:
        """(column, page number) of the list page at PATH?QUERY, or None."""
        match = LIST_PATH.fullmatch(path)
        native = None
        if match is not None and match[1] in self.listings:
            # Page 1 is only moreinfo.html.
            native = 1 if match[2] == "moreinfo" else int(match[2]) if int(match[2]) > 1 else None
        if self.variation is None:
            return None if native is None else (match[1], native)
        for catnum in self.listings:
            number = self.variation.pager.page_number(
                list_path(catnum, 1), path, query,
                native if match is not None and match[1] == catnum else None,
            )  # fmt: skip
            if number is not None:
                return catnum, number
        return None

    def _list_responder(self, catnum: str, number: int) -> Responder | None:
        # The page count and the entries come from one list: changes replace it, never alter it.
        entries = self.listings[catnum]
        if number > _page_count(entries, self.page_size):
            return None
        return lambda _: self._list_reply(catnum, number, entries)

    def _list_reply(self, catnum: str, number: int, entries: list[Listing]) -> Reply:
        column_index = [c for c, _ in COLUMNS].index(catnum)
        # Encodings rotate over pages, so every column has pages in all three.
        encoding = ENCODINGS[(column_index + number) % len(ENCODINGS)]
        total = _page_count(entries, self.page_size)
        on_page = _page_of(entries, number, self.page_size)
        html = templates.list_page(
            catnum, number, total, on_page, encoding, self.drift, self.variation
        )
        return templates.html_reply(html, encoding)

    def page_listings(self, catnum: str, number: int) -> list[Listing]:
        return _page_of(self.listings[catnum], number, self.page_size)

    def total_pages(self, catnum: str) -> int:
        return _page_count(self.listings[catnum], self.page_size)

    def column_start_paths(self) -> list[str]:
        return [list_path(catnum, 1) for catnum, _ in self.columns]

    def list_page_path(self, catnum: str, number: int) -> str:
        """Where page NUMBER of column CATNUM is served (with a query, for some variations)."""
        if self.variation is None:
            return list_path(catnum, number)
        return self.variation.pager.page_path(
            list_path(catnum, 1), number, lambda n: list_path(catnum, n)
        )

    # Ground truth

    def expected_announcements(self, base_url: str) -> list[dict]:
        """One dict per announcement a correct crawl archives (archive column names as keys).

        A withdrawn one carries "gone": True.
        """
        base_url = base_url.rstrip("/")
        return [
            *(
                _page_expectation(
                    replace(record, article=self.shown(record.article)),
                    base_url,
                    gone=record.article.path in self._withdrawn,
                )
                for record in self.page_records
            ),
            *(entry_expectation(record, base_url) for record in self.entry_records),
        ]

    def expected_failures(self, base_url: str) -> list[dict]:
        base_url = base_url.rstrip("/")
        withdrawn = [
            FailureRecord("withdrawn", path, WITHDRAWAL_REASONS[how])
            for path, how in self._withdrawn.items()
        ]
        return failure_rows([*self.failure_records, *withdrawn], base_url)


def failure_rows(records: Iterable[FailureRecord], base_url: str) -> list[dict]:
    """The failures rows a correct crawl records for RECORDS (base_url without a final /)."""
    return [
        {"url": base_url + href(record.path), "reason": record.reason, "case": record.case}
        for record in records
    ]


def newest_first(entries: list[Listing]) -> list[Listing]:
    """A column's entries as its list pages show them; equal dates keep the order added."""
    return sorted(entries, key=lambda entry: entry.list_date, reverse=True)


def linked_files(article) -> list[str]:
    """The paths of the images and documents ARTICLE's pages link, then of its attachment list."""
    paths = []
    for index, body in enumerate(article.parts):
        links = [src for block in body.blocks for src in block.image_srcs]
        links += [link for block in body.blocks for link, _ in block.document_links]
        paths += [unquote(urljoin(article.part_path(index), link)) for link in links]
    return paths + [path for path, _ in article.attachments]


def _page_count(entries: list[Listing], page_size: int) -> int:
    return max(1, -(-len(entries) // page_size))


def _page_of(entries: list[Listing], number: int, page_size: int) -> list[Listing]:
    start = (number - 1) * page_size
    return entries[start : start + page_size]


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


def article_content(article, base_url: str) -> tuple[list[str], list[str], list[dict]]:
    """Paragraphs, images and attachments (each once) of all of an article's pages."""
    paragraphs, images, attachments = [], [], {}
    for index in range(len(article.parts)):
        content = part_content(article, index, base_url)
        paragraphs += content["paragraphs"]
        images += content["images"]
        for attachment in content["attachments"]:
            attachments.setdefault(attachment["url"], attachment)
    return paragraphs, list(dict.fromkeys(images)), list(attachments.values())


def expected_row(
    case: str, url: str, kind: str, whole_title: str, published: Published, source: str | None,
    columns: list[str], content: tuple[list[str], list[str], list[dict]] = ([], [], []),
    aliases: list[str] | None = None,
) -> dict:  # fmt: skip
    """The archive row a correct crawl writes for an announcement (archive column names as
    keys, "case" besides); CONTENT: its paragraphs, images and attachments."""
    tag, title = split_title_tag(whole_title)
    paragraphs, images, attachments = content
    return {
        "case": case,
        "url": url,
        "aliases": aliases or [],
        "kind": kind,
        "title": title,
        "title_tag": tag,
        "source": source or None,
        "published_at": published.iso,
        "published_precision": published.precision,
        "published_raw": published.raw,
        "columns": columns,
        "paragraphs": paragraphs,
        "images": images,
        "attachments": attachments,
    }


def _page_expectation(record: PageRecord, base_url: str, gone: bool) -> dict:
    article = record.article
    expectation = expected_row(
        record.case, base_url + href(article.path), "page", article.title, article.published(),
        article.source, sorted({COLUMN_NAMES[catnum] for catnum in record.catnums}),
        article_content(article, base_url),
        aliases=sorted(base_url + href(path) for path in record.alias_paths),
    )  # fmt: skip
    if record.interchangeable:
        expectation["interchangeable_urls"] = True
    if gone:
        expectation["gone"] = True
    return expectation


def entry_expectation(
    record: EntryRecord, base_url: str, column_names: dict[str, str] = COLUMN_NAMES
) -> dict:
    """The row of a `file` or `external` announcement: its list entry's title and date; a
    file entry's document is its attachment."""
    listing = record.listing
    url = urljoin(base_url + "/", href(listing.link))
    attachments = (
        [{"url": url, "name": normalize_space(listing.title)}] if record.kind == "file" else []
    )
    return expected_row(
        record.case, url, record.kind, listing.title, list_date_published(listing.list_date),
        None, [column_names[listing.catnum]], ([], [], attachments),
    )
