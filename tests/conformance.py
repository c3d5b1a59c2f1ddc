"""Conformance with the earlier system (issue #3): rebuild the Google News feeds behind one of
its digests, run newsprism on them with its settings, and compare the Markdown.

A digest of the earlier system lists what its two Google News searches returned, but not
which search returned what. That follows from the front matter's per-perspective counts and
the balancing rule (docs/design.md, "Markdown"): each perspective's quota (``max_articles``
divided evenly) newest first in configuration order, then the remaining slots round-robin.

Each listed article becomes one item of its perspective's feed, shaped as Google News sends
it (``demo/feeds/*.xml``): the title with the `` - {outlet}`` suffix Google appends, the link,
``<source url=...>{outlet}</source>`` and a ``pubDate`` on the listed day (UTC) that keeps the
listed order newest first inside the window back from the digest's ``date`` (our ``--now``).

Used by ``tests/test_conformance.py`` and ``bench/conformance.py``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import httpx

from newsprism.classify._stage import classify_topic
from newsprism.config import Config, Settings, Topic, load_config
from newsprism.documents import _raw as models
from newsprism.documents._digests import Digest
from newsprism.fetch._stage import fetch_topics, fetch_topics_async
from newsprism.render._markdown import render_markdown
from newsprism.store import NotFound
from newsprism.summarize._stage import summarize_topic
from tests.conftest import SHARED
from tests.seed_digest import seed_digest

CORPUS = SHARED / "corpus" / "news-summarizer"

# The backslash escapes newsprism adds to feed text in Markdown (markdown.escape_text:
# CommonMark §2.4 punctuation, and "&" before an entity-like run) that the earlier system did
# not write. Undone before comparing: they are the one allowed difference (issue #3).
_ADDED_ESCAPE = re.compile(r"\\([\\`*_\[\]<>~&{}.:@])")
# A perspective without articles gets this line where its bullets would be: it is part of
# the format, not a highlight, so it is compared.
_NO_SOURCES = re.compile(r"^- No .+ sources available for this time period\.$")


# Digests of the corpus that newsprism cannot reproduce because the original is wrong, by name,
# with the reason. None: all 525 are reproduced (issue #3). An entry here must keep failing
# (tests/test_conformance.py checks it), so a stale one cannot hide a regression.
KNOWN_EXCEPTIONS: dict[str, str] = {}


class Unreproducible(ValueError):
    """No feed can give this digest (for example a listed day outside its window)."""


@dataclass(frozen=True)
class Listing:
    """One numbered line of a digest's source list and the perspective that listed it."""

    title: str
    url: str
    outlet: str
    language: str
    region: str
    day: date
    perspective: str


@dataclass(frozen=True)
class Case:
    """One digest of the earlier system, as the input it needs and the bytes it gave."""

    name: str  # "us-china/2026-03-20"
    topic: str
    now: datetime  # the front matter's ``date``: the run's clock
    listings: tuple[Listing, ...]
    markdown: str


def read_case(path: Path, max_articles: int) -> Case:
    """A digest file of the earlier system as a ``Case``."""
    seed = seed_digest(path)  # parses the front matter and the source lines
    classified = seed.classified
    counts = {p.id: classified.count(p.id) for p in classified.perspectives}
    owners = listing_owners(counts, max_articles)
    listings = tuple(
        Listing(title=a.title, url=a.url, outlet=a.source, language=a.language,
                region=a.region, day=a.published.date(), perspective=owner)
        for a, owner in zip((listed.article for listed in classified.articles), owners,
                            strict=True)
    )
    return Case(name=f"{path.parent.name}/{path.stem}", topic=classified.topic,
                now=classified.generated_at, listings=listings,
                markdown=path.read_text(encoding="utf-8"))


def listing_owners(counts: dict[str, int], max_articles: int) -> list[str]:
    """The perspective of each listed position, from the counts (in configuration order).

    The balancing rule: each perspective's quota first, perspective after perspective, then
    one article per perspective in turn while any has articles left and slots remain. Counts
    of 12/8 (quota 10) list 10 of the first, 8 of the second, then the first's last 2.
    """
    quota = max_articles // len(counts)
    left = dict(counts)
    owners: list[str] = []
    for perspective in counts:
        taken = min(quota, left[perspective])
        owners += [perspective] * taken
        left[perspective] -= taken
    while len(owners) < max_articles and any(left.values()):
        for perspective in counts:
            if left[perspective] and len(owners) < max_articles:
                owners.append(perspective)
                left[perspective] -= 1
    return owners


