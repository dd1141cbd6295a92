"""Raw pages as served and downloaded files: kept once by content, found again by URL."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from xcedu_crawler.archive.rows import insert_row, marks, utc_now
from xcedu_crawler.items import FetchedPage, StoredFile


def file_matches(path: Path, size: int, digest: str) -> bool:
    """PATH holds exactly SIZE bytes whose SHA-256 is DIGEST (a stored file is trusted only then)."""
    try:
        if path.stat().st_size != size:
            return False
        with open(path, "rb") as stored:
            return hashlib.file_digest(stored, "sha256").hexdigest() == digest
    except OSError:
        return False


class PagesAndFiles:
    """The part of `Archive` that keeps what was fetched, byte for byte."""

    db: Database

    def save_pages(self, pages: list[FetchedPage]) -> list[int]:
        """Keep each page as served; a page already kept with the same bytes is not kept again."""
        ids = []
        for page in pages:
            digest = hashlib.sha256(page.body).hexdigest()
            known = self.db.execute(
                "SELECT id FROM pages WHERE url = ? AND body_sha256 = ? AND status = ?",
                [page.url, digest, page.status],
            ).fetchone()
            if known:
                ids.append(known[0])
                continue
            if not self.db.execute("SELECT 1 FROM page_bodies WHERE sha256 = ?", [digest]).fetchone():
                insert_row(self.db, "page_bodies",
                           {"sha256": digest, "body": zlib.compress(page.body, 9), "size": len(page.body)})
            ids.append(insert_row(self.db, "pages", {
                "url": page.url, "fetched_at": page.fetched_at, "status": page.status,
                "headers": json.dumps(page.headers, ensure_ascii=False), "body_sha256": digest,
            }))
        return ids

    def page(self, page_id: int) -> FetchedPage:
        return next(self._pages("WHERE p.id = ?", [page_id]))[1]

    def pages(self) -> Iterator[tuple[int, FetchedPage]]:
        return self._pages("ORDER BY p.id", [])

    def _pages(self, clause: str, params: list[Any]) -> Iterator[tuple[int, FetchedPage]]:
        for page_id, url, status, headers, body, fetched_at in self.db.execute(
            "SELECT p.id, p.url, p.status, p.headers, b.body, p.fetched_at FROM pages p "
            f"JOIN page_bodies b ON b.sha256 = p.body_sha256 {clause}", params
        ):
            body = zlib.decompress(body)
            yield page_id, FetchedPage(url, status, json.loads(headers), body, fetched_at)

    def announcements_with_pages(self) -> list[dict[str, Any]]:
        return list(self.db["announcements"].rows_where("page_ids IS NOT NULL", order_by="id"))

    def record_file(self, stored: StoredFile, now: str | None = None) -> None:
        """A file was stored: remember it by URL and fill every attachments row that links it."""
        with self.db.atomic():
            insert_row(
                self.db, "files",
                {**stored.__dict__, "stored_at": now or utc_now()},
                "ON CONFLICT(url) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, "
                "size = excluded.size, content_type = excluded.content_type, stored_at = excluded.stored_at",
            )
            self.db.execute(
                "UPDATE attachments SET path = ?, sha256 = ?, size = ?, content_type = ? WHERE url = ?",
                [stored.path, stored.sha256, stored.size, stored.content_type, stored.url],
            )
            self.clear_failures([stored.url])

    def known_files(self) -> dict[str, StoredFile]:
        return {
            row["url"]: StoredFile(row["url"], row["path"], row["sha256"], row["size"], row["content_type"])
            for row in self.db["files"].rows
        }

    def forget_files(self, paths: Iterable[str]) -> int:
        """Treat the files stored at PATHS as never downloaded, so that the next crawl fetches them."""
        paths = list(paths)
        with self.db.atomic():
            self.db.execute(f"UPDATE attachments SET path = NULL, sha256 = NULL, size = NULL "
                            f"WHERE path IN ({marks(paths)})", paths)
            return self.db.execute(f"DELETE FROM files WHERE path IN ({marks(paths)})", paths).rowcount

    def files(self) -> Iterable[dict[str, Any]]:
        return self.db["files"].rows_where(order_by="url")

    def pending_files(self) -> dict[str, list[str]]:
        """Attachment URLs not downloaded yet, by the page to send as Referer."""
        pending: dict[str, list[str]] = {}
        for referer, url in self.db.execute(
            "SELECT DISTINCT referer, url FROM attachments WHERE path IS NULL ORDER BY referer, url"
        ):
            pending.setdefault(referer, []).append(url)
        return pending
