"""The archive's schema history as frozen SQL: each migration says what it did the day it was written.

A migration never calls the archive's code, which changes; the search index, whose text
today's tokenizer makes, is rebuilt by `Archive.open` when INDEX_VERSION says it is stale.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("xcedu")


def _run(db: Database, script: str) -> None:
    # One statement at a time: executescript would commit the migration's transaction.
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
def create_tables(db: Database) -> None:
    _run(db, """
CREATE TABLE "announcements" (
   "id" INTEGER PRIMARY KEY,
   "url" TEXT NOT NULL,
   "aliases" TEXT,
   "kind" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "title_tag" TEXT,
   "source" TEXT,
   "published_at" TEXT,
   "published_precision" TEXT,
   "published_raw" TEXT,
   "columns" TEXT,
   "paragraphs" TEXT,
   "body" TEXT,
   "images" TEXT,
   "content_hash" TEXT NOT NULL,
   "first_seen_at" TEXT NOT NULL,
   "last_seen_at" TEXT NOT NULL,
   "changed_at" TEXT
);
CREATE UNIQUE INDEX "idx_announcements_url" ON "announcements" ("url");
CREATE INDEX "idx_announcements_content_hash" ON "announcements" ("content_hash");
CREATE INDEX "idx_announcements_published_at" ON "announcements" ("published_at");
CREATE TABLE "announcement_urls" (
   "url_key" TEXT PRIMARY KEY,
   "url" TEXT,
   "announcement_id" INTEGER REFERENCES "announcements"("id")
);
CREATE TABLE "attachments" (
   "announcement_id" INTEGER REFERENCES "announcements"("id"),
   "url" TEXT,
   "name" TEXT,
   "path" TEXT,
   "sha256" TEXT,
   "size" INTEGER,
   "content_type" TEXT,
   PRIMARY KEY ("announcement_id", "url")
);
CREATE TABLE "failures" (
   "url" TEXT PRIMARY KEY,
   "reason" TEXT,
   "detail" TEXT,
   "attempts" INTEGER,
   "first_at" TEXT,
   "last_at" TEXT
);
CREATE TABLE "crawl_runs" (
   "id" INTEGER PRIMARY KEY,
   "started_at" TEXT,
   "finished_at" TEXT,
   "status" TEXT,
   "new" INTEGER,
   "updated" INTEGER,
   "unchanged" INTEGER,
   "failed" INTEGER,
   "requests" INTEGER,
   "stats" TEXT
)""")


@migrations()
def track_history_and_run_health(db: Database) -> None:
    # Withdrawn pages keep their row and gain gone_at; the list entry each URL was last
    # archived from lets an incremental run skip unchanged entries.
    _run(db, """
ALTER TABLE "announcements" ADD COLUMN "gone_at" TEXT;
ALTER TABLE "announcement_urls" ADD COLUMN "list_title" TEXT;
ALTER TABLE "announcement_urls" ADD COLUMN "list_date" TEXT;
CREATE TABLE "announcement_versions" (
   "id" INTEGER PRIMARY KEY,
   "announcement_id" INTEGER REFERENCES "announcements"("id"),
   "recorded_at" TEXT,
   "fields" TEXT,
   "old_values" TEXT
);
CREATE INDEX "idx_announcement_versions_announcement_id"
    ON "announcement_versions" ("announcement_id");
ALTER TABLE "crawl_runs" ADD COLUMN "mode" TEXT;
ALTER TABLE "crawl_runs" ADD COLUMN "reason" TEXT;
ALTER TABLE "crawl_runs" ADD COLUMN "health" TEXT""")


@migrations()
def create_search_index(db: Database) -> None:
    # Contentless: the spaced-out text is only for matching; results and snippets come from
    # the announcements table. published_year is stored, not generated: Datasette facets on
    # the columns PRAGMA table_info lists, which leaves generated ones out.
    _run(db, """
