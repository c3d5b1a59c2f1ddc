"""The render stage: stored digests -> the static site (docs/design.md, "Site").

Publishing a day writes that digest's page, Markdown and JSON (the stored digest with the
events both sides reported added as ``compared``), refreshes its neighbours' pages (they gain
a "next" or "previous" link), and updates what lists it: its topic's manifest, archive,
month page, feed and sitemap, then the topic's line in the directory and the site summary,
from which the home page and the site feed are rebuilt (``_site``). Every one of those is
one document of a bounded size or one topic's, so a day costs the same number of requests
whatever the number of topics or the length of the archive; shared documents are updated
by compare-and-swap (``_versioned``), so renders may run at once. ``render_all`` rebuilds
everything from the stored digests.

Pages carry a Content-Security-Policy that allows no script at all and nothing from another
host; Jinja's autoescaping escapes every piece of feed text, and only http(s) URLs become
links (views.py).
"""

from __future__ import annotations

import contextlib
import logging
from urllib.parse import urlsplit, urlunsplit

from newsprism.documents import (
    DIGESTS,
    MANIFESTS,
    Digest,
    SchemaError,
    decode,
    digest_key,
    dumps,
    loads,
    manifest_key,
    manifest_topic,
    parse_daily_key,
)
from newsprism.render._compare import compared_document
from newsprism.render._manifest import TopicManifest, empty_manifest, load_manifests
from newsprism.render._markdown import render_markdown
from newsprism.render._pages import (
    Write,
    directory_pages,
    home_pages,
    render_page,
    shared_pages,
    shared_pages_version,
    sitemap_pages,
    topic_pages,
    writer,
)
from newsprism.render._site import (
    SITE_SUMMARY,
    Directory,
    SiteSummary,
    directory_key,
    initial_of,
)
from newsprism.render._sitemap import sitemap_files
from newsprism.render._urls import parse_base_url
from newsprism.render._versioned import settle, update
from newsprism.render._views import DigestView, digest_view, long_date
from newsprism.store import NotFound, Store

# A digest's page gains a "next" link when the following digest appears, about a day later.
PAGE_CACHE = "public, max-age=3600"
# A digest's Markdown and JSON only change when the day is re-run.
DATED_CACHE = "public, max-age=86400"
# Read back by the next render; never worth caching on the way.
MANIFEST_CACHE = "no-cache"

log = logging.getLogger(__name__)


class RenderIncomplete(RuntimeError):
    """``render_all`` published what it could read; these stored documents it could not."""

    def __init__(self, written: list[str], damaged: list[str]) -> None:
        super().__init__(f"{len(damaged)} damaged stored document"
                         f"{'' if len(damaged) == 1 else 's'} left out: " + "; ".join(damaged))
        self.written = written
        self.damaged = damaged


def render_digest(data: Store, site: Store, topic_id: str, date: str, *,
                  base_url: str | None = None) -> list[str]:
    """Publish one stored digest, and refresh the pages that list or link to it."""
    base = parse_base_url(base_url)
    # Raises NotFound for a digest that was never stored.
    digest, stored = _load(data, topic_id, date)
    write = writer(site)
    keys = _write_sources(write, digest, stored)
    views = _Views(digest)
    before: list[TopicManifest] = []

    made: dict[bytes, TopicManifest] = {}  # what add_day wrote, not to be parsed again

    def add_day(body: bytes | None) -> bytes:
        manifest = _topic_manifest(body, topic_id)
        before[:] = [manifest]
        added = manifest.with_digest(views.at(sorted({*manifest.dates, date})))
        made.clear()
        made[written := added.to_bytes()] = added
        return written

    key = manifest_key(topic_id)
    version = update(site, key, add_day, cache_control=MANIFEST_CACHE)
    new_day = date not in before[0].dates
    latest: list[TopicManifest] = []

    def publish(body: bytes) -> list[str]:
        manifest = made.get(body) or TopicManifest.from_bytes(body, key=key)
        latest[:] = [manifest]
        written = _write_page(write, manifest, views.at(manifest.dates), base)
        if new_day:  # the days around a new one gain a link to it
            for neighbour in manifest.neighbours(date):
                if neighbour:
                    written += _refresh_page(data, write, manifest, neighbour, base)
        return written + topic_pages(write, manifest, [date[:7]], base)

    keys += [key, *settle(site, key, version, publish)]
    grew = not before[0].entries or sitemap_files(before[0]) != sitemap_files(latest[0])
    keys += _publish_site(site, write, latest[0], base, sitemaps=grew)
    return sorted(set(keys))


