"""ReplicaServer: the replica site served over HTTP on 127.0.0.1 from a background thread."""

from __future__ import annotations

import socketserver
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from xcedu_replica import templates
from xcedu_replica.conditional import Validation
from xcedu_replica.model import Reply
from xcedu_replica.site import ROBOTS_PATH, Site

HOST = "127.0.0.1"
# Settings for crawling the replica: loopback needs no politeness delays, and with the
# project's 2 requests in flight a loopback crawl idles about 150 ms a request, so it
# would measure and wait on round trips, not work.
LOOPBACK_CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
_MISSING = templates.html_reply(templates.missing_page(), "utf-8", status=404)
_NOT_ALLOWED = Reply(
    405, "text/html", b"<html><body><h2>405 - Method Not Allowed</h2></body></html>"
)
# A WAF's answers in place of every page: 521 from Jiasule-style firewalls, 412 from others.
_CHALLENGES = {
    status: Reply(int(status), "text/html", templates.challenge_page().encode("ascii"))
    for status in ("521", "412")
}


class Exchange(NamedTuple):
    """One request and the status it got; CONDITIONAL: it sent If-None-Match or If-Modified-Since."""

    method: str
    path: str
    conditional: bool
    status: int


class ReplicaServer:
    """Serves SITE on 127.0.0.1 (a free port unless PORT is given); a context manager.

    SITE is a Site, or any site with the same respond(path, attempt).

    VALIDATORS says which pages send an ETag and a Last-Modified and answer conditional
    GETs with 304 while unchanged: True (all), False (none, like many a real server) or
    "some" (the same pages every time, by path: `validation.kinds(path)`).

    `requests` lists every (method, path with query) received, in order, and `exchanges`
    the same with the status each got. `reset_state()` forgets both and the per-URL GET
    counters, so the next crawl meets the same behaviour (the first GET of the "500 then
    OK" page fails again). It leaves `challenge`, the validators' history and the site's
    changes alone: those are undone explicitly.
    """

    def __init__(self, site: Site, port: int = 0, validators: bool | str = "some"):
        self.site = site
        self.port = port
        self.validation = Validation(validators)
        self.requests: list[tuple[str, str]] = []
        self.exchanges: list[Exchange] = []
        self._challenge: str | None = None
        self._lock = threading.Lock()
        self._gets: Counter[str] = Counter()
        self._httpd: _ReplicaHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the replica server is not running")
        return f"http://{HOST}:{self._httpd.server_address[1]}"

    def start(self) -> ReplicaServer:
        self._httpd = _ReplicaHTTPServer(self)
        # A short poll interval keeps stop() quick: shutdown() waits for the next poll.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="replica-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()  # also waits for requests still being answered
        self._httpd = self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def challenge(self) -> str | None:
        """None, or "521" / "412": every request but robots.txt is then answered with that
        status and an anti-crawler script page, as by a firewall in front of the site."""
        return self._challenge

    @challenge.setter
    def challenge(self, status: str | None) -> None:
        if status is not None and status not in _CHALLENGES:
            raise ValueError(f"challenge must be None, {' or '.join(_CHALLENGES)}; not {status!r}")
        self._challenge = status

    def reset_state(self) -> None:
        with self._lock:
            self._gets.clear()
            self.requests.clear()
            self.exchanges.clear()

    def reply_for(
        self, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> Reply:
        """The reply to METHOD PATH with request HEADERS, counted; a HEAD answers as the next
        GET would, and either may be a 304 (see VALIDATORS).

        A POST goes with its BODY to the site's `respond_post(path, body)`: only sites with
        forms to post have one, and the others answer 405, as a static web server does.
        """
        headers = headers or {}
        reply = self._reply(method, path, body, headers)
        conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
        with self._lock:
            self.exchanges.append(Exchange(method, path, conditional, reply.status))
        return reply

    def _reply(self, method: str, path: str, body: bytes, headers: Mapping[str, str]) -> Reply:
        key = unquote(urlsplit(path).path)
        challenge = self._challenge
        with self._lock:
            self.requests.append((method, path))
            if challenge is not None and key != ROBOTS_PATH:
                # The firewall answers first: the site never sees the request, nor counts it.
                return _CHALLENGES[challenge]
            if method == "GET":
                self._gets[key] += 1
            attempt = self._gets[key] + (method != "GET")
        if method == "POST":
            respond_post = getattr(self.site, "respond_post", None)
            if respond_post is None:
                return _NOT_ALLOWED
            return respond_post(path, body) or _MISSING
        reply = self.site.respond(path, attempt) or _MISSING
        return self.validation.answer(unquote(path), reply, headers)


class _ReplicaHTTPServer(ThreadingHTTPServer):
    # Non-daemon request threads are joined by server_close(): none outlives stop().
    daemon_threads = False

    def __init__(self, replica: ReplicaServer):
        self.replica = replica
        super().__init__((HOST, replica.port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look the host's name up, for nothing we use.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up first, as crawlers that are stopped do
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _ReplicaHTTPServer
    # One request per connection, like the old IIS front end: nothing stays open after a reply.
    protocol_version = "HTTP/1.0"
    server_version = "Microsoft-IIS/7.5"
    timeout = 30  # a client that connects and says nothing does not hold a thread forever

    def version_string(self) -> str:
        return self.server_version  # without the Python version BaseHTTPRequestHandler appends

    def do_GET(self) -> None:
        reply = self.server.replica.reply_for("GET", self.path, headers=self.headers)
        self._send(reply, with_body=True)

    def do_HEAD(self) -> None:
        reply = self.server.replica.reply_for("HEAD", self.path, headers=self.headers)
        self._send(reply, with_body=False)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(self.server.replica.reply_for("POST", self.path, body), with_body=True)

    def _send(self, reply: Reply, with_body: bool) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.status != 304:  # which has no body to describe
            self.send_header("Content-Type", reply.content_type)
            # A cut reply still promises the whole body: the client must notice what is missing.
            self.send_header("Content-Length", str(len(reply.body)))
        # Said aloud: Twisted keeps an HTTP/1.0 connection for reuse unless told "close",
        # and a POST (the Hanweb dataproxy) sent on one the server has closed fails
        # without a retry, as Twisted retries only idempotent requests.
        self.send_header("Connection", "close")
        self.end_headers()
        if with_body:
            self.wfile.write(reply.body[: len(reply.body) // 3] if reply.cut else reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: tests and benchmarks make thousands of requests
