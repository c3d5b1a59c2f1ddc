"""The site's pages other than a digest's own: a topic's archive, month pages, feed and
sitemaps; the home page, the topic directory, the site feed, the sitemap index and the shared
pages (about, 404, assets). Each is built from one manifest or one site-wide document
(``_site``), never from every topic's, so its cost does not grow with the site.

A topic's archive page lists its newest ``ARCHIVE_DAYS`` digests and links to a page per
month (``{topic}/{YYYY-MM}/``): publishing a day rewrites that day's month only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from newsprism.documents import OTHER, PerspectiveInfo
from newsprism.render._atom import atom_feed
from newsprism.render._manifest import Entry, TopicManifest
from newsprism.render._sides import tone
from newsprism.render._site import (
    Directory,
    SiteSummary,
    directory_page,
    feed_items,
)
from newsprism.render._sitemap import site_sitemap, sitemap_index, topic_sitemaps
from newsprism.render._svg import Segment, balance_bar
from newsprism.render._urls import feed_path, month_path
from newsprism.render._views import long_date, month_label
from newsprism.store import Store

# Pages that change whenever a digest is added: readers and caches look again soon.
INDEX_CACHE = "public, max-age=300"
# Asset names carry a hash of their content: a changed file is a new name.
ASSET_CACHE = "public, max-age=31536000, immutable"

# Digests on a topic's archive page; older ones on their month's page. At most PARSED.
ARCHIVE_DAYS = 31
SITEMAPS = "sitemaps/"

_ASSETS = {"css": "style.css", "icon": "icon.svg"}

Write = Callable[[str, bytes, str], str]


@dataclass(frozen=True)
class DayView:
    """One published digest as the home page and the archive list it."""

    topic: str
    date: str
    label: str  # "Thursday 12 February 2026"
    articles: int
    others: int  # of ``articles``, those from other countries (no side's)
    segments: tuple[Segment, ...]
    balance: Markup
    blindspots: int
    thin: tuple[str, ...]  # names of the thin sides
    lead: str
    highlights: tuple[str, ...]  # the overall highlights, where the manifest keeps them


@dataclass(frozen=True)
class TopicView:
    """A topic on the home page: its newest digest and the size of its archive."""

    id: str
    name: str
    latest: DayView
    days: int  # digests in its archive


def writer(site: Store) -> Write:
    def write(key: str, body: bytes, cache_control: str) -> str:
        site.write(key, body, cache_control=cache_control)
        return key
    return write


# -- a topic's pages -------------------------------------------------------------------------

def topic_pages(write: Write, manifest: TopicManifest, months: Iterable[str],
                base: str | None) -> list[str]:
    """The archive page, the pages of ``months`` ("2026-02"), the feed and, with a base URL,
    the sitemaps of one topic."""
    topic = manifest.topic
    known = manifest.months()
    all_months = list(reversed(known))
    newest = list(reversed(manifest.entries[-ARCHIVE_DAYS:]))
    written = [write(f"{topic}/index.html", _archive(
        manifest, newest, all_months, root="../", canonical=f"{topic}/", to_topic="",
        month=None, base=base), INDEX_CACHE)]
    for month in sorted(set(months) & set(known)):
        page = _archive(manifest, list(reversed(manifest.month(month))), all_months,
                        root="../../",
                        canonical=month_path(topic, month), to_topic="../", month=month,
                        base=base)
        written.append(write(f"{month_path(topic, month)}index.html", page, INDEX_CACHE))
    feed = atom_feed(feed_items(manifest), path=feed_path(topic),
                     title=f"{manifest.name} — newsprism",
                     subtitle=f"Daily digests of {manifest.name}, every side's outlets",
                     alternate=f"{topic}/", base=base)
    written.append(write(feed_path(topic), feed, INDEX_CACHE))
    if base:  # the sitemap protocol has absolute URLs only: no base URL, no sitemap
        for name, body in topic_sitemaps(manifest, known, base).items():
            written.append(write(SITEMAPS + name, body, INDEX_CACHE))
    return written


def _archive(manifest: TopicManifest, entries: list[Entry], all_months: list[str], *,
             root: str, canonical: str, to_topic: str, month: str | None,
             base: str | None) -> bytes:
    days = [day_view(manifest.topic, manifest.perspectives, entry) for entry in entries]
    groups: dict[str, list[DayView]] = {}
    for day in days:
        groups.setdefault(day.date[:7], []).append(day)
    return render_page(
        "archive.html", root=root, base=base, canonical=canonical, topic_id=manifest.topic,
        topic_name=manifest.name, days=days, total=manifest.days, month=month,
        month_label=month_label(month) if month else "", to_topic=to_topic,
        months=[(key, month_label(key), group) for key, group in groups.items()],
        all_months=[(key, month_label(key)) for key in all_months],
        perspectives=segments(manifest.perspectives, manifest.latest),
        topic_feed=to_topic + "feed.xml")


# -- the site-wide pages ---------------------------------------------------------------------

def home_pages(write: Write, summary: SiteSummary, base: str | None) -> list[str]:
    """The home page and the site feed, from the site summary."""
    topics = [TopicView(card.topic, card.name,
                        day_view(card.topic, card.perspectives, card.latest), card.days)
              for card in summary.recent]
    page = render_page("index.html", root="", base=base, canonical="", topics=topics,
                       initials=[(i, directory_page(i)) for i in summary.initials])
    feed = atom_feed(list(summary.feed), path=feed_path(), title="newsprism",
                     subtitle="Daily news digests, split by the country of each outlet",
                     alternate="", base=base)
    return [write("index.html", page, INDEX_CACHE), write(feed_path(), feed, INDEX_CACHE)]


def directory_pages(write: Write, directory: Directory, base: str | None) -> list[str]:
    rows = sorted(directory.rows.items(), key=lambda item: (item[1].name.casefold(), item[0]))
    page = render_page("topics.html", root="../", base=base,
                       canonical=directory_page(directory.initial),
                       initial=directory.initial.upper(),
                       rows=[(topic, row, long_date(row.latest)) for topic, row in rows])
    return [write(directory_page(directory.initial), page, INDEX_CACHE)]


@cache  # asked by every render for its hash; the same bytes for the process's lifetime
def shared_pages(base: str | None) -> dict[str, tuple[bytes, str]]:
    """The about and 404 pages and the assets: the same for every topic and day."""
    pages = {"about.html": (render_page("about.html", root="", base=base,
                                        canonical="about.html"), INDEX_CACHE),
             # Served at whatever path was missing, so its links cannot be relative: they
             # start at the site's base URL, or at the host's root without one.
             "404.html": (render_page("404.html", root=base or "/", base=base, canonical=None),
                          INDEX_CACHE)}
    for name, body in _assets().values():
        pages[name] = (body, ASSET_CACHE)
    return pages


def shared_pages_version(pages: dict[str, tuple[bytes, str]]) -> str:
    digest = hashlib.sha256()
    for name, (body, _) in sorted(pages.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(body).digest())
    return digest.hexdigest()[:16]


def sitemap_pages(write: Write, site: Store, initials: Iterable[str], base: str) -> list[str]:
    """The site's own sitemap and the sitemap index of every sitemap in ``sitemaps/``."""
    written = [write(SITEMAPS + "site.xml", site_sitemap(
        [directory_page(i) for i in sorted(initials)], base), INDEX_CACHE)]
    names = {key[len(SITEMAPS):] for key in site.list(SITEMAPS)} | {"site.xml"}
    written.append(write("sitemap.xml", sitemap_index(
        [SITEMAPS + name for name in sorted(names)], base), INDEX_CACHE))
    return written


