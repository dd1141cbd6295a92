"""What the family replicas share: articles, ordinary content, routes and the ground truth of a crawl."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from html import escape
from random import Random
from urllib.parse import unquote, urlsplit

from xcedu_replica.body import (
    NBSP_INDENT,
    Block,
    Body,
    blank,
    document_line,
    image,
    lines,
    paragraph,
    signature,
    table,
)
from xcedu_replica.documents import document_reply
from xcedu_replica.model import (
    META_FORMATS,
    SHANGHAI,
    Listing,
    Published,
    Reply,
    href,
    iso_at_precision,
)
from xcedu_replica.site import (
    ROBOTS_PATH,
    EntryRecord,
    FailureRecord,
    article_content,
    entry_expectation,
    expected_row,
    failure_rows,
    linked_files,
    newest_first,
)
from xcedu_replica.variation import Variation
from xcedu_replica.vocabulary import (
    DISTRICTS,
    EVENTS,
    GENERAL_SENTENCES,
    TAGS,
    TITLE_PATTERNS,
    TOPICS,
)

_ROBOTS = Reply(200, "text/plain", b"User-agent: *\nDisallow: /search/\n")

# How both families write a date, next to the title and in the PubDate meta alike.
DATE_FORMATS = META_FORMATS

# Ordinary announcements are older than the special cases, which stay on the first list pages.
NEWEST_ORDINARY_DAY = date(2022, 2, 28)
DAYS_APART = 2
# The editor's trailer both templates may end a body with; a correct extraction drops it.
EDITOR_TRAILER = "（责任编辑：{}）"
EDITORS = ("张三", "李明", "王芳", "赵磊")

# The meta names a detail page's head gives its title, publication date and source.
STANDARD_META_NAMES = ("ArticleTitle", "PubDate", "ContentSource")

_INDENTS = ("\u3000\u3000", "\u3000\u3000", NBSP_INDENT, "")
_HEAD_COUNT_BASE = 300


@dataclass(frozen=True)
class Charset:
    """How a page's bytes, its Content-Type header and its charset meta go together."""

    content_type: str
    meta: str
    codec: str


CHARSETS = {
    "utf-8": Charset(
        "text/html; charset=UTF-8",
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        "utf-8",
    ),
    # The strict codec: a character GBK lacks fails the build rather than the crawl.
    "gbk": Charset(
        "text/html; charset=GBK",
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        "gbk",
    ),
    # A template re-saved in UTF-8 that kept its old head: the meta lies, the header says nothing.
    "utf-8-meta-gb2312": Charset(
        "text/html",
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        "utf-8",
    ),
}


def html_reply(html: str, charset: str = "utf-8") -> Reply:
    spec = CHARSETS[charset]
    return Reply(200, spec.content_type, html.encode(spec.codec))


@dataclass(frozen=True)
class Article:
    """An HTML announcement of a family site, one page unless a family splits it."""

    path: str  # of its first page; not percent-encoded
    column: str  # id of the column listing it
    title: str  # whole, 【tag】 included
    moment: datetime  # publication time; its date is the list date
    precision: str  # of the date the page shows: a DATE_FORMATS key
    source: str | None
    parts: tuple[Body, ...]
    attachments: tuple[tuple[str, str], ...] = ()  # (path, link text) listed after the body
    charset: str = "utf-8"  # a CHARSETS key
    editor: str | None = None  # named in a trailer at the end of the body container
    date_format: str | None = None  # how the page shows the date; None: as the PubDate meta

    @property
    def list_date(self) -> date:
        return self.moment.date()

    @property
    def date_text(self) -> str:
        """The date as the page shows it beside the title."""
        return self.moment.strftime(self.date_format or DATE_FORMATS[self.precision])

    @property
    def meta_date_text(self) -> str:
        return self.moment.strftime(DATE_FORMATS[self.precision])

    @property
    def raw_date_text(self) -> str:
        """The date text a crawl stores: the shown one (families without one override this)."""
        return self.date_text

    @property
    def published(self) -> Published:
        iso = iso_at_precision(self.moment, self.precision)
        return Published(self.raw_date_text, iso, self.precision)

    @property
    def trailer(self) -> str | None:
        return None if self.editor is None else EDITOR_TRAILER.format(self.editor)

    def part_path(self, index: int) -> str:
        """Path of page INDEX (0-based) of the article: families that split articles override it."""
        if index != 0:
            raise IndexError(f"{self.path} has one page only")
        return self.path


