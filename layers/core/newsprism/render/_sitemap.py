"""Sitemaps (sitemaps.org protocol 0.9): ``sitemap.xml`` is a sitemap index naming one sitemap
for the site's own pages (``sitemaps/site.xml``) and one per topic (``sitemaps/{topic}.xml``,
then ``{topic}-2.xml`` and on past ``MAX_URLS``), so a day's render rewrites its topic's only.

The protocol wants absolute URLs in ``<loc>``, so sitemaps exist only when the site's base
URL is known; without one the site has none rather than an invalid one.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape  # escaping only  # nosec B406

from newsprism.render._manifest import TopicManifest
from newsprism.render._urls import archive_path, digest_path, month_path

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # per sitemap file, and sitemaps per index (protocol limits)


def sitemap_files(manifest: TopicManifest) -> int:
    """How many sitemap files the topic has (``topic_sitemaps``), without building them."""
    if not manifest.entries:
        return 0
    return -(-(1 + len(manifest.months()) + manifest.days) // MAX_URLS)


def topic_sitemaps(manifest: TopicManifest, months: Sequence[str],
                   base: str) -> dict[str, bytes]:
    """The topic's sitemaps by file name: its archive, month pages and every digest page,
    with the day each last changed; split every ``MAX_URLS`` URLs."""
    topic = manifest.topic
    urls = [(archive_path(topic), manifest.latest.generated_at.date().isoformat())]
    urls += [(month_path(topic, month), "") for month in months]
    urls += [(digest_path(topic, date), day) for date, day in manifest.changed_days()]
    return {(f"{topic}.xml" if start == 0 else f"{topic}-{start // MAX_URLS + 1}.xml"):
            _urlset(urls[start:start + MAX_URLS], base)
            for start in range(0, len(urls), MAX_URLS)}


def site_sitemap(pages: Sequence[str], base: str) -> bytes:
    """The home page, the about page and the given site paths."""
    return _urlset([("", ""), ("about.html", ""), *((page, "") for page in pages)], base)


def sitemap_index(paths: Sequence[str], base: str) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"<sitemap><loc>{escape(base + path)}</loc></sitemap>"
              for path in paths[:MAX_URLS]]
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode()


def _urlset(urls: Sequence[tuple[str, str]], base: str) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, modified in urls:
        lastmod = f"<lastmod>{modified}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{escape(base + path)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()
