"""`xcedu extract-text`: read the text of stored files that have none yet (the backlog), with a progress bar."""

from __future__ import annotations

import sys
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

import click

from xcedu_crawler.commands.common import (
    EXIT_STATUS_HELP,
    db_option,
    files_dir_beside,
    files_dir_option,
    open_archive,
    subcommand,
)
from xcedu_crawler.crawl.file_texts import current_extractors, ocr_missing_warning, read_stored_file
from xcedu_crawler.extract.documents import Limits

EXIT_MISSING = 3  # as `xcedu check`: it ran, and some stored files are not in the files folder


@subcommand(
    "extract-text",
    "Read the text of every stored file that has none yet (files stored before text "
    "extraction, or left unread by a crawl), so that search finds announcements by their "
    "attachments. A file that cannot be read gets a row saying why. Each distinct content "
    "is read once.",
    "xcedu extract-text --db data/xcedu.db --redo",
    exit_status=f"{EXIT_STATUS_HELP}, {EXIT_MISSING} some stored files are missing from the "
    "files folder (`xcedu check --repair`)",
)
@db_option
@files_dir_option
@click.option("--ocr", is_flag=True,
              help="read scans and images by OCR (the ocr extra), and those left for OCR before")
@click.option("--redo", is_flag=True,
              help="also read again what an older extractor version read")
def extract_text(db: str, files_dir: str | None, ocr: bool, redo: bool) -> int:
    files = Path(files_dir) if files_dir else files_dir_beside(db)
    if ocr and (warning := ocr_missing_warning()):
        click.echo(f"xcedu extract-text: {warning}", err=True)
    statuses: Counter[str] = Counter()
    missing = []
    with open_archive(db, writing=True) as archive:
        backlog = archive.file_text_backlog(current_extractors() if redo else None, needs_ocr=ocr)
        bar = (click.progressbar(backlog, label="reading files", file=sys.stderr)
               if sys.stderr.isatty() else nullcontext(backlog))
        with bar as pending:
            for file in pending:
                try:
                    statuses[read_stored_file(archive, files, file["sha256"], file["path"],
                                              file["content_type"], ocr=ocr, limits=Limits())] += 1
                except OSError as exc:
                    missing.append(f"not in the files folder: {files / file['path']} "
                                   f"(from {file['url']}): {exc.strerror}")
    for line in missing:
        click.echo(line, err=True)
    read = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    read = read or "nothing to read"
    print(f"{db}: {sum(statuses.values())} file(s) read ({read}); {len(missing)} missing")
    return EXIT_MISSING if missing else 0
