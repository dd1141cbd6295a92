"""An announcement's page in Datasette, read like the notice: what the row template shows."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

# Where `xcedu serve` mounts the files folder (Datasette's --static): attachments link there.
FILES_MOUNT = "files"


def day_or_minute(published_at: str | None, precision: str | None) -> str:
    """A notice's date as it would print it: the day alone for day precision, else to the minute."""
    if not published_at:
        return ""
    if precision == "day":
        return published_at[:10]
    return published_at[:16].replace("T", " ")


def files_url(datasette, path: str | None) -> str | None:
    """The URL Datasette serves a stored file at, or None when it has no files folder mounted."""
    if not path or FILES_MOUNT not in dict(datasette.static_mounts):
        return None
    return datasette.urls.path(f"/{FILES_MOUNT}/{quote(path)}")


def _loads(text: str | None, empty: Any) -> Any:
    return json.loads(text) if text else empty


def version_changes(fields: str, old_values: str) -> list[dict[str, Any]]:
    """One entry per changed field: its name and its old value, a list for paragraphs and images."""
    old = _loads(old_values, {})
    return [{"field": field, "old": _loads(old.get(field), []) if field in ("paragraphs", "images")
             else old.get(field)} for field in _loads(fields, [])]


async def notice(datasette, database: str, announcement_id: str) -> dict[str, Any] | None:
    """What an announcement's page shows: the notice, its files, its edits; None if no such row."""
    db = datasette.get_database(database)
    rows = (await db.execute("SELECT * FROM announcements WHERE id = ?", [announcement_id])).rows
    if not rows:
        return None
    row = dict(rows[0])
    attachments = [dict(r) for r in (await db.execute(
        "SELECT name, url, path, size, content_type FROM attachments WHERE announcement_id = ? "
        "ORDER BY rowid", [announcement_id])).rows]
    for attachment in attachments:
        attachment["href"] = files_url(datasette, attachment["path"])
    images = _loads(row["images"], [])
    stored = {r["url"]: r["path"] for r in (await db.execute(
        "SELECT url, path FROM files WHERE url IN (SELECT value FROM json_each(?))",
        [json.dumps(images)])).rows}
    versions = [{"recorded_at": r["recorded_at"], "changes": version_changes(r["fields"], r["old_values"])}
                for r in (await db.execute(
                    "SELECT recorded_at, fields, old_values FROM announcement_versions "
                    "WHERE announcement_id = ? ORDER BY recorded_at DESC, id DESC",
                    [announcement_id])).rows]
    return {
        **row,
        "date": day_or_minute(row["published_at"], row["published_precision"]),
        "columns": _loads(row["columns"], []),
        "paragraphs": _loads(row["paragraphs"], []),
        "aliases": _loads(row["aliases"], []),
        "images": [{"url": url, "src": files_url(datasette, stored.get(url))} for url in images],
        "attachments": attachments,
        "versions": versions,
    }
