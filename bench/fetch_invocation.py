"""CPU of one production-shaped fetch invocation, and what each parser shortcut saves of it.

The bundled topics (newsprism/data/topics.toml) each configure two Google News searches, and
one Lambda invocation fetches one topic: two feeds of 100 items. A server process (its CPU is
not counted) answers two Google-News-shaped feeds (bench/fetch_bench.py's ``google_news_feed``)
from 127.0.0.1 without delay, and each round calls ``fetch_topics`` for that one topic once
per variant, in an order that rotates from round to round. Each call is timed in CPU seconds
of this process (``time.process_time``: the event loop and the parse thread together), with a
fresh store and the parser's caches emptied first, as in a new invocation.

The variants are the code as it is ("as is"), the lxml reader switched off ("feedparser
only"), and the code with one shortcut switched off, so that its general path does the
work. A shortcut the code no longer has is listed as absent. For each variant the bench
prints the median CPU of an invocation and the median, over the rounds, of two per-round
figures: the ratio to "as is" in the same round, and the share of the variant's CPU that
"as is" saves (what the shortcut is worth: issue 18 keeps a shortcut only at 10 % or more).
Paired rounds, because a shared VM's speed drifts from one minute to the next.

Then, in the same run, the keyword and positional construction of the two records built per
item (``Article`` and the parser's ``Entry``), timed with ``timeit`` and taken 200 times (one
invocation's items) as a share of the "as is" median.

    .venv/bin/python bench/fetch_invocation.py [--rounds 61] [--items 100] [--only NAME ...]

Not run by ``make test``: timings belong in a benchmark, not in a test.
"""

from __future__ import annotations

import argparse
import functools
import gc
import html
import importlib
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Needs the checkout on sys.path (above) first.
from bench.fetch_bench import NOW, google_news_feed, serve
from newsprism.config import Config, Feed, FetchSettings, Perspective, Topic
from newsprism.documents import Article
from newsprism.fetch import fetch_topics
from newsprism.fetch.parse import parse_feed
from newsprism.store import FileStore

PARSE = "newsprism.fetch.parse"
CONTENT_TYPE = "application/rss+xml; charset=UTF-8"  # as Google News sends its feeds
_NEVER = re.compile(r"(?!)")  # a pattern that matches nothing: the general path every time


@dataclass(frozen=True)
class Patch:
    """Replace ``module.attribute`` by ``make(original)`` while a variant runs."""

    module: str
    attribute: str
    make: Callable[[Any], Any]
    # Whether the code's attribute is the one this patch replaces (a cache to bypass…).
    fits: Callable[[Any], bool] = lambda original: True


@dataclass(frozen=True)
class Variant:
    name: str
    patches: tuple[Patch, ...] = ()

    def present(self) -> bool:
        """Whether the code has every attribute the variant replaces."""
        for patch in self.patches:
            try:
                module = importlib.import_module(patch.module)
            except ImportError:
                return False
            if not hasattr(module, patch.attribute):
                return False
            if not patch.fits(getattr(module, patch.attribute)):
                return False
        return True

    @contextmanager
    def applied(self) -> Iterator[None]:
        saved = []
        try:
            for patch in self.patches:
                module = importlib.import_module(patch.module)
                original = getattr(module, patch.attribute)
                saved.append((module, patch.attribute, original))
                setattr(module, patch.attribute, patch.make(original))
            yield
        finally:
            for module, attribute, original in reversed(saved):
                setattr(module, attribute, original)


def _returns(value: Any) -> Callable[[Any], Any]:
    return lambda original: lambda *args, **kwargs: value


def _uncached(original: Any) -> Any:
    return original.__wrapped__


def _cached(original: Any) -> bool:
    return hasattr(original, "__wrapped__")


def _general_time(original: Any) -> Any:
    def format_time(moment: datetime) -> str:  # isoformat, as the test of the table reads it
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return format_time


def _general_summary(original: Any) -> Any:
    feeds = importlib.import_module(f"{PARSE}._feeds")

    def summary(value: str, kind: str, title: str, source: str, *rest: Any) -> str:
        """``_summary`` as written before issue 4's speed work (tests/fetch/parse/
        test_feeds_shortcuts.py held the two equal)."""
        if kind in ("text/html", "application/xhtml+xml"):
            value = html.unescape(feeds._TAG.sub(" ", feeds._SCRIPT.sub(" ", value)))
        text = " ".join(feeds._CONTROL_RUN.sub(" ", value).split())
        headline = " ".join(title.split())
        if text in ("", headline, f"{headline} {source}"):
            return ""
        if len(text) > feeds.SUMMARY_LIMIT:
            text = text[: feeds.SUMMARY_LIMIT - 1].rstrip() + "…"
        return text
    return summary