@dataclass(frozen=True)
class PageRecord:
    """An HTML announcement a correct crawl archives, under the case it stands for."""

    case: str
    article: Article


@dataclass(frozen=True)
class Draft:
    """What an ordinary announcement says, before its family gives it a path and a look."""

    serial: int
    title: str
    moment: datetime
    precision: str
    source: str | None
    topic: str
    district: str


def ordinary_day(position: int, column_index: int) -> date:
    """The date of the POSITION-th ordinary announcement of a column, newest first."""
    return NEWEST_ORDINARY_DAY - timedelta(days=position * DAYS_APART + column_index % DAYS_APART)


def draft(rng: Random, serial: int, day: date, sources: tuple[str, ...]) -> Draft:
    """Ordinary announcement number SERIAL of a site, published on DAY."""
    clock = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
    moment = datetime.combine(day, clock, SHANGHAI)
    topic, district = rng.choice(list(TOPICS)), rng.choice(DISTRICTS)
    title = rng.choice(TITLE_PATTERNS).format(topic=topic, district=district, year=day.year)
    if rng.random() < 0.3:
        title = f"【{rng.choice(TAGS)}】{title}"
    source = rng.choice(sources) if rng.random() < 0.8 else None
    precision = rng.choice(tuple(DATE_FORMATS))
    return Draft(serial, title, moment, precision, source, topic, district)


def ordinary_body(
    rng: Random,
    draft: Draft,
    image_src: str | None = None,
    document: tuple[str, str] | None = None,
) -> Body:
    """A body about DRAFT's topic, maybe with a picture and an "附件：" line (href, name)."""
    sentences = [*TOPICS[draft.topic], *GENERAL_SENTENCES]
    rng.shuffle(sentences)
    blocks: list[Block] = []
    if image_src is not None:
        blocks.append(image(image_src, f"{draft.district}{draft.topic}工作现场"))
    # The head count is unique to the announcement, so no two of them have equal content.
    head_count = _HEAD_COUNT_BASE + draft.serial
    event = f"{draft.district}教育局{rng.choice(EVENTS)}，共有{head_count}名干部师生参加。"
    moment = draft.moment
    blocks.append(paragraph(f"{moment.month}月{moment.day}日，{event}{sentences.pop()}"))
    for _ in range(rng.randint(2, 3)):
        if rng.random() < 0.2:
            blocks.append(blank())
        blocks.append(paragraph(sentences.pop(), rng.choice(_INDENTS)))
    extra = rng.random()
    if extra < 0.2:
        blocks.append(lines([f"{n}是{sentences.pop()}" for n in "一二三"]))
    elif extra < 0.3:
        rows = [[name, str(rng.randint(20, 90)), ""] for name in DISTRICTS[:3]]
        blocks.append(table(["县（市、区）", "学校数", "备注"], rows))
    if document is not None:
        link, name = document
        blocks.append(document_line("附件：", name, link))
    if rng.random() < 0.4:
        blocks.append(signature(f"{draft.district}教育局"))
        blocks.append(signature(f"{moment.year}年{moment.month}月{moment.day}日"))
    return Body(tuple(blocks))


