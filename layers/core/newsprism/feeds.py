"""Turn the bytes of an RSS or Atom document into normalized articles. No I/O happens here.

feedparser is handed a ``BytesIO``, never a ``str`` or bare ``bytes``: given a string it
fetches URLs and given bytes it first tries them as a *file name* (feedparser's own docs:
"Wrap an untrusted string in io.BytesIO"). Feed text is untrusted input; this module keeps it
as plain text (escaping is the renderer's job) and only rejects what can never be a link.
"""

from __future__ import annotations

import calendar
import functools
import html
import io
import re
import xml.sax  # SAXParseException only  # nosec B406
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from newsprism import charrefs, fastfeed
from newsprism.config import Feed
from newsprism.models import Article, article_id

# Query parameters that only say how a reader arrived, never which page they get.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",
})
TRACKING_PREFIXES = ("utm_",)
# Google News article links carry ``?oc=5`` and sometimes the edition (``hl``, ``gl``,
# ``ceid``). They pick Google's UI, not the article (the path encodes the article), so they
# are left out of the id: the same story seen through two editions gets one id.
HOST_TRACKING_PARAMS = {"news.google.com": frozenset({"oc", "hl", "gl", "ceid"})}
_DEFAULT_PORTS = {"http": "80", "https": "443"}

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
                        content_type: str) -> tuple[Any, list[Any], str | None]:
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
    return channel, entries, malformed


def _articles(channel: Any, entries: list[Any], feed: Feed, feed_url: str,
              fetched_at: datetime) -> list[Article]:
    outlet, outlet_url = _channel_outlet(channel, feed_url)
    fetched_at = fetched_at.astimezone(UTC)
    articles = []
    for entry in entries:
        article = _article(entry, feed, outlet, outlet_url, fetched_at)
        if article is not None:
            articles.append(article)
    return articles


# An http(s) URL whose parts can be read without urllib: lower-case host without port or
# user, printable ASCII only. urlsplit would split it the same way (tests/test_feeds.py
# holds the two to the same canonical form); every other URL takes urlsplit.
_PLAIN_URL = re.compile(r'(https?)://([a-z0-9.-]+)(/[!"$->@-~]*)?(?:\?([!"$-~]*))?(?:#[!-~]*)?')


@functools.lru_cache(maxsize=4096)  # each link is checked, then hashed; outlets repeat
def canonical_url(url: str) -> str:
    """The form of an article URL that its id is computed from.

    Lower-cases scheme and host, drops the default port, an empty path becomes ``/``
    (RFC 3986 §6.2.3), drops the fragment and tracking parameters (``TRACKING_PARAMS``,
    ``utm_*``, and ``HOST_TRACKING_PARAMS`` for their host). Other query parameters keep
    their order and spelling. Raises ``ValueError`` for a URL that is not http(s).
    """
    url = url.strip()
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        scheme, host, path, query = plain.groups("")
        netloc = host
    else:
        parts = urlsplit(url)
        scheme, path, query = parts.scheme.lower(), parts.path, parts.query
        if scheme not in _DEFAULT_PORTS or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {url!r}")
        netloc = _netloc(scheme, parts.netloc)
        host = netloc.rpartition("@")[2]
        if not host or host.startswith(":"):
            raise ValueError(f"URL has no host: {url!r}")
    if query:
        dropped = HOST_TRACKING_PARAMS.get(host, frozenset())
        query = "&".join(
            pair for pair in query.split("&")
            if pair and not _is_tracking(pair.partition("=")[0].lower(), dropped)
        )
    # As urlunsplit joins them (its path after a host is empty or starts with "/").
    return f"{scheme}://{netloc}{path or '/'}{'?' if query else ''}{query}"


def _is_tracking(name: str, dropped: frozenset[str]) -> bool:
    return name in TRACKING_PARAMS or name in dropped or name.startswith(TRACKING_PREFIXES)


def _netloc(scheme: str, netloc: str) -> str:
    """``user@Host:port`` with the host lower-cased and a default or empty port dropped."""
    userinfo, at, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if ":" in hostport and not hostport.endswith("]"):  # "[::1]" is an IPv6 host, no port
        host, _, port = hostport.rpartition(":")
    if port and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return f"{userinfo}{at}{host.lower()}"


def clean_text(text: str) -> str:
    """Replace each run of control characters (and the spaces beside it) by one space, strip.

    Other unusual characters (U+00A0, U+2028, U+200B) stay: the earlier system's digests
    carry them verbatim, and the Markdown output must match it.
    """
    if text.isprintable():  # no control character (the common case), nothing to replace
        return text.strip()
    return _CONTROL_RUN.sub(" ", text).strip()


def _text(value: str, detail: Any) -> str:
    """Plain text of a title: feedparser leaves HTML-typed titles (Atom ``type="html"`` or
    ``"xhtml"``) as markup, which we reduce to text; plain-text titles are already decoded."""
    kind = detail.get("type", "text/plain") if isinstance(detail, dict) else "text/plain"
    if kind in ("text/html", "application/xhtml+xml"):
        value = html.unescape(_TAG.sub("", value))
    return clean_text(value)