# -- pieces ----------------------------------------------------------------------------------

def segments(perspectives: tuple[PerspectiveInfo, ...], entry: Entry) -> tuple[Segment, ...]:
    """The entry's counts in the topic's perspective order; ids the topic no longer has last.
    The other countries are no side: they are not in the bar."""
    known = [p.id for p in perspectives]
    names = {p.id: p.name for p in perspectives}
    ids = known + sorted(set(entry.counts) - set(known) - {OTHER})
    return tuple(Segment(names.get(pid, pid), entry.counts.get(pid, 0),
                         tone(known.index(pid)) if pid in names else 0) for pid in ids)


def day_view(topic: str, perspectives: tuple[PerspectiveInfo, ...], entry: Entry) -> DayView:
    parts = segments(perspectives, entry)
    names = {p.id: p.name for p in perspectives}
    overall = entry.sections[0].bullets if entry.sections else ()
    return DayView(
        topic=topic, date=entry.date, label=long_date(entry.date),
        articles=entry.articles, others=entry.others, segments=parts,
        balance=balance_bar(parts),
        blindspots=entry.blindspots, thin=tuple(names.get(p, p) for p in entry.thin),
        lead=entry.lead, highlights=overall,
    )


@cache
def _assets() -> dict[str, tuple[str, bytes]]:
    """The stylesheet and icon under names that carry their content's hash, so that they can
    be cached for a year: "css" -> ("assets/style.1a2b3c4d5e.css", bytes)."""
    found = {}
    for role, name in _ASSETS.items():
        body = resources.files("newsprism.render").joinpath("assets", name).read_bytes()
        stem, _, suffix = name.rpartition(".")
        digest = hashlib.sha256(body).hexdigest()[:10]
        found[role] = (f"assets/{stem}.{digest}.{suffix}", body)
    return found


def render_page(template: str, *, root: str, base: str | None, canonical: str | None,
                **context: Any) -> bytes:
    """A page; ``root`` leads from the page to the site's root, ``canonical`` is the page's
    site path (made absolute with the base URL, where known)."""
    assets = {role: root + name for role, (name, _) in _assets().items()}
    html = _environment().get_template(template).render(
        root=root, assets=assets, site_feed=root + feed_path(),
        canonical=base + canonical if base and canonical is not None else None,
        **context,
    )
    return html.encode()


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsprism.render", "templates"),
        autoescape=True,  # every template is HTML; feed text must never become markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
