"""`python -m xcedu_replica`: serve the replica site on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
import time

from xcedu_replica.build import build_site
from xcedu_replica.server import ReplicaServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m xcedu_replica",
        description="Serve a local replica of the education bureau's site, for trying the crawler "
        "without the network.",
        epilog="example: python -m xcedu_replica --port 8000, then "
        "scrapy crawl xcedu -s XCEDU_BASE_URL=http://127.0.0.1:8000",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--per-column", type=int, default=23, help="ordinary announcements each")
    parser.add_argument("--page-size", type=int, default=10, help="entries per list page")
    parser.add_argument(
        "--variation-seed", type=int, default=None, metavar="N",
        help="serve the same content in the markup seed N draws (other class names, list "
        "shapes, breadcrumb, pager and date styles); default: the bureau's own markup",
    )  # fmt: skip
    args = parser.parse_args(argv)

    site = build_site(args.per_column, args.page_size, args.variation_seed)
    with ReplicaServer(site, port=args.port) as server:
        print(f"Replica serving at {server.base_url}")
        if site.variation is not None:
            print(f"Markup variation {args.variation_seed}: {site.variation.describe()}")
        print("Column list pages:")
        for path in site.column_start_paths():
            print(f"  {server.base_url}{path}")
        announcements = len(site.expected_announcements(server.base_url))
        failures = len(site.expected_failures(server.base_url))
        print(
            f"A correct crawl archives {announcements} announcements and records {failures} "
            "failures. Ctrl-C stops.",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
