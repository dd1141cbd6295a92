"""The `xcedu` command: one entry point whose subcommands are thin calls into the project."""

from __future__ import annotations

import os
import sys

from xcedu_crawler import demo, reparse, research, runner, status, warc


def serve(argv: list[str]) -> int:
    # Imported here: Datasette is an optional extra, the other subcommands work without it.
    try:
        from xcedu_crawler.browse import serve_main
    except ImportError:
        print("xcedu serve: Datasette is not installed: pip install -e '.[browse]'", file=sys.stderr)
        return 1
    return serve_main(argv)


SUBCOMMANDS = {
    "search": (research.search_main, "find announcements (Chinese words of any length)"),
    "export": (research.export_main, "export announcements or attachments as CSV, JSON Lines, JSON"),
    "stats": (research.stats_main, "counts per column per month, top sources, date range"),
    "reindex": (research.reindex_main, "rebuild the full-text search index"),
    "reparse": (reparse.main, "rebuild announcements from the kept raw pages, no network"),
    "export-warc": (warc.main, "write the kept pages and files as a WARC file"),
    "serve": (serve, "browse and search the archive in Datasette (needs the browse extra)"),
    "crawl": (runner.main, "crawl into the archive: lock, log file, summary, exit code (for cron)"),
    "status": (status.main, "the last runs, open failures and health warnings"),
    "demo": (demo.main, "serve the bundled replica, crawl it into a demo archive, print it"),
}


def usage() -> str:
    lines = ["usage: xcedu SUBCOMMAND [options]   (xcedu SUBCOMMAND --help for each)", ""]
    lines += [f"  {name:10} {summary}" for name, (_, summary) in SUBCOMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help"}:
        print(usage())
        return 0
    name, *rest = argv
    if name not in SUBCOMMANDS:
        print(f"xcedu: unknown subcommand {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    try:
        return SUBCOMMANDS[name][0](rest)
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error; keep Python from complaining at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
