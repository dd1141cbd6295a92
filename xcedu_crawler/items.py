"""Typed items that flow from the spider through the pipelines to the archive."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass
class ListEntry:
    """One entry of a column list page, as the list shows it."""

    url: str  # absolute; canonical once the spider follows the entry
    title: str  # the whole title: the link's title attribute, else its text
    date_raw: str | None  # the list date text, e.g. "2022-02-07"
    column: str  # the column (栏目) name read from the list page
    page_url: str | None = None  # the list page that shows it


@dataclass
class Attachment:
    url: str  # absolute
    name: str  # link text, else the file name


@dataclass
class FetchedPage:
    """A page exactly as it was served, kept so that it can be re-read later."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)  # a log line that shows an item must not hold whole pages
    fetched_at: str  # UTC ISO 8601


@dataclass
class StoredFile:
    """A downloaded file: where it lies under the files folder, and what it is."""

    url: str
    path: str  # relative to the files folder, named by content
    sha256: str
    size: int
    content_type: str | None


@dataclass
class DateCandidate:
    """A date text found somewhere, with the rule that found it (e.g. "label:信息时间")."""

    raw: str
    rule: str


@dataclass
class RawAnnouncement:
    """What the spider extracted for one announcement, before normalisation."""

    url: str  # canonical URL
    kind: str  # "page", "file" or "external"
    entry: ListEntry | None = None
    aliases: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    title: str | None = None  # the detail page's title text, None when the page has none
    source: str | None = None
    dates: list[DateCandidate] = field(default_factory=list)  # best first
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    pages: list[FetchedPage] = field(default_factory=list)  # the fetched parts, in order
    provenance: dict[str, str] = field(default_factory=dict)  # field → the rule that found it
    site: str | None = None  # the profile it was crawled with


@dataclass
class Announcement:
    """One normalised announcement: the fields of an `announcements` row plus its attachments."""

    url: str
    kind: str
    title: str
    title_tag: str | None
    source: str | None
    published_at: str | None
    published_precision: str | None
    published_raw: str | None
    aliases: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # The list entry it was archived from, remembered so that an incremental run can skip
    # it while the list shows the same title and date.
    list_url: str | None = None
    list_title: str | None = None
    list_date: str | None = None
    list_page_url: str | None = None
    site: str | None = None  # the profile it was crawled with
    # Which rule produced each field: {"title": "meta:ArticleTitle", "published_at": "label:发布时间"}.
    provenance: dict[str, str] = field(default_factory=dict)
    # What the crawl fetched for it: the raw pages it was extracted from, the files it
    # downloaded, and the downloads that failed.
    pages: list[FetchedPage] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)
    file_failures: list[Failure] = field(default_factory=list)

    @property
    def referer(self) -> str:
        """The page that links its files: itself, or for a listed document, the list page."""
        return self.url if self.kind == "page" else (self.list_page_url or self.url)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def content_hash(self) -> str:
        # Equal content, equal hash. The document URL is part of a file or external
        # entry's content: two different files listed with one title are two records.
        content = [
            self.kind,
            self.title_tag,
            self.title,
            self.published_at,
            self.paragraphs,
            self.images,
            None if self.kind == "page" else self.url,
        ]
        encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class FileBatch:
    """Files to (re)download that no new announcement carries: last run's failed downloads."""

    referer: str  # the page that links them
    urls: list[str]
    files: list[StoredFile] = field(default_factory=list)
    file_failures: list[Failure] = field(default_factory=list)


@dataclass
class ListPageRead:
    """A list page of COLUMN was read, listing URLS: any failure recorded for it earlier is
    over, and the archive keeps the listings (announcements take their columns from them)."""

    url: str
    column: str | None  # None for a page the server said was not modified (HTTP 304)
    urls: list[str] = field(default_factory=list)  # canonical URLs of its entries, in order
    # Which rule found the page's column, entries and pager: {"entries": "discovery:li", …}.
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass
class UnchangedPage:
    """The server answered 304 to a detail page asked for with the validators it was archived
    with: the announcement behind it is as archived, and ENTRY lists it now."""

    url: str  # canonical URL, as requested
    entry: ListEntry
    site: str | None = None  # the site it belongs to


@dataclass
class Failure:
    """A URL the crawl meant to archive and could not."""

    url: str
    reason: str  # http_404, http_500, not_found_page, robots, download_error, blocked, parse
    detail: str = ""
