"""The fetch stage: concurrent downloads, per-feed failure reports, and the stored raw run."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from newsprism import USER_AGENT
from newsprism.config import (
    Config,
    ConfigError,
    Feed,
    FetchSettings,
    Perspective,
    Topic,
    parse_config,
)
from newsprism.documents import _raw as models
from newsprism.documents import feed_state_key
from newsprism.documents._raw import FeedReport, RawRun
from newsprism.fetch import _state as fetch_state
from newsprism.fetch._http import PER_HOST, FetchError
from newsprism.fetch._stage import ACCEPT, _retry, fetch_topics, run_id
from newsprism.fetch._state import Validators
from newsprism.serve import running
from newsprism.store import FileStore
from tests.conftest import DATA

FEEDS = DATA / "feeds"
NOW = datetime(2026, 2, 12, 4, 0, 51, 254000, tzinfo=UTC)
GOOGLE_NEWS = (FEEDS / "google-news.xml").read_bytes()
RSS = (FEEDS / "rss2.xml").read_bytes()
HTML = (FEEDS / "not-a-feed.html").read_bytes()
LAST_MODIFIED = "Thu, 12 Feb 2026 03:00:00 GMT"
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
           max_bytes: int = 1_000_000, retries: int = 0, backoff: float = 0.01,
           allow_private_networks: bool = False) -> Config:
    settings = FetchSettings(timeout=timeout, concurrency=concurrency, max_bytes=max_bytes,
                             retries=retries, backoff=backoff,
                             allow_private_networks=allow_private_networks)
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
    assert store.read(raw.key) == models.dumps(raw.to_dict(), compact=True)
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
        for _ in range(200):  # each chunk well within a read timeout, the whole 4 s long
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
    with running(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedServer)) as base_url:
        yield base_url


def test_real_http_server(tmp_path: Path, local_server: str,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    cfg = config(topic([f"{local_server}/feed.xml", f"{local_server}/missing.xml"]),
                 allow_private_networks=True)
    [raw] = fetch_topics(cfg, cfg.topics, FileStore(tmp_path), NOW)
    assert [(r.status, r.http_status) for r in raw.feeds] == [("ok", 200), ("error", 404)]
    assert [a.title for a in raw.articles] == [
        "Trade talks continue in Geneva", "Relative link, no date", "Unparseable date"]
    assert raw.articles[1].url == f"{local_server}/a/202602/12/WS2.html"
    assert FileStore(tmp_path).exists(raw.key)


# -- retries -------------------------------------------------------------------------------


def flaky(failures: list[httpx.Response | Exception], body: bytes = RSS) -> tuple[
        Handler, list[float]]:
    """A handler answering with ``failures`` in turn, then ``body``; and the request times."""
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(time.monotonic())
        if len(times) <= len(failures):
            failure = failures[len(times) - 1]
            if isinstance(failure, Exception):
                raise failure
            return failure
        return httpx.Response(200, content=body)

    return handler, times


def test_server_errors_and_connection_errors_are_retried(tmp_path: Path) -> None:
    request = httpx.Request("GET", "https://a.example/rss")
    handler, times = flaky([httpx.Response(503), httpx.ConnectError("reset", request=request)])
    [raw], _ = run(tmp_path, config(topic(["https://a.example/rss"]), retries=2), handler)
    assert [(r.status, r.http_status, r.attempts, r.articles) for r in raw.feeds] == [
        ("ok", 200, 3, 3)]
    assert len(times) == 3


def test_retries_are_bounded_and_the_last_failure_is_reported(tmp_path: Path) -> None:
    handler, times = flaky([httpx.Response(500)] * 5)
    [raw], _ = run(tmp_path, config(topic(["https://a.example/rss"]), retries=1), handler)
    assert [(r.status, r.error, r.attempts) for r in raw.feeds] == [
        ("error", "HTTP 500 Internal Server Error", 2)]
    assert len(times) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_client_errors_other_than_429_are_not_retried(tmp_path: Path, status: int) -> None:
    handler, times = flaky([httpx.Response(status)] * 3)
    [raw], _ = run(tmp_path, config(topic(["https://a.example/rss"]), retries=2), handler)
    assert (raw.feeds[0].status, raw.feeds[0].http_status, raw.feeds[0].attempts) == (
        "error", status, 1)
    assert len(times) == 1


def test_backoff_doubles_with_jitter_and_retry_after_can_only_lengthen_it() -> None:
    settings = FetchSettings(retries=5, backoff=1.0, max_retry_after=30.0)
    for attempt in (1, 2, 3):
        delays = [_retry(FetchError("HTTP 503", 503, retryable=True), attempt, settings)[1]
                  for _ in range(200)]
        low, high = 2 ** (attempt - 1) * 0.5, 2 ** (attempt - 1)
        assert all(d is not None and low <= d <= high for d in delays)
        assert len(set(delays)) > 100  # jittered, not one fixed delay
    asked = FetchError("HTTP 429", 429, retryable=True, retry_after=20.0)
    assert _retry(asked, 1, settings) == ("HTTP 429", 20.0)
    too_long = FetchError("HTTP 429", 429, retryable=True, retry_after=3600.0)
    assert _retry(too_long, 1, settings) == ("HTTP 429 (Retry-After 3600s exceeds 30s)", None)
    assert _retry(FetchError("HTTP 404", 404), 1, settings) == ("HTTP 404", None)


def test_no_retry_is_started_that_the_deadline_would_cut(tmp_path: Path) -> None:
    handler, times = flaky([httpx.Response(502)] * 3)
    cfg = config(topic(["https://a.example/rss"]), retries=2, backoff=2.0, timeout=1.0)
    # requests may start for 0.5 s (deadline minus timeout minus margin); the first retry
    # would wait at least 1 s
    [raw], store = run(tmp_path, cfg, handler, deadline=2.5)
    assert [(r.status, r.error, r.attempts) for r in raw.feeds] == [
        ("error", "HTTP 502 Bad Gateway", 1)]
    assert len(times) == 1 and store.exists(raw.key)


# -- conditional GET -----------------------------------------------------------------------


class VersionedFeed:
    """A feed server honouring If-None-Match / If-Modified-Since, as RFC 9110 §13 asks."""

    def __init__(self, etag: str = '"v1"', last_modified: str = LAST_MODIFIED) -> None:
        self.etag, self.last_modified = etag, last_modified
        self.body = RSS
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        headers = {"content-type": "application/rss+xml"}
        if self.etag:
            headers["etag"] = self.etag
        if self.last_modified:
            headers["last-modified"] = self.last_modified
        if self.etag and request.headers.get("if-none-match") == self.etag:
            return httpx.Response(304, headers=headers)
        return httpx.Response(200, content=self.body, headers=headers)


def test_validators_are_sent_back_and_304_reports_not_modified(tmp_path: Path) -> None:
    server = VersionedFeed()
    cfg = config(topic(["https://a.example/rss", "https://b.example/rss"]))
    [first], store = run(tmp_path, cfg, server)
    assert [r.status for r in first.feeds] == ["ok", "ok"] and len(first.articles) == 4
    key = feed_state_key("us-china", "https://a.example/rss")
    assert models.loads(store.read(key), name=key) == {
        "schema": 1, "url": "https://a.example/rss", "etag": '"v1"',
        "last_modified": LAST_MODIFIED}
    assert "if-none-match" not in server.requests[0].headers

    later = NOW + timedelta(hours=2)
    [second] = fetch_topics(cfg, cfg.topics, store, later,
                            transport=httpx.MockTransport(server))
    assert [(r.status, r.http_status, r.articles, r.error) for r in second.feeds] == [
        ("not_modified", 304, 0, ""), ("not_modified", 304, 0, "")]
    asked = server.requests[-1].headers
    assert (asked["if-none-match"], asked["if-modified-since"]) == ('"v1"', LAST_MODIFIED)
    # The articles of the unchanged feeds stay where the first run stored them.
    assert stored(store, first) == first and second.articles == ()


def test_a_changed_feed_replaces_its_validators(tmp_path: Path) -> None:
    server = VersionedFeed()
    cfg = config(topic(["https://a.example/rss"]))
    _, store = run(tmp_path, cfg, server)
    server.etag, server.last_modified = '"v2"', ""
    fetch_topics(cfg, cfg.topics, store, NOW + timedelta(hours=1),
                 transport=httpx.MockTransport(server))
    assert fetch_state.load(store, "us-china", "https://a.example/rss") == Validators(
        url="https://a.example/rss", etag='"v2"')
    server.etag = ""  # the server stops sending validators: nothing left to ask with
    fetch_topics(cfg, cfg.topics, store, NOW + timedelta(hours=2),
                 transport=httpx.MockTransport(server))
    assert not store.exists(feed_state_key("us-china", "https://a.example/rss"))


def test_validators_are_kept_only_for_feeds_that_parsed(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=HTML, headers={"etag": '"html"',
                                                          "content-type": "text/html"})

    [raw], store = run(tmp_path, config(topic(["https://a.example/rss"])), handler)
    assert raw.feeds[0].status == "error"
    assert store.list("state/") == []


def test_a_damaged_state_file_only_costs_a_full_download(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    store = FileStore(tmp_path / "data")
    store.write(feed_state_key("us-china", "https://a.example/rss"), b"{not json")
    server = VersionedFeed()
    cfg = config(topic(["https://a.example/rss"]))
    with caplog.at_level(logging.WARNING, logger="newsprism.fetch._state"):
        [raw] = fetch_topics(cfg, cfg.topics, store, NOW, transport=httpx.MockTransport(server))
    assert raw.feeds[0].status == "ok" and "if-none-match" not in server.requests[0].headers
    assert "ignoring damaged feed state state/feeds/" in caplog.text
    assert fetch_state.load(store, "us-china", "https://a.example/rss") is not None  # repaired


def test_fetching_twice_at_one_clock_keeps_the_first_run(tmp_path: Path) -> None:
    server = VersionedFeed()
    cfg = config(topic(["https://a.example/rss"]))
    [first], store = run(tmp_path, cfg, server)
    [again] = fetch_topics(cfg, cfg.topics, store, NOW, transport=httpx.MockTransport(server))
    assert again.feeds[0].status == "not_modified"
    assert again.key == first.key.replace(".json", "-2.json")
    assert stored(store, first) == first and stored(store, again) == again


def test_a_304_that_was_not_asked_for_is_an_error(tmp_path: Path) -> None:
    [raw], _ = run(tmp_path, config(topic(["https://a.example/rss"])),
                   lambda request: httpx.Response(304))
    assert (raw.feeds[0].status, raw.feeds[0].error) == ("error", "HTTP 304 Not Modified")


# -- politeness and the log ----------------------------------------------------------------


def test_few_connections_per_host_whatever_the_concurrency(tmp_path: Path) -> None:
    urls = [f"https://news.example/rss/{n}" for n in range(10)]
    urls += [f"https://other{n}.example/rss" for n in range(6)]
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host if request.url.host == "news.example" else "others"
        in_flight[host] = in_flight.get(host, 0) + 1
        peak[host] = max(peak.get(host, 0), in_flight[host])
        await asyncio.sleep(0.05)
        in_flight[host] -= 1
        return httpx.Response(200, content=RSS)

    [raw], _ = run(tmp_path, config(topic(urls), concurrency=16), handler)
    assert all(r.status == "ok" for r in raw.feeds)
    assert peak == {"news.example": PER_HOST, "others": 6}


def test_one_log_line_per_feed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "bad.example":
            return httpx.Response(404)
        return httpx.Response(200, content=RSS)

    cfg = config(topic(["https://good.example/rss", "https://bad.example/rss"]))
    with caplog.at_level(logging.INFO, logger="newsprism.fetch._stage"):
        run(tmp_path, cfg, handler)
    lines = {record.feed["url"]: record for record in caplog.records}  # type: ignore[attr-defined]
    good, bad = lines["https://good.example/rss"], lines["https://bad.example/rss"]
    assert good.levelno == logging.INFO and bad.levelno == logging.WARNING
    assert {k: v for k, v in good.feed.items() if k != "ms"} == {  # type: ignore[attr-defined]
        "topic": "us-china", "url": "https://good.example/rss", "status": "ok",
        "http_status": 200, "attempts": 1, "bytes": len(RSS), "articles": 3, "error": ""}
    assert good.getMessage().startswith(
        f"feed ok https://good.example/rss http=200 attempts=1 bytes={len(RSS)} articles=3 ms=")
    assert bad.getMessage().endswith("error=HTTP 404 Not Found")
    assert len(caplog.records) == 2


def test_retry_settings_are_read_from_the_configuration() -> None:
    text = """
