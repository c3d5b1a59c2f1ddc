"""What the classify and summarize stages store: the listed articles and the digest.

``classified/{topic}/{date}.json`` is a ``Classified``; ``digests/{topic}/{date}.json`` is a
``Digest``, the same document with its highlights. Written and read through ``models``'
``dumps`` and ``decode``, like every stored document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsprism.documents._keys import classified_key, digest_key
from newsprism.documents._raw import Article, format_time, parse_time

# The perspective id of the "Other countries" group: articles whose outlet the registry places
# in a country no perspective of the topic claims (docs/design.md, "Classify"). Never a side:
# not in a side's totals, quota, blindspots, thin-side warning or coverage bar.
OTHER = "other"
_SOURCE_REASON = re.compile(r"^source: .* \(([A-Z]{2})\)")


def _verified(data: dict[str, Any]) -> tuple[str | None, bool]:
    """``outlet_country`` and ``verified`` as stored; a document written before they were
    stored has them in its ``reason`` ("source: South China Morning Post (HK)")."""
    if "verified" in data:
        country = data.get("outlet_country")
        return (str(country) if country else None), bool(data["verified"])
    found = _SOURCE_REASON.match(str(data.get("reason", "")))
    return (found.group(1), True) if found else (None, False)


def _attribution_of(data: dict[str, Any]) -> str:
    """The attribution of a document written before it was stored: under "feed" every
    article's reason was just "feed"."""
    articles = data.get("articles") or []
    feed = all(isinstance(a, dict) and a.get("reason") == "feed" for a in articles)
    return "feed" if articles and feed else "source"


@dataclass(frozen=True)
class RelatedReport:
    """Another outlet's report of a listed story (kept with the story, not listed itself)."""

    title: str
    url: str
    source: str
    perspective: str
    id: str = ""  # the article id (issue 5: the next day's repeat check matches on it)
    reason: str = ""  # why it went to that perspective, as ListedArticle.reason
    outlet_country: str | None = None  # as ListedArticle.outlet_country
    verified: bool = False  # as ListedArticle.verified

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url, "source": self.source,
                "perspective": self.perspective, "id": self.id, "reason": self.reason,
                "outlet_country": self.outlet_country, "verified": self.verified}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RelatedReport:
        country, verified = _verified(data)
        return cls(title=str(data["title"]), url=str(data["url"]), source=str(data["source"]),
                   perspective=str(data.get("perspective", "")), id=str(data.get("id", "")),
                   reason=str(data.get("reason", "")), outlet_country=country, verified=verified)


@dataclass(frozen=True)
class ListedArticle:
    """An article the digest lists, with where it went and why."""

    article: Article
    # The perspective it is listed under (may differ from the feed's), or OTHER.
    perspective: str
    reason: str  # why it went there, e.g. "feed" or "source: South China Morning Post (HK)"
    story: str  # id of the story it reports
    related: tuple[RelatedReport, ...] = ()
    # Perspectives whose counted reports (Classified.counts) reported this story, in
    # configuration order; never OTHER. One perspective only, in a topic of several, makes
    # the story a "blindspot" of the others.
    covered_by: tuple[str, ...] = ()
    # The outlet's country by the registry (ISO 3166-1 alpha-2); None when the registry does
    # not know the outlet or it is an aggregator, whose country says nothing of the report's.
    outlet_country: str | None = None
    verified: bool = False  # the outlet's country decided the perspective

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.article.to_dict(),
            "feed_perspective": self.article.perspective,
            "perspective": self.perspective,
            "reason": self.reason,
            "story": self.story,
            "related": [report.to_dict() for report in self.related],
            "covered_by": list(self.covered_by),
            "outlet_country": self.outlet_country,
            "verified": self.verified,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListedArticle:
        article = Article.from_dict({**data, "perspective": data["feed_perspective"]})
        country, verified = _verified(data)
        return cls(
            article=article,
            perspective=str(data["perspective"]),
            reason=str(data.get("reason", "")),
            story=str(data.get("story", article.id)),
            related=tuple(RelatedReport.from_dict(r) for r in data.get("related", [])),
            covered_by=tuple(str(p) for p in data.get("covered_by", [])),
            outlet_country=country,
            verified=verified,
        )