def publication_times(days: list[date], now: datetime, window_start: datetime) -> list[datetime]:
    """Times for one perspective's articles in listed order: each on its day (UTC), strictly
    newest first, inside ``(window_start, now]``. Whole seconds, as RFC 822 dates carry.

    Raises ``Unreproducible`` when the days are not newest first or a day has no room.
    """
    latest = now.replace(microsecond=0)
    earliest = window_start.replace(microsecond=0) + timedelta(seconds=1)
    times: list[datetime] = []
    for position, day in enumerate(days):
        if position and day > days[position - 1]:
            raise Unreproducible(f"listed {day} after {days[position - 1]}: not newest first")
    for day in dict.fromkeys(days):
        count = days.count(day)
        start = datetime.combine(day, time(), UTC)
        high = min(start + timedelta(days=1, seconds=-1), latest)
        low = max(start, earliest)
        span = int((high - low).total_seconds())
        if span < count - 1:
            raise Unreproducible(f"{day} is outside the window ({window_start} .. {now})")
        step = span // count if span >= count else 1
        times += [high - timedelta(seconds=step * i) for i in range(count)]
    return times


def google_news_feed(query: str, items: Iterable[tuple[Listing, datetime]]) -> bytes:
    """An RSS document shaped as Google News' search feed (``demo/feeds/*.xml``)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>\n'
        "<generator>NFE/5.0</generator>\n"
        f"<title>{escape(query)} - Google News</title>\n"
        "<link>https://news.google.com/search</link>\n"
        "<description>Google News</description>\n"
    ]
    for listing, published in items:
        description = (f'<a href={quoteattr(listing.url)} target="_blank">'
                       f"{escape(listing.title)}</a>&nbsp;&nbsp;"
                       f'<font color="#6f6f6f">{escape(listing.outlet)}</font>')
        parts.append(
            "<item>\n"
            f"<title>{escape(f'{listing.title} - {listing.outlet}')}</title>\n"
            f"<link>{escape(listing.url)}</link>\n"
            f'<guid isPermaLink="false">{escape(listing.url)}</guid>\n'
            f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>\n"
            f"<description>{escape(description)}</description>\n"
            f"<source url={quoteattr(outlet_home(listing.outlet))}>"
            f"{escape(listing.outlet)}</source>\n"
            "</item>\n"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()


def outlet_home(outlet: str) -> str:
    """A plausible home page for the ``url`` attribute: the outlet itself when it is a domain
    ("abc.net.au"), else a placeholder (the digest does not say)."""
    if re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", outlet):
        return f"https://{outlet.lower()}"
    slug = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-") or "outlet"
    return f"https://{slug}.example"


def feeds_for(case: Case, topic: Topic, settings: Settings) -> dict[str, bytes]:
    """The document each of the topic's searches returns for this case, by search query.

    Besides the listed articles, a perspective's feed carries what the earlier system must
    have left out: an item just outside the window, and, where the balancing rule would not
    have listed it, an item older than the perspective's listed ones. Google orders search
    results by relevance, not time, so the items come oldest first: only sorting by date
    gives the listed order. A perspective's articles go to its first feed; its other feeds
    (none in the earlier system's topics.json) return an empty channel.
    """
    window_start = case.now - settings.max_age
    counts = {p.id: sum(1 for item in case.listings if item.perspective == p.id)
              for p in topic.perspectives}
    owners = listing_owners(counts, settings.max_articles)
    documents: dict[str, bytes] = {}
    for feed in topic.feeds:
        items: list[tuple[Listing, datetime]] = []
        if feed is next(f for f in topic.feeds if f.perspective == feed.perspective):
            own = [item for item in case.listings if item.perspective == feed.perspective]
            times = publication_times([item.day for item in own], case.now, window_start)
            full = listing_owners({**counts, feed.perspective: len(own) + 1},
                                  settings.max_articles) == owners
            oldest = times[-1] if full and times else None
            items = _unlisted(case, feed.perspective, window_start, oldest)
            items += reversed(list(zip(own, times, strict=True)))
        documents[feed.query] = google_news_feed(feed.query, items)
    return documents


def _unlisted(case: Case, perspective: str, window_start: datetime,
              oldest_listed: datetime | None) -> list[tuple[Listing, datetime]]:
    """Items a conforming pipeline must not list: one published at the window's start (the
    window is ``(start, now]``) and, when ``oldest_listed`` is given (the perspective had no
    slot left for more), one inside the window but older than every listed one."""
    def item(kind: str, published: datetime) -> tuple[Listing, datetime]:
        url = f"https://news.google.com/rss/articles/unlisted-{perspective}-{kind}?oc=5"
        title = f"Unlisted {kind} report of {case.topic}"
        return Listing(title, url, "Unlisted Outlet", "", "", published.date(),
                       perspective), published

    boundary = window_start.replace(microsecond=0)
    items = [item("outside-window", boundary)]
    oldest_in_window = boundary + timedelta(seconds=1)
    if oldest_listed is not None and oldest_in_window < oldest_listed:
        items.append(item("over-quota", oldest_in_window))
    return items


def serve(documents: dict[str, bytes]) -> httpx.MockTransport:
    """Google News as a MockTransport: each search query gets its document; others a 404."""

    def handle(request: httpx.Request) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query).get("q", [""])[0]
        if query not in documents:
            return httpx.Response(404)
        return httpx.Response(200, content=documents[query],
                              headers={"Content-Type": "application/rss+xml; charset=UTF-8"})

    return httpx.MockTransport(handle)


@dataclass
class MemoryStore:
    """A ``Store`` in a dict: each case runs in a fresh one, without touching the disk."""

    objects: dict[str, bytes] = field(default_factory=dict)

    @property
    def uri(self) -> str:
        return "memory:"

    def read(self, key: str) -> bytes:
        try:
            return self.objects[key]
        except KeyError:
            raise NotFound(key) from None

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None:
        self.objects[key] = data

    def exists(self, key: str) -> bool:
        return key in self.objects

    def list(self, prefix: str) -> list[str]:
        return sorted(key for key in self.objects if key.startswith(prefix))

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


def reproduce(case: Case, config: Config, runner: asyncio.Runner | None = None) -> str:
    """Run fetch, classify, summarize and the Markdown renderer on the case's rebuilt feeds.

    With a ``runner``, the fetch runs in its event loop: for hundreds of cases that saves
    setting up and joining a loop and its thread pool each time (``fetch_topics`` does).
    """
    topic = config.topic(case.topic)
    data = MemoryStore()
    transport = serve(feeds_for(case, topic, config.settings))
    if runner is None:
        run = fetch_topics(config, [topic], data, case.now, transport=transport)[0]
    else:
        run = runner.run(fetch_topics_async(config, [topic], data, case.now,
                                            transport=transport))[0]
    failed = [f"{report.url}: {report.error}" for report in run.feeds if report.status != "ok"]
    if failed:
        raise AssertionError(f"{case.name}: feeds failed: {failed}")
    classify_topic(config, topic, data, case.now)
    digest = summarize_topic(config, case.topic, case.now.date().isoformat(), data)
    stored = Digest.from_dict(models.loads(data.read(digest.key), name=digest.key))
    return render_markdown(stored)


def unescaped(markdown: str) -> str:
    """The Markdown with newsprism's backslash escapes undone in the body, never in the YAML
    front matter (where a backslash is JSON escaping, the same in both systems)."""
    _, fence, rest = markdown.partition("---\n")
    front, fence2, body = rest.partition("\n---\n")
    if not (fence and fence2) or markdown[:4] != "---\n":
        return _ADDED_ESCAPE.sub(r"\1", markdown)
    return f"---\n{front}\n---\n{_ADDED_ESCAPE.sub(r'\1', body)}"


def outside_bullets(markdown: str) -> list[tuple[int, str]]:
    """The numbered lines a conforming digest shares with the original: all but the bullets
    of the highlights. Split at "\\n" only: titles hold U+2029, which ``splitlines`` would
    take for a line break."""
    lines = markdown.split("\n")
    body = next((i + 1 for i in range(1, len(lines)) if lines[i] == "---"), 0)
    return [
        (number, line) for number, line in enumerate(lines, 1)
        if number <= body or not line.startswith("- ") or _NO_SOURCES.match(line)
    ]


def first_difference(original: str, produced: str) -> str | None:
    """None when ``produced`` equals ``original`` outside the bullet lines once our escapes
    are undone; else where they first differ (line numbers of the original)."""
    want = outside_bullets(original)
    got = outside_bullets(unescaped(produced))
    for (number, expected), (_, line) in zip(want, got, strict=False):
        if expected != line:
            return f"line {number}:\n  original: {expected!r}\n  produced: {line!r}"
    if len(want) != len(got):
        return (f"{len(want)} lines outside the bullets in the original, {len(got)} produced"
                f"; first extra: {(want[len(got):] or got[len(want):])[0][1]!r}")
    return None


@dataclass(frozen=True)
class Outcome:
    case: str
    difference: str | None  # None: identical outside the bullet lines


def corpus_paths(corpus: Path = CORPUS, topic: str | None = None) -> list[Path]:
    """The corpus's digests (of one topic, or all), in name order."""
    return sorted(corpus.glob(f"{topic or '*'}/*.md"))


def check(paths: Iterable[Path], config: Config,
          progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Reproduce each digest and compare it with the original. A digest that cannot be read
    or rebuilt is an outcome with the reason, never an exception that hides the others."""
    outcomes = []
    with asyncio.Runner() as runner:
        for path in paths:
            outcome = _check_one(path, config, runner)
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return outcomes


def _check_one(path: Path, config: Config, runner: asyncio.Runner) -> Outcome:
    name = f"{path.parent.name}/{path.stem}"
    try:
        case = read_case(path, config.settings.max_articles)
        difference = first_difference(case.markdown, reproduce(case, config, runner))
    except Unreproducible as exc:
        difference = f"cannot rebuild its feeds: {exc}"
    except Exception as exc:  # a damaged original or a pipeline crash: reported per digest
        difference = f"{type(exc).__name__}: {exc}"
    return Outcome(name, difference)


def corpus_config(corpus: Path = CORPUS) -> Config:
    """The earlier system's own settings: the corpus's topics.json, unchanged."""
    return load_config(corpus / "topics.json")