def render_all(data: Store, site: Store, *, base_url: str | None = None) -> list[str]:
    """Rebuild the whole site, and its manifests, from the stored digests. A damaged digest
    is left out and reported (``RenderIncomplete``, after everything else is written); a
    topic none of whose digests could be read keeps its manifest."""
    base = parse_base_url(base_url)
    catalog: dict[str, list[str]] = {}
    for key in data.list(DIGESTS):
        try:
            topic_id, date = parse_daily_key(key, DIGESTS)
        except ValueError:
            continue
        catalog.setdefault(topic_id, []).append(date)
    write = writer(site)
    manifests: dict[str, TopicManifest] = {}
    damaged: list[str] = []
    keys: list[str] = []
    for topic_id, dates in sorted(catalog.items()):
        loaded = {}
        for date in sorted(dates):
            try:
                loaded[date] = _load(data, topic_id, date)
            except SchemaError as exc:  # one damaged digest must not cost the others' pages
                log.warning("skipping %s", exc)
                damaged.append(str(exc))
        if not loaded:
            continue
        published = list(loaded)
        views = [digest_view(digest, published=published) for digest, _ in loaded.values()]
        manifest = empty_manifest(topic_id)
        for view in views:
            manifest = manifest.with_digest(view)
        for view, (digest, stored) in zip(views, loaded.values(), strict=True):
            keys += _write_sources(write, digest, stored)
            keys += _write_page(write, manifest, view, base)
        keys += topic_pages(write, manifest, {d[:7] for d in published}, base)
        manifests[topic_id] = manifest
    kept = {topic for topic in catalog if topic not in manifests}  # unreadable: kept as is
    for key in site.list(MANIFESTS):  # topics with no stored digest left leave the site
        topic = manifest_topic(key)
        gone = topic is not None and topic not in manifests and topic not in kept
        if gone or key.startswith(directory_key("")[:-len(".json")]):  # directories: rebuilt
            site.delete(key)
    for manifest in manifests.values():
        keys.append(write(manifest.key, manifest.to_bytes(), MANIFEST_CACHE))
    for topic in sorted(kept):  # their lines in the site-wide pages come from their manifests
        with contextlib.suppress(NotFound, SchemaError):
            manifests[topic] = TopicManifest.from_bytes(site.read(manifest_key(topic)),
                                                        key=manifest_key(topic))
    keys += _write_site(site, write, manifests, base)
    if damaged:
        raise RenderIncomplete(sorted(set(keys)), damaged)
    return sorted(set(keys))


class _Views:
    """The digest's page data for a given list of published days, built once per list."""

    def __init__(self, digest: Digest) -> None:
        self.digest = digest
        self.built: dict[tuple[str, ...], DigestView] = {}

    def at(self, published: list[str]) -> DigestView:
        key = tuple(published)
        if key not in self.built:
            self.built[key] = digest_view(self.digest, published=published)
        return self.built[key]


def _topic_manifest(body: bytes | None, topic_id: str) -> TopicManifest:
    if body is None:
        return empty_manifest(topic_id)
    return TopicManifest.from_bytes(body, key=manifest_key(topic_id))


def _write_site(site: Store, write: Write, manifests: dict[str, TopicManifest],
                base: str | None) -> list[str]:
    """Every site-wide document and page, from every topic's manifest (``render_all``)."""
    summary, directories = SiteSummary(), dict[str, Directory]()
    for topic, manifest in sorted(manifests.items()):
        summary = summary.with_topic(manifest)
        initial = initial_of(topic)
        directories[initial] = directories.get(initial, Directory(initial, {})).with_topic(
            manifest)
    shared = shared_pages(base)
    keys = [write(name, body, cache) for name, (body, cache) in shared.items()]
    summary = summary.with_shared_pages(shared_pages_version(shared))
    for initial, directory in directories.items():
        keys.append(write(directory_key(initial), directory.to_bytes(), MANIFEST_CACHE))
        keys += directory_pages(write, directory, base)
    keys.append(write(SITE_SUMMARY, summary.to_bytes(), MANIFEST_CACHE))
    keys += home_pages(write, summary, base)
    if base:
        keys += _write_sitemaps(site, write, base)
    return keys


def _publish_site(site: Store, write: Write, manifest: TopicManifest, base: str | None, *,
                  sitemaps: bool) -> list[str]:
    """The topic's line in its directory page and in the site summary, and the pages built
    from them: the directory page, the home page and the site feed; the shared pages when
    they changed; the sitemap index when the topic's sitemap files did."""
    initial = initial_of(manifest.topic)
    key = directory_key(initial)

    def add_to_directory(body: bytes | None) -> bytes:
        return _directory(site, body, initial).with_topic(manifest).to_bytes()

    version = update(site, key, add_to_directory, cache_control=MANIFEST_CACHE)
    keys = [key, *settle(site, key, version, lambda body: directory_pages(
        write, Directory.from_bytes(body, initial), base))]

    shared = shared_pages(base)
    pages_now = shared_pages_version(shared)
    pages_before: list[str] = []

    def add_to_summary(body: bytes | None) -> bytes:
        summary = _summary(site, body)
        pages_before[:] = [summary.shared_pages]
        return summary.with_topic(manifest).to_bytes()

    version = update(site, SITE_SUMMARY, add_to_summary, cache_control=MANIFEST_CACHE)
    keys += [SITE_SUMMARY, *settle(site, SITE_SUMMARY, version, lambda body: home_pages(
        write, SiteSummary.from_bytes(body), base))]
    if pages_before[0] != pages_now:  # a new deployment or base URL: written once, then noted
        keys += [write(name, body, cache) for name, (body, cache) in shared.items()]
        update(site, SITE_SUMMARY,
               lambda body: _summary(site, body).with_shared_pages(pages_now).to_bytes(),
               cache_control=MANIFEST_CACHE)
        sitemaps = True
    if sitemaps and base:
        keys += _write_sitemaps(site, write, base)
    return keys