@dataclass(frozen=True)
class ContinuingStory:
    """A story an earlier digest listed that is still reported today (issue 20): shown in a
    short "Continuing" list, not in the digest's body, unless ``repeat_stories``."""

    id: str  # the article id of today's report that stands for it
    title: str
    url: str
    source: str
    perspective: str
    first_listed: str  # YYYY-MM-DD: the digest that first listed the story
    reports: int = 1  # today's reports of it
    covered_by: tuple[str, ...] = ()  # as ListedArticle.covered_by, today
    outlet_country: str | None = None
    verified: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url, "source": self.source,
                "perspective": self.perspective, "first_listed": self.first_listed,
                "reports": self.reports, "covered_by": list(self.covered_by),
                "outlet_country": self.outlet_country, "verified": self.verified}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContinuingStory:
        country, verified = _verified(data)
        return cls(id=str(data["id"]), title=str(data["title"]), url=str(data["url"]),
                   source=str(data["source"]), perspective=str(data["perspective"]),
                   first_listed=str(data["first_listed"]), reports=int(data.get("reports", 1)),
                   covered_by=tuple(str(p) for p in data.get("covered_by", [])),
                   outlet_country=country, verified=verified)


@dataclass(frozen=True)
class PerspectiveInfo:
    id: str
    name: str
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2: the outlets' countries it stands for


@dataclass(frozen=True)
class Coverage:
    """How one perspective's articles fared through classification (coverage health)."""

    fetched: int = 0  # unique articles attributed to it, before any filter
    in_window: int = 0
    on_topic: int = 0
    listed: int = 0
    thin: bool = False  # fewer listed than the health threshold: the site warns
    stories: int = 0  # stories it leads once on-topic reports are grouped (issue 5)
    new_stories: int = 0  # of those, not repeats of the previous digest
    unverified: int = 0  # of the listed, those whose outlet did not decide the side

    def to_dict(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "in_window": self.in_window, "on_topic": self.on_topic,
                "listed": self.listed, "thin": self.thin, "stories": self.stories,
                "new_stories": self.new_stories, "unverified": self.unverified}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coverage:
        return cls(fetched=int(data.get("fetched", 0)), in_window=int(data.get("in_window", 0)),
                   on_topic=int(data.get("on_topic", 0)), listed=int(data.get("listed", 0)),
                   thin=bool(data.get("thin", False)), stories=int(data.get("stories", 0)),
                   new_stories=int(data.get("new_stories", 0)),
                   unverified=int(data.get("unverified", 0)))


@dataclass(frozen=True)
class ExcludedArticle:
    """An article of the window that the digest does not list, and why (issue 5)."""

    id: str
    title: str
    source: str
    perspective: str  # where it would have gone
    reason: str  # why there, as ListedArticle.reason
    dropped: str  # "other_country", "off_topic", "repeat" or "not_selected"
    detail: str = ""  # e.g. the keyword group it misses, the digest that listed it

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source,
                "perspective": self.perspective, "reason": self.reason, "dropped": self.dropped,
                "detail": self.detail}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExcludedArticle:
        return cls(id=str(data["id"]), title=str(data.get("title", "")),
                   source=str(data.get("source", "")), perspective=str(data.get("perspective", "")),
                   reason=str(data.get("reason", "")), dropped=str(data.get("dropped", "")),
                   detail=str(data.get("detail", "")))


