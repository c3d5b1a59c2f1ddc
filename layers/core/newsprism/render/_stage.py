"""The render stage: stored digests -> the static site (docs/design.md, "Site").

Publishing a day writes that digest's page, Markdown and JSON (the stored digest with the
events both sides reported added as ``compared``), refreshes its neighbours' pages
(they gain a "next" or "previous" link), and rebuilds the index, the topic's archive, the
feeds and the sitemap from the site's manifest (see manifest.py): a fixed number of requests
whatever the size of the archive. ``render_all`` rebuilds everything from the stored digests.

Pages carry a Content-Security-Policy that allows no script at all and nothing from another
host; Jinja's autoescaping escapes every piece of feed text, and only http(s) URLs become
links (views.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from newsprism.documents import (
    DIGESTS,
    MANIFESTS,
    OTHER,
    Digest,
    SchemaError,
    decode,
    digest_key,
    dumps,
    loads,
    manifest_topic,
    parse_daily_key,
)
from newsprism.render._atom import FeedItem, atom_feed
from newsprism.render._compare import compared_document
from newsprism.render._manifest import (
    FEED_ENTRIES,
    Entry,
    TopicManifest,
    empty_manifest,
    load_manifests,
)
from newsprism.render._markdown import render_markdown
from newsprism.render._sides import tone
from newsprism.render._sitemap import sitemap
from newsprism.render._svg import Segment, balance_bar
from newsprism.render._urls import feed_path, parse_base_url
from newsprism.render._views import DigestView, digest_view, long_date, month_label
from newsprism.store import NotFound, Store

# Pages that change whenever a digest is added: readers and caches look again soon.
INDEX_CACHE = "public, max-age=300"
# A digest's page gains a "next" link when the following digest appears, about a day later.
PAGE_CACHE = "public, max-age=3600"
# A digest's Markdown and JSON only change when the day is re-run.
DATED_CACHE = "public, max-age=86400"
# Asset names carry a hash of their content: a changed file is a new name.
ASSET_CACHE = "public, max-age=31536000, immutable"
# Read back by the next render; never worth caching on the way.
MANIFEST_CACHE = "no-cache"

log = logging.getLogger(__name__)

_ASSETS = {"css": "style.css", "icon": "icon.svg"}


@dataclass(frozen=True)
class DayView:
    """One published digest as the index and the archive list it."""

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
    """A topic on the index: its newest digest and the size of its archive."""

    id: str
    name: str
    latest: DayView
    days: int  # digests in its archive


def render_digest(data: Store, site: Store, topic_id: str, date: str, *,
                  base_url: str | None = None) -> list[str]:
    """Publish one stored digest, and refresh the pages that list or link to it."""
    base = parse_base_url(base_url)
    # Raises NotFound for a digest that was never stored.
    digest, stored = _load(data, topic_id, date)
    manifests = load_manifests(site)
    before = manifests.get(topic_id, empty_manifest(topic_id))
    view = digest_view(digest, published=before.dates)
    manifest = manifests[topic_id] = before.with_digest(view)
    previous, following = manifest.neighbours(date)
    keys = _write_digest(site, view, previous, following, base, sources=(digest, stored))
    if date not in before.dates:  # a new day: the days around it gain a link to it
        for neighbour in (previous, following):
            if neighbour:
                keys += _refresh_page(data, site, manifest, neighbour, base)
    keys += _write_listings(site, manifests, [topic_id], base)
    # The manifest goes last: if anything above fails, the rerun sees a new day again.
    keys.append(_write(site, manifest.key, manifest.to_bytes(), MANIFEST_CACHE))
    return sorted(keys)


def render_all(data: Store, site: Store, *, base_url: str | None = None) -> list[str]:
    """Rebuild the whole site, and its manifests, from the stored digests."""
    base = parse_base_url(base_url)
    catalog: dict[str, list[str]] = {}
    for key in data.list(DIGESTS):
        try:
            topic_id, date = parse_daily_key(key, DIGESTS)
        except ValueError:
            continue
        catalog.setdefault(topic_id, []).append(date)
    manifests: dict[str, TopicManifest] = {}
    keys: list[str] = []
    for topic_id, dates in sorted(catalog.items()):
        dates.sort()
        manifest = empty_manifest(topic_id)
        loaded = {}
        for date in dates:
            try:
                loaded[date] = _load(data, topic_id, date)
            except SchemaError as exc:  # one damaged digest must not cost the others' pages
                log.warning("skipping %s", exc)
        if not loaded:
            continue
        dates = list(loaded)
        for index, (digest, stored) in enumerate(loaded.values()):
            view = digest_view(digest, published=dates)
            manifest = manifest.with_digest(view)
            previous = dates[index - 1] if index else None
            following = dates[index + 1] if index + 1 < len(dates) else None
            keys += _write_digest(site, view, previous, following, base,
                                  sources=(digest, stored))
        manifests[topic_id] = manifest
    if not manifests:
        return []
    keys += _write_listings(site, manifests, list(manifests), base)
    for manifest in manifests.values():
        keys.append(_write(site, manifest.key, manifest.to_bytes(), MANIFEST_CACHE))
    for key in site.list(MANIFESTS):  # topics with no stored digest left leave the index
        if (topic := manifest_topic(key)) and topic not in manifests:
            site.delete(key)
    return sorted(keys)


def _load(data: Store, topic_id: str, date: str) -> tuple[Digest, bytes]:
    """The stored digest, and its bytes: the site publishes those as the digest's JSON."""
    key = digest_key(topic_id, date)
    stored = data.read(key)
    return decode(stored, Digest.from_dict, name=key), stored