VARIANTS = [
    Variant("as is"),
    Variant("feedparser only", (Patch(f"{PARSE}._fast", "extract", _returns(None)),)),
    Variant("without the bulk RELAX NG reader",
            (Patch(f"{PARSE}._fast_bulk", "google_news_items", _returns(None)),)),
    Variant("without the description compare",
            (Patch(f"{PARSE}._feeds", "_is_google_news_repeat", _returns(False)),)),
    Variant("without the other summary shortcuts",
            (Patch(f"{PARSE}._feeds", "_is_google_news_repeat", _returns(False)),
             Patch(f"{PARSE}._feeds", "_summary", _general_summary))),
    Variant("without the Google News link check",
            (Patch(f"{PARSE}._links", "google_news_article", _returns(None)),
             Patch(f"{PARSE}._fast_values", "google_news_article", _returns(None)))),
    Variant("without the Google News link cache",
            (Patch(f"{PARSE}._links", "google_news_article", _uncached, _cached),
             Patch(f"{PARSE}._fast_values", "google_news_article", _uncached, _cached))),
    Variant("without the canonical_url cache",
            (Patch(f"{PARSE}._links", "canonical_url", _uncached, _cached),)),
    Variant("without the plain-URL pattern (canonical form)",
            (Patch(f"{PARSE}._links", "_PLAIN_URL", lambda original: _NEVER),)),
    Variant("without the simple-URL pattern (link join)",
            (Patch(f"{PARSE}._fast_values", "_SIMPLE_URL", lambda original: _NEVER),)),
    Variant("without the own RFC 822 date reading",
            (Patch(f"{PARSE}._fast_values", "_rfc822_common", _returns(None)),)),
    Variant("without the own date reading (feedparser.parse reads every date)",
            (Patch(f"{PARSE}._dates", "_common", _returns(None)),)),
    Variant("with an outlet memo (one reading per <source>)",
            (Patch(f"{PARSE}._google_news", "entry_source", functools.lru_cache),)),
    Variant("without the two-digit time table",
            (Patch("newsprism.documents._raw", "format_time", _general_time),)),
]


def clear_caches() -> None:
    """Empty every ``functools`` cache of the parse package, as a new invocation finds them."""
    package = importlib.import_module(PARSE)
    for name in dir(package):
        if not name.startswith("_") or name.startswith("__"):
            continue
        module = getattr(package, name)
        for value in vars(module).values() if hasattr(module, "__dict__") else ():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def topic(port: int) -> tuple[Config, Topic]:
    """One topic as topics.toml configures them: two searches, one a perspective."""
    feeds = tuple(
        # type "rss" only to point the URL at the loopback server: the parser does not look
        # at the type, and the bodies are Google News's.
        Feed(type="rss", perspective=side, language="en", region="US",
             url=f"http://news.google.bench.test:{port}/feed{number}.xml")
        for number, side in enumerate(("us", "china")))
    chosen = Topic(id="us-china", name="US vs China",
                   perspectives=(Perspective("us", "United States"), Perspective("china", "China")),
                   feeds=feeds)
    settings = FetchSettings(allow_private_networks=True, retries=0)  # topics.toml's others
    return Config(source="bench", fetch=settings, topics=(chosen,)), chosen


async def _loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


def invocation(config: Config, chosen: Topic, work: Path, items: int) -> tuple[float, float]:
    """CPU and wall seconds of one ``fetch_topics`` call for the topic."""
    clear_caches()
    cpu, wall = time.process_time(), time.perf_counter()
    runs = fetch_topics(config, [chosen], FileStore(work), NOW, resolve=_loopback)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    reports = runs[0].feeds
    if any(report.status != "ok" or report.articles != items for report in reports):
        sys.exit(f"fetch_invocation: a feed failed: {reports}")
    return cpu, wall


def parse_only(bodies: Sequence[bytes], chosen: Topic) -> float:
    """CPU seconds of parsing the two bodies inline (no stage around it)."""
    clear_caches()
    started = time.thread_time()
    for body, feed in zip(bodies, chosen.feeds, strict=True):
        parse_feed(body, feed, feed.fetch_url, NOW, content_type=CONTENT_TYPE)
    return time.thread_time() - started


