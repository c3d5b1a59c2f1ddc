"""Where the site's pages are, relative to the site and, given a base URL, absolutely.

Pages link to each other with relative URLs, so the site works from any base path, from
``newsprism serve`` and straight from the disk. Feeds and the sitemap want absolute URLs
(RFC 4287 §4.2.6 requires an absolute atom:id; the sitemap protocol requires absolute
``<loc>``), so the site's public base URL is an option: ``--base-url`` or ``SITE_BASE_URL``.
"""

from __future__ import annotations

from urllib.parse import urlsplit


class BaseURLError(ValueError):
    """The site base URL is not an absolute http(s) URL."""


def parse_base_url(text: str | None) -> str | None:
    """The base URL with a trailing slash ("https://news.example.org/digests/"), None when
    unset; raises BaseURLError naming the problem."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise BaseURLError(f"site base URL {text!r}: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BaseURLError(f"site base URL {text!r}: expected an absolute http(s) URL, "
                           "e.g. https://news.example.org/")
    if parts.query or parts.fragment or any(c in text for c in " \"<>\\^`{|}"):
        raise BaseURLError(f"site base URL {text!r}: no query, fragment, spaces or quotes")
    return text if text.endswith("/") else text + "/"


def digest_path(topic: str, date: str) -> str:
    """A digest page's address as a directory, as S3 website hosting and servers serve it."""
    return f"{topic}/{date}/"


def archive_path(topic: str) -> str:
    return f"{topic}/"


def month_path(topic: str, month: str) -> str:
    """A month's page of a topic's archive ("us-china/2026-02/")."""
    return f"{topic}/{month}/"


def feed_path(topic: str | None = None) -> str:
    return f"{topic}/feed.xml" if topic else "feed.xml"


def link(path: str, *, at: str, base: str | None) -> str:
    """The site path ``path`` as a link from a file in the site directory ``at`` ("" for the
    site's root, "us-china/" for a topic's): absolute when the base URL is known."""
    if base:
        return base + path
    if path.startswith(at):
        return path[len(at):] or "./"
    return "../" * at.count("/") + path
