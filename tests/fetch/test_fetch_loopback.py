"""The fetch stage against a real HTTP server on 127.0.0.1 that misbehaves in every way the
issue lists (#4): the run goes on, each report names the problem, nothing stored is lost."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsprism import USER_AGENT
from newsprism.config import Config, Feed, FetchSettings, Perspective, Topic
from newsprism.documents import _raw as models
from newsprism.documents._raw import FeedReport, RawRun
from newsprism.fetch import _state as fetch_state
from newsprism.fetch._http import PER_HOST
from newsprism.fetch._stage import ACCEPT, fetch_topics
from newsprism.fetch._state import Validators
from newsprism.serve import running
from newsprism.store import FileStore
from tests.conftest import DATA

NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)
RSS = (DATA / "feeds" / "rss2.xml").read_bytes()
HTML = (DATA / "feeds" / "not-a-feed.html").read_bytes()
CAP = 200_000
SETTINGS = FetchSettings(timeout=0.5, max_bytes=CAP, retries=1, backoff=0.05,
                         max_retry_after=2.0, concurrency=32, allow_private_networks=True)


def encoded_feed(title: str, codec: str, declare: bool = True) -> bytes:
    declaration = f'<?xml version="1.0" encoding="{codec}"?>' if declare else ""
    return (f'{declaration}<rss version="2.0"><channel><title>Outlet</title><item>'
            f"<title>{title}</title><link>https://outlet.example/{codec}</link></item>"
            "</channel></rss>").encode(codec)


@dataclass
class Server:
    """What the test server saw, and the switch that releases its stalled handlers."""

    base: str = ""
    requests: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    peers: list[int] = field(default_factory=list)  # the client port of each request
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, seen, _ in self.requests if seen == path)


Route = Callable[["_Handler", int], None]


def answer(status: int, body: bytes = b"", **headers: str) -> Route:
    def route(handler: _Handler, nth: int) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return route


def first_then(first: Route, then: Route) -> Route:
    return lambda handler, nth: (first if nth == 1 else then)(handler, nth)


def conditional(handler: _Handler, nth: int) -> None:
    if handler.headers.get("If-None-Match") == '"v1"':
        answer(304, ETag='"v1"')(handler, nth)
    else:
        answer(200, RSS, ETag='"v1"', Content_Type="application/rss+xml")(handler, nth)


def hang(handler: _Handler, nth: int) -> None:
    handler.server_state.stop.wait(5)  # no answer for far longer than the timeout


def drip(handler: _Handler, nth: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    for _ in range(100):  # a byte every 50 ms, for far longer than the timeout
        if handler.server_state.stop.wait(0.05):
            break
        handler.wfile.write(b" ")
        handler.wfile.flush()


def chunked(body: bytes) -> Route:
    def route(handler: _Handler, nth: int) -> None:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for start in range(0, len(body), 16_384):
            piece = body[start:start + 16_384]
            handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        handler.wfile.write(b"0\r\n\r\n")
    return route


def slowly(route: Route) -> Route:
    def late(handler: _Handler, nth: int) -> None:
        time.sleep(0.05)  # long enough for requests to overlap
        route(handler, nth)
    return late


def redirect(to: str) -> Route:
    return lambda handler, nth: answer(302, Location=to)(handler, nth)


BIG = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b"<!-- padding -->" * 20_000
BOMB = gzip.compress(b" " * 50_000_000, compresslevel=9)  # 50 MB of spaces in ~50 kB
ROUTES: dict[str, Route] = {
    "/ok.xml": conditional,
    "/flaky.xml": first_then(answer(500), answer(200, RSS)),
    "/busy.xml": first_then(answer(429, Retry_After="1"), answer(200, RSS)),
    "/too-busy.xml": answer(429, Retry_After="3600"),
    "/gone.xml": answer(404),
    "/hang.xml": hang,
    "/drip.xml": drip,
    "/page.html": answer(200, HTML, Content_Type="text/html; charset=utf-8"),
    "/big.xml": answer(200, BIG),
    "/big-chunked.xml": chunked(BIG),
    "/bomb.xml": answer(200, BOMB, Content_Encoding="gzip", Content_Type="application/xml"),
    "/loop/a": redirect("/loop/b"),
    "/loop/b": redirect("/loop/a"),
    "/broken.xml": answer(200, b'<?xml version="1.0"?>\n<rss version="2.0"><channel>\n'
                               b"<title>Broken</title><item><title>Cut</ti"),
    "/empty.xml": answer(200, b""),
    "/nothing-new.xml": answer(200, b'<rss version="2.0"><channel><title>Quiet</title>'
                                    b"</channel></rss>"),
    "/slow.xml": slowly(answer(200, RSS)),
    "/latin1.xml": answer(200, encoded_feed("Café Zürich ½", "ISO-8859-1"),
                          Content_Type="application/rss+xml"),
    "/cp1252.xml": answer(200, encoded_feed("“Quotes” cost €5", "windows-1252", declare=False),
                          Content_Type="text/xml; charset=windows-1252"),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: Server

    def do_GET(self) -> None:
        path = self.path
        with self.server_state.lock:
            self.server_state.requests.append((time.monotonic(), path, dict(self.headers)))
            self.server_state.peers.append(self.client_address[1])
        route = ROUTES.get(path.partition("?")[0], answer(404))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
            route(self, self.server_state.count(path))

    def log_message(self, format: str, *args: object) -> None:
        pass


class _HTTPServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up on a stalled answer is what these tests are about


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()
    handler = type("Handler", (_Handler,), {"server_state": state})
    with running(_HTTPServer(("127.0.0.1", 0), handler)) as base_url:
        state.base = base_url
        try:
            yield state
        finally:
            state.stop.set()  # release stalled answers so the server can shut down


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def fetch(server: Server, store: FileStore, paths: list[str], now: datetime = NOW,
          settings: FetchSettings = SETTINGS) -> RawRun:
    topic = Topic(id="us-china", name="US vs China", perspectives=(Perspective("us", "US"),),
                  feeds=tuple(Feed(type="rss", perspective="us", url=server.base + path)
                              for path in paths))
    [raw] = fetch_topics(Config(source="test", fetch=settings, topics=(topic,)), [topic],
                         store, now)
    return raw


def by_path(server: Server, raw: RawRun) -> dict[str, FeedReport]:
    return {report.url.removeprefix(server.base): report for report in raw.feeds}


def test_every_misbehaviour_is_reported_and_the_rest_of_the_run_is_stored(
        server: Server, tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    # What earlier runs stored: a run file, and the validators of a feed that now fails.
    earlier_key = "raw/us-china/2026-02-11/20260211T220000000Z.json"
    store.write(earlier_key, b'{"schema": 1, "earlier": true}\n')
    gone = Validators(url=server.base + "/gone.xml", etag='"old"')
    fetch_state.save(store, "us-china", gone)
    before = {key: store.read(key) for key in store.list("")}

    started = time.monotonic()
    raw = fetch(server, store, [path for path in ROUTES if path not in ("/loop/b", "/slow.xml")])
    took = time.monotonic() - started

    reports = by_path(server, raw)
    summary = {path: (r.status, r.http_status, r.attempts, r.error)
               for path, r in reports.items()}
    assert summary == {
        "/ok.xml": ("ok", 200, 1, ""),
        "/flaky.xml": ("ok", 200, 2, ""),
        "/busy.xml": ("ok", 200, 2, ""),
        "/too-busy.xml": ("error", 429, 1,
                          "HTTP 429 Too Many Requests (Retry-After 3600s exceeds 2s)"),
        "/gone.xml": ("error", 404, 1, "HTTP 404 Not Found"),
        "/hang.xml": ("error", None, 2, "timeout after 0.5s"),
        "/drip.xml": ("error", 200, 2, "timeout after 0.5s"),
        "/page.html": ("error", 200, 1,
                       "not a feed: text/html; charset=utf-8 is not an XML media type"),
        "/big.xml": ("error", 200, 1, f"body exceeds {CAP} bytes"),
        "/big-chunked.xml": ("error", 200, 1, f"body exceeds {CAP} bytes"),
        "/bomb.xml": ("error", 200, 1, f"body exceeds {CAP} bytes"),
        "/loop/a": ("error", 302, 1, f"redirect loop at {server.base}/loop/a"),
        "/broken.xml": ("error", 200, 1,
                        "not a feed: malformed XML at line 3, column 37: unclosed token"),
        "/empty.xml": ("error", 200, 1, "not a feed: empty body"),
        "/nothing-new.xml": ("ok", 200, 1, ""),
        "/latin1.xml": ("ok", 200, 1, ""),
        "/cp1252.xml": ("ok", 200, 1, ""),
    }
    titles = {a.feed.removeprefix(server.base): a.title for a in raw.articles}
    assert titles["/latin1.xml"] == "Café Zürich ½"
    assert titles["/cp1252.xml"] == "“Quotes” cost €5"
    assert reports["/ok.xml"].articles == 3 and reports["/flaky.xml"].articles == 3

    # Retry-After was honoured: the second request came a second after the first.
    busy = [at for at, path, _ in server.requests if path == "/busy.xml"]
    assert len(busy) == 2 and busy[1] - busy[0] >= 0.95
    # The hanging and dripping servers cost their timeout per attempt, not the run's time.
    assert took < 5
    # Politeness: who we are and what we accept, on every request.
    assert {headers["User-Agent"] for _, _, headers in server.requests} == {USER_AGENT}
    assert {headers["Accept"] for _, _, headers in server.requests} == {ACCEPT}

    # Everything stored before is still there, byte for byte; the run is stored beside it.
    after = {key: store.read(key) for key in store.list("")}
    assert {key: after[key] for key in before} == before
    assert models.loads(after[raw.key], name=raw.key)["feeds"] == [
        r.to_dict() for r in raw.feeds]


def test_an_unchanged_feed_answers_304_on_the_next_run(server: Server, tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    first = fetch(server, store, ["/ok.xml"])
    second = fetch(server, store, ["/ok.xml"], now=NOW + timedelta(hours=2))
    assert [(r.status, r.http_status, r.articles) for r in first.feeds] == [("ok", 200, 3)]
    assert [(r.status, r.http_status, r.articles) for r in second.feeds] == [
        ("not_modified", 304, 0)]
    [(_, _, asked_first), (_, _, asked_again)] = server.requests
    assert "If-None-Match" not in asked_first and asked_again["If-None-Match"] == '"v1"'
    # classify reads every run in its window: the first run still holds the articles
    assert RawRun.from_dict(models.loads(store.read(first.key), name=first.key)) == first


def test_one_host_is_asked_over_a_few_connections_kept_alive(server: Server,
                                                              tmp_path: Path) -> None:
    # Twelve feeds of one publisher, with room for 32 requests at once: the publisher sees
    # at most PER_HOST connections, each carrying several requests.
    paths = [f"/slow.xml?feed={number}" for number in range(12)]
    raw = fetch(server, FileStore(tmp_path), paths)
    assert [report.status for report in raw.feeds] == ["ok"] * 12
    assert len(server.peers) == 12
    assert len(set(server.peers)) <= PER_HOST < 12


def test_the_guard_refuses_the_loopback_server_without_connecting(
        server: Server, tmp_path: Path) -> None:
    settings = FetchSettings(timeout=0.5, retries=0)  # allow_private_networks = false
    raw = fetch(server, FileStore(tmp_path), ["/ok.xml"], settings=settings)
    assert [(r.status, r.error) for r in raw.feeds] == [
        ("error", "refused loopback address 127.0.0.1")]
    assert server.requests == []
