"""Where a crawl's CPU goes: cProfile summaries of the project's crawl beside the floor spider's."""

from __future__ import annotations

import ast
import pstats
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import xcedu_crawler
from benchmarks.common import PROJECT_ROOT

PROJECT_PACKAGE = str(Path(xcedu_crawler.__file__).resolve().parent) + "/"
# Callers that start the program, import modules or build classes: what they run is start-up
# (module and class bodies) or the whole run.
DRIVERS = (
    "<frozen importlib", "<frozen runpy>", "runpy.py", "benchmarks/child.py",
    "builtins.exec", "builtins.__build_class__",
)  # fmt: skip
# The project's own drivers: `xcedu crawl` starts the whole crawl from these, so they hold
# all of it; what they run is counted where it enters the project again.
PROJECT_DRIVERS = ("xcedu_crawler/cli.py", "xcedu_crawler/commands/", "xcedu_crawler/crawl/process.py")
IMPORTS = "start-up: importing modules"
EVERYTHING_ELSE = "everything else: Scrapy's engine, downloader and scraper, Twisted, asyncio"
TOP_FUNCTIONS = 15
MIN_SHARE = 0.005  # project classes below this share of the crawl's CPU share one row

Key = tuple[str, int, str]


def _is_project(key: Key) -> bool:
    return key[0].startswith(PROJECT_PACKAGE)


