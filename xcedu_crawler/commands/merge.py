"""`xcedu merge`: many archives (one per site or node) into one, deduplicated as one crawl would."""

from __future__ import annotations

from pathlib import Path

import click

from xcedu_crawler.archive import ArchiveUnusable
from xcedu_crawler.archive.lock import AlreadyRunning
from xcedu_crawler.archive.merge import merge_archives
from xcedu_crawler.commands.common import CommandError, files_dir_beside, subcommand


@subcommand(
    "merge",
    "Merge archives into OUT by canonical URL and content hash, as one crawl of all their "
    "sites would have stored them: versions in the order they were seen, raw pages, files "
    "by SHA-256 (copied from the files/ folder beside each archive into the one beside OUT), "
    "failures as the newest archive knows them, and every run, labelled with its archive. "
    "An existing OUT is merged too, so running it again changes nothing.",
    "xcedu merge nodes/a/xcedu.db nodes/b/xcedu.db -o data/province.db",
)
@click.argument("archives", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="ARCHIVE...")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, metavar="OUT",
              help="the merged archive (created, or merged into)")
def merge(archives: tuple[Path, ...], output: Path) -> None:
    merge_into(list(archives), output)


def merge_into(archives: list[Path], output: Path) -> None:
    """Merge ARCHIVES into OUTPUT and say what it holds; CommandError when it cannot be done."""
    try:
        summary = merge_archives(archives, output, files_dir_beside)
    except (ArchiveUnusable, AlreadyRunning) as exc:
        raise CommandError(str(exc)) from None
    print(f"{output}: {summary.announcements} announcements, {summary.versions} versions, "
          f"{summary.failures} open failures, {summary.runs} runs; "
          f"{summary.files} files copied into {files_dir_beside(output)}")
    if summary.missing_files:
        # The records are kept: `xcedu check` names them, and a crawl fetches them again.
        raise CommandError(f"{len(summary.missing_files)} stored files are missing or damaged, "
                           f"e.g. {summary.missing_files[0]}")
