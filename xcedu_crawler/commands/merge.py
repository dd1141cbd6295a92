"""`xcedu merge`: many archives (one per site or node) into one, deduplicated as one crawl would."""

from __future__ import annotations

from pathlib import Path

from xcedu_crawler.archive import ArchiveUnusable
from xcedu_crawler.archive.merge import merge_archives
from xcedu_crawler.commands.common import CommandError, files_dir_beside, parser, run_command
from xcedu_crawler.crawl.run import AlreadyRunning


def main(argv: list[str] | None = None) -> int:
    command = parser(
        "merge",
        "Merge archives into OUT by canonical URL and content hash, as one crawl of all their "
        "sites would have stored them: versions in the order they were seen, raw pages, files "
        "by SHA-256 (copied from the files/ folder beside each archive into the one beside OUT), "
        "failures as the newest archive knows them, and every run, labelled with its archive. "
        "An existing OUT is merged too, so running it again changes nothing.",
        "xcedu merge nodes/a/xcedu.db nodes/b/xcedu.db -o data/province.db",
    )
    command.add_argument("archives", nargs="+", type=Path, metavar="ARCHIVE", help="an archive to merge")
    command.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                         help="the merged archive (created, or merged into)")
    args = command.parse_args(argv)
    return run_command("merge", _merge, args)


def _merge(args) -> None:
    try:
        summary = merge_archives(args.archives, args.output, files_dir_beside)
    except (ArchiveUnusable, AlreadyRunning) as exc:
        raise CommandError(str(exc)) from None
    print(f"{args.output}: {summary.announcements} announcements, {summary.versions} versions, "
          f"{summary.failures} open failures, {summary.runs} runs; "
          f"{summary.files} files copied into {files_dir_beside(args.output)}")
    if summary.missing_files:
        # The records are kept: `xcedu check` names them, and a crawl fetches them again.
        raise CommandError(f"{len(summary.missing_files)} stored files are missing or damaged, "
                           f"e.g. {summary.missing_files[0]}")
