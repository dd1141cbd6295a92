"""A server of bad pages on 127.0.0.1: the faults a nightly crawl meets, one route each.

A test builds a `BadPageServer`, gives it routes (path → `Route`) and crawls it with
`start_urls` naming its list pages. `list_page()` writes a list in the default profile's
(Epoint) markup, `detail_page()` an article that profile reads, so that only the fault under
test differs from an ordinary crawl. A route is a function of the request handler: it can
answer normally (`reply()`), or misbehave at the socket (stall, cut, lie in its headers).
"""

from __future__ import annotations

import socketserver
import sys
import threading
import time
from collections.abc import Callable
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOST = "127.0.0.1"
Route = Callable[["Handler"], None]

LIST_TEMPLATE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{column} - 测试局</title></head>
<body><div class="ewb-location">您当前的位置: <a href="/">首页</a> &gt; <a href="{path}">{column}</a></div>
<div class="ewb-column"><h3 class="ewb-column-title">{column}</h3><ul class="ewb-list">
{entries}
</ul>{pager}</div></body></html>"""

DETAIL_TEMPLATE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - 测试局</title></head>
<body><div class="ewb-location">您当前的位置: <a href="/">首页</a></div>
<h1 class="ewb-article-title">{title}</h1>
<div class="ewb-article-sources">信息来源：测试局　信息时间：{date} 09:30:00</div>
<div id="TDContent">{body}</div></body></html>"""


def list_page(entries: list[tuple[str, str, str]], column: str = "通知公告", path: str = "/list.html",
              next_path: str | None = None) -> str:
    """A list page of ENTRIES (href, title, YYYY-MM-DD), with a 下页 link to NEXT_PATH if given."""
    items = "\n".join(
        f'<li class="ewb-list-node clearfix"><a href="{escape(href)}" class="ewb-list-name">'
        f'{escape(title, quote=False)}</a><span class="ewb-list-date">{date}</span></li>'
        for href, title, date in entries
    )
    pager = (f'<div class="ewb-page"><ul><li class="ewb-page-li"><a href="{escape(next_path)}">下页</a>'
             "</li></ul></div>" if next_path else "")
    return LIST_TEMPLATE.format(column=column, path=path, entries=items, pager=pager)


def detail_page(title: str, paragraphs: list[str] | str, date: str = "2022-03-01") -> str:
    """An article the default profile reads: title, info bar, and PARAGRAPHS (or raw body HTML)."""
    body = paragraphs if isinstance(paragraphs, str) else "".join(
        f"<p>{escape(text, quote=False)}</p>" for text in paragraphs)
    return DETAIL_TEMPLATE.format(title=escape(title, quote=False), date=date, body=body)


def reply(body: bytes | str, status: int = 200, content_type: str = "text/html; charset=utf-8",
          headers: dict[str, str] | None = None, content_length: int | None = None) -> Route:
    """A route answering BODY; CONTENT_LENGTH, when given, is what the header claims."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def route(handler: Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data) if content_length is None else content_length))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(data)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return reply(b"", status=status, headers={"Location": location})


def stall(seconds: float, status: int = 200, announced_size: int = 200_000_000,
          content_type: str = "application/pdf") -> Route:
    """Headers promising ANNOUNCED_SIZE bytes, a trickle of them, then nothing for SECONDS."""

    def route(handler: Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(announced_size))
        handler.end_headers()
        handler.wfile.write(b"%PDF-1.4\n")
        handler.wfile.flush()
        handler.server.stopping.wait(seconds)

    return route


class BadPageServer:
    """Serves ROUTES on 127.0.0.1 (a free port); a context manager. Unknown paths answer 404.

    `requests` lists every (method, path with query) received, in order; routes may be
    added or replaced while it runs (`server.routes[path] = ...`).
    """

    def __init__(self, routes: dict[str, Route] | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[tuple[str, str]] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the bad-page server is not running")
        return f"http://{HOST}:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> BadPageServer:
        self._httpd = _Server(self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="bad-page-server", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._httpd is not None and self._thread is not None
        self._httpd.stopping.set()  # stalled routes give up at once
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()
        self._httpd = self._thread = None

    def route_for(self, path: str) -> Route:
        return self.routes.get(path) or self.routes.get(urlsplit(path).path) or _missing


def _missing(handler: Handler) -> None:
    reply("<html><body><h2>404</h2></body></html>", status=404)(handler)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stalled route must not hold up the end of a test

    def __init__(self, owner: BadPageServer):
        self.owner = owner
        self.stopping = threading.Event()
        super().__init__((HOST, 0), Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # without HTTPServer's host-name look-up
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the crawler hung up first, as it should on a stalled or oversized reply
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    timeout = 30

    def _route(self) -> None:
        self.server.owner.requests.append((self.command, self.path))
        self.server.owner.route_for(self.path)(self)

    do_GET = do_HEAD = do_POST = _route

    def log_message(self, format: str, *args: object) -> None:
        pass


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll CONDITION until true; fail the test after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
