"""Turn the bytes of an RSS or Atom document into normalized articles. No I/O happens here.

feedparser is handed a ``BytesIO``, never a ``str`` or bare ``bytes``: given a string it
fetches URLs and given bytes it first tries them as a *file name* (feedparser's own docs:
"Wrap an untrusted string in io.BytesIO"). Feed text is untrusted input; this module keeps it
as plain text (escaping is the renderer's job) and only rejects what can never be a link.
"""

from __future__ import annotations

import io
import xml.sax  # SAXParseException only  # nosec B406
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsprism.config import Feed
from newsprism.documents import Article, article_id
from newsprism.fetch.parse import _charrefs as charrefs
from newsprism.fetch.parse import _fast as fastfeed
from newsprism.fetch.parse import _google_news as google_news
from newsprism.fetch.parse._entries import ArticleSource, Entry, detail_type, from_feedparser
from newsprism.fetch.parse._links import domain, origin
from newsprism.fetch.parse._text import clean_text, description_text, title_text
from newsprism.text import OUTLET_LIMIT, SUMMARY_LIMIT, capped

# clean_text is re-exported: tests/hardening reads titles through it.
__all__ = ["NotAFeed", "TooComplex", "clean_text", "parse_fast", "parse_feed",
           "parse_with_feedparser"]
# feedparser spends some 25 µs of CPU on each tag (a 4 MB feed of 240,000 tags: 6 s), and
# reads whatever the fast path declines, however large: a description nesting 250,000
# elements (2.8 MB) held the parse thread for 16 s. This many tags is about a second, and
# room for a thousand entries of twenty tags each, twice over.
MAX_TAGS = 40_000


class NotAFeed(ValueError):
    """The body is not an RSS or Atom document; the message is the short reason."""

    label = "not a feed"  # what the fetch report puts before the reason


class TooComplex(NotAFeed):
    """The body would cost more to parse than a feed may (``MAX_TAGS``)."""

    label = "refused"


def parse_feed(content: bytes, feed: Feed, feed_url: str, fetched_at: datetime, *,
               content_type: str = "application/xml") -> list[Article]:
    """Parse one fetched feed into articles, in entry order.

    ``feed_url`` is the URL the content came from (after redirects): relative links resolve
    against it (RFC 3986 §5.1.3) and it names the outlet when the channel gives no link.
    ``Article.feed`` is the configured ``feed.fetch_url``, the same URL its ``FeedReport``
    carries. ``content_type`` is the response's header; its charset wins over the XML
    declaration (RFC 7303 §3.2). Entries without a title or an http(s) link are dropped;
    entries without a usable date take ``fetched_at``. Raises ``NotAFeed``.

    Well-formed RSS 2.0 and Atom 1.0 in UTF-8 take ``_fast``, which reads with lxml exactly
    what feedparser would (tests/fetch/parse/test_feeds_fast.py proves it field by field);
    anything it is unsure about goes through feedparser.
    """
    return _parse(content, feed, feed_url, fetched_at, content_type, fast=True)


def parse_with_feedparser(content: bytes, feed: Feed, feed_url: str, fetched_at: datetime, *,
                          content_type: str = "application/xml") -> list[Article]:
    """``parse_feed`` through feedparser only: the reference the fast path is held to."""
    return _parse(content, feed, feed_url, fetched_at, content_type, fast=False)


def parse_fast(content: bytes, feed: Feed, feed_url: str, fetched_at: datetime, *,
               content_type: str = "application/xml") -> list[Article] | None:
    """``parse_feed`` through the fast path only; None where it would defer to feedparser."""
    extracted = fastfeed.extract(charrefs.repair(content), feed_url, content_type)
    return None if extracted is None else _articles(*extracted, feed, feed_url, fetched_at)


def _parse(content: bytes, feed: Feed, feed_url: str, fetched_at: datetime, content_type: str,
           *, fast: bool) -> list[Article]:
    if not content.strip():
        raise NotAFeed("empty body")
    content = charrefs.repair(content)
    extracted = fastfeed.extract(content, feed_url, content_type) if fast else None
    malformed = None
    if extracted is None:
        if (tags := _tags(content)) > MAX_TAGS:
            raise TooComplex(f"too much markup to parse ({tags} tags; at most {MAX_TAGS})")
        channel, entries, malformed = _feedparser_extract(content, feed_url, content_type)
        extracted = channel, entries
    articles = _articles(*extracted, feed, feed_url, fetched_at)
    if not articles and malformed:
        # feedparser recovers what it can from broken XML; when that is nothing, the report
        # says why rather than showing an empty feed.
        raise NotAFeed(malformed)
    return articles


