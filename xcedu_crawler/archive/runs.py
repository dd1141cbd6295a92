"""The crawl's own records: one row per run, and every URL it could not archive and why."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from xcedu_crawler.archive.rows import marks, utc_now

# Failures that mean the announcement itself is gone from the site.
GONE_REASONS = frozenset({"http_404", "http_410", "not_found_page"})


class Runs:
    """The part of `Archive` that logs runs and failures."""

    db: Database

    def record_failure(self, url: str, reason: str, detail: str, now: str | None = None) -> None:
        """Record (or count again) a failure; an archived announcement that is now gone gains gone_at."""
        now = now or utc_now()
        with self.db.atomic():
            if reason in GONE_REASONS:
                announcement_id = self.find_id([url])
                if announcement_id is not None:
                    self.db.execute(
                        "UPDATE announcements SET gone_at = ? WHERE id = ? AND gone_at IS NULL",
                        [now, announcement_id],
                    )
            self.db.execute(
                """
                INSERT INTO failures (url, reason, detail, attempts, first_at, last_at)
                VALUES (?, ?, ?, 1, ?, ?)
                ON CONFLICT(url) DO UPDATE SET
                    reason = excluded.reason, detail = excluded.detail,
                    attempts = attempts + 1, last_at = excluded.last_at
                """,
                [url, reason, detail, now, now],
            )

    def clear_failures(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        with self.db.atomic():
            self.db.execute(f"DELETE FROM failures WHERE url IN ({marks(urls)})", urls)

    def failures(self) -> list[dict[str, Any]]:
        return list(self.db["failures"].rows_where(order_by="reason, url"))

    def failure_counts(self) -> list[tuple[str, int]]:
        return self.db.execute(
            "SELECT reason, count(*) FROM failures GROUP BY reason ORDER BY 2 DESC, 1"
        ).fetchall()

    def failed_urls(self) -> set[str]:
        return {url for (url,) in self.db.execute("SELECT url FROM failures")}

    def close_interrupted_runs(self) -> int:
        """Close as failed the runs left `running` by a killed process; call it holding the lock.

        Done before the next run is planned, so that the plan sees the killed run and
        catches up on what it missed.
        """
        with self.db.atomic():
            return self.db.execute(
                "UPDATE crawl_runs SET status = 'failed', reason = 'interrupted: the process ended "
                "before the run finished' WHERE status = 'running'"
            ).rowcount

    def start_run(self, mode: str, now: str | None = None) -> int:
        """Log a new run, `running` until `finish_run`."""
        now = now or utc_now()
        with self.db.atomic():
            return self.db["crawl_runs"].insert(
                {"started_at": now, "status": "running", "mode": mode}
            ).last_pk

    def finish_run(
        self,
        run_id: int,
        status: str,
        counts: dict[str, int],
        stats: dict[str, Any],
        reason: str | None = None,
        health: dict[str, Any] | None = None,
        sites: dict[str, Any] | None = None,
    ) -> None:
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id,
                {
                    "finished_at": utc_now(),
                    "status": status,
                    "reason": reason,
                    "health": json.dumps(health, ensure_ascii=False, sort_keys=True) if health else None,
                    "sites": json.dumps(sites, ensure_ascii=False, sort_keys=True) if sites else None,
                    **counts,
                    "stats": json.dumps(stats, ensure_ascii=False, default=str, sort_keys=True),
                },
            )

    def runs(self, limit: int = 10, problems_only: bool = False) -> list[dict[str, Any]]:
        """The newest runs first; with PROBLEMS_ONLY, those that did not end ok and say why."""
        where = "status != 'ok' AND reason IS NOT NULL" if problems_only else None
        return list(self.db["crawl_runs"].rows_where(where, order_by="id desc", limit=limit))

    def last_run(self) -> dict[str, Any] | None:
        """The newest run that is not running now (a running one may be another process's)."""
        rows = list(
            self.db["crawl_runs"].rows_where("status != 'running'", order_by="id desc", limit=1)
        )
        return rows[0] if rows else None

    def recent_health(self, limit: int = 5) -> list[dict[str, Any]]:
        """The health figures of the newest finished runs that have them, newest first."""
        return [
            json.loads(row["health"])
            for row in self.db["crawl_runs"].rows_where(
                "health IS NOT NULL AND status IN ('ok', 'partial')", order_by="id desc", limit=limit
            )
        ]
