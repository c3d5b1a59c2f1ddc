"""The site's manifest: what the index, archives, feeds and sitemap are built from.

Publishing a day must cost the same with ten digests in the archive as with eight hundred, so
the render stage never lists or reads the archive: it reads one small document per topic,
``manifest/{topic}.json`` in the site store, adds the new day and writes it back. It lives
beside the pages it describes, so it lists exactly what this site has published (a fresh
site starts empty), and anyone may read it as a machine-readable table of contents.

One file per topic: renders of different topics, which run at the same time, never write the
same object, so none can lose another's update. Every entry keeps the day's dates, counts and
first highlight (for the archive); only the newest ``FEED_ENTRIES`` keep all the highlights
(for the feeds), which keeps the file small however long the archive grows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from newsprism.documents import (
    MANIFESTS,
    OTHER,
    SCHEMA,
    PerspectiveInfo,
    SchemaError,
    format_time,
    loads,
    manifest_key,
    manifest_topic,
    parse_time,
)
from newsprism.render._sources import OutletView, SourceView
from newsprism.render._views import DigestView
from newsprism.store import NotFound, Store

FEED_ENTRIES = 20  # digests per feed; the manifest keeps the highlights of this many
LEAD_CHARS = 200  # the first highlight, as the archive shows it


@dataclass(frozen=True)
class Section:
    """One heading of a digest's highlights and its bullets, as plain text; under "source"
    attribution also its outlets with their countries, and a last section, "Other
    countries", of the other countries' outlets only."""

    title: str
    bullets: tuple[str, ...]
    outlets: tuple[OutletView, ...] = ()

    def to_list(self) -> list[Any]:
        # [title, bullets] as before outlets were shown: a "feed" topic's manifest is unchanged.
        fields: list[Any] = [self.title, list(self.bullets)]
        if self.outlets:
            fields.append([[o.name, o.country, o.unverified] for o in self.outlets])
        return fields

    @classmethod
    def from_list(cls, data: list[Any]) -> Section:
        title, bullets, *outlets = data
        return cls(str(title), tuple(str(b) for b in bullets),
                   tuple(OutletView(str(name), str(country), bool(unverified))
                         for name, country, unverified in (outlets[0] if outlets else ())))


@dataclass(frozen=True)
class Entry:
    """One published digest."""

    date: str
    generated_at: datetime
    articles: int
    counts: dict[str, int]  # listed articles by perspective id; OTHER: other countries
    blindspots: int  # stories only one side covered
    thin: tuple[str, ...]  # perspective ids with the coverage-health warning
    lead: str  # the first overall highlight, shortened; "" when there is none
    sections: tuple[Section, ...] = ()  # all highlights; kept for the newest entries only
    compared: int = 0  # events two sides or more reported (issue 20)
    continuing: int = 0  # earlier digests' stories still reported

    @property
    def others(self) -> int:
        """Listed articles from other countries: no side's."""
        return self.counts.get(OTHER, 0)

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "date": self.date, "generated_at": format_time(self.generated_at),
            "articles": self.articles, "counts": dict(self.counts),
            "blindspots": self.blindspots, "thin": list(self.thin), "lead": self.lead,
        }
        if self.sections:
            document["sections"] = [section.to_list() for section in self.sections]
        # Only when there are any: an entry of a digest without them reads as before.
        for name, count in (("compared", self.compared), ("continuing", self.continuing)):
            if count:
                document[name] = count
        return document

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            date=str(data["date"]), generated_at=parse_time(str(data["generated_at"])),
            articles=int(data["articles"]),
            counts={str(k): int(v) for k, v in data["counts"].items()},
            blindspots=int(data.get("blindspots", 0)),
            thin=tuple(str(p) for p in data.get("thin", [])), lead=str(data.get("lead", "")),
            sections=tuple(Section.from_list(s) for s in data.get("sections", [])),
            compared=int(data.get("compared", 0)), continuing=int(data.get("continuing", 0)),
        )


