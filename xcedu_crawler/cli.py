"""The `xcedu` command: one entry point whose subcommands are thin calls into the project."""

from __future__ import annotations

import sys

from xcedu_crawler import demo, runner, status

SUBCOMMANDS = {
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
    return SUBCOMMANDS[name][0](rest)


if __name__ == "__main__":
    raise SystemExit(main())