def _write_sitemaps(site: Store, write: Write, base: str) -> list[str]:
    """The sitemap index, from a listing of the sitemaps; listed again after writing, as a
    new topic's sitemap may have appeared meanwhile."""
    written: list[str] = []
    listed: list[str] | None = None
    while listed != (now := site.list("sitemaps/")):
        listed = now
        initials = SiteSummary.from_bytes(site.read(SITE_SUMMARY)).initials
        written += sitemap_pages(write, site, initials, base)
    return written


def _summary(site: Store, body: bytes | None) -> SiteSummary:
    """The stored site summary; built from every topic's manifest where there is none (a
    site published before it existed) or it is damaged: once, not on every render."""
    if body is not None:
        try:
            return SiteSummary.from_bytes(body)
        except SchemaError as exc:
            log.warning("rebuilding %s from the manifests: %s", SITE_SUMMARY, exc)
    summary = SiteSummary()
    for manifest in load_manifests(site).values():
        summary = summary.with_topic(manifest)
    return summary


def _directory(site: Store, body: bytes | None, initial: str) -> Directory:
    """The stored directory of ``initial``; built from its topics' manifests where there is
    none or it is damaged."""
    if body is not None:
        try:
            return Directory.from_bytes(body, initial)
        except SchemaError as exc:
            log.warning("rebuilding %s from the manifests: %s", directory_key(initial), exc)
    directory = Directory(initial, {})
    for manifest in load_manifests(site, prefix=MANIFESTS + initial).values():
        directory = directory.with_topic(manifest)
    return directory


def _load(data: Store, topic_id: str, date: str) -> tuple[Digest, bytes]:
    """The stored digest, and its bytes: the site publishes those as the digest's JSON."""
    key = digest_key(topic_id, date)
    stored = data.read(key)
    return decode(stored, Digest.from_dict, name=key), stored


def _refresh_page(data: Store, write: Write, manifest: TopicManifest, date: str,
                  base: str | None) -> list[str]:
    try:
        digest, _ = _load(data, manifest.topic, date)
    except (NotFound, SchemaError) as exc:  # its data is gone or damaged: its page stays
        log.warning("not refreshing %s/%s: %s", manifest.topic, date, exc)
        return []
    return _write_page(write, manifest, digest_view(digest, published=manifest.dates), base)


def _write_page(write: Write, manifest: TopicManifest, view: DigestView,
                base: str | None) -> list[str]:
    """The digest's page, linking to its neighbours in ``manifest``."""
    previous, following = manifest.neighbours(view.date)
    page = render_page("digest.html", root="../../", base=base,
                       canonical=f"{view.topic}/{view.date}/",
                       digest=view, previous=previous, next=following,
                       previous_label=long_date(previous) if previous else "",
                       next_label=long_date(following) if following else "",
                       topic_feed="../feed.xml")
    return [write(f"{view.topic}/{view.date}/index.html", page, PAGE_CACHE)]


def _write_sources(write: Write, digest: Digest, stored: bytes) -> list[str]:
    """The digest's Markdown and published JSON: they depend on nothing else."""
    topic, date = digest.classified.topic, digest.classified.date
    return [write(f"{topic}/{date}.md", render_markdown(digest).encode(), DATED_CACHE),
            write(f"{topic}/{date}.json", _published_json(digest, stored), DATED_CACHE)]


def _published_json(digest: Digest, stored: bytes) -> bytes:
    """The stored digest with ``compared`` added: the events two sides or more reported,
    each side's reports apart, for readers of the JSON as for readers of the page."""
    document = loads(stored, name=digest.key)
    document.pop("schema", None)  # dumps stamps it
    document["compared"] = compared_document(digest.classified)
    for section in ("articles", "excluded"):
        for article in document.get(section, []):
            if isinstance(article, dict) and isinstance(article.get("feed"), str):
                article["feed"] = public_url(article["feed"])
    return dumps(document)


def public_url(url: str) -> str:
    """A feed's URL as the site may show it: no credentials, query or fragment, where a
    private feed keeps its token (the stored classification keeps the whole URL)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    if ":" in (parts.hostname or ""):  # an IPv6 literal keeps its brackets
        host = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


