"""Turn the bytes of an RSS or Atom document into normalized articles. No I/O happens here.

feedparser is handed a ``BytesIO``, never a ``str`` or bare ``bytes``: given a string it
fetches URLs and given bytes it first tries them as a *file name* (feedparser's own docs:
"Wrap an untrusted string in io.BytesIO"). Feed text is untrusted input; this module keeps it
as plain text (escaping is the renderer's job) and only rejects what can never be a link.
"""

from __future__ import annotations

import html
import io
import re
import xml.sax  # SAXParseException only  # nosec B406
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsprism.config import Feed
from newsprism.documents import Article, article_id
from newsprism.fetch.parse import _charrefs as charrefs
from newsprism.fetch.parse import _fast as fastfeed
from newsprism.fetch.parse._entries import Entry, detail_type, from_feedparser
from newsprism.fetch.parse._links import article_link, domain, http_url, origin

# A run of C0/C1 control characters (Unicode category Cc), with the ASCII spaces around it.
_CONTROL_RUN = re.compile(r" *[\x00-\x1f\x7f-\x9f][\x00-\x1f\x7f-\x9f ]*")
_TAG = re.compile(r"<[^>]*>")
# Script and style bodies are code, not text (a description is hostile HTML).
# (ASCII: as in HTML, "<ſcript>" is no script tag, though Unicode case-folding says it is.)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL | re.ASCII)
SUMMARY_LIMIT = 1000  # characters: plenty for relevance matching, bounded per article


class NotAFeed(ValueError):
    """The body is not an RSS or Atom document; the message is the short reason."""


