"""Article and outlet links: which ones we keep, and the canonical form article ids hash.

A feed's links are untrusted text. Only absolute http(s) URLs are kept; the canonical form
drops what says how a reader arrived rather than which page they get, so that one story
reached through two feeds gets one id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

# Query parameters that only say how a reader arrived, never which page they get.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",
})
TRACKING_PREFIXES = ("utm_",)
# More parameters to drop, by host: a site's own UI parameters (``_google_news.UI_PARAMS``).
DroppedByHost = Mapping[str, frozenset[str]]
_NO_PARAMS: frozenset[str] = frozenset()
_NONE: DroppedByHost = {}
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 controls (Unicode category Cc)

# An http(s) URL whose parts can be read without urllib: lower-case host without port or
# user, printable ASCII only. urlsplit would split it the same way; every other URL takes
# urlsplit.
_PLAIN_URL = re.compile(r'(https?)://([a-z0-9.-]+)(/[!"$->@-~]*)?(?:\?([!"$-~]*))?(?:#[!-~]*)?')


def canonical_url(url: str, dropped_by_host: DroppedByHost = _NONE) -> str:
    """The form of an article URL that its id is computed from.

    Lower-cases scheme and host, drops the default port, an empty path becomes ``/``
    (RFC 3986 §6.2.3), drops the fragment and tracking parameters (``TRACKING_PARAMS``,
    ``utm_*``, and those ``dropped_by_host`` names for the URL's host). Other query
    parameters keep their order and spelling. Raises ``ValueError`` for a URL that is not
    http(s).
    """
    url = url.strip()
    return _canonical(url, _PLAIN_URL.fullmatch(url), dropped_by_host)


def _canonical(url: str, plain: re.Match[str] | None, dropped_by_host: DroppedByHost) -> str:
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
        dropped = dropped_by_host.get(host, _NO_PARAMS)
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


def article_link(url: str, dropped_by_host: DroppedByHost = _NONE) -> tuple[str, str] | None:
    """An entry's link as we store it (``http_url``) and its canonical form
    (``canonical_url``); None where it is not an absolute http(s) URL."""
    url = url.strip()
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:  # printable ASCII without spaces: nothing to check or replace
        return url, _canonical(url, plain, dropped_by_host)
    if _CONTROL.search(url):
        return None
    try:
        canonical = _canonical(url, None, dropped_by_host)
    except ValueError:
        return None
    link = url.replace(" ", "%20")  # as browsers do (WHATWG URL); a raw space breaks links
    return link, canonical if link == url else canonical_url(link, dropped_by_host)


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