[fetch]
retries = 3
backoff = 0.25
max_retry_after = 15

[[topics]]
id = "t"
name = "T"
[[topics.perspectives]]
id = "p"
name = "P"
[[topics.feeds]]
url = "https://a.example/rss"
perspective = "p"
"""
    settings = parse_config(text, name="topics.toml").fetch
    assert (settings.retries, settings.backoff, settings.max_retry_after) == (3, 0.25, 15.0)
    with pytest.raises(ConfigError, match=r"topics.toml: fetch.backoff: must be positive, got 0.0"):
        parse_config(text.replace("backoff = 0.25", "backoff = 0"), name="topics.toml")


class StateOutage(FileStore):
    """A store whose state/ objects cannot be read or written (the runs can)."""

    def read(self, key: str) -> bytes:
        if key.startswith("state/"):
            raise OSError("state unreachable")
        return super().read(key)

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None:
        if key.startswith("state/"):
            raise OSError("state unreachable")
        super().write(key, data, cache_control=cache_control)


def test_unreachable_state_costs_only_a_full_download(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    store = StateOutage(tmp_path)
    server = VersionedFeed()
    cfg = config(topic(["https://a.example/rss"]))
    with caplog.at_level(logging.WARNING, logger="newsprism.fetch._state"):
        [raw] = fetch_topics(cfg, cfg.topics, store, NOW, transport=httpx.MockTransport(server))
    assert raw.feeds[0].status == "ok" and stored(store, raw) == raw
    assert "cannot read feed state" in caplog.text and "cannot store feed state" in caplog.text
