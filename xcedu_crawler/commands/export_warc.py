"""`xcedu export-warc`: the archive's raw pages and files as WARC records, for web archivists."""

from __future__ import annotations

from http.client import responses as reason_phrases
from io import BytesIO
from pathlib import Path

import click
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from xcedu_crawler.archive import Archive
from xcedu_crawler.commands.common import (
    CommandError,
    db_option,
    files_dir_beside,
    files_dir_option,
    open_archive,
    replacing,
    subcommand,
)

# Headers that described the bytes on the wire, not the decoded body that was kept.
_TRANSPORT_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def warc_date(iso: str) -> str:
    """WARC-Date wants UTC with a Z."""
    return iso.replace("+00:00", "Z")


def export_warc(archive: Archive, files_dir: Path, target: Path) -> int:
    """Write every kept page as a `response` record and every stored file as a `resource`
    record to TARGET (gzipped WARC 1.1); warcio computes the block and payload digests.
    Returns how many records were written. TARGET appears only once it is complete: a
    WARC cut short would pass `warcio check`, its missing records unnoticed."""
    count = 0
    with replacing(target, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(
            target.name, {"software": "xcedu-crawler", "format": "WARC File Format 1.1"}))
        for _, page in archive.pages():
            headers = [(k, v) for k, v in page.headers.items() if k.lower() not in _TRANSPORT_HEADERS]
            headers.append(("Content-Length", str(len(page.body))))
            reason = reason_phrases.get(page.status, "")
            http_headers = StatusAndHeaders(f"{page.status} {reason}".strip(), headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                # A known length lets warcio digest the bytes in place, with no temporary file.
                page.url, "response", payload=BytesIO(page.body), length=len(page.body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": warc_date(page.fetched_at)}))
            count += 1
        for file in archive.files():
            with open(files_dir / file["path"], "rb") as body:  # a large file is not read into memory
                writer.write_record(writer.create_warc_record(
                    file["url"], "resource", payload=body, length=file["size"],
                    warc_content_type=file["content_type"] or "application/octet-stream",
                    warc_headers_dict={"WARC-Date": warc_date(file["stored_at"])}))
            count += 1
    return count


@subcommand(
    "export-warc",
    "Write the raw pages and the downloaded files kept by the archive as a gzipped WARC "
    "file (readable by warcio, pywb and other web-archive tools).\n\n"
    "FILE: the .warc.gz file to write, in a folder that exists; replaced only once the "
    "export is complete.",
    "xcedu export-warc bureau-2022.warc.gz --db data/xcedu.db",
)
@click.argument("file", type=click.Path())
@db_option
@files_dir_option
def export_warc_command(file: str, db: str, files_dir: str | None) -> None:
    files = Path(files_dir) if files_dir else files_dir_beside(db)
    with open_archive(db) as archive:
        try:
            count = export_warc(archive, files, Path(file))
        except FileNotFoundError as exc:
            raise CommandError(f"cannot export: a stored file is missing: {exc.filename} "
                               f"(the files folder is {files}; --files-dir names another)") from exc
        except OSError as exc:
            raise CommandError(f"cannot export: {exc.strerror}: {exc.filename or file}") from exc
    print(f"wrote {count} WARC records to {file}")