CREATE VIRTUAL TABLE announcements_fts USING fts5(title, body, source, content='');
ALTER TABLE "announcements" ADD COLUMN "published_year" TEXT;
UPDATE announcements SET published_year = substr(published_at, 1, 4)""")


@migrations()
def keep_pages_and_files(db: Database) -> None:
    # Raw pages as served, bodies compressed and stored once per distinct content; files by URL.
    _run(db, """
CREATE TABLE "page_bodies" (
   "sha256" TEXT PRIMARY KEY,
   "body" BLOB,
   "size" INTEGER
);
CREATE TABLE "pages" (
   "id" INTEGER PRIMARY KEY,
   "url" TEXT,
   "fetched_at" TEXT,
   "status" INTEGER,
   "headers" TEXT,
   "body_sha256" TEXT REFERENCES "page_bodies"("sha256")
);
CREATE INDEX "idx_pages_url_body_sha256_status" ON "pages" ("url", "body_sha256", "status");
ALTER TABLE "announcements" ADD COLUMN "page_ids" TEXT;
ALTER TABLE "announcement_versions" ADD COLUMN "page_ids" TEXT;
CREATE TABLE "files" (
   "url" TEXT PRIMARY KEY,
   "path" TEXT,
   "sha256" TEXT,
   "size" INTEGER,
   "content_type" TEXT,
   "stored_at" TEXT
);
ALTER TABLE "attachments" ADD COLUMN "referer" TEXT""")


@migrations()
def record_provenance(db: Database) -> None:
    _run(db, 'ALTER TABLE "announcements" ADD COLUMN "provenance" TEXT')


@migrations()
def record_site(db: Database) -> None:
    _run(db, 'ALTER TABLE "announcements" ADD COLUMN "site" TEXT')


@migrations()
def index_punctuation_and_spaces(db: Database) -> None:
    # The tokenizer stopped dropping punctuation and spaces: an index made before is stale.
    # (Today INDEX_VERSION says so; this migration predates it and only empties the index.)
    _run(db, "INSERT INTO announcements_fts (announcements_fts) VALUES ('delete-all')")


@migrations()
def record_search_index_version(db: Database) -> None:
    # From here on, the archive says which tokenizer built its index, and `Archive.open`
    # rebuilds it when that is not today's. Version 1 is the index of punctuation and spaces;
    # an index the previous migration just emptied is rebuilt under version 0.
    _run(db, """
CREATE TABLE "archive_state" ("key" TEXT PRIMARY KEY, "value" TEXT);
INSERT INTO archive_state (key, value) SELECT 'search_index_version',
    CASE WHEN EXISTS (SELECT 1 FROM announcements) AND NOT EXISTS (SELECT 1 FROM announcements_fts)
         THEN '0' ELSE '1' END""")


@migrations()
def record_listings(db: Database) -> None:
    # Which column listed which URL, straight from the list pages, whether or not the
    # announcement behind it is archived yet; announcements.columns is derived from it.
    _run(db, """
CREATE TABLE "listings" (
   "column_name" TEXT,
   "url_key" TEXT,
   "url" TEXT,
   "first_seen_at" TEXT,
   "last_seen_at" TEXT,
   PRIMARY KEY ("column_name", "url_key")
);
CREATE INDEX "idx_listings_url_key" ON "listings" ("url_key");
INSERT INTO listings (column_name, url_key, url, first_seen_at, last_seen_at)
    SELECT c.value, u.url_key, u.url, a.first_seen_at, a.last_seen_at
    FROM announcement_urls u JOIN announcements a ON a.id = u.announcement_id, json_each(a.columns) c
    WHERE u.url = a.url""")


@migrations()
def record_sites_per_run(db: Database) -> None:
    # A run over several sites keeps each site's status and figures.
    _run(db, 'ALTER TABLE "crawl_runs" ADD COLUMN "sites" TEXT')


@migrations()
def record_merged_runs(db: Database) -> None:
    # `xcedu merge` keeps every input's runs, each naming the archive it came from.
    _run(db, 'ALTER TABLE "crawl_runs" ADD COLUMN "merged_from" TEXT')


@migrations()
def keep_file_texts(db: Database) -> None:
    # The text read from each stored file, once per distinct content (sha256), with what read
    # it; an id of its own because the search index's rowid must survive a VACUUM, which a
    # table keyed by text may renumber. Its index is contentless like the announcements'.
    _run(db, """
