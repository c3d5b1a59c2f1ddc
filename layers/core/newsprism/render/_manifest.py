"""The site's manifest: what the index, archives, feeds and sitemap are built from.

Publishing a day must cost the same with ten digests in the archive as with eight hundred, so
the render stage never lists or reads the archive: it reads one compact document for its
topic, ``manifest/{topic}.json`` in the site store, adds the new day and writes it back. It lives
beside the pages it describes, so it lists exactly what this site has published (a fresh
site starts empty), and anyone may read it as a machine-readable table of contents.

One file per topic: renders of different topics never write the same one, and renders of one
topic update it by compare-and-swap (``_versioned``), so none loses another's day. Every
entry keeps the day's dates, counts and first highlight (for the archive); only the newest
``FEED_ENTRIES`` keep all the highlights (for the feeds): a compact line a day.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
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

log = logging.getLogger(__name__)

FEED_ENTRIES = 20  # digests per feed; the manifest keeps the highlights of this many
LEAD_CHARS = 200  # the first highlight, as the archive shows it
PARSED = 40  # entries read into objects; at least the archive page's and the feeds'



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
    """Every digest of one topic that the site has published, oldest first.

    Only the newest ``PARSED`` entries are read into ``Entry`` objects: a render needs no
    more (the archive page, the feeds, the new day's neighbours). The older ones stay as
    stored (``older``), looked at for their dates or their month's page only, so reading and
    writing a manifest of a year costs about what one of a month does.
    """

    topic: str
    name: str  # the topic's name in its newest digest
    perspectives: tuple[PerspectiveInfo, ...]  # in configuration order, as of the newest digest
    entries: tuple[Entry, ...]  # the newest PARSED, oldest first
    older: tuple[dict[str, Any], ...] = ()  # the earlier entries as stored, oldest first

    @property
    def key(self) -> str:
        return manifest_key(self.topic)

    @property
    def days(self) -> int:
        return len(self.older) + len(self.entries)

    @cached_property  # asked for several times a render; a year of dates is a long list
    def dates(self) -> list[str]:
        return [str(entry["date"]) for entry in self.older] + [e.date for e in self.entries]

    @property
    def latest(self) -> Entry:
        return self.entries[-1]

    def changed_days(self) -> list[tuple[str, str]]:
        """Every digest's date and the day (UTC) it was generated, newest first."""
        newest = [(e.date, e.generated_at.date().isoformat()) for e in reversed(self.entries)]
        # Stored times are UTC ("2026-02-12T04:10:00.000Z"): the day is their first ten.
        return newest + [(str(e["date"]), str(e["generated_at"])[:10])
                         for e in reversed(self.older)]

    def months(self) -> list[str]:
        """The months ("2026-02") with a digest, oldest first."""
        return sorted({date[:7] for date in self.dates})

    def month(self, month: str) -> list[Entry]:
        """The entries of ``month``, oldest first."""
        return ([Entry.from_dict(e) for e in self.older if str(e["date"]).startswith(month)]
                + [e for e in self.entries if e.date.startswith(month)])

    def with_digest(self, view: DigestView) -> TopicManifest:
        """This manifest with the digest's entry added, or replacing the one of its day."""
        added = entry_of(view)
        older, parsed = list(self.older), list(self.entries)
        if older and added.date <= str(older[-1]["date"]):  # a day long past: read them all
            parsed = [Entry.from_dict(e) for e in older] + parsed
            older = []
        parsed = sorted([*(e for e in parsed if e.date != added.date), added],
                        key=lambda entry: entry.date)
        # Only the newest entries feed the feeds: the others drop their highlights.
        keep = len(parsed) - FEED_ENTRIES
        parsed = [replace(e, sections=()) if i < keep and e.sections else e
                  for i, e in enumerate(parsed)]
        older += [e.to_dict() for e in parsed[:-PARSED]]
        newest = parsed[-1].date == view.date
        return TopicManifest(
            topic=self.topic,
            name=view.topic_name if newest else self.name,
            perspectives=(tuple(PerspectiveInfo(p.id, p.name) for p in view.perspectives
                                if p.tone) if newest else self.perspectives),
            entries=tuple(parsed[-PARSED:]),
            older=tuple(older),
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
            "entries": [*self.older, *(entry.to_dict() for entry in self.entries)],
        }
        # Compact, unlike the stage documents: it grows by one line of JSON a day.
        return compact_json(document)

    @classmethod
    def from_bytes(cls, data: bytes, *, key: str) -> TopicManifest:
        document = loads(data, name=key)
        try:
            stored = document["entries"]
            older = tuple(stored[:-PARSED])
            if not all(isinstance(e, dict) and isinstance(e.get("date"), str)
                       and isinstance(e.get("generated_at"), str) for e in older):
                raise ValueError("an entry without its date")
            return cls(
                topic=str(document["topic"]), name=str(document["name"]),
                perspectives=tuple(PerspectiveInfo(str(p["id"]), str(p["name"]))
                                   for p in document["perspectives"]),
                entries=tuple(Entry.from_dict(e) for e in stored[-PARSED:]),
                older=older,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SchemaError(f"{key}: not a site manifest ({exc!r}); rebuild the site with "
                              "'newsprism render --all'") from exc


def compact_json(document: dict[str, Any]) -> bytes:
    """A site document as one line of JSON, keys sorted: the same document, the same bytes."""
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            + "\n").encode()


def empty_manifest(topic: str) -> TopicManifest:
    return TopicManifest(topic=topic, name=topic, perspectives=(), entries=())


def load_manifests(site: Store, prefix: str = MANIFESTS) -> dict[str, TopicManifest]:
    """The manifests of the topics whose key starts with ``prefix`` (every topic's by
    default), by topic id (sorted). Only for rebuilding a site-wide document that is missing
    or damaged: a render reads its own topic's manifest only. A damaged manifest is left
    out (logged): it must not cost the other topics their place."""
    manifests = {}
    for key in site.list(prefix):
        if manifest_topic(key):
            try:
                manifest = TopicManifest.from_bytes(site.read(key), key=key)
            except NotFound:  # removed between the listing and the read
                continue
            except SchemaError as exc:
                log.warning("leaving out %s", exc)
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
