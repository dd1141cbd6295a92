"""Run health: field coverage and list yield per column, measured and compared with past runs."""

from __future__ import annotations

from statistics import median
from typing import Any

FIELDS = ("title", "date", "source", "body")
MIN_PAGES = 5  # fewer detail pages in a column say nothing about its template
SHARP_DROP = 0.5  # a figure below half its usual value
MIN_COVERAGE_DROP = 0.2  # and, for a share, at least 20 points lower


def coverage_key(column: str, name: str) -> str:
    """The stats key counting detail pages of COLUMN (name "pages") or those with a field."""
    return f"xcedu/coverage/{column}/{name}"


def list_key(column: str, name: str) -> str:
    """The stats key counting COLUMN's list pages read (name "pages") or their entries ("entries")."""
    return f"xcedu/lists/{column}/{name}"


def measure(stats: dict[str, Any]) -> dict[str, Any]:
    """This run's figures: per column, the share of detail pages with each field, entries per list page."""
    coverage: dict[str, dict[str, float]] = {}
    entries_per_list_page: dict[str, float] = {}
    for key, value in stats.items():
        if key.startswith("xcedu/coverage/") and key.endswith("/pages"):
            column = key.split("/")[2]
            coverage[column] = {"pages": value} | {
                name: round(stats.get(coverage_key(column, name), 0) / value, 3) for name in FIELDS
            }
        elif key.startswith("xcedu/lists/") and key.endswith("/pages"):
            column = key.split("/")[2]
            entries_per_list_page[column] = round(stats.get(list_key(column, "entries"), 0) / value, 2)
    return {"coverage": coverage, "entries_per_list_page": entries_per_list_page}


def assess(current: dict[str, Any], previous: list[dict[str, Any]]) -> list[str]:
    """Warnings for every figure that fell sharply against the median of the previous runs."""
    warnings = []
    for column, figures in sorted(current["coverage"].items()):
        if figures["pages"] < MIN_PAGES:
            continue
        for name in FIELDS:
            past = [
                run["coverage"][column][name]
                for run in previous
                if run["coverage"].get(column, {}).get("pages", 0) >= MIN_PAGES
            ]
            if not past:
                continue
            usual = median(past)
            if figures[name] < usual * SHARP_DROP and usual - figures[name] >= MIN_COVERAGE_DROP:
                warnings.append(
                    f"{name} coverage in {column} fell to {figures[name]:.0%} "
                    f"(usually {usual:.0%}, {figures['pages']} pages): has the template changed?"
                )
    for column, per_page in sorted(current["entries_per_list_page"].items()):
        past = [run["entries_per_list_page"][column] for run in previous
                if column in run["entries_per_list_page"]]
        if past and per_page < median(past) * SHARP_DROP:
            warnings.append(
                f"list entries in {column} fell to {per_page:g} a page (usually {median(past):g}): "
                "has the list template changed?"
            )
    return warnings