def _refresh_page(data: Store, site: Store, manifest: TopicManifest, date: str,
                  base: str | None) -> list[str]:
    try:
        digest, _ = _load(data, manifest.topic, date)
    except (NotFound, SchemaError) as exc:  # its data is gone or damaged: its page stays
        log.warning("not refreshing %s/%s: %s", manifest.topic, date, exc)
        return []
    previous, following = manifest.neighbours(date)
    view = digest_view(digest, published=manifest.dates)
    return _write_digest(site, view, previous, following, base)


def _write_digest(site: Store, view: DigestView, previous: str | None,
                  following: str | None, base: str | None, *,
                  sources: tuple[Digest, bytes] | None = None) -> list[str]:
    """The digest's page; with its ``sources`` (the digest and its stored bytes) its
    Markdown and JSON too."""
    topic, date = view.topic, view.date
    page = _render("digest.html", root="../../", base=base, canonical=f"{topic}/{date}/",
                   digest=view, previous=previous, next=following,
                   previous_label=long_date(previous) if previous else "",
                   next_label=long_date(following) if following else "",
                   topic_feed="../feed.xml")
    written = [_write(site, f"{topic}/{date}/index.html", page, PAGE_CACHE)]
    if sources:
        digest, stored = sources
        written.append(_write(site, f"{topic}/{date}.md", render_markdown(digest).encode(),
                              DATED_CACHE))
        written.append(_write(site, f"{topic}/{date}.json", _published_json(digest, stored),
                              DATED_CACHE))
    return written


def _published_json(digest: Digest, stored: bytes) -> bytes:
    """The stored digest with ``compared`` added: the events two sides or more reported,
    each side's reports apart, for readers of the JSON as for readers of the page."""
    document = loads(stored, name=digest.key)
    document.pop("schema", None)  # dumps stamps it
    document["compared"] = compared_document(digest.classified)
    return dumps(document)