def _short(filename: str) -> str:
    python_version = f"/python{sys.version_info.major}.{sys.version_info.minor}/"
    for marker in ("site-packages/", python_version, str(PROJECT_ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _project_entries(stats: pstats.Stats) -> dict[Key, float]:
    """CPU seconds spent in each project function (and all it calls) when Scrapy, Twisted or
    asyncio call into it.

    A framework function that project code called (a super() call, functools.cached_property,
    the crawl that `xcedu crawl` starts) is already inside project time for that share of
    its calls, so only the rest of what it spends in project code counts again.
    """
    table = stats.stats  # type: ignore[attr-defined]

    def share_called_by_project(caller: Key) -> float:
        callers = table[caller][4] if caller in table else {}
        total = sum(cumulative for _, _, _, cumulative in callers.values())
        from_project = sum(c[3] for key, c in callers.items() if _is_project(key))
        return from_project / total if total else 0.0

    entries: dict[Key, float] = defaultdict(float)
    for key, (_, _, _, _, callers) in table.items():
        if not _is_project(key) or any(driver in key[0] for driver in PROJECT_DRIVERS):
            continue
        for caller, (_, _, _, cumulative) in callers.items():
            if _is_project(caller) or any(
                driver in f"{caller[0]}:{caller[2]}" for driver in DRIVERS
            ):
                continue
            entries[key] += cumulative * (1 - share_called_by_project(caller))
    return entries


@cache
def _qualified_names(filename: str) -> dict[int, str]:
    """`Class.function` (or `function`) by the first line of each function's code in FILENAME."""
    names: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                # A decorated function's code starts at its first decorator.
                for line in (child.lineno, *(d.lineno for d in child.decorator_list)):
                    names[line] = prefix + child.name

    visit(ast.parse(Path(filename).read_text(encoding="utf-8")), "")
    return names


def _qualified(key: Key) -> str:
    filename, line, name = key
    return _qualified_names(filename).get(line, name)


def _where(key: Key) -> str:
    """A function as a table shows it: `Class.function (file:line)`, or a builtin's own name."""
    filename, line, name = key
    return name if filename == "~" else f"{_qualified(key)} ({_short(filename)}:{line})"


def _parts(stats: pstats.Stats) -> dict[str, float]:
    """Profiled CPU seconds by part of the crawl: the project's classes, then everything else."""
    by_owner: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for key, seconds in _project_entries(stats).items():
        owner, _, function = _qualified(key).rpartition(".")
        by_owner[f"`{_short(key[0])}` {owner}".rstrip()][function or owner] += seconds
    total = stats.total_tt  # type: ignore[attr-defined]
    parts: dict[str, float] = {}
    small = 0.0
    for owner, functions in sorted(
        by_owner.items(), key=lambda o: sum(o[1].values()), reverse=True
    ):
        seconds = sum(functions.values())
        if seconds < MIN_SHARE * total:
            small += seconds
            continue
        named = sorted(functions, key=functions.__getitem__, reverse=True)[:3]
        parts[f"project: {owner} ({', '.join(named)})"] = seconds
    parts["project: other code"] = small
    # The import machinery is recursive; cProfile counts only the outermost call's time.
    parts[IMPORTS] = sum(
        row[3]
        for key, row in stats.stats.items()  # type: ignore[attr-defined]
        if key[0] == "<frozen importlib._bootstrap>" and key[2] == "_find_and_load"
    )
    parts[EVERYTHING_ELSE] = total - sum(parts.values())
    return parts


def _top_added_own_time(project: pstats.Stats, floor: pstats.Stats, pages: int) -> list[str]:
    """The functions whose own time the project's crawl adds most over the floor's."""
    project_table, floor_table = project.stats, floor.stats  # type: ignore[attr-defined]

    def own(table: dict, key: Key) -> float:
        return table[key][2] if key in table else 0.0

    added = sorted(
        project_table, key=lambda key: own(project_table, key) - own(floor_table, key), reverse=True
    )[:TOP_FUNCTIONS]
    lines = [
        "| project ms/page | floor ms/page | project calls | function |",
        "| --- | --- | --- | --- |",
    ]
    for key in added:
        lines.append(
            f"| {1000 * own(project_table, key) / pages:.2f} | {1000 * own(floor_table, key) / pages:.2f} "
            f"| {project_table[key][1]} | `{_where(key)}` |"
        )
    return lines


def crawl_profile_report(project_profile: Path, floor_profile: Path, pages: int, size: str) -> str:
    """A Markdown section: the project's profiled CPU by part, beside the floor's, and the
    functions that account for the difference."""
    project, floor = pstats.Stats(str(project_profile)), pstats.Stats(str(floor_profile))
    total, floor_total = project.total_tt, floor.total_tt  # type: ignore[attr-defined]
    lines = [
        f"### Where the crawl's CPU goes (cProfile, {size}, {pages} pages)",
        "",
        (
            "CPU time, as the benchmark counts it. cProfile slows Python code more than C code "
            "(lxml, SQLite), so the shares are rough and the per-page figures are profiled ones."
        ),
        "",
        "| part | project ms/page | share | floor ms/page |",
        "| --- | --- | --- | --- |",
    ]
    floor_parts = _parts(floor)
    for name, seconds in _parts(project).items():
        floor_seconds = floor_parts.get(name, 0.0)
        lines.append(
            f"| {name} | {1000 * seconds / pages:.2f} | {seconds / total:.0%} "
            f"| {1000 * floor_seconds / pages:.2f} |"
        )
    lines.append(
        f"| **total** | **{1000 * total / pages:.2f}** | 100% | **{1000 * floor_total / pages:.2f}** |"
    )
    lines += [
        "",
        "The functions whose own time the project adds most over the floor:",
        "",
        *_top_added_own_time(project, floor, pages),
    ]
    return "\n".join(lines)


def _function_rows(stats: pstats.Stats, keys: list[Key], pages: int) -> list[str]:
    table = stats.stats  # type: ignore[attr-defined]
    lines = ["| own ms/page | cumulative ms/page | calls | function |", "| --- | --- | --- | --- |"]
    for key in keys:
        _, calls, own, cumulative, _ = table[key]
        lines.append(
            f"| {1000 * own / pages:.3f} | {1000 * cumulative / pages:.3f} | {calls} | `{_where(key)}` |"
        )
    return lines


def top_functions_report(stats: pstats.Stats, pages: int, title: str) -> str:
    """A Markdown section: the project's functions by cumulative time, all by own time."""
    table = stats.stats  # type: ignore[attr-defined]
    project = sorted((k for k in table if _is_project(k)), key=lambda k: table[k][3], reverse=True)
    everything = sorted(table, key=lambda k: table[k][2], reverse=True)
    return "\n".join([
        f"### {title}",
        "",
        "The project's functions by cumulative CPU time (what each costs with all it calls):",
        "",
        *_function_rows(stats, project[:TOP_FUNCTIONS], pages),
        "",
        "All functions by own CPU time:",
        "",
        *_function_rows(stats, everything[:TOP_FUNCTIONS], pages),
    ])  # fmt: skip