CREATE TABLE "file_texts" (
   "id" INTEGER PRIMARY KEY,
   "sha256" TEXT NOT NULL UNIQUE,
   "text" TEXT,
   "status" TEXT NOT NULL,
   "reason" TEXT,
   "extractor" TEXT,
   "extractor_version" TEXT,
   "pages" INTEGER,
   "chars" INTEGER,
   "extracted_at" TEXT
);
CREATE INDEX "idx_attachments_sha256" ON "attachments" ("sha256");
CREATE VIRTUAL TABLE file_texts_fts USING fts5(text, content='')""")


@migrations()
def list_announcements_narrowly(db: Database) -> None:
    # The few columns a researcher scans, as the table Datasette shows first: `announcements`
    # itself is 23 columns wide, with whole texts in some. A day-precision date is the day
    # alone, not midnight; a time is to the minute, as notices give it.
    _run(db, """
CREATE VIEW "announcement_list" AS
SELECT a.id,
    CASE WHEN a.published_precision = 'day' THEN substr(a.published_at, 1, 10)
         ELSE replace(substr(a.published_at, 1, 16), 'T', ' ') END AS date,
    a.columns,
    a.title_tag AS tag,
    a.title,
    a.source,
    (SELECT count(*) FROM attachments t WHERE t.announcement_id = a.id) AS attachments,
    a.url
FROM announcements a""")


@migrations()
def record_validators(db: Database) -> None:
    # The ETag and Last-Modified a page was last archived with, sent back as If-None-Match
    # and If-Modified-Since so that an unchanged page costs its headers only.
    _run(db, """
CREATE TABLE "validators" (
   "url" TEXT PRIMARY KEY,
   "etag" TEXT,
   "last_modified" TEXT,
   "fetched_at" TEXT
)""")


@migrations()
def record_list_page_provenance(db: Database) -> None:
    # Each listing names the list page that showed it and the rules that read that page, so
    # that a column read by discovery rather than its profile shows, row by row.
    _run(db, """
ALTER TABLE "listings" ADD COLUMN "list_page_url" TEXT;
ALTER TABLE "listings" ADD COLUMN "provenance" TEXT""")


@migrations()
def order_search_index_by_date(db: Database) -> None:
    # The index's rowid becomes a date-ordered key, so that a newest-first search stops at
    # its first matches; the view carries it for Datasette's search box (its `fts_pk`). The
    # titles get an index of their own, for "title matches first": asked of the main index,
    # a word found in no title would read its positions through every body.
    # Search index version 2 fills the keys and rebuilds the index when the archive opens.
    _run(db, """
ALTER TABLE "announcements" ADD COLUMN "search_key" INTEGER;
CREATE INDEX "idx_announcements_search_key" ON "announcements" ("search_key");
CREATE VIRTUAL TABLE announcements_title_fts USING fts5(title, content='');
DROP VIEW "announcement_list";
CREATE VIEW "announcement_list" AS
SELECT a.id,
    CASE WHEN a.published_precision = 'day' THEN substr(a.published_at, 1, 10)
         ELSE replace(substr(a.published_at, 1, 16), 'T', ' ') END AS date,
    a.columns,
    a.title_tag AS tag,
    a.title,
    a.source,
    (SELECT count(*) FROM attachments t WHERE t.announcement_id = a.id) AS attachments,
    a.url,
    a.search_key
FROM announcements a""")
