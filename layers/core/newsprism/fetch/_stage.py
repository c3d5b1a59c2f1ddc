"""Fetch stage: download every feed of the given topics and store one raw run per topic.

All feeds of all topics share one ``httpx.AsyncClient`` (``fetch_http.Fetcher`` holds the
request policy: deadline per request, body cap, redirects, the SSRF guard, per-host slots)
and at most ``config.fetch.concurrency`` requests in flight. Around each feed this module adds
conditional GET (``fetch_state``), retries with backoff, the stage deadline, parsing and the
per-feed log line. A feed that fails becomes an ``error`` line in the run's report; it never
stops the run, and nothing stored earlier is overwritten.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from newsprism import USER_AGENT, documents
from newsprism.config import Config, Feed, FetchSettings, Topic
from newsprism.documents import Article, FeedReport, RawRun
from newsprism.fetch import _netguard as netguard
from newsprism.fetch import _state as fetch_state
from newsprism.fetch._http import (
    ACCEPT,
    ACCEPT_ENCODING,
    PER_HOST,
    Fetcher,
    FetchError,
    Response,
    shorten,
)
from newsprism.fetch._state import Validators
from newsprism.fetch.parse import NotAFeed, parse_feed
from newsprism.store import Store, create

__all__ = ["ACCEPT", "fetch_topics", "fetch_topics_async", "run_id"]

log = logging.getLogger(__name__)
# A library logs only where its user configured logging (the Lambda handler hands this
# logger to Powertools); without this, warnings would reach stderr through logging's
# last-resort handler, doubling the command line's own progress lines.
log.addHandler(logging.NullHandler())

# With a deadline, a request is only started if it can time out before the deadline, with
# this much left over to store the runs.
DEADLINE_MARGIN = 1.0
# Bodies read but not yet parsed, per request slot: while one is parsed the next is fetched.
# Memory holds at most this many times `concurrency` bodies (each at most `max_bytes`).
BODIES_PER_REQUEST = 2

Progress = Callable[[Topic, FeedReport], None]


@dataclass(frozen=True)
class _Outcome:
    """One feed's result in this run."""

    report: FeedReport
    articles: list[Article]
    size: int = 0  # body bytes, after decompression
    # validators to store once the run is stored (empty ones delete the state); None: keep
    state: Validators | None = None


@dataclass(frozen=True)
class _Clock:
    """When the stage may still start a request (None: no deadline)."""

    last_start: float | None

    def allows(self, wait: float = 0.0) -> bool:
        loop_time = asyncio.get_running_loop().time()
        return self.last_start is None or loop_time + wait <= self.last_start


def fetch_topics(config: Config, topics: Sequence[Topic], data: Store, now: datetime, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 resolve: netguard.Resolver | None = None,
                 progress: Progress | None = None,
                 deadline: float | None = None) -> list[RawRun]:
    """Fetch every feed of ``topics``, store one raw run per topic at ``run.key``, return them.

    ``now`` is the run's clock (``fetched_at`` and the run id). ``deadline`` is the wall time
    in seconds the caller can give (Lambda's remaining time): requests that could not finish
    in time are not started and are reported as ``error: deadline``. ``transport`` replaces
    the network (tests); ``resolve`` replaces DNS for the SSRF guard — by default the system
    resolver over the network, and no name resolution at all with a caller's transport.
    """
    runs: list[RawRun] = []

    async def main() -> None:
        runs.extend(await fetch_topics_async(config, topics, data, now, transport=transport,
                                             resolve=resolve, progress=progress,
                                             deadline=deadline))

    # Not returned through asyncio.run: on exit it formats the main task, result included,
    # into an error message it then discards (CPython 3.12, signal.getsignal() on the SIGINT
    # handler), and the repr of every article of a large run costs tenths of a second.
    asyncio.run(main())
    return runs


