"""``sitemap.xml`` (sitemaps.org protocol 0.9): the index, the about page, every topic's archive
and every digest page, with the day each last changed.

The protocol wants absolute URLs in ``<loc>``, so a sitemap exists only when the site's base
URL is known; without one the site has none rather than an invalid one.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape  # escaping only  # nosec B406

from newsprism.render._manifest import TopicManifest
from newsprism.render._urls import archive_path, digest_path

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # per sitemap file (protocol limit): about 130 years of 1 topic


def sitemap(manifests: Mapping[str, TopicManifest], base: str) -> bytes:
    urls: list[tuple[str, str]] = []  # (site path, last modified YYYY-MM-DD or "")
    newest = max((m.latest.generated_at for m in manifests.values() if m.entries), default=None)
    urls.append(("", newest.date().isoformat() if newest else ""))
    urls.append(("about.html", ""))
    for topic, manifest in manifests.items():
        if not manifest.entries:
            continue
        urls.append((archive_path(topic), manifest.latest.generated_at.date().isoformat()))
        urls += [(digest_path(topic, e.date), e.generated_at.date().isoformat())
                 for e in reversed(manifest.entries)]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, modified in urls[:MAX_URLS]:
        lastmod = f"<lastmod>{modified}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{escape(base + path)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()