def _write_listings(site: Store, manifests: Mapping[str, TopicManifest],
                    changed: Sequence[str], base: str | None) -> list[str]:
    """The archives and feeds of the ``changed`` topics; the index, the site feed, the
    sitemap, the about and 404 pages and the assets."""
    written = []
    for topic_id in changed:
        manifest = manifests[topic_id]
        days = [_day_view(manifest, entry) for entry in reversed(manifest.entries)]
        months: dict[str, list[DayView]] = {}
        for day in days:
            months.setdefault(day.date[:7], []).append(day)
        page = _render("archive.html", root="../", base=base, canonical=f"{topic_id}/",
                       topic_id=topic_id, topic_name=manifest.name, days=days,
                       months=[(key, month_label(key), group) for key, group in months.items()],
                       perspectives=_segments(manifest, manifest.latest),
                       topic_feed="feed.xml")
        written.append(_write(site, f"{topic_id}/index.html", page, INDEX_CACHE))
        feed = atom_feed(_feed_items(manifest), path=feed_path(topic_id),
                         title=f"{manifest.name} — newsprism",
                         subtitle=f"Daily digests of {manifest.name}, every side's outlets",
                         alternate=f"{topic_id}/", base=base)
        written.append(_write(site, feed_path(topic_id), feed, INDEX_CACHE))

    topics = [
        TopicView(topic_id, m.name, _day_view(m, m.latest), len(m.entries))
        for topic_id, m in manifests.items() if m.entries
    ]
    written.append(_write(site, "index.html",
                          _render("index.html", root="", base=base, canonical="", topics=topics),
                          INDEX_CACHE))
    items = [item for m in manifests.values() for item in _feed_items(m)]
    items = sorted(items, key=lambda i: (i.entry.generated_at, i.topic))[-FEED_ENTRIES:]
    feed = atom_feed(items, path=feed_path(), title="newsprism",
                     subtitle="Daily news digests, split by the country of each outlet",
                     alternate="", base=base)
    written.append(_write(site, feed_path(), feed, INDEX_CACHE))
    if base:  # the sitemap protocol has absolute URLs only: no base URL, no sitemap
        written.append(_write(site, "sitemap.xml", sitemap(manifests, base), INDEX_CACHE))
    written.append(_write(site, "about.html", _render("about.html", root="", base=base,
                                                      canonical="about.html"), INDEX_CACHE))
    # The 404 page is served at whatever path was missing, so its links cannot be relative:
    # they start at the site's base URL, or at the host's root without one.
    written.append(_write(site, "404.html", _render("404.html", root=base or "/", base=base,
                                                    canonical=None), INDEX_CACHE))
    for name, body in _assets().values():
        written.append(_write(site, name, body, ASSET_CACHE))
    return written


def _feed_items(manifest: TopicManifest) -> list[FeedItem]:
    return [FeedItem(manifest.topic, manifest.name, entry, len(manifest.perspectives))
            for entry in manifest.entries[-FEED_ENTRIES:]]


def _segments(manifest: TopicManifest, entry: Entry) -> tuple[Segment, ...]:
    """The entry's counts in the topic's perspective order; ids the topic no longer has last.
    The other countries are no side: they are not in the bar."""
    known = [p.id for p in manifest.perspectives]
    names = {p.id: p.name for p in manifest.perspectives}
    ids = known + sorted(set(entry.counts) - set(known) - {OTHER})
    return tuple(Segment(names.get(pid, pid), entry.counts.get(pid, 0),
                         tone(known.index(pid)) if pid in names else 0) for pid in ids)


def _day_view(manifest: TopicManifest, entry: Entry) -> DayView:
    segments = _segments(manifest, entry)
    names = {p.id: p.name for p in manifest.perspectives}
    overall = entry.sections[0].bullets if entry.sections else ()
    return DayView(
        topic=manifest.topic, date=entry.date, label=long_date(entry.date),
        articles=entry.articles, others=entry.others, segments=segments,
        balance=balance_bar(segments),
        blindspots=entry.blindspots, thin=tuple(names.get(p, p) for p in entry.thin),
        lead=entry.lead, highlights=overall,
    )


def _write(site: Store, key: str, body: bytes, cache_control: str) -> str:
    site.write(key, body, cache_control=cache_control)
    return key


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


def _render(template: str, *, root: str, base: str | None, canonical: str | None,
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