class FamilySite:
    """A replica site of one CMS family, with the API of the primary replica's Site.

    A subclass renders the pages (detail_reply, list_routes) and names its column lists
    (column_start_paths). Add pages and entries, then seal(): the site never changes after.

    With a VARIATION, the same content is served in that variation's markup; its articles
    show their dates in the variation's formats, and the ground truth follows.
    """

    def __init__(self, columns: tuple[tuple[str, str], ...], variation: Variation | None = None):
        self.variation = variation
        self.columns = list(columns)
        self.column_names = dict(columns)
        self.listings: dict[str, list[Listing]] = {column: [] for column, _ in columns}
        self.page_records: list[PageRecord] = []
        self.entry_records: list[EntryRecord] = []
        self.failure_records: list[FailureRecord] = []
        self.special_articles: dict[str, Article] = {}  # by case key, for tests
        self._routes: dict[str, Reply] = {ROBOTS_PATH: _ROBOTS}

    # For subclasses

    def detail_reply(self, article: Article, index: int) -> Reply:
        raise NotImplementedError

    def list_routes(self) -> dict[str, Reply]:
        """Every list page of every column, by path."""
        raise NotImplementedError

    def column_start_paths(self) -> list[str]:
        raise NotImplementedError

    # Building

    def serve(self, path: str, reply: Reply) -> None:
        self._routes[path] = reply

    def serve_document(self, path: str) -> None:
        self._routes[path] = document_reply(path)

    def add_page(self, case: str, article: Article, key: str | None = None) -> None:
        """Serve every page of ARTICLE with its images and documents, list it and expect it;
        KEY names it among the special articles."""
        if self.variation is not None:
            fmt, precision = self.variation.date_style(article.path, article.precision)
            article = replace(article, precision=precision, date_format=fmt)
        for index in range(len(article.parts)):
            self._routes[article.part_path(index)] = self.detail_reply(article, index)
        for path in linked_files(article):
            self.serve_document(path)
        self.listings[article.column].append(
            Listing(article.column, article.path, article.title, article.list_date)
        )
        self.page_records.append(PageRecord(case, article))
        if key is not None:
            self.special_articles[key] = article

    def add_entry(self, case: str, kind: str, listing: Listing) -> None:
        """A "file" entry (its document is served) or an "external" one (on another host)."""
        if kind == "file":
            self.serve_document(listing.link)
        self.listings[listing.catnum].append(listing)
        self.entry_records.append(EntryRecord(case, kind, listing))

    def add_missing(self, case: str, listing: Listing) -> None:
        """An entry whose page is not served: the crawl records an http_404 failure."""
        self.listings[listing.catnum].append(listing)
        self.failure_records.append(FailureRecord(case, listing.link, "http_404"))

    def seal(self) -> None:
        """Order every column newest first (equal dates keep the order added); serve the lists."""
        for column, entries in self.listings.items():
            self.listings[column] = newest_first(entries)
        self._routes.update(self.list_routes())

    # Serving

    def respond(self, path: str, attempt: int = 1) -> Reply | None:
        """The reply to a GET of PATH (percent-encoded, maybe with a query); None for nothing.

        Every page answers the same at every attempt. A variation's list pages may be served
        at a query (?page=2): a route with the query wins over the path's own.
        """
        parts = urlsplit(path)
        route = unquote(parts.path)
        reply = self._routes.get(f"{route}?{parts.query}") or self._routes.get(route)
        return None if reply is None else self.restyled(reply)

    def restyled(self, reply: Reply) -> Reply:
        """REPLY with the variation's class and id names, when it is markup."""
        if self.variation is None or not reply.content_type.startswith(("text/html", "text/xml")):
            return reply
        return replace(reply, body=self.variation.rename(reply.body))

    # Ground truth

    def expected_announcements(self, base_url: str) -> list[dict]:
        """One dict per announcement a correct crawl archives (archive column names as keys)."""
        base_url = base_url.rstrip("/")
        return [
            *(self._page_expectation(record, base_url) for record in self.page_records),
            *(
                entry_expectation(record, base_url, self.column_names)
                for record in self.entry_records
            ),
        ]

    def expected_failures(self, base_url: str) -> list[dict]:
        return failure_rows(self.failure_records, base_url.rstrip("/"))

    def _page_expectation(self, record: PageRecord, base_url: str) -> dict:
        article = record.article
        return expected_row(
            record.case, base_url + href(article.path), "page", article.title, article.published,
            article.source, [self.column_names[article.column]], article_content(article, base_url),
        )  # fmt: skip


def built(
    site: FamilySite,
    add_special_cases: Callable[[FamilySite], None],
    per_column: int,
    ordinary: Callable[[int, str, date], Article],
) -> FamilySite:
    """SITE with its special cases, every column filled up to PER_COLUMN entries with
    ORDINARY(serial, column id, day) articles, and sealed."""
    add_special_cases(site)
    serial = 0
    for column_index, (column, _) in enumerate(site.columns):
        position = 0
        while len(site.listings[column]) < per_column:
            day = ordinary_day(position, column_index)
            site.add_page("ordinary", ordinary(serial, column, day))
            serial += 1
            position += 1
    site.seal()
    return site


def head_metas(
    article: Article, column_name: str, names: tuple[str, str, str] = STANDARD_META_NAMES,
    pubdate: bool = True,
) -> str:  # fmt: skip
    """The <meta> tags a detail page's head carries: the column, then the title, the
    publication date (when PUBDATE) and the source under NAMES."""
    title_name, date_name, source_name = names
    tags = [
        f'<meta name="ColumnName" content="{column_name}">',
        f'<meta name="{title_name}" content="{escape(article.title)}">',
    ]
    if pubdate:
        tags.append(f'<meta name="{date_name}" content="{article.meta_date_text}">')
    if article.source is not None:
        tags.append(f'<meta name="{source_name}" content="{escape(article.source)}">')
    return "\n".join(tags) + "\n"