def parse_feed(content: bytes, feed: Feed, feed_url: str, fetched_at: datetime, *,
               content_type: str = "application/xml") -> list[Article]:
    """Parse one fetched feed into articles, in entry order.

    ``feed_url`` is the URL the content came from (after redirects): relative links resolve
    against it (RFC 3986 §5.1.3) and it names the outlet when the channel gives no link.
    ``Article.feed`` is the configured ``feed.fetch_url``, the same URL its ``FeedReport``
    carries. ``content_type`` is the response's header; its charset wins over the XML
    declaration (RFC 7303 §3.2). Entries without a title or an http(s) link are dropped;
    entries without a usable date take ``fetched_at``. Raises ``NotAFeed``.

    Well-formed RSS 2.0 and Atom 1.0 in UTF-8 take ``fastfeed``, which reads with lxml
    exactly what feedparser would (tests/test_feeds_fast.py proves it field by field);
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
        channel, entries, malformed = _feedparser_extract(content, feed_url, content_type)
        extracted = channel, entries
    articles = _articles(*extracted, feed, feed_url, fetched_at)
    if not articles and malformed:
        # feedparser recovers what it can from broken XML; when that is nothing, the report
        # says why rather than showing an empty feed.
        raise NotAFeed(malformed)
    return articles


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
    outlet, outlet_url = _channel_outlet(channel, feed_url)
    fetched_at = fetched_at.astimezone(UTC)
    # A feed names few outlets, each on many entries (a Google News feed of 100 items, a few
    # dozen): each is read once.
    outlets: dict[tuple[str, str] | None, tuple[str, str, bool]] = {}
    articles = []
    for entry in entries:
        named = outlets.get(entry.source)
        if named is None:
            named = outlets[entry.source] = _entry_outlet(entry.source, outlet, outlet_url)
        article = _article(entry, feed, named, fetched_at)
        if article is not None:
            articles.append(article)
    return articles


def clean_text(text: str) -> str:
    """Replace each run of control characters (and the spaces beside it) by one space, strip.

    Other unusual characters (U+00A0, U+2028, U+200B) stay: the earlier system's digests
    carry them verbatim, and the Markdown output must match it.
    """
    if text.isprintable():  # no control character (the common case), nothing to replace
        return text.strip()
    return _CONTROL_RUN.sub(" ", text).strip()


def _text(value: str, kind: str) -> str:
    """Plain text of a title: feedparser leaves HTML-typed titles (Atom ``type="html"`` or
    ``"xhtml"``) as markup, which we reduce to text; plain-text titles are already decoded."""
    if kind in ("text/html", "application/xhtml+xml"):
        value = html.unescape(_TAG.sub("", value))
    return clean_text(value)


def _channel_outlet(channel: Any, feed_url: str) -> tuple[str, str]:
    """Outlet name and home page for entries that do not name their own source."""
    outlet_url = origin(str(channel.get("link", ""))) or origin(feed_url)
    name = _text(str(channel.get("title", "")),
                 detail_type(channel.get("title_detail"), "text/plain"))
    return name or domain(outlet_url), outlet_url


def _entry_outlet(source: tuple[str, str] | None, outlet: str,
                  outlet_url: str) -> tuple[str, str, bool]:
    """Outlet of an entry with ``source`` (its ``<source>``'s text and url) and whether it
    came from that source rather than the channel (``outlet`` and ``outlet_url``).

    Google News (and other aggregators) name the publisher per item:
    ``<source url="https://www.reuters.com">Reuters</source>``.
    """
    if source is None:
        return outlet, outlet_url, False
    title, href = source
    # The url attribute is kept as given (Google sends the publisher's home page) if http(s).
    href = http_url(href) or ""
    name = clean_text(title) or domain(href)
    if not name:
        return outlet, outlet_url, False
    return name, href, True


def _article(entry: Entry, feed: Feed, outlet: tuple[str, str, bool],
             fetched_at: datetime) -> Article | None:
    """The article of one entry; ``outlet`` is ``_entry_outlet``'s answer for it."""
    title = _text(entry.title, entry.title_type)
    checked = article_link(entry.link)
    if not title or checked is None:
        return None
    link, canonical = checked
    source, source_url, from_entry = outlet
    suffix = f" - {source}"
    # Google News appends " - {outlet}" to every title; strip it only when it is exactly the
    # named source, so "China - US trade" keeps its dash.
    if from_entry and title.endswith(suffix) and len(title) > len(suffix):
        # ASCII spaces only: a U+2029 or NBSP before the suffix is part of the headline, and
        # the earlier system kept it (issue #3: venezuela/2026-03-02 lists "...Maduro\u2029").
        title = title[: -len(suffix)].rstrip(" ")
    # Positional: with eleven keywords the call costs twice as much, once per entry.
    return Article(
        article_id(canonical),  # id
        title,
        link,  # url
        source,
        source_url,
        fetched_at if entry.published is None else entry.published,  # published
        feed.language,
        feed.region,
        feed.fetch_url,  # feed
        feed.perspective,
        _summary(entry.summary, entry.summary_type, title, source, entry.link),  # summary
    )


def _summary(value: str, kind: str, title: str, source: str, link: str) -> str:
    """The entry's description as plain text, whitespace collapsed, at most ``SUMMARY_LIMIT``
    characters; "" when it only repeats the headline (and the outlet), as every Google News
    description does. ``link`` is the entry's."""
    html_typed = kind in ("text/html", "application/xhtml+xml")
    if html_typed and _is_google_news_repeat(value, link, title, source):
        return ""
    if html_typed:
        if "<" in value:
            if "<s" in value or "<S" in value:  # where a script or style element can start
                value = _SCRIPT.sub(" ", value)
            value = _TAG.sub(" ", value)
        # Google News puts "&nbsp;&nbsp;" before the outlet; a plain space splits the same
        # and spares html.unescape its slow path (a Python call per entity).
        value = html.unescape(value.replace("&nbsp;", " "))
    text = " ".join(clean_text(value).split())
    headline = _collapsed(title)
    if text in ("", headline, f"{headline} {source}"):
        return ""
    if len(text) > SUMMARY_LIMIT:
        text = text[: SUMMARY_LIMIT - 1].rstrip() + "…"
    return text


def _is_google_news_repeat(description: str, link: str, title: str, source: str) -> bool:
    """Whether the description is Google News's own, which only repeats the article's link,
    headline and outlet: one comparison instead of the general reading, which would give
    "" for it (tests/test_feeds_shortcuts.py holds the two to the same summaries)."""
    return description == (
        f'<a href="{link}" target="_blank">{title}</a>&nbsp;&nbsp;'
        f'<font color="#6f6f6f">{source}</font>'
    ) and (
        # ...read as written: no tag ends in the link, no tag or entity starts in the
        # headline or outlet, and the outlet has no white space to collapse. (Both come
        # from clean_text, free of control characters; an article has a headline.)
        ">" not in link and "<" not in title and "&" not in title and "<" not in source
        and "&" not in source and _collapsed(source) == source and title != "")


def _collapsed(text: str) -> str:
    """``" ".join(text.split())``, at half its cost where there is nothing to do."""
    # Printable text has no white space but U+0020 (str.isprintable refuses every other), so
    # it is collapsed unless two spaces meet or one is at an end.
    if (text.isprintable() and "  " not in text and not text.startswith(" ")
            and not text.endswith(" ")):
        return text
    return " ".join(text.split())
