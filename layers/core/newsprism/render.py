"""The render stage: stored digests -> the static site (DESIGN "Site").

Every page links to the others with relative URLs, so the site works under any base path, from
``newsprism serve`` and straight from the disk. Pages carry a Content-Security-Policy that
allows no script at all and only the site's own stylesheet; Jinja's autoescaping escapes every
piece of feed text, and only http(s) URLs become links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from .markdown import render_markdown
from .models import Bullet, Digest, ListedArticle, dumps, format_time, loads
from .store import Store

# Pages that change whenever a digest is added: readers and caches look again soon.
INDEX_CACHE = "public, max-age=300"
# A digest's page gains a "next" link when the following digest appears, about a day later.
PAGE_CACHE = "public, max-age=3600"
# A digest's Markdown and JSON only change when the day is re-run.
DATED_CACHE = "public, max-age=86400"
# The stylesheet's name carries no content hash, so it cannot be cached as immutable.
ASSET_CACHE = "public, max-age=3600"

_DIGEST_KEY = re.compile(r"^digests/([a-z0-9][a-z0-9-]*)/(\d{4}-\d{2}-\d{2})\.json$")
_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)  # no "javascript:", "data:", " http:"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")
# Spelled out rather than strftime("%B"), which follows the process locale.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class RelatedView:
    """Another outlet's report of the same story."""

    outlet: str
    title: str
    href: str | None


@dataclass(frozen=True)
class SourceView:
    """One listed article as the page shows it."""

    number: int  # its number in the list, the same as in the Markdown
    anchor: str  # "a-{id}"; "" for a repeated id, so anchors stay unique
    title: str
    href: str | None  # None: not a web URL, shown as text
    outlet: str
    locale: str  # "en-US"
    language: str  # for the title's lang attribute; "" when unusable
    published: str  # YYYY-MM-DD (UTC)
    published_iso: str
    related: tuple[RelatedView, ...]


@dataclass(frozen=True)
class BulletView:
    text: str
    cites: tuple[SourceView, ...]  # only listed articles: every citation has its anchor


@dataclass(frozen=True)
class PerspectiveView:
    id: str
    name: str
    count: int
    bullets: tuple[BulletView, ...]
    sources: tuple[SourceView, ...]


@dataclass(frozen=True)
class DigestView:
    """Everything a page needs to show one digest, precomputed so templates stay simple."""

    topic: str
    topic_name: str
    date: str
    generated_at: str  # ISO 8601, for <time datetime>
    generated_label: str  # "2026-02-12 04:00 UTC"
    article_count: int
    overall: tuple[BulletView, ...]
    perspectives: tuple[PerspectiveView, ...]
    summarizer: str


def render_digest(data: Store, site: Store, topic_id: str, date: str) -> list[str]:
    """Publish one stored digest, and refresh the pages that list or link to it."""
    digest = _load(data, topic_id, date)  # raises NotFound for a digest that was never stored
    catalog = _catalog(data)
    dates = catalog[topic_id] = sorted({*catalog.get(topic_id, []), date})
    keys = _write_digest(site, digest, dates)
    # The neighbours' pages link to this one as their "next" and "previous".
    for neighbour in _neighbours(dates, date):
        if neighbour:
            keys += _write_digest(site, _load(data, topic_id, neighbour), dates, page_only=True)
    keys += _write_listings(data, site, dict(sorted(catalog.items())))
    return sorted(keys)


def render_all(data: Store, site: Store) -> list[str]:
    """Rebuild the whole site from the stored digests."""
    catalog = _catalog(data)
    keys = []
    for topic_id, dates in catalog.items():
        for date in dates:
            keys += _write_digest(site, _load(data, topic_id, date), dates)
    keys += _write_listings(data, site, catalog)
    return sorted(keys)


def _catalog(data: Store) -> dict[str, list[str]]:
    """The stored digests: topic id -> its dates, oldest first; topics sorted by id."""
    catalog: dict[str, list[str]] = {}
    for key in data.list("digests/"):
        if match := _DIGEST_KEY.match(key):
            catalog.setdefault(match.group(1), []).append(match.group(2))
    return {topic: sorted(dates) for topic, dates in sorted(catalog.items())}


def _load(data: Store, topic_id: str, date: str) -> Digest:
    key = f"digests/{topic_id}/{date}.json"
    return Digest.from_dict(loads(data.read(key), name=key))


def _neighbours(dates: Sequence[str], date: str) -> tuple[str | None, str | None]:
    """The dates before and after ``date`` among ``dates`` (sorted), None at either end."""
    position = dates.index(date)
    before = dates[position - 1] if position > 0 else None
    after = dates[position + 1] if position + 1 < len(dates) else None
    return before, after