def _http_url(url: str) -> str | None:
    """The URL if it is an absolute http(s) URL we can store and link to, else None."""
    url = url.strip()
    if not url.isprintable() and _CONTROL_RUN.search(url):
        return None
    try:
        canonical_url(url)
    except ValueError:
        return None
    return url.replace(" ", "%20")  # as browsers do (WHATWG URL); a raw space breaks links


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, or "" when it is not one."""
    if _http_url(url) is None:
        return ""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{_netloc(parts.scheme.lower(), parts.netloc)}"


def _domain(url: str) -> str:
    host = urlsplit(_origin(url)).hostname or ""
    return host.removeprefix("www.")


def _channel_outlet(channel: Any, feed_url: str) -> tuple[str, str]:
    """Outlet name and home page for entries that do not name their own source."""
    outlet_url = _origin(str(channel.get("link", ""))) or _origin(feed_url)
    name = _text(str(channel.get("title", "")), channel.get("title_detail"))
    return name or _domain(outlet_url), outlet_url


def _entry_outlet(entry: Any, outlet: str, outlet_url: str) -> tuple[str, str, bool]:
    """Outlet of one entry and whether it came from the entry's own ``<source>``.

    Google News (and other aggregators) name the publisher per item:
    ``<source url="https://www.reuters.com">Reuters</source>``.
    """
    source = entry.get("source")
    if not isinstance(source, dict):
        return outlet, outlet_url, False
    # The url attribute is kept as given (Google sends the publisher's home page) if http(s).
    href = _http_url(str(source.get("href", ""))) or ""
    name = clean_text(str(source.get("title", ""))) or _domain(href)
    if not name:
        return outlet, outlet_url, False
    return name, href, True


def _published(entry: Any, fetched_at: datetime) -> datetime:
    # feedparser normalizes every date format it knows to a UTC struct_time. dict.get skips
    # FeedParserDict's deprecated updated->published key mapping (feedparser issue 310).
    moment = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if moment is None:
        return fetched_at
    try:
        year, month, day, hour, minute, second = moment[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (ValueError, TypeError):
        pass  # fields out of range (a leap second, "31 Feb"): timegm rolls them over
    try:
        return datetime.fromtimestamp(calendar.timegm(moment), UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return fetched_at


def _article(entry: Any, feed: Feed, outlet: str, outlet_url: str,
             fetched_at: datetime) -> Article | None:
    title = _text(str(entry.get("title", "")), entry.get("title_detail"))
    link = _http_url(str(entry.get("link", "")))
    if not title or link is None:
        return None
    source, source_url, from_entry = _entry_outlet(entry, outlet, outlet_url)
    suffix = f" - {source}"
    # Google News appends " - {outlet}" to every title; strip it only when it is exactly the
    # named source, so "China - US trade" keeps its dash.
    if from_entry and title.endswith(suffix) and len(title) > len(suffix):
        # ASCII spaces only: a U+2029 or NBSP before the suffix is part of the headline, and
        # the earlier system kept it (issue #3: venezuela/2026-03-02 lists "...Maduro\u2029").
        title = title[: -len(suffix)].rstrip(" ")
    return Article(
        id=article_id(canonical_url(link)),
        title=title,
        url=link,
        source=source,
        source_url=source_url,
        published=_published(entry, fetched_at),
        language=feed.language,
        region=feed.region,
        feed=feed.fetch_url,
        perspective=feed.perspective,
        summary=_summary(entry, title, source),
    )


def _summary(entry: Any, title: str, source: str) -> str:
    """The entry's description as plain text, whitespace collapsed, at most ``SUMMARY_LIMIT``
    characters; "" when it only repeats the headline (and the outlet), as every Google News
    description does (``<a href=…>headline</a>&nbsp;&nbsp;<font …>outlet</font>``)."""
    value = str(entry.get("summary", ""))
    detail = entry.get("summary_detail")
    # RSS descriptions are HTML; a summary copied from Atom content carries no type.
    kind = detail.get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if kind in ("text/html", "application/xhtml+xml"):
        if "<" in value:
            if "<s" in value or "<S" in value:  # where a script or style element can start
                value = _SCRIPT.sub(" ", value)
            value = _TAG.sub(" ", value)
        # Google News puts "&nbsp;&nbsp;" before the outlet; a plain space splits the same
        # and spares html.unescape its slow path (a Python call per entity).
        value = html.unescape(value.replace("&nbsp;", " "))
    text = " ".join(clean_text(value).split())
    headline = " ".join(title.split())
    if text in ("", headline, f"{headline} {source}"):
        return ""
    if len(text) > SUMMARY_LIMIT:
        text = text[: SUMMARY_LIMIT - 1].rstrip() + "…"
    return text