@dataclass(frozen=True)
class Classified:
    """The articles one digest lists, in selection order: ``classified/{topic}/{date}.json``."""

    topic: str
    topic_name: str
    date: str  # YYYY-MM-DD, the UTC date of generated_at
    generated_at: datetime  # the run's clock (--now)
    window_start: datetime
    perspectives: tuple[PerspectiveInfo, ...]
    articles: tuple[ListedArticle, ...]
    stats: dict[str, int] = field(default_factory=dict)
    runs: tuple[str, ...] = ()  # the raw run files read
    coverage: dict[str, Coverage] = field(default_factory=dict)  # by perspective id
    excluded: tuple[ExcludedArticle, ...] = ()  # the window's articles not listed, and why
    # "source": an outlet's country decides its side; "feed": every article keeps its feed's.
    attribution: str = "source"
    continuing: tuple[ContinuingStory, ...] = ()  # earlier digests' stories still reported
    # What the matcher model decided about story pairs, or why its answer was not used
    # (issue 20); "" when no model was asked, and then not stored.
    matcher_note: str = ""
    # Not stored: True when the store already held exactly this document, so the stage wrote
    # nothing (and S3 sent no event to start the next stage).
    unchanged: bool = field(default=False, compare=False, repr=False)

    @property
    def key(self) -> str:
        return classified_key(self.topic, self.date)

    def count(self, perspective: str) -> int:
        return sum(1 for listed in self.articles if listed.perspective == perspective)

    def counts(self, report: ListedArticle | RelatedReport) -> bool:
        """Whether a report counts as its side's coverage (blindspots, the thin-side
        warning): only verified outlets do, unless every article keeps its feed's side."""
        return report.perspective != OTHER and (report.verified or self.attribution == "feed")

    @property
    def others(self) -> tuple[ListedArticle, ...]:
        """The listed articles of the "Other countries" group."""
        return tuple(listed for listed in self.articles if listed.perspective == OTHER)

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "topic_name": self.topic_name,
            "date": self.date,
            "generated_at": format_time(self.generated_at),
            "window_start": format_time(self.window_start),
            "perspectives": [
                {"id": p.id, "name": p.name, "count": self.count(p.id),
                 "countries": list(p.countries)} for p in self.perspectives
            ],
            "articles": [listed.to_dict() for listed in self.articles],
            "stats": dict(self.stats),
            "runs": list(self.runs),
            "coverage": {pid: c.to_dict() for pid, c in self.coverage.items()},
            "excluded": [article.to_dict() for article in self.excluded],
            "attribution": self.attribution,
            "continuing": [story.to_dict() for story in self.continuing],
            **({"matcher_note": self.matcher_note} if self.matcher_note else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Classified:
        return cls(
            topic=str(data["topic"]),
            topic_name=str(data["topic_name"]),
            date=str(data["date"]),
            generated_at=parse_time(str(data["generated_at"])),
            window_start=parse_time(str(data["window_start"])),
            perspectives=tuple(
                PerspectiveInfo(id=str(p["id"]), name=str(p["name"]),
                                countries=tuple(str(c) for c in p.get("countries", [])))
                for p in data["perspectives"]
            ),
            articles=tuple(ListedArticle.from_dict(a) for a in data["articles"]),
            stats={str(k): int(v) for k, v in data.get("stats", {}).items()},
            runs=tuple(str(r) for r in data.get("runs", [])),
            coverage={str(pid): Coverage.from_dict(c)
                      for pid, c in data.get("coverage", {}).items()},
            excluded=tuple(ExcludedArticle.from_dict(a) for a in data.get("excluded", [])),
            attribution=str(data.get("attribution") or _attribution_of(data)),
            continuing=tuple(ContinuingStory.from_dict(c) for c in data.get("continuing", [])),
            matcher_note=str(data.get("matcher_note") or ""),
        )


@dataclass(frozen=True)
class Bullet:
    """One highlight and the ids of the listed articles it rests on."""

    text: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": list(self.sources)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Bullet:
        return cls(text=str(data["text"]), sources=tuple(str(s) for s in data["sources"]))


@dataclass(frozen=True)
class Highlights:
    overall: tuple[Bullet, ...]
    perspectives: dict[str, tuple[Bullet, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": [b.to_dict() for b in self.overall],
            "perspectives": {k: [b.to_dict() for b in v] for k, v in self.perspectives.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Highlights:
        return cls(
            overall=tuple(Bullet.from_dict(b) for b in data["overall"]),
            perspectives={
                str(k): tuple(Bullet.from_dict(b) for b in v)
                for k, v in data["perspectives"].items()
            },
        )


@dataclass(frozen=True)
class Digest:
    """A classified selection with its highlights: ``digests/{topic}/{date}.json``."""

    classified: Classified
    highlights: Highlights
    summarizer: str  # "extractive", "bedrock", "openai"
    summarizer_note: str = ""  # e.g. why a model's answer was replaced by the extractive one
    model: str = ""  # the model id, where a model wrote the highlights
    usage: dict[str, int] = field(default_factory=dict)  # token counts reported by the model
    # What the highlights were made from (summarize's input_hash): the classified document's
    # bytes and the summarizer settings. "" when not recorded, and then not stored.
    input_hash: str = ""
    unchanged: bool = field(default=False, compare=False, repr=False)  # as Classified's

    @property
    def key(self) -> str:
        return digest_key(self.classified.topic, self.classified.date)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.classified.to_dict(),
            "highlights": self.highlights.to_dict(),
            "summarizer": self.summarizer,
            "summarizer_note": self.summarizer_note,
            "model": self.model,
            "usage": dict(self.usage),
            **({"input_hash": self.input_hash} if self.input_hash else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Digest:
        return cls(
            classified=Classified.from_dict(data),
            highlights=Highlights.from_dict(data["highlights"]),
            summarizer=str(data["summarizer"]),
            summarizer_note=str(data.get("summarizer_note", "")),
            model=str(data.get("model", "")),
            usage={str(k): int(v) for k, v in data.get("usage", {}).items()},
            input_hash=str(data.get("input_hash") or ""),
        )