async def fetch_topics_async(config: Config, topics: Sequence[Topic], data: Store,
                             now: datetime, *,
                             transport: httpx.AsyncBaseTransport | None = None,
                             resolve: netguard.Resolver | None = None,
                             progress: Progress | None = None,
                             deadline: float | None = None) -> list[RawRun]:
    """``fetch_topics`` for callers that already run an event loop."""
    settings = config.fetch
    clock = _Clock(None if deadline is None else
                   asyncio.get_running_loop().time() + deadline - settings.timeout
                   - DEADLINE_MARGIN)
    pins: dict[str, tuple[str, ...]] = {}
    if transport is None:
        transport = netguard.PinnedTransport(pins, per_host=PER_HOST)
        resolve = resolve or netguard.system_resolve
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsprism-parse") as cpu:
        async with httpx.AsyncClient(transport=transport, headers=headers,
                                     timeout=httpx.Timeout(settings.timeout),
                                     follow_redirects=False) as client:
            stage = _Stage(Fetcher(client=client, settings=settings, resolve=resolve,
                                   pins=pins),
                           data, now.astimezone(UTC), asyncio.Semaphore(settings.concurrency),
                           asyncio.Semaphore(BODIES_PER_REQUEST * settings.concurrency), cpu,
                           clock, progress)
            results = await asyncio.gather(*(stage.topic(topic) for topic in topics),
                                           return_exceptions=True)
    stored = []
    for result in results:
        if isinstance(result, BaseException):
            # A run that could not be stored (the others are). No validators are kept, so
            # the next run asks for every feed in full: nothing is taken as already seen.
            raise result
        stored.append(result)
    # Only now that their articles are stored may a later run be answered "not modified".
    for run, outcomes in stored:
        for outcome in outcomes:
            if outcome.state is not None:
                fetch_state.save(data, run.topic, outcome.state)
    return [run for run, _ in stored]