def _write_digest(site: Store, digest: Digest, dates: Sequence[str], *,
                  page_only: bool = False) -> list[str]:
    topic, date = digest.classified.topic, digest.classified.date
    previous, following = _neighbours(dates, date)
    page = _template("digest.html").render(
        digest=digest_view(digest), previous=previous, next=following, root="../../",
    )
    written = [_write(site, f"{topic}/{date}/index.html", page.encode(), PAGE_CACHE)]
    if not page_only:
        written.append(_write(site, f"{topic}/{date}.md", render_markdown(digest).encode(),
                              DATED_CACHE))
        written.append(_write(site, f"{topic}/{date}.json", dumps(digest.to_dict()), DATED_CACHE))
    return written


def _write_listings(data: Store, site: Store, catalog: dict[str, list[str]]) -> list[str]:
    """The topic archives, the site index, the 404 page and the stylesheet."""
    latest = {topic_id: _load(data, topic_id, dates[-1]) for topic_id, dates in catalog.items()}
    written = []
    for topic_id, digest in latest.items():
        newest_first = list(reversed(catalog[topic_id]))
        page = _template("archive.html").render(
            topic_name=digest.classified.topic_name, dates=newest_first,
            months=_by_month(newest_first), root="../",
        )
        written.append(_write(site, f"{topic_id}/index.html", page.encode(), INDEX_CACHE))
    views = [digest_view(digest) for digest in latest.values()]
    index = _template("index.html").render(topics=views, root="")
    written.append(_write(site, "index.html", index.encode(), INDEX_CACHE))
    # The 404 page is served at whatever path was missing, so it can only use root-relative
    # links; under another base path it shows unstyled, which is acceptable for an error page.
    written.append(_write(site, "404.html", _template("404.html").render(root="/").encode(),
                          INDEX_CACHE))
    stylesheet = resources.files("newsprism").joinpath("assets", "style.css").read_bytes()
    written.append(_write(site, "assets/style.css", stylesheet, ASSET_CACHE))
    return written


def _by_month(dates: Sequence[str]) -> list[tuple[dict[str, str], list[str]]]:
    """Dates grouped by month, keeping their order: ({"key": "2026-02", "label": ...}, dates)."""
    months: dict[str, list[str]] = {}
    for date in dates:
        months.setdefault(date[:7], []).append(date)
    return [
        ({"key": key, "label": f"{_MONTHS[int(key[5:]) - 1]} {key[:4]}"}, days)
        for key, days in months.items()
    ]


def _write(site: Store, key: str, body: bytes, cache_control: str) -> str:
    site.write(key, body, cache_control=cache_control)
    return key


def digest_view(digest: Digest) -> DigestView:
    """The digest as the templates show it: numbered sources, citations resolved."""
    classified = digest.classified
    sources: list[tuple[ListedArticle, SourceView]] = []
    by_id: dict[str, SourceView] = {}
    for number, listed in enumerate(classified.articles, 1):
        view = _source_view(number, listed, first=listed.article.id not in by_id)
        by_id.setdefault(listed.article.id, view)
        sources.append((listed, view))

    def bullets(items: Sequence[Bullet]) -> tuple[BulletView, ...]:
        return tuple(
            BulletView(b.text, tuple(dict.fromkeys(by_id[s] for s in b.sources if s in by_id)))
            for b in items
        )

    perspectives = tuple(
        PerspectiveView(
            id=p.id, name=p.name, count=classified.count(p.id),
            bullets=bullets(digest.highlights.perspectives.get(p.id, ())),
            sources=tuple(view for listed, view in sources if listed.perspective == p.id),
        )
        for p in classified.perspectives
    )
    known = {p.id for p in classified.perspectives}
    stray = tuple(view for listed, view in sources if listed.perspective not in known)
    if stray:  # not produced by classify, but a listed article is never hidden
        perspectives += (PerspectiveView("other", "Other", len(stray), (), stray),)
    return DigestView(
        topic=classified.topic, topic_name=classified.topic_name, date=classified.date,
        generated_at=format_time(classified.generated_at),
        generated_label=classified.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        article_count=len(sources),
        overall=bullets(digest.highlights.overall), perspectives=perspectives,
        summarizer=digest.summarizer,
    )


def _source_view(number: int, listed: ListedArticle, *, first: bool) -> SourceView:
    article = listed.article
    published = article.published.astimezone(UTC)
    return SourceView(
        number=number,
        anchor=f"a-{article.id}" if first else "",
        title=article.title,
        href=article.url if _WEB_URL.match(article.url) else None,
        outlet=article.source,
        locale=f"{article.language}-{article.region}",
        language=article.language if _LANGUAGE.match(article.language) else "",
        published=published.date().isoformat(),
        published_iso=format_time(published),
        related=tuple(
            RelatedView(r.source, r.title, r.url if _WEB_URL.match(r.url) else None)
            for r in listed.related
        ),
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsprism", "templates"),
        autoescape=True,  # every template is HTML; feed text must never become markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _template(name: str) -> Template:
    return _environment().get_template(name)