def constructors(rounds: int) -> dict[str, float]:
    """Seconds per call of each record's keyword and positional construction."""
    moment = datetime(2026, 2, 12, tzinfo=UTC)
    values = ("0123456789abcdef", "A headline", "https://news.google.com/rss/articles/x",
              "Reuters", "https://www.reuters.com", moment, "en", "US", "https://f", "us", "")
    names = ("id", "title", "url", "source", "source_url", "published", "language", "region",
             "feed", "perspective", "summary")
    keywords = dict(zip(names, values, strict=True))
    timings = {"Article positional": lambda: Article(*values),
               "Article keywords": lambda: Article(**keywords)}  # type: ignore[arg-type]
    try:
        entry_type: Any = importlib.import_module(f"{PARSE}._entries").Entry
    except (ImportError, AttributeError):
        entry_type = None
    if entry_type is not None:
        entry_values = ("A headline - Reuters", "text/plain", "https://x/a", ("Reuters", "h"),
                        moment, "", "text/html")
        entry_keywords = dict(zip(entry_type._fields, entry_values, strict=True))
        timings["Entry positional"] = lambda: entry_type(*entry_values)
        timings["Entry keywords"] = lambda: entry_type(**entry_keywords)
    return {name: min(timeit.repeat(call, number=20_000, repeat=max(3, rounds // 10))) / 20_000
            for name, call in timings.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=61)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--only", nargs="*", default=None,
                        help="variant names to run besides 'as is' (default: all present)")
    args = parser.parse_args(argv)

    variants, seen = [], set()
    for variant in VARIANTS:
        chosen_name = args.only is None or variant.name in args.only or variant.name == "as is"
        if chosen_name and variant.present() and variant.name not in seen:
            variants.append(variant)
            seen.add(variant.name)
    absent = sorted({v.name for v in VARIANTS} - seen) if args.only is None else []

    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve, daemon=True, args=(send, 2, args.items, 0.0))
    server.start()
    cpu: dict[str, list[float]] = {v.name: [] for v in variants}
    wall: dict[str, list[float]] = {v.name: [] for v in variants}
    parsing: dict[str, list[float]] = {v.name: [] for v in variants}
    try:
        port = receive.recv()
        config, chosen = topic(port)
        bodies = [google_news_feed(number, args.items) for number in range(2)]
        with tempfile.TemporaryDirectory() as tmp:
            for warm in range(3):  # imports, first connections, lxml's first documents
                invocation(config, chosen, Path(tmp) / f"warm{warm}", args.items)
            calls = 0
            for round_number in range(args.rounds):
                shift = round_number % len(variants)
                for variant in variants[shift:] + variants[:shift]:
                    with variant.applied():
                        gc.collect()
                        calls += 1
                        seconds, elapsed = invocation(config, chosen, Path(tmp) / str(calls),
                                                      args.items)
                        parsing[variant.name].append(parse_only(bodies, chosen))
                    cpu[variant.name].append(seconds)
                    wall[variant.name].append(elapsed)
    finally:
        server.terminate()
        server.join()

    base = cpu["as is"]
    print(f"one topic, 2 Google-News-shaped feeds x {args.items} items from 127.0.0.1; "
          f"fetch_topics CPU, median of {args.rounds} paired rounds")
    print(f"{'variant':<48} {'CPU ms':>7} {'wall ms':>8} {'parse ms':>9} {'ratio':>6} "
          f"{'saves':>6}")
    for variant in variants:
        times = cpu[variant.name]
        ratio = statistics.median(t / b for t, b in zip(times, base, strict=True))
        saves = statistics.median((t - b) / t for t, b in zip(times, base, strict=True))
        print(f"{variant.name:<48} {statistics.median(times) * 1000:7.2f} "
              f"{statistics.median(wall[variant.name]) * 1000:8.2f} "
              f"{statistics.median(parsing[variant.name]) * 1000:9.2f} {ratio:6.3f} "
              f"{'' if variant.name == 'as is' else f'{saves:6.1%}'}")
    for name in absent:
        print(f"{name:<48} (absent: the code has no such shortcut)")
    as_is = statistics.median(base)
    per_invocation = 2 * args.items
    found = constructors(args.rounds)
    print(f"record construction, {per_invocation} of each per invocation "
          f"(share of the 'as is' median {as_is * 1000:.2f} ms):")
    for name, seconds in found.items():
        print(f"  {name:<22} {seconds * 1e9:6.0f} ns a call  "
              f"{seconds * per_invocation / as_is:6.2%} of an invocation")
    for record in ("Article", "Entry"):
        if f"{record} keywords" in found:
            extra = found[f"{record} keywords"] - found[f"{record} positional"]
            print(f"  {record}: keywords cost {extra * 1e9:+.0f} ns a call, "
                  f"{extra * per_invocation / as_is:+.2%} of an invocation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
