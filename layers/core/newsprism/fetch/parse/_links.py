"""Article and outlet links: which ones we keep, and the canonical form article ids hash.

A feed's links are untrusted text. Only absolute http(s) URLs are kept; the canonical form
drops what says how a reader arrived rather than which page they get, so that one story
reached through two feeds gets one id.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 controls (Unicode category Cc)

# An http(s) URL whose parts can be read without urllib: lower-case host without port or
# user, printable ASCII only. urlsplit would split it the same way (tests/test_feeds.py
# holds the two to the same canonical form); every other URL takes urlsplit.
_PLAIN_URL = re.compile(r'(https?)://([a-z0-9.-]+)(/[!"$->@-~]*)?(?:\?([!"$-~]*))?(?:#[!-~]*)?')


# A Google News article link, the link of most articles: this prefix, a token of base64url
# characters, Google's "?oc=5". Seen often enough to be read without the URL patterns.
_GOOGLE_NEWS_ARTICLE = "https://news.google.com/rss/articles/"
_GOOGLE_NEWS_QUERY = "?oc=5"
_BASE64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


# Cached: each article link is checked twice, by feedparser's rules (fastfeed_values.
# feedparser_join) and then by ours (article_link), within the parse of one feed.
@functools.lru_cache(maxsize=1024)
def google_news_article(url: str) -> str | None:
    """``canonical_url`` of a Google News article link of exactly that shape (which both
    ``_PLAIN_URL`` and feedparser take as it is); None for any other URL."""
    if url.startswith(_GOOGLE_NEWS_ARTICLE) and url.endswith(_GOOGLE_NEWS_QUERY):
        token = url[len(_GOOGLE_NEWS_ARTICLE): -len(_GOOGLE_NEWS_QUERY)]
        # bytes.translate deletes the token's characters in one pass, several times faster
        # than a pattern tests them; anything left is not base64url.
        if token and not token.encode().translate(None, _BASE64URL):
            return url[: -len(_GOOGLE_NEWS_QUERY)]  # "oc": HOST_TRACKING_PARAMS
    return None


@functools.lru_cache(maxsize=4096)  # outlets' home pages recur in every feed
def canonical_url(url: str) -> str:
    """The form of an article URL that its id is computed from.

    Lower-cases scheme and host, drops the default port, an empty path becomes ``/``
    (RFC 3986 §6.2.3), drops the fragment and tracking parameters (``TRACKING_PARAMS``,
    ``utm_*``, and ``HOST_TRACKING_PARAMS`` for their host). Other query parameters keep
    their order and spelling. Raises ``ValueError`` for a URL that is not http(s).
    """
    url = url.strip()
    return _canonical(url, _PLAIN_URL.fullmatch(url))


def _canonical(url: str, plain: re.Match[str] | None) -> str:
    """``canonical_url`` of a stripped URL, given ``_PLAIN_URL``'s match of it."""
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
        if "&" not in query:  # one parameter (Google News's "oc=5"): no splitting, no joining
            if _is_tracking(query.partition("=")[0].lower(), dropped):
                query = ""
        else:
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


def article_link(url: str) -> tuple[str, str] | None:
    """An entry's link as we store it (``http_url``) and its canonical form; None where it
    is not an absolute http(s) URL. Not cached, unlike ``canonical_url``: one fetch seldom
    sees an article's link twice, and a cache of them only costs. (A Google News link is
    found in ``google_news_article``'s cache, where feedparser's rules left it.)"""
    url = url.strip()
    google = google_news_article(url)
    if google is not None:
        return url, google
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:  # printable ASCII without spaces: nothing to check or replace
        return url, _canonical(url, plain)
    if _CONTROL.search(url):
        return None
    try:
        canonical = _canonical(url, None)
    except ValueError:
        return None
    link = url.replace(" ", "%20")  # as browsers do (WHATWG URL); a raw space breaks links
    return link, canonical if link == url else canonical_url(link)


def http_url(url: str) -> str | None:
    """The URL if it is an absolute http(s) URL we can store and link to, else None."""
    url = url.strip()
    if not url.isprintable() and _CONTROL.search(url):
        return None
    try:
        canonical_url(url)
    except ValueError:
        return None
    return url.replace(" ", "%20")  # as browsers do (WHATWG URL); a raw space breaks links


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, or "" when it is not one."""
    if http_url(url) is None:
        return ""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{_netloc(parts.scheme.lower(), parts.netloc)}"


def domain(url: str) -> str:
    """The host of an http(s) URL without a leading ``www.``; "" when it is not one."""
    host = urlsplit(origin(url)).hostname or ""
    return host.removeprefix("www.")
