"""The `xcedu` command: one entry point whose subcommands are thin calls into the project."""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import version

# Each subcommand as "module:function", imported when it runs: the research commands then
# start without loading Scrapy, and `serve` can say that Datasette is missing.
SUBCOMMANDS = {
    "search": ("commands.research:search_main", "find announcements (Chinese words of any length)"),
    "export": ("commands.research:export_main", "export announcements or attachments as CSV or JSON"),
    "stats": ("commands.research:stats_main", "counts per column per month, top sources, date range"),
    "reindex": ("commands.research:reindex_main", "rebuild the full-text search index"),
    "reparse": ("commands.reparse:main", "rebuild announcements from the kept raw pages, no network"),
    "export-warc": ("commands.export_warc:main", "write the kept pages and files as a WARC file"),
    "serve": ("browse:serve_main", "browse and search the archive in Datasette (the browse extra)"),
    "crawl": ("commands.crawl:main", "crawl into the archive: lock, log, summary, exit code (for cron)"),
    "status": ("commands.status:main", "the last runs, open failures and health warnings"),
    "probe": ("commands.probe:main", "what discovery sees on a new site's list page; a draft profile"),
    "schedule": ("commands.schedule:main", "crawl sites as Scrapyd jobs across nodes, wait, merge"),
    "merge": ("commands.merge:main", "merge archives (one per site or node) into one, deduplicated"),
    "check": ("commands.check:main", "verify the archive's integrity and every stored file (--repair)"),
    "demo": ("commands.demo:main", "serve the bundled replica, crawl it into a demo archive, print it"),
}


def subcommand(name: str):
    module, function = SUBCOMMANDS[name][0].split(":")
    return getattr(importlib.import_module(f"xcedu_crawler.{module}"), function)


def usage() -> str:
    lines = ["usage: xcedu SUBCOMMAND [options]   (xcedu SUBCOMMAND --help for each; xcedu --version)", ""]
    lines += [f"  {name:10} {summary}" for name, (_, summary) in SUBCOMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help"}:
        print(usage())
        return 0
    if argv[0] == "--version":
        print(f"xcedu-crawler {version('xcedu-crawler')}")
        return 0
    name, *rest = argv
    if name not in SUBCOMMANDS:
        print(f"xcedu: unknown subcommand {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    try:
        run = subcommand(name)
    except ModuleNotFoundError as exc:
        if exc.name != "datasette":
            raise
        # Datasette, for `serve`, is an optional extra; the other subcommands work without it.
        message = "xcedu serve: Datasette is not installed: pip install -e '.[browse]'"
        print(message, file=sys.stderr)
        return 1
    try:
        return run(rest)
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error; keep Python from complaining at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
