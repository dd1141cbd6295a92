"""The archive's columns, described once: what each holds, its type, whether it is JSON or versioned."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # the SQLite type the migrations gave it
    description: str  # as the README's schema section says it (a test holds them equal)
    json: bool = False  # a JSON array or object in a TEXT column
    versioned: bool = False  # an edit keeps its old value in announcement_versions


ANNOUNCEMENTS = (
    Column("id", "INTEGER", "integer primary key"),
    Column("url", "TEXT", "canonical URL, unique: fragment dropped, scheme and host lower-cased, "
           "default port dropped, tracking query keys dropped (`from`, `spm`, `utm_*`, `share`, "
           "`isappinstalled`: `XCEDU_TRACKING_KEYS`), non-ASCII percent-encoded as a browser sends "
           "it. For a script-redirect stub, the target's URL"),
    Column("aliases", "TEXT", "JSON array of other URLs that led here: a republished copy with "
           "identical content (the first archived URL stays `url`), a redirect stub, an http/https "
           "twin", json=True),
    Column("kind", "TEXT", "`page`, `file` (a list entry that is itself a document; it has one "
           "`attachments` row for that document) or `external` (a list entry on another host, kept "
           "from the list, never fetched). `file` and `external` take the list entry's whole title "
           "and date (`day` precision), `source` NULL, `paragraphs` `[]`", versioned=True),
    Column("title", "TEXT", "whitespace-normalised, without a leading 【tag】; the detail page's "
           "title wins over the list entry's, which serves only when the page has none (never a "
           "list text cut with \"...\")", versioned=True),
    Column("title_tag", "TEXT", "the text inside a leading 【…】 (`部署`), else NULL", versioned=True),
    Column("source", "TEXT", "信息来源 / 来源 / `ContentSource` meta, whitespace-normalised; NULL "
           "when empty", versioned=True),
    Column("published_at", "TEXT", "ISO 8601 in Asia/Shanghai, to the second: "
           "`2022-02-07T09:41:00+08:00`; from 信息时间/发布时间/发布日期, else the `PubDate` meta, "
           "else the list date. NULL only when no date can be read anywhere: never a guess (no "
           "\"today\", no year made up for `02-07`)", versioned=True),
    Column("published_precision", "TEXT", "`second`, `minute` or `day`", versioned=True),
    Column("published_raw", "TEXT", "the date text as found (kept even when it cannot be read)",
           versioned=True),
    Column("columns", "TEXT", "JSON array of the column names (栏目) that listed it, under any of "
           "its URLs (from the `listings` table)", json=True),
    Column("paragraphs", "TEXT", "JSON array of body paragraphs (rules below)", json=True,
           versioned=True),
    Column("body", "TEXT", "the paragraphs joined by `\\n`"),
    Column("images", "TEXT", "JSON array of absolute URLs of images in the body", json=True,
           versioned=True),
    Column("content_hash", "TEXT", "SHA-256 over kind, tag, title, `published_at`, paragraphs and "
           "images (and the URL of a file or external entry): equal content, equal hash"),
    Column("first_seen_at", "TEXT", "UTC ISO 8601 time the crawler first archived it"),
    Column("last_seen_at", "TEXT", "UTC ISO 8601 time a run last saw it listed or fetched it"),
    Column("changed_at", "TEXT", "UTC ISO 8601 time a re-fetch last found different content; NULL "
           "until then"),
    Column("gone_at", "TEXT", "UTC time the page was first found withdrawn (404 / \"页面不存在\"); "
           "NULL while it is on the site"),
    Column("published_year", "TEXT", "the year of `published_at`, for Datasette's facets"),
    Column("page_ids", "TEXT", "JSON array of the `pages` rows (raw pages as served) it was "
           "extracted from", json=True),
    Column("provenance", "TEXT", "JSON object: which extraction rule produced each field (see "
           "\"Adding a site\")", json=True),
    Column("site", "TEXT", "the site profile it was crawled with (`xuchang`, …)"),
    Column("search_key", "INTEGER", "its rowid in the search index: seconds from 1900 to "
           "`published_at` × 10⁹ + `id` (0 seconds when undated), so that the index holds the "
           "newest first"),
)

ANNOUNCEMENT_VERSIONS = (
    Column("id", "INTEGER", "integer primary key"),
    Column("announcement_id", "INTEGER", "the announcement that was edited"),
    Column("recorded_at", "TEXT", "UTC time the edit was found"),
    Column("fields", "TEXT", "JSON array of the fields that changed", json=True),
    Column("old_values", "TEXT", "JSON object: those fields' values before the change", json=True),
    Column("page_ids", "TEXT", "JSON array of the `pages` rows the old values were read from",
           json=True),
)

ATTACHMENTS = (
    Column("announcement_id", "INTEGER", "the announcement it is attached to"),
    Column("url", "TEXT", "the file's URL"),
    Column("name", "TEXT", "link text, else the file name"),
    Column("path", "TEXT", "where the file is stored, relative to the files folder; NULL until "
           "downloaded"),
    Column("sha256", "TEXT", "SHA-256 of the stored file"),
    Column("size", "INTEGER", "bytes"),
    Column("content_type", "TEXT", "as the server sent it"),
    Column("referer", "TEXT", "the page the link stands on"),
)

LISTINGS = (
    Column("column_name", "TEXT", "the column (栏目) whose list named the URL"),
    Column("url_key", "TEXT", "the URL listed, keyed without its scheme (as `announcement_urls`)"),
    Column("url", "TEXT", "the URL as listed, canonical"),
    Column("first_seen_at", "TEXT", "UTC time a run first found it in that column"),
    Column("last_seen_at", "TEXT", "UTC time a run last found it in that column"),
    Column("list_page_url", "TEXT", "the list page that last showed it"),
    Column("provenance", "TEXT", "JSON object: which rule read that page's column, entries and "
           "pager (`profile`, or a discovery rule such as `breadcrumb`)", json=True),
)

CRAWL_RUNS = (
    Column("id", "INTEGER", "integer primary key"),
    Column("started_at", "TEXT", "UTC time the run began"),
    Column("finished_at", "TEXT", "UTC time it ended; NULL while running"),
    Column("status", "TEXT", "`ok`, `partial`, `blocked`, `failed`, or `running`"),
    Column("new", "INTEGER", "announcements archived for the first time"),
    Column("updated", "INTEGER", "announcements whose content changed"),
    Column("unchanged", "INTEGER", "announcements fetched again, the same"),
    Column("failed", "INTEGER", "failures recorded"),
    Column("requests", "INTEGER", "HTTP requests made"),
    Column("stats", "TEXT", "Scrapy's stats of the run", json=True),
    Column("mode", "TEXT", "`incremental`, `catch-up` or `full`"),
    Column("reason", "TEXT", "why the status is not `ok`"),
    Column("health", "TEXT", "the run-health figures", json=True),
    Column("sites", "TEXT", "each site's status, reason and counts, for a run over several sites",
           json=True),
    Column("merged_from", "TEXT", "the archive `xcedu merge` took the run from; NULL for the "
           "archive's own runs"),
)

FILE_TEXTS = (
    Column("id", "INTEGER", "integer primary key (the search index's rowid)"),
    Column("sha256", "TEXT", "SHA-256 of the file read, unique: one row per distinct content, "
           "however many URLs serve it (`files.sha256`, `attachments.sha256`)"),
    Column("text", "TEXT", "the text read, line by line; \"\" when none could be read"),
    Column("status", "TEXT", "`ok`, `empty` (no text in it), `unsupported` (a format no "
           "extractor reads), `failed` (damaged or encrypted), `too_large` (a limit stopped the "
           "read: the text up to it is kept) or `needs_ocr` (a scan or an image, OCR off)"),
    Column("reason", "TEXT", "why, in words, unless `ok`"),
    Column("extractor", "TEXT", "what read it (`pypdf`, `docx-xml`, …); \"\" when none could"),
    Column("extractor_version", "TEXT", "that extractor's version (`xcedu extract-text --redo` "
           "reads again what an older one read)"),
    Column("pages", "INTEGER", "pages (or sheets, slides) in the file, where the format says"),
    Column("chars", "INTEGER", "characters of `text`"),
    Column("extracted_at", "TEXT", "UTC time it was read"),
)

VALIDATORS = (
    Column("url", "TEXT", "a list or detail page's URL, as requested"),
    Column("etag", "TEXT", "the `ETag` it was last read with (sent back as `If-None-Match`), else NULL"),
    Column("last_modified", "TEXT", "its `Last-Modified` (sent back as `If-Modified-Since`), else NULL"),
    Column("fetched_at", "TEXT", "UTC time of that fetch"),
)

TABLES = {
    "announcements": ANNOUNCEMENTS,
    "announcement_versions": ANNOUNCEMENT_VERSIONS,
    "attachments": ATTACHMENTS,
    "listings": LISTINGS,
    "crawl_runs": CRAWL_RUNS,
    "file_texts": FILE_TEXTS,
    "validators": VALIDATORS,
}

VERSIONED_FIELDS = tuple(column.name for column in ANNOUNCEMENTS if column.versioned)
# Columns that hold JSON: real arrays and objects in JSON output, JSON text in CSV.
JSON_COLUMNS = frozenset(column.name for table in TABLES.values() for column in table if column.json)

# The columns of the narrow list view a researcher scans, which the canned searches select;
# the view also carries search_key (migrations.order_search_index_by_date), for the search box.
LIST_COLUMNS = ("id", "date", "columns", "tag", "title", "source", "attachments", "url")

SEARCH_TABLE = "announcements_fts"
SEARCH_COLUMNS = ("title", "body", "source")
# bm25 weights, in SEARCH_COLUMNS order: a term in the title counts most.
SEARCH_WEIGHTS = (10.0, 1.0, 2.0)
BM25 = f"bm25({SEARCH_TABLE}, {', '.join(str(weight) for weight in SEARCH_WEIGHTS)})"
# The titles alone, under the same rowids: what "title matches first" reads.
TITLE_SEARCH_TABLE = "announcements_title_fts"
# The index of file_texts.text (rowid: file_texts.id), searched beside the announcements'.
FILE_SEARCH_TABLE = "file_texts_fts"
