"""The text read from stored files: one row per distinct content, indexed for search, and the backlog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from xcedu_crawler.archive.rows import dicts, utc_now

if TYPE_CHECKING:  # the readers are loaded only by what extracts, not by every archive user
    from xcedu_crawler.extract.documents import DocumentText


class FileTexts:
    """The part of `Archive` that keeps what each stored file says (read by extract.documents)."""

    db: Database

    def record_file_text(self, sha256: str, result: DocumentText, now: str | None = None) -> None:
        """Keep RESULT as the text of the content SHA256, in place of any earlier reading."""
        row = {
            "text": result.text, "status": result.status, "reason": result.reason or None,
            "extractor": result.extractor, "extractor_version": result.extractor_version,
            "pages": result.pages, "chars": len(result.text), "extracted_at": now or utc_now(),
        }
        with self.db.atomic():
            earlier = self.db.execute(
                "SELECT id, text FROM file_texts WHERE sha256 = ?", [sha256]).fetchone()
            if earlier:
                self._index_file_text(earlier[0], earlier[1], delete=True)
                assignments = ", ".join(f"[{name}] = ?" for name in row)
                self.db.execute(f"UPDATE file_texts SET {assignments} WHERE id = ?",
                                [*row.values(), earlier[0]])
                text_id = earlier[0]
            else:
                names = ", ".join(f"[{name}]" for name in ["sha256", *row])
                text_id = self.db.execute(
                    f"INSERT INTO file_texts ({names}) VALUES ({', '.join('?' * (len(row) + 1))})",
                    [sha256, *row.values()]).lastrowid
            self._index_file_text(text_id, result.text)

    def file_text(self, sha256: str) -> dict[str, Any] | None:
        rows = dicts(self.db.execute("SELECT * FROM file_texts WHERE sha256 = ?", [sha256]))
        return next(rows, None)

    def file_text_digests(self) -> set[str]:
        """The contents that have a text row (read, or found unreadable): never read twice."""
        return {digest for (digest,) in self.db.execute("SELECT sha256 FROM file_texts")}

    def file_text_backlog(self, current: dict[str, str] | None = None,
                          needs_ocr: bool = False) -> list[dict[str, Any]]:
        """Stored files to read, one per content (sha256, path, url, content_type): those with no
        text row; with CURRENT (extractor name -> today's version) also those an extractor read
        that is not today's; with NEEDS_OCR also those left for OCR."""
        stale, params = ["t.sha256 IS NULL"], []
        if current is not None:
            pairs = " OR ".join("(t.extractor = ? AND t.extractor_version = ?)" for _ in current)
            # A row no extractor read (empty, unsupported) is read again too: today's may.
            stale.append(f"NOT ({pairs or '0'})")
            params += [value for pair in current.items() for value in pair]
        if needs_ocr:
            stale.append("t.status = 'needs_ocr'")
        return list(dicts(self.db.execute(
            "SELECT f.sha256, min(f.path) AS path, min(f.url) AS url, "
            "min(f.content_type) AS content_type "
            "FROM files f LEFT JOIN file_texts t ON t.sha256 = f.sha256 "
            f"WHERE f.sha256 IS NOT NULL AND ({' OR '.join(stale)}) "
            "GROUP BY f.sha256 ORDER BY path", params)))

    def file_text_counts(self) -> dict[str, int]:
        """How many distinct stored contents have a text of each status."""
        return dict(self.db.execute(
            "SELECT status, count(*) FROM file_texts GROUP BY status ORDER BY 2 DESC, 1"))
