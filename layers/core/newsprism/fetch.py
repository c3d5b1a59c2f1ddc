"""Fetch stage: download every feed of the given topics and store one raw run per topic.

All feeds of all topics share one ``httpx.AsyncClient`` and a semaphore of
``config.fetch.concurrency``. A feed that fails (timeout, connection error, HTTP error, a body
that is not a feed or is too large) becomes an ``error`` line in the run's report; it never
stops the run. Every request goes through ``_get``: the place for request policy such as
retries, conditional GET and refusing private addresses.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from newsprism import USER_AGENT, models
from newsprism.config import Config, Feed, FetchSettings, Topic
from newsprism.feeds import NotAFeed, parse_feed
from newsprism.models import Article, FeedReport, RawRun
from newsprism.store import Store

ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, "
          "text/xml;q=0.9, */*;q=0.1")
MAX_REDIRECTS = 5
# With a deadline, a request is only started if it can time out before the deadline, with
# this much left over to store the runs.
DEADLINE_MARGIN = 1.0

Progress = Callable[[Topic, FeedReport], None]


class FetchError(Exception):
    """A feed could not be downloaded; ``reason`` is the short text the report shows."""

    def __init__(self, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


@dataclass(frozen=True)
class _Response:
    url: str  # after redirects: the base for relative links in the body
    status: int
    content_type: str
    body: bytes


def fetch_topics(config: Config, topics: Sequence[Topic], data: Store, now: datetime, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 progress: Progress | None = None,
                 deadline: float | None = None) -> list[RawRun]:
    """Fetch every feed of ``topics``, store one raw run per topic at ``run.key``, return them.

    ``now`` is the run's clock (``fetched_at`` and the run id). ``deadline`` is the wall time
    in seconds the caller can give (Lambda's remaining time): requests that could not finish
    in time are not started and are reported as ``error: deadline``.
    """
    return asyncio.run(fetch_topics_async(config, topics, data, now, transport=transport,
                                          progress=progress, deadline=deadline))


async def fetch_topics_async(config: Config, topics: Sequence[Topic], data: Store,
                             now: datetime, *,
                             transport: httpx.AsyncBaseTransport | None = None,
                             progress: Progress | None = None,
                             deadline: float | None = None) -> list[RawRun]:
    """``fetch_topics`` for callers that already run an event loop."""
    now = now.astimezone(UTC)
    settings = config.fetch
    loop = asyncio.get_running_loop()
    last_start = None
    if deadline is not None:
        last_start = loop.time() + deadline - settings.timeout - DEADLINE_MARGIN
    semaphore = asyncio.Semaphore(settings.concurrency)

    async with _client(settings, transport) as client:

        async def one(topic: Topic, feed: Feed) -> tuple[FeedReport, list[Article]]:
            result: tuple[FeedReport, list[Article]]
            async with semaphore:
                if last_start is not None and loop.time() > last_start:
                    result = _report(feed, "error", error="deadline", attempts=0), []
                else:
                    result = await _fetch_feed(client, feed, settings, now)
            if progress is not None:
                progress(topic, result[0])
            return result

        results = await asyncio.gather(*(one(t, f) for t in topics for f in t.feeds))

    runs = []
    start = 0
    for topic in topics:
        run = _run(topic, now, results[start:start + len(topic.feeds)])
        start += len(topic.feeds)
        data.write(run.key, models.dumps(run.to_dict()))
        runs.append(run)
    return runs


def run_id(moment: datetime) -> str:
    """``20260212T040051254Z``: the run's UTC time to the millisecond, sortable as text."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"


def _run(topic: Topic, now: datetime,
         results: Sequence[tuple[FeedReport, list[Article]]]) -> RawRun:
    """One topic's run: reports in configuration order, articles in feed then entry order,
    each id once (the first occurrence wins)."""
    seen: set[str] = set()
    articles = []
    for _, feed_articles in results:
        for article in feed_articles:
            if article.id not in seen:
                seen.add(article.id)
                articles.append(article)
    return RawRun(topic=topic.id, run_id=run_id(now), fetched_at=now,
                  feeds=tuple(report for report, _ in results), articles=tuple(articles))


def _client(settings: FetchSettings,
            transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=transport,
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        limits=httpx.Limits(max_connections=settings.concurrency,
                            max_keepalive_connections=settings.concurrency),
    )


def _report(feed: Feed, status: models.FeedStatus, *, error: str = "",
            http_status: int | None = None, articles: int = 0, started: float | None = None,
            attempts: int = 1) -> FeedReport:
    elapsed_ms = 0 if started is None else round((time.monotonic() - started) * 1000)
    return FeedReport(url=feed.fetch_url, perspective=feed.perspective, status=status,
                      error=error, http_status=http_status, articles=articles,
                      elapsed_ms=elapsed_ms, attempts=attempts)


async def _fetch_feed(client: httpx.AsyncClient, feed: Feed, settings: FetchSettings,
                      now: datetime) -> tuple[FeedReport, list[Article]]:
    """Download and parse one feed; every failure becomes an error report."""
    started = time.monotonic()
    try:
        response = await _get(client, feed.fetch_url, settings)
    except FetchError as exc:
        return _report(feed, "error", error=exc.reason, http_status=exc.http_status,
                       started=started), []
    try:
        # In a thread: a large feed takes a while to parse and would stall the other requests.
        articles = await asyncio.to_thread(parse_feed, response.body, feed, response.url, now,
                                           content_type=response.content_type)
    except NotAFeed as exc:
        error = f"not a feed: {_short(str(exc))}"
    except Exception as exc:  # a feedparser bug on hostile input must not sink the run
        error = f"parse error: {_describe(exc)}"
    else:
        return _report(feed, "ok", http_status=response.status, articles=len(articles),
                       started=started), articles
    return _report(feed, "error", error=error, http_status=response.status, started=started), []


async def _get(client: httpx.AsyncClient, url: str, settings: FetchSettings) -> _Response:
    """GET ``url`` within ``settings.timeout`` overall, reading at most ``settings.max_bytes``.

    httpx's own timeouts bound each read, not the whole exchange: a server trickling bytes
    would never trip them, hence the overall deadline around everything.
    """
    status: int | None = None
    try:
        async with asyncio.timeout(settings.timeout), client.stream("GET", url) as response:
            status = response.status_code
            if not response.is_success:
                reason = f"HTTP {status} {response.reason_phrase}".strip()
                raise FetchError(reason, status)
            body = await _read_capped(response, settings.max_bytes)
            return _Response(url=str(response.url), status=status,
                             content_type=response.headers.get("content-type", ""), body=body)
    except TimeoutError:
        raise FetchError(f"timeout after {settings.timeout:g}s", status) from None
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", status) from None
    except httpx.TimeoutException:
        raise FetchError(f"timeout after {settings.timeout:g}s", status) from None
    except httpx.HTTPError as exc:
        raise FetchError(_describe(exc), status) from None


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decompressed body, refusing it as soon as it grows past ``max_bytes``
    (a small gzip body can inflate to gigabytes)."""
    chunks = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"body exceeds {max_bytes} bytes", response.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return _short(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
