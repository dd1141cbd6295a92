"""The `xcedu` command: a click group whose subcommands are imported only when they run."""

from __future__ import annotations

import importlib
import sys

import click

from xcedu_crawler.commands.common import EXIT_USAGE

# Each subcommand as "module:attribute" and its summary, imported only to run it or show its
# --help: the research commands then start without loading Scrapy, `serve` can say that
# Datasette is missing, and `xcedu --help` imports none of them.
SUBCOMMANDS = {
    "search": ("search:search", "find announcements (Chinese words of any length)"),
    "export": ("export:export", "export announcements or attachments as CSV or JSON"),
    "stats": ("stats:stats", "counts per column per month, top sources, date range"),
    "reindex": ("reindex:reindex", "rebuild the full-text search index"),
    "reparse": ("reparse:reparse", "rebuild announcements from the kept raw pages, no network"),
    "export-warc": ("export_warc:export_warc_command",
                    "write the kept pages and files as a WARC file"),
    "serve": ("serve:serve", "browse and search the archive in Datasette (the browse extra)"),
    "crawl": ("crawl:crawl", "crawl into the archive: lock, log, summary, exit code (for cron)"),
    "status": ("status:status", "the last runs, open failures and health warnings"),
    "probe": ("probe:probe_command",
              "what discovery sees on a new site's list page; a draft profile"),
    "check": ("check:check", "verify the archive's integrity and every stored file (--repair)"),
    "demo": ("demo:demo", "serve the bundled replica, crawl it into a demo archive, print it"),
    "schedule": ("schedule:schedule_command", "crawl sites as Scrapyd jobs across nodes, wait, merge"),
    "merge": ("merge:merge", "merge archives (one per site or node) into one, deduplicated"),
    "extract-text": ("extract_text:extract_text",
                     "read the text of stored files not read yet, for search (--redo, --ocr)"),
    "feed": ("feed:feed", "the newest announcements of a column or a search as an Atom feed"),
}


# What a subcommand needs that `pip install -e .` does not install, and how to get it.
OPTIONAL_PARTS = {
    "datasette": "Datasette is not installed: pip install -e '.[browse]'",
    "xcedu_replica": "the local replica is not installed; from a checkout of the project: "
                     "pip install -e ./replica",
}


class LazyGroup(click.Group):
    """A group that lists its subcommands from SUBCOMMANDS and imports one only when asked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        module, attribute = SUBCOMMANDS[name][0].split(":")
        try:
            return getattr(importlib.import_module(f"xcedu_crawler.commands.{module}"), attribute)
        except ModuleNotFoundError as exc:
            if exc.name not in OPTIONAL_PARTS:
                raise
            # Datasette (for `serve`) and the replica (for `demo`) are installed apart; the
            # other subcommands work without them.
            click.echo(f"xcedu {name}: {OPTIONAL_PARTS[exc.name]}", err=True)
            ctx.exit(1)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in SUBCOMMANDS.items()])


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]},
             epilog="xcedu COMMAND --help shows each command's options and an example.")
@click.version_option(package_name="xcedu-crawler", message="xcedu-crawler %(version)s")
@click.pass_context
def xcedu(ctx: click.Context) -> None:
    """A deduplicated SQLite archive of a Chinese education bureau's announcements."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ARGV (sys.argv by default) and return its exit code.

    A usage error is one line naming the subcommand, exit 2, as every other expected failure
    is one line (see commands.common.Subcommand); an unexpected exception keeps its traceback.
    """
    try:
        return xcedu.main(argv, prog_name="xcedu", standalone_mode=False) or 0
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "xcedu"
        click.echo(f"{command}: {exc.format_message()} (see {command} --help)", err=True)
        return EXIT_USAGE
    except click.Abort:  # Ctrl-C, which click turns into Abort: as click itself reports it
        click.echo("Aborted!", err=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
