"""The fetch stage: concurrent downloads, per-feed failure reports, and the stored raw run."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from newsprism import USER_AGENT, models
from newsprism.config import Config, Feed, FetchSettings, Perspective, Topic
from newsprism.fetch import ACCEPT, fetch_topics, run_id
from newsprism.models import FeedReport, RawRun
from newsprism.store import FileStore

from .conftest import DATA

FEEDS = DATA / "feeds"
NOW = datetime(2026, 2, 12, 4, 0, 51, 254000, tzinfo=UTC)
GOOGLE_NEWS = (FEEDS / "google-news.xml").read_bytes()
RSS = (FEEDS / "rss2.xml").read_bytes()
HTML = (FEEDS / "not-a-feed.html").read_bytes()
Handler = (Callable[[httpx.Request], httpx.Response]
           | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]])


def topic(urls: list[str], topic_id: str = "us-china") -> Topic:
    return Topic(
        id=topic_id, name="US vs China",
        perspectives=(Perspective("us", "United States"), Perspective("china", "China")),
        feeds=tuple(Feed(type="rss", perspective="china" if i % 2 else "us", url=url,
                         language="en", region="US") for i, url in enumerate(urls)),
    )


def config(*topics: Topic, timeout: float = 2.0, concurrency: int = 4,
           max_bytes: int = 1_000_000) -> Config:
    settings = FetchSettings(timeout=timeout, concurrency=concurrency, max_bytes=max_bytes)
    return Config(source="test", fetch=settings, topics=topics)


def feed_body(count: int, prefix: str) -> bytes:
    items = "".join(f"<item><title>{prefix} story {n}</title>"
                    f"<link>https://{prefix}.example/{n}</link></item>" for n in range(count))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>'
            f"{items}</channel></rss>").encode()


def run(tmp_path: Path, cfg: Config, handler: Handler, *,
        progress: Callable[[Topic, FeedReport], None] | None = None,
        deadline: float | None = None) -> tuple[list[RawRun], FileStore]:
    store = FileStore(tmp_path / "data")
    runs = fetch_topics(cfg, cfg.topics, store, NOW, transport=httpx.MockTransport(handler),
                        progress=progress, deadline=deadline)
    return runs, store


def stored(store: FileStore, raw: RawRun) -> RawRun:
    return RawRun.from_dict(models.loads(store.read(raw.key), name=raw.key))


def test_run_is_stored_with_reports_and_articles_in_feed_order(tmp_path: Path) -> None:
    cfg = config(topic(["https://a.example/feed", "https://b.example/feed"]))

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["user-agent"] == USER_AGENT
        assert request.headers["accept"] == ACCEPT
        return httpx.Response(200, content=feed_body(2, request.url.host.split(".")[0]))

    [raw], store = run(tmp_path, cfg, handler)
    assert raw.key == "raw/us-china/2026-02-12/20260212T040051254Z.json"
    assert (raw.topic, raw.run_id, raw.fetched_at) == ("us-china", "20260212T040051254Z", NOW)
    assert [(r.url, r.status, r.http_status, r.articles, r.attempts) for r in raw.feeds] == [
        ("https://a.example/feed", "ok", 200, 2, 1), ("https://b.example/feed", "ok", 200, 2, 1)]
    assert [a.title for a in raw.articles] == ["a story 0", "a story 1", "b story 0", "b story 1"]
    assert [a.perspective for a in raw.articles] == ["us", "us", "china", "china"]
    assert store.read(raw.key) == models.dumps(raw.to_dict())
    assert stored(store, raw) == raw


def test_concurrency_bound_is_respected(tmp_path: Path) -> None:
    cfg = config(topic([f"https://f{n}.example/rss" for n in range(6)]),
                 topic([f"https://g{n}.example/rss" for n in range(6)], "other"), concurrency=3)
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return httpx.Response(200, content=feed_body(1, request.url.host.split(".")[0]))

    runs, _ = run(tmp_path, cfg, handler)
    assert peak == 3  # never more, and the bound is actually used
    assert [len(r.articles) for r in runs] == [6, 6]


def test_failing_feeds_are_reported_and_the_others_stored(tmp_path: Path) -> None:
    urls = ["https://ok.example/rss", "https://broken.example/rss", "https://slow.example/rss",
            "https://html.example/rss", "https://down.example/rss", "https://gone.example/rss"]
    cfg = config(topic(urls), timeout=0.3)
    seen: list[tuple[str, str]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host == "broken.example":
            return httpx.Response(500)
        if host == "slow.example":
            await asyncio.sleep(10)
        if host == "html.example":
            return httpx.Response(200, content=HTML, headers={"content-type": "text/html"})
        if host == "down.example":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if host == "gone.example":
            return httpx.Response(404)
        return httpx.Response(200, content=GOOGLE_NEWS)

    def progress(topic: Topic, report: FeedReport) -> None:
        seen.append((topic.id, report.url))

    [raw], store = run(tmp_path, cfg, handler, progress=progress)
    assert [(r.status, r.error, r.http_status) for r in raw.feeds] == [
        ("ok", "", 200),
        ("error", "HTTP 500 Internal Server Error", 500),
        ("error", "timeout after 0.3s", None),
        ("error", "not a feed: text/html is not an XML media type", 200),
        ("error", "ConnectError: [Errno 111] Connection refused", None),
        ("error", "HTTP 404 Not Found", 404),
    ]
    assert len(raw.articles) == 4 and raw.feeds[0].articles == 4
    assert sorted(seen) == sorted(("us-china", url) for url in urls)
    assert stored(store, raw) == raw


def test_a_trickling_server_is_cut_off_by_the_overall_timeout(tmp_path: Path) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        while True:  # each chunk arrives well within a read timeout, the whole never ends
            await asyncio.sleep(0.02)
            yield b"<!-- -->"

    cfg = config(topic(["https://slow.example/rss"]), timeout=0.3)
    [raw], _ = run(tmp_path, cfg, lambda request: httpx.Response(200, content=trickle()))
    assert (raw.feeds[0].error, raw.feeds[0].http_status) == ("timeout after 0.3s", 200)
    assert raw.feeds[0].elapsed_ms < 2000


def test_body_cap_applies_to_the_decompressed_body(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<!--" + b" " * 50_000 + b"-->")  # about 100 bytes on the wire
    cfg = config(topic(["https://big.example/rss", "https://bomb.example/rss",
                        "https://small.example/rss"]), max_bytes=10_000)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "big.example":
            return httpx.Response(200, content=feed_body(200, "big"))
        if request.url.host == "bomb.example":
            return httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"})
        return httpx.Response(200, content=feed_body(3, "small"))

    [raw], _ = run(tmp_path, cfg, handler)
    assert len(bomb) < 10_000
    assert [(r.status, r.error) for r in raw.feeds] == [
        ("error", "body exceeds 10000 bytes"), ("error", "body exceeds 10000 bytes"), ("ok", "")]


def test_redirects_are_followed_up_to_five(tmp_path: Path) -> None:
    # /1 is five redirects away from the feed at /6, /0 is six
    cfg = config(topic(["https://hop.example/1", "https://hop.example/0"]))

    def handler(request: httpx.Request) -> httpx.Response:
        step = int(request.url.path.strip("/"))
        if step < 6:
            return httpx.Response(302, headers={"location": f"https://hop.example/{step + 1}"})
        relative = b"<item><title>Relative</title><link>story/1</link></item>"
        return httpx.Response(200, content=GOOGLE_NEWS.replace(b"<item>", relative + b"<item>", 1))

    [raw], _ = run(tmp_path, cfg, handler)
    assert [(r.status, r.error) for r in raw.feeds] == [
        ("ok", ""), ("error", "more than 5 redirects")]
    # a relative link resolves against where the feed was finally found; the report keeps
    # the configured URL, and so does every article's `feed`
    assert raw.articles[0].url == "https://hop.example/story/1"
    assert {a.feed for a in raw.articles} == {"https://hop.example/1"}


def test_articles_are_unique_per_run_first_feed_wins(tmp_path: Path) -> None:
    cfg = config(topic(["https://first.example/rss", "https://second.example/rss"]))
    links = {"first.example": "https://shared.example/a?utm_source=first",
             "second.example": "https://SHARED.example/a#top"}

    def handler(request: httpx.Request) -> httpx.Response:
        link = links[request.url.host]
        body = (f'<rss version="2.0"><channel><title>{request.url.host}</title><item>'
                f"<title>Same story</title><link>{link}</link></item></channel></rss>")
        return httpx.Response(200, content=body.encode())

    [raw], _ = run(tmp_path, cfg, handler)
    assert [r.articles for r in raw.feeds] == [1, 1]
    assert [(a.source, a.url) for a in raw.articles] == [
        ("first.example", "https://shared.example/a?utm_source=first")]


def test_one_run_per_topic_even_when_every_feed_fails(tmp_path: Path) -> None:
    cfg = config(topic(["https://a.example/rss"]), topic(["https://b.example/rss"], "other"))
    runs, store = run(tmp_path, cfg, lambda request: httpx.Response(503))
    assert [r.key for r in runs] == ["raw/us-china/2026-02-12/20260212T040051254Z.json",
                                     "raw/other/2026-02-12/20260212T040051254Z.json"]
    assert all(store.exists(r.key) and r.articles == () for r in runs)


def test_deadline_too_short_starts_no_request_but_stores_the_run(tmp_path: Path) -> None:
    cfg = config(topic(["https://a.example/rss", "https://b.example/rss"]), timeout=5.0)
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, content=RSS)

    [raw], store = run(tmp_path, cfg, handler, deadline=5.5)  # less than timeout + 1s
    assert requests == []
    assert [(r.status, r.error, r.attempts) for r in raw.feeds] == [("error", "deadline", 0)] * 2
    assert store.exists(raw.key)

    [raw], _ = run(tmp_path, cfg, handler, deadline=60.0)
    assert [r.status for r in raw.feeds] == ["ok", "ok"]


def test_run_id_and_date_are_utc(tmp_path: Path) -> None:
    local = NOW.astimezone(timezone(timedelta(hours=-8)))  # still 2026-02-11 in California
    assert run_id(local) == "20260212T040051254Z"
    cfg = config(topic(["https://a.example/rss"]))
    [raw] = fetch_topics(cfg, cfg.topics, FileStore(tmp_path), local,
                         transport=httpx.MockTransport(lambda r: httpx.Response(200, content=RSS)))
    assert raw.key == "raw/us-china/2026-02-12/20260212T040051254Z.json"
    assert raw.fetched_at == NOW and raw.fetched_at.tzinfo == UTC


# -- the real transport ---------------------------------------------------------------------


class _FeedServer(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/feed.xml":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_real_http_server(tmp_path: Path, local_server: str,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    cfg = config(topic([f"{local_server}/feed.xml", f"{local_server}/missing.xml"]))
    [raw] = fetch_topics(cfg, cfg.topics, FileStore(tmp_path), NOW)
    assert [(r.status, r.http_status) for r in raw.feeds] == [("ok", 200), ("error", 404)]
    assert [a.title for a in raw.articles] == [
        "Trade talks continue in Geneva", "Relative link, no date", "Unparseable date"]
    assert raw.articles[1].url == f"{local_server}/a/202602/12/WS2.html"
    assert FileStore(tmp_path).exists(raw.key)