def _tags(content: bytes) -> int:
    """How many tags feedparser would read at most: the ``<`` outside CDATA sections (whose
    markup is text to it). Counted in C; a loop per CDATA section, not per byte."""
    count, start = 0, 0
    while (opening := content.find(b"<![CDATA[", start)) != -1:
        count += content.count(b"<", start, opening)
        closing = content.find(b"]]>", opening)
        if closing == -1:  # never closed: all the rest may be read as markup
            return count + content.count(b"<", opening + 1)
        start = closing + 3
    return count + content.count(b"<", start)


def _feedparser_extract(content: bytes, feed_url: str,
                        content_type: str) -> tuple[Any, list[Entry], str | None]:
    """feedparser's channel and entries, and what makes the XML malformed (None if it is
    well-formed); raises ``NotAFeed``."""
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-location": feed_url, "content-type": content_type},
        # We keep titles and links only, as plain text that is escaped at render: sanitizing
        # and rewriting URIs inside every HTML description is wasted work. Entry links are
        # still resolved against content-location (feedparser does that for all link fields).
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    channel = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    malformed = None
    if isinstance(problem, xml.sax.SAXParseException):
        malformed = (f"malformed XML at line {problem.getLineNumber()}, column "
                     f"{problem.getColumnNumber()}: {problem.getMessage()}")
    # A document feedparser recognized as no format is not a feed; nor is a broken one
    # without even a channel title. An empty but well-formed channel is a feed with nothing
    # new.
    if not entries:
        if not parsed.get("version"):
            raise NotAFeed(str(problem) if problem else "no RSS or Atom content")
        if problem is not None and not channel.get("title"):
            raise NotAFeed(malformed or str(problem))
    return channel, [from_feedparser(entry) for entry in entries], malformed


def _articles(channel: Any, entries: list[Entry], feed: Feed, feed_url: str,
              fetched_at: datetime) -> list[Article]:
    channel_source = _channel_source(channel, feed, feed_url)
    fetched_at = fetched_at.astimezone(UTC)
    articles = []
    for entry in entries:
        article = _article(entry, feed, google_news.entry_source(entry.source, channel_source),
                           fetched_at)
        if article is not None:
            articles.append(article)
    return articles


def _channel_source(channel: Any, feed: Feed, feed_url: str) -> ArticleSource:
    """Outlet name and home page for entries that do not name their own source: the outlet a
    ``type = "outlet"`` feed was named by, whatever its channel calls itself ("China - South
    China Morning Post", "Latest news", a blank), so that classify finds it in the registry;
    else what the channel says."""
    if feed.outlet:
        return ArticleSource(name=feed.outlet, url=feed.outlet_url or origin(feed_url),
                             from_entry=False)
    url = origin(str(channel.get("link", ""))) or origin(feed_url)
    name = title_text(str(channel.get("title", "")),
                      detail_type(channel.get("title_detail"), "text/plain"), limit=OUTLET_LIMIT)
    return ArticleSource(name=name or domain(url), url=url, from_entry=False)


def _article(entry: Entry, feed: Feed, source: ArticleSource,
             fetched_at: datetime) -> Article | None:
    """The article of one entry credited to ``source`` (``google_news.entry_source``)."""
    title = title_text(entry.title, entry.title_type)
    checked = google_news.article_link(entry.link)
    if not title or checked is None:
        return None
    link, canonical = checked
    title = google_news.headline(title, source)
    return Article(
        id=article_id(canonical), title=title, url=link, source=source.name,
        source_url=source.url,
        published=fetched_at if entry.published is None else entry.published,
        language=feed.language, region=feed.region, feed=feed.fetch_url,
        perspective=feed.perspective,
        summary=_summary(entry.summary, entry.summary_type, title, source.name),
    )


def _summary(value: str, kind: str, title: str, outlet: str) -> str:
    """The entry's description as plain text, white space collapsed, at most
    ``SUMMARY_LIMIT`` characters; "" when it only repeats the headline (and the outlet), as
    every Google News description does."""
    text = description_text(value, kind)
    if not text or google_news.repeats_headline(text, title, outlet):
        return ""
    return capped(text, SUMMARY_LIMIT)