@dataclass(frozen=True)
class TopicManifest:
    """Every digest of one topic that the site has published, oldest first."""

    topic: str
    name: str  # the topic's name in its newest digest
    perspectives: tuple[PerspectiveInfo, ...]  # in configuration order, as of the newest digest
    entries: tuple[Entry, ...]

    @property
    def key(self) -> str:
        return manifest_key(self.topic)

    @property
    def dates(self) -> list[str]:
        return [entry.date for entry in self.entries]

    @property
    def latest(self) -> Entry:
        return self.entries[-1]

    def with_digest(self, view: DigestView) -> TopicManifest:
        """This manifest with the digest's entry added, or replacing the one of its day."""
        others = [entry for entry in self.entries if entry.date != view.date]
        entries = sorted([*others, entry_of(view)], key=lambda entry: entry.date)
        # Only the newest entries feed the feeds: the others drop their highlights.
        keep = len(entries) - FEED_ENTRIES
        entries = [replace(e, sections=()) if i < keep and e.sections else e
                   for i, e in enumerate(entries)]
        newest = entries[-1].date == view.date
        return TopicManifest(
            topic=self.topic,
            name=view.topic_name if newest else self.name,
            perspectives=(tuple(PerspectiveInfo(p.id, p.name) for p in view.perspectives
                                if p.tone) if newest else self.perspectives),
            entries=tuple(entries),
        )

    def neighbours(self, date: str) -> tuple[str | None, str | None]:
        """The published days before and after ``date``; None at either end."""
        dates = self.dates
        before = [d for d in dates if d < date]
        after = [d for d in dates if d > date]
        return (before[-1] if before else None), (after[0] if after else None)

    def to_bytes(self) -> bytes:
        document = {
            "schema": SCHEMA, "topic": self.topic, "name": self.name,
            "perspectives": [{"id": p.id, "name": p.name} for p in self.perspectives],
            "entries": [entry.to_dict() for entry in self.entries],
        }
        # Compact, unlike the stage documents: it grows by one line of JSON a day.
        return (json.dumps(document, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":")) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes, *, key: str) -> TopicManifest:
        document = loads(data, name=key)
        try:
            return cls(
                topic=str(document["topic"]), name=str(document["name"]),
                perspectives=tuple(PerspectiveInfo(str(p["id"]), str(p["name"]))
                                   for p in document["perspectives"]),
                entries=tuple(Entry.from_dict(e) for e in document["entries"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SchemaError(f"{key}: not a site manifest ({exc!r}); rebuild the site with "
                              "'newsprism render --all'") from exc


def empty_manifest(topic: str) -> TopicManifest:
    return TopicManifest(topic=topic, name=topic, perspectives=(), entries=())


def load_manifests(site: Store) -> dict[str, TopicManifest]:
    """Every topic's manifest in the site, by topic id (sorted): one listing of the manifest
    folder (one key per topic) and one read per topic, whatever the size of the archive."""
    manifests = {}
    for key in site.list(MANIFESTS):
        if manifest_topic(key):
            try:
                manifest = TopicManifest.from_bytes(site.read(key), key=key)
            except NotFound:  # removed between the listing and the read
                continue
            manifests[manifest.topic] = manifest
    return dict(sorted(manifests.items()))


def entry_of(view: DigestView) -> Entry:
    sections = [Section("Overall highlights", tuple(b.text for b in view.overall))]
    for perspective in view.perspectives:
        if perspective.count == 0:
            bullets: tuple[str, ...] = (
                f"No {perspective.name} sources available for this time period.",)
        else:
            bullets = tuple(b.text for b in perspective.bullets)
        sections.append(Section(perspective.name, bullets,
                                _outlets(perspective.sources) if view.by_source else ()))
    if view.others:
        sections.append(Section("Other countries", (), _outlets(view.others)))
    counts = {p.id: p.count for p in view.perspectives}
    if view.others:
        counts[OTHER] = len(view.others)
    return Entry(
        date=view.date, generated_at=parse_time(view.generated_at),
        articles=view.article_count,
        counts=counts,
        blindspots=view.blindspot_count,
        thin=tuple(p.id for p in view.thin),
        lead=shorten(view.overall[0].text) if view.overall else "",
        sections=tuple(sections),
        compared=len(view.compared),
        continuing=len(view.continuing),
    )


def _outlets(sources: tuple[SourceView, ...]) -> tuple[OutletView, ...]:
    """Each outlet once, in list order."""
    return tuple(dict.fromkeys(source.outlet_view for source in sources))


def shorten(text: str, limit: int = LEAD_CHARS) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"
