"""Checks on a crawled archive against the replica's ground truth, shared by the crawl tests."""

from __future__ import annotations

import json

from xcedu_crawler.archive import Archive

ANNOUNCEMENT_FIELDS = (
    "kind", "title", "title_tag", "source", "published_at", "published_precision",
    "published_raw", "paragraphs", "images",
)


def snapshot(db_path) -> dict[str, list[dict]]:
    """The archive's content, without the times a re-run may touch."""
    archive = Archive.open(db_path)
    try:
        db = archive.db
        return {
            "announcements": [
                {k: v for k, v in row.items() if k != "last_seen_at"}
                for row in db["announcements"].rows_where(order_by="id")
            ],
            "attachments": list(db["attachments"].rows_where(order_by="announcement_id, url")),
            "failures": [
                {k: row[k] for k in ("url", "reason", "detail")}
                for row in db["failures"].rows_where(order_by="url")
            ],
            "announcement_urls": list(db["announcement_urls"].rows_where(order_by="url_key")),
            "announcement_versions": list(db["announcement_versions"].rows_where(order_by="id")),
        }
    finally:
        archive.close()


def runs(db_path) -> list[dict]:
    archive = Archive.open(db_path)
    try:
        return list(archive.db["crawl_runs"].rows_where(order_by="id"))
    finally:
        archive.close()


def check_archive(db_path, site, base_url, site_name: str | None = None) -> None:
    """The archive holds what a correct crawl of SITE at BASE_URL archives: exactly that, or,
    given SITE_NAME, exactly that among the announcements and failures of that site."""
    data = snapshot(db_path)
    if site_name is not None:
        data["announcements"] = [row for row in data["announcements"] if row["site"] == site_name]
        data["failures"] = [row for row in data["failures"] if row["url"].startswith(base_url)]
    rows = data["announcements"]
    by_url = {row["url"]: row for row in rows}
    expected = site.expected_announcements(base_url)
    assert len(rows) == len(expected)
    attachments = {}
    for attachment in data["attachments"]:
        attachments.setdefault(attachment["announcement_id"], []).append(
            {"url": attachment["url"], "name": attachment["name"]})
    for want in expected:
        urls = {want["url"], *want["aliases"]}
        if want.get("interchangeable_urls"):
            [row] = [by_url[url] for url in urls if url in by_url]
        else:
            row = by_url[want["url"]]
        assert {row["url"], *json.loads(row["aliases"])} == urls, want["url"]
        got = {field: row[field] for field in ANNOUNCEMENT_FIELDS}
        got["paragraphs"] = json.loads(got["paragraphs"])
        got["images"] = json.loads(got["images"])
        assert got == {field: want[field] for field in ANNOUNCEMENT_FIELDS}, want["url"]
        assert sorted(json.loads(row["columns"])) == want["columns"], want["url"]
        assert sorted(attachments.get(row["id"], []), key=lambda a: a["url"]) == sorted(
            want["attachments"], key=lambda a: a["url"]), want["url"]
        assert row["body"] == "\n".join(want["paragraphs"])
        assert (row["gone_at"] is not None) == want.get("gone", False), want["url"]
    failures = {(f["url"], f["reason"]) for f in data["failures"]}
    assert failures == {(f["url"], f["reason"]) for f in site.expected_failures(base_url)}


CONTENT_FIELDS = (*ANNOUNCEMENT_FIELDS, "body", "content_hash", "site", "provenance")


def archive_content(db_path) -> dict[str, object]:
    """What an archive holds, by URL and content hash, comparable across crawls: no ids, no
    times, and nothing that the order of concurrent requests decides (which URL of a
    republished copy came first, the order of its columns, which copy's pages it points to)."""
    with Archive.open_for_reading(db_path) as archive:
        db = archive.db
        announcements = {}
        for row in db["announcements"].rows_where(order_by="id"):
            attachments = db.execute(
                "SELECT url, name, sha256 FROM attachments WHERE announcement_id = ? ORDER BY url",
                [row["id"]]).fetchall()
            versions = db.execute(
                "SELECT fields, old_values FROM announcement_versions WHERE announcement_id = ? "
                "ORDER BY id", [row["id"]]).fetchall()
            urls = tuple(sorted([row["url"], *json.loads(row["aliases"])]))
            announcements[urls] = {
                **{field: row[field] for field in CONTENT_FIELDS},
                "columns": sorted(json.loads(row["columns"])),
                "attachments": attachments, "versions": versions,
                "pages": len(json.loads(row["page_ids"] or "[]")),
                "changed": row["changed_at"] is not None, "gone": row["gone_at"] is not None,
            }
        return {
            "announcements": announcements,
            "listings": db.execute("SELECT url_key, url, list_title, list_date FROM announcement_urls "
                                   "ORDER BY url_key").fetchall(),
            "pages": db.execute("SELECT DISTINCT url, status, body_sha256 FROM pages ORDER BY 1, 2, 3").fetchall(),
            "files": db.execute("SELECT url, path, sha256, size FROM files ORDER BY url").fetchall(),
            "failures": db.execute("SELECT url, reason FROM failures ORDER BY url").fetchall(),
        }
