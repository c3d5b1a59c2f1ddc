"""Fetch stage speed: 200 Google-News-style feeds from a slow loopback server (issue #4).

A server process answers each feed after 200 ms. In the same run the bench times:

- a bare httpx client that only downloads the feeds at the same concurrency (the baseline);
- the fetch stage (requests with every policy, parsing, storing the runs) on the same feeds.

The network bound is ceil(feeds / concurrency) x delay (0.8 s for 200 feeds at 50). The
stage should stay within 1.2x the bare client: the median of the rounds' ratios, each round
timing both clients back to back (a shared VM's speed drifts by up to 2x from one minute to
the next, so medians taken separately can pair a fast minute with a slow one). It also
prints each parser's items per second and the stage's peak memory (resident set of this
process; target under 256 MB).

    .venv/bin/python bench/fetch_bench.py [--feeds 200] [--items 100] [--delay 0.2]
                                          [--concurrency 50] [--repeat 9] [--feedparser]

``--feedparser`` also times the stage with the lxml fast path switched off (every feed
through feedparser), the state before issue #4's fast path.

Not run by ``make test``: timings belong in a benchmark, not in a test.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import httpx

from newsprism.config import Config, Feed, FetchSettings, Perspective, Topic
from newsprism.fetch._stage import fetch_topics
from newsprism.fetch.parse import _fast as fastfeed
from newsprism.fetch.parse import _feeds as feeds
from newsprism.store import FileStore

NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)
OUTLETS = [("Reuters", "https://www.reuters.com"), ("South China Morning Post",
           "https://www.scmp.com"), ("The New York Times", "https://www.nytimes.com"),
           ("Global Times", "https://www.globaltimes.cn"), ("Nikkei Asia",
           "https://asia.nikkei.com"), ("Al Jazeera", "https://www.aljazeera.com")]
WORDS = ["China", "US", "trade", "talks", "tariff", "Beijing", "Washington", "chips", "export",
         "rules", "summit", "military", "drills", "Taiwan", "Strait", "economy", "growth",
         "rare", "earth", "minerals", "sanctions", "envoy"]
TOPICS = 5  # the bundled configuration's five topics, the feeds spread over them


def google_news_feed(number: int, items: int) -> bytes:
    """A feed shaped like Google News RSS search results (see tests/data/feeds)."""
    rng = random.Random(number)  # benchmark data  # nosec B311
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f'<generator>NFE/5.0</generator><title>"bench {number}" - Google News</title>'
        f"<link>https://news.google.com/search?q=bench+{number}&amp;hl=en-US</link>"
        "<language>en-US</language><webMaster>news-webmaster@google.com</webMaster>"
        "<copyright>2026 Google LLC</copyright>"
        f"<lastBuildDate>{format_datetime(NOW, usegmt=True)}</lastBuildDate>"
        "<description>Google News</description>"
    ]
    for item in range(items):
        outlet, home = rng.choice(OUTLETS)
        headline = " ".join(rng.choice(WORDS) for _ in range(rng.randint(7, 14))).capitalize()
        token = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                        for _ in range(180))
        link = f"https://news.google.com/rss/articles/CBMi{token}?oc=5"
        published = NOW - timedelta(minutes=rng.randint(0, 3000))
        description = (f'<a href="{link}" target="_blank">{escape(headline)}</a>'
                       f'&nbsp;&nbsp;<font color="#6f6f6f">{escape(outlet)}</font>')
        parts.append(
            f"<item><title>{escape(headline)} - {escape(outlet)}</title><link>{link}</link>"
            f'<guid isPermaLink="false">CBMi{token}-{number}-{item}</guid>'
            f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>"
            f"<description>{escape(description)}</description>"
            f'<source url="{home}">{escape(outlet)}</source></item>')
    parts.append("</channel></rss>")
    return "".join(parts).encode()


# -- the server (its own process, so it never competes with the client for the GIL) ---------


def serve(port_out: multiprocessing.connection.Connection, feed_count: int, items: int,
          delay: float) -> None:
    bodies = {f"/feed{n}.xml": google_news_feed(n, items) for n in range(feed_count)}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: one connection carries many requests
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                await asyncio.sleep(delay)
                body = bodies.get(path, b"")
                status = b"200 OK" if body else b"404 Not Found"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/rss+xml;"
                             b" charset=UTF-8\r\nContent-Length: " + str(len(body)).encode()
                             + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_out.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# -- the two clients ----------------------------------------------------------------------


def bare_client(urls: Sequence[str], concurrency: int) -> float:
    """Seconds for a plain httpx client to download every URL, ``concurrency`` at a time."""

    async def main() -> None:
        semaphore = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency,
                              max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def one(url: str) -> None:
                async with semaphore:
                    response = await client.get(url)
                    response.raise_for_status()

            await asyncio.gather(*(one(url) for url in urls))

    started = time.perf_counter()
    asyncio.run(main())
    return time.perf_counter() - started


def stage(port: int, feed_count: int, concurrency: int, work: Path) -> tuple[float, int]:
    """Seconds for the fetch stage over every feed, and the articles it stored.

    Each feed has its own host name (as 200 publishers would), resolved to the loopback
    server by the bench's resolver: the per-host connection limit is politeness towards
    one publisher, not part of this comparison.
    """
    per_topic = math.ceil(feed_count / TOPICS)
    topics = tuple(
        Topic(id=f"bench-{t}", name=f"Bench {t}", perspectives=(Perspective("us", "US"),),
              feeds=tuple(Feed(type="rss", perspective="us", language="en", region="US",
                               url=f"http://feed{n}.bench.test:{port}/feed{n}.xml")
                          for n in range(t * per_topic, min(feed_count, (t + 1) * per_topic))))
        for t in range(TOPICS))
    settings = FetchSettings(concurrency=concurrency, allow_private_networks=True,
                             timeout=30.0, retries=0)
    config = Config(source="bench", fetch=settings, topics=topics)

    async def loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    store = FileStore(work)
    started = time.perf_counter()
    runs = fetch_topics(config, topics, store, NOW, resolve=loopback)
    seconds = time.perf_counter() - started
    failed = [f"{r.url}: {r.error}" for run in runs for r in run.feeds if r.status != "ok"]
    if failed:
        sys.exit("bench: feeds failed: " + "; ".join(failed[:3]))
    return seconds, sum(len(run.articles) for run in runs)


def parser_rates(items: int) -> dict[str, float]:
    """Items per second of each parser, inline, for a Google News search feed as a topics
    file configures one."""
    bodies = [google_news_feed(number, items) for number in range(1000, 1060)]
    feed = Feed(type="google_news", perspective="us", query="China US trade", language="en",
                region="US")
    rates = {}
    for name, parse in (("feedparser", feeds.parse_with_feedparser),
                        ("lxml fast path", feeds.parse_fast)):
        count, started = 0, time.perf_counter()
        for body in bodies:
            articles = parse(body, feed, feed.fetch_url, NOW)
            assert articles is not None and len(articles) == items, name  # self-check  # nosec B101
            count += items
            if time.perf_counter() - started > 1.0:
                break
        rates[name] = count / (time.perf_counter() - started)
    return rates


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--feedparser", action="store_true",
                        help="also time the stage with every feed parsed by feedparser")
    args = parser.parse_args(argv)

    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve, daemon=True,
                                     args=(send, args.feeds, args.items, args.delay))
    server.start()
    try:
        port = receive.recv()
        urls = [f"http://127.0.0.1:{port}/feed{n}.xml" for n in range(args.feeds)]
        bound = math.ceil(args.feeds / args.concurrency) * args.delay
        bare_times, stage_times, feedparser_times = [], [], []
        bare_cpu: list[float] = []  # CPU seconds of this process (both threads of the stage)
        stage_cpu: list[float] = []
        with tempfile.TemporaryDirectory() as tmp:
            for attempt in range(args.repeat):
                # Paired rounds: the two clients run back to back, in alternating order, so
                # each ratio compares them on the same minute of a machine whose speed drifts.
                order = ("bare", "stage") if attempt % 2 == 0 else ("stage", "bare")
                for client in order:
                    cpu = time.process_time()
                    if client == "bare":
                        bare_times.append(bare_client(urls, args.concurrency))
                        bare_cpu.append(time.process_time() - cpu)
                    else:
                        seconds, articles = stage(port, args.feeds, args.concurrency,
                                                  Path(tmp) / str(attempt))
                        stage_cpu.append(time.process_time() - cpu)
                        stage_times.append(seconds)
                peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                if args.feedparser:
                    fast, fastfeed.extract = fastfeed.extract, lambda *args: None
                    try:
                        feedparser_times.append(stage(port, args.feeds, args.concurrency,
                                                      Path(tmp) / f"{attempt}-feedparser")[0])
                    finally:
                        fastfeed.extract = fast
    finally:
        server.terminate()
        server.join()

    bare, took = statistics.median(bare_times), statistics.median(stage_times)
    ratios = sorted(s / b for s, b in zip(stage_times, bare_times, strict=True))
    print(f"{args.feeds} feeds x {args.items} items, {args.delay * 1000:.0f} ms per answer, "
          f"concurrency {args.concurrency}; median of {args.repeat} paired rounds")
    print(f"network bound            {bound:6.2f} s")
    print(f"bare httpx client        {bare:6.2f} s   {bare / bound:5.2f}x the bound   "
          f"CPU {statistics.median(bare_cpu):5.2f} s")
    print(f"fetch stage              {took:6.2f} s   {took / bound:5.2f}x the bound   "
          f"CPU {statistics.median(stage_cpu):5.2f} s   {articles} articles")
    print(f"stage / bare client      {statistics.median(ratios):6.2f}x  (target <= 1.20; "
          f"rounds {ratios[0]:.2f} to {ratios[-1]:.2f})")
    if feedparser_times:
        slow = statistics.median(feedparser_times)
        print(f"  feedparser only        {slow:6.2f} s   {slow / bound:5.2f}x the bound   "
              f"{slow / bare:5.2f}x the bare client")
    print(f"peak memory (RSS)        {peak_mb:6.0f} MB (target < 256)")
    for name, rate in parser_rates(args.items).items():
        print(f"{name + ' parser':<24} {rate:8.0f} items/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