def run_id(moment: datetime) -> str:
    """``20260212T040051254Z``: the run's UTC time to the millisecond, sortable as text."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class _Stage:
    """What the feeds of one fetch run share."""

    fetcher: Fetcher
    data: Store
    now: datetime
    requests: asyncio.Semaphore  # requests in flight: `concurrency`
    bodies: asyncio.Semaphore  # bodies being read or parsed: BODIES_PER_REQUEST times as many
    # One thread parses and serializes. The GIL lets one thread run Python at a time anyway,
    # and spread over asyncio's default pool the same parsing costs a quarter more CPU
    # (lxml and the CPU caches work best when one thread does it all: bench/fetch_bench.py).
    cpu: Executor
    clock: _Clock
    progress: Progress | None

    async def topic(self, topic: Topic) -> tuple[RawRun, list[_Outcome]]:
        """Fetch the topic's feeds and store its run as soon as they are done, while other
        topics still download."""
        outcomes = await asyncio.gather(*(self.feed(topic, feed) for feed in topic.feeds))
        fresh = run = _run(topic, self.now, outcomes)
        # Serializing and parsing run on the CPU thread, so that the event loop keeps the
        # downloads going (the GIL still makes it one CPU: bench/fetch_bench.py measures it).
        document = await self.on_cpu(_serialized, run)
        # Fetching twice at one --now must not replace the first run: its feeds may answer
        # "not modified" the second time, and the first run is then the only copy of their
        # articles. Created only where no object has the key (atomic, so a fetch racing this
        # one at the same clock keeps its run too, issue 9); else "-2", "-3"…
        number = 1
        while not await asyncio.to_thread(create, self.data, run.key, document):
            number += 1
            run = dataclasses.replace(fresh, run_id=f"{fresh.run_id}-{number}")
            document = await self.on_cpu(_serialized, run)
        return run, outcomes

    async def on_cpu[**P, R](self, func: Callable[P, R], *args: P.args,
                             **kwargs: P.kwargs) -> R:
        return await asyncio.get_running_loop().run_in_executor(
            self.cpu, functools.partial(func, *args, **kwargs))

    async def feed(self, topic: Topic, feed: Feed) -> _Outcome:
        try:
            outcome = await self.fetch(topic, feed)
        except Exception as exc:  # a bug must cost one feed, not the run (logged in full)
            log.exception("fetching %s failed unexpectedly", feed.fetch_url)
            outcome = _Outcome(_report(feed, "error", attempts=0,
                                       error=shorten(f"internal error: {type(exc).__name__}: "
                                                    f"{exc}")), [])
        _log(topic, outcome)
        if self.progress is not None:
            self.progress(topic, outcome.report)
        return outcome

    async def fetch(self, topic: Topic, feed: Feed) -> _Outcome:
        """Download and parse one of ``topic``'s feeds, retrying what may pass; every failure
        is a report."""
        started = time.monotonic()
        previous = await asyncio.to_thread(fetch_state.load, self.data, topic.id,
                                           feed.fetch_url)
        conditional = previous.request_headers() if previous else {}
        attempts = 0
        while True:
            # The request slot is given back once the body is read, so that the next request
            # goes out while this body is parsed; a body slot bounds what waits in memory.
            async with self.bodies:
                async with self.requests:
                    if not self.clock.allows():
                        return _Outcome(_report(feed, "error", error="deadline",
                                                attempts=attempts, started=started), [])
                    attempts += 1
                    try:
                        response: Response | None = await self.fetcher.get(feed.fetch_url,
                                                                           conditional)
                    except FetchError as exc:
                        error, response = exc, None
                if response is not None:
                    return await self.parse(response, feed, previous, started, attempts)
            reason, delay = _retry(error, attempts, self.fetcher.settings)
            if delay is None or not self.clock.allows(delay):
                return _Outcome(_report(feed, "error", error=reason, started=started,
                                        http_status=error.http_status, attempts=attempts), [])
            await asyncio.sleep(delay)

    async def parse(self, response: Response, feed: Feed, previous: Validators | None,
                    started: float, attempts: int) -> _Outcome:
        if response.status == 304:
            return _Outcome(_report(feed, "not_modified", http_status=304, started=started,
                                    attempts=attempts), [])
        try:
            articles = await self.on_cpu(parse_feed, response.body, feed, response.url,
                                         self.now, content_type=response.content_type)
        except NotAFeed as exc:  # not a feed, or one too costly to parse
            error = f"{exc.label}: {shorten(str(exc))}"
        except Exception as exc:  # a parser bug on hostile input must not sink the run
            error = f"parse error: {shorten(f'{type(exc).__name__}: {exc}')}"
        else:
            state = fetch_state.from_response(feed.fetch_url, response.headers)
            changed = state != previous and (state or previous)
            return _Outcome(_report(feed, "ok", http_status=response.status, started=started,
                                    articles=len(articles), attempts=attempts), articles,
                            size=len(response.body), state=state if changed else None)
        return _Outcome(_report(feed, "error", error=error, http_status=response.status,
                                started=started, attempts=attempts), [],
                        size=len(response.body))


def _serialized(run: RawRun) -> bytes:
    return documents.dumps(run.to_dict(), compact=True)


def _run(topic: Topic, now: datetime, outcomes: Sequence[_Outcome]) -> RawRun:
    """One topic's run: reports in configuration order, articles in feed then entry order,
    each id once (the first occurrence wins)."""
    seen: set[str] = set()
    articles = []
    for outcome in outcomes:
        for article in outcome.articles:
            if article.id not in seen:
                seen.add(article.id)
                articles.append(article)
    return RawRun(topic=topic.id, run_id=run_id(now), fetched_at=now,
                  feeds=tuple(outcome.report for outcome in outcomes), articles=tuple(articles))


def _retry(error: FetchError, attempts: int, settings: FetchSettings) -> tuple[str, float | None]:
    """The report's reason and how long to wait before trying again (None: do not retry).

    Exponential backoff with jitter (between half and all of ``backoff * 2**n``) spreads the
    retries of many clients; a ``Retry-After`` longer than that is waited for, one longer
    than ``max_retry_after`` is not (the feed is reported instead).
    """
    if not error.retryable or attempts > settings.retries:
        return error.reason, None
    delay = settings.backoff * 2 ** (attempts - 1) * random.uniform(0.5, 1.0)  # nosec B311
    if error.retry_after is not None:
        if error.retry_after > settings.max_retry_after:
            return (f"{error.reason} (Retry-After {error.retry_after:g}s exceeds "
                    f"{settings.max_retry_after:g}s)"), None
        delay = max(delay, error.retry_after)
    return error.reason, delay


def _report(feed: Feed, status: documents.FeedStatus, *, error: str = "",
            http_status: int | None = None, articles: int = 0, started: float | None = None,
            attempts: int = 1) -> FeedReport:
    elapsed_ms = 0 if started is None else round((time.monotonic() - started) * 1000)
    return FeedReport(url=feed.fetch_url, perspective=feed.perspective, status=status,
                      error=error, http_status=http_status, articles=articles,
                      elapsed_ms=elapsed_ms, attempts=attempts)


def _log(topic: Topic, outcome: _Outcome) -> None:
    """One line per feed; under Lambda, Powertools' formatter adds the fields as JSON keys."""
    report = outcome.report
    fields = {"topic": topic.id, "url": report.url, "status": report.status,
              "http_status": report.http_status, "attempts": report.attempts,
              "bytes": outcome.size, "articles": report.articles, "ms": report.elapsed_ms,
              "error": report.error}
    log.log(logging.WARNING if report.status == "error" else logging.INFO,
            "feed %s %s http=%s attempts=%d bytes=%d articles=%d ms=%d%s", report.status,
            report.url, report.http_status, report.attempts, outcome.size, report.articles,
            report.elapsed_ms, f" error={report.error}" if report.error else "",
            extra={"feed": fields})
