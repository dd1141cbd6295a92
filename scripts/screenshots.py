"""Screenshots of the demo archive in Datasette, taken in headless Chromium, for the README.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Crawls the bundled replica into a demo archive in a temporary folder (`xcedu demo`), serves
it with `xcedu serve` on 127.0.0.1 and writes three PNGs: the list researchers land on, one
announcement's page and a search. Needs Debian's `chromium` and, for the Chinese text to be
text rather than boxes, a CJK font: `apt-get install -y chromium fonts-noto-cjk`.
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
XCEDU = [sys.executable, "-m", "xcedu_crawler.cli"]
# Chromium kept from the network (the machine's is closed anyway) and from its first-run work.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]
SEARCH_TERM = "招生"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def notice_with_most_attachments(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT a.id FROM announcements a JOIN attachments t ON t.announcement_id = a.id "
            "WHERE a.kind = 'page' GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1").fetchone()[0]


def screenshot(chromium: str, url: str, png: Path, profile: Path, height: int) -> None:
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                    f"--window-size=1280,{height}", f"--screenshot={png}", url],
                   check=True, capture_output=True, timeout=120)
    print(f"wrote {png} ({png.stat().st_size:,} bytes) from {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xcedu-screenshots-") as work:
        db = Path(work) / "demo" / "demo.db"
        subprocess.run([*XCEDU, "demo", "--db", str(db)], check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([*XCEDU, "serve", "--db", str(db), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{base}/-/versions.json")
            pages = {
                "list.png": (f"{base}/demo/announcement_list?_nocol=search_key", 1100),
                "announcement.png": (f"{base}/demo/announcements/{notice_with_most_attachments(db)}", 1000),
                "search.png": (f"{base}/demo/search?q={quote(SEARCH_TERM)}", 900),
            }
            for name, (url, height) in pages.items():
                screenshot(args.chromium, url, args.out / name, Path(work) / "chromium", height)
        finally:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
