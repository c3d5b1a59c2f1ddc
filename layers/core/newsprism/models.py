"""The data that flows between stages, as typed dataclasses.

Each stage stores one JSON document (see DESIGN "Stored JSON"): every document carries
``"schema": 1`` and is written with sorted keys, so a rerun on the same inputs gives the
same bytes. ``to_dict``/``from_dict`` are the only places that know the JSON shape.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

SCHEMA = 1

FeedStatus = Literal["ok", "not_modified", "error"]
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # JSON's escape of a UTF-16 surrogate


class SchemaError(ValueError):
    """A stored document is not one this version of newsprism understands."""


def dumps(document: dict[str, Any], *, compact: bool = False) -> bytes:
    """Serialize a stored document: schema-stamped, keys sorted, UTF-8, newline-terminated.

    Indented for people who open it, unless ``compact``: on one line, for the fetch stage's
    raw runs, which hold thousands of articles and are read by programs. orjson writes them
    about eight times faster than json (0.9 against 7.4 µs an article here), byte for byte
    as ``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` would for
    what stored documents hold: strings, integers, booleans, null, lists and objects
    (tests/test_models.py holds the two to the same bytes).
    """
    body = {"schema": SCHEMA, **document}
    if compact:
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, indent=1)
    return (text + "\n").encode()


def loads(data: bytes, *, name: str) -> dict[str, Any]:
    """Parse a stored document, refusing damaged JSON and unknown schema versions."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{name}: not valid JSON ({exc})") from exc
    except RecursionError as exc:  # "[[[[…": nested deeper than the parser goes (issue 9)
        raise SchemaError(f"{name}: not valid JSON (nested too deeply)") from exc
    if not isinstance(document, dict):
        raise SchemaError(f"{name}: expected a JSON object")
    if document.get("schema") != SCHEMA:
        found = document.get("schema")
        raise SchemaError(f"{name}: unsupported schema {found!r} (expected {SCHEMA})")
    if _SURROGATE_ESCAPE.search(data):
        # "\ud800" alone decodes to a character no UTF-8 file can hold: the stage would
        # fail writing its output (issue 9). Only a damaged or foreign document has one.
        try:
            json.dumps(document, ensure_ascii=False).encode()
        except UnicodeEncodeError as exc:
            raise SchemaError(f"{name}: holds an unpaired surrogate "
                              f"({exc.object[exc.start:exc.end]!r})") from exc
    return document


def decode[T](data: bytes, read: Callable[[dict[str, Any]], T], *, name: str) -> T:
    """A stored document as its dataclass (``read`` is its ``from_dict``). A document that
    parses but lacks a field or holds a wrong type raises ``SchemaError`` naming it, as any
    damaged document does, rather than a bare KeyError (issue 9)."""
    document = loads(data, name=name)
    try:
        return read(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SchemaError(f"{name}: damaged ({type(exc).__name__}: {exc})") from exc


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z``, as JavaScript's ``toISOString`` writes it."""
    # isoformat, not strftime: "%Y" leaves years before 1000 unpadded ("5-01-01"), which
    # fromisoformat then refuses; a hostile feed may date an entry in year 5.
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.removesuffix("+00:00") + "Z"


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; a naive one is taken as UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def article_id(canonical_url: str) -> str:
    """A stable id for an article: the first 16 hex digits of the SHA-256 of its canonical URL."""
    return hashlib.sha256(canonical_url.encode()).hexdigest()[:16]


# Not frozen, unlike the other documents: a fetch builds tens of thousands of articles, and
# a frozen dataclass's __init__ (object.__setattr__ per field) costs three times as much.
# Nothing changes an article once built; dataclasses.replace makes an edited copy.
@dataclass(slots=True)
class Article:
    """One normalized feed entry, as the fetch stage stores it."""

    id: str
    title: str
    url: str
    source: str  # the outlet's display name
    source_url: str  # the outlet's home page ("" when unknown)
    published: datetime
    language: str
    region: str
    feed: str  # URL of the feed it came from
    perspective: str  # the perspective of that feed
    summary: str = ""  # the entry's description as plain text (for relevance), "" when none

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "source_url": self.source_url,
            "published": format_time(self.published),
            "language": self.language,
            "region": self.region,
            "feed": self.feed,
            "perspective": self.perspective,
            "summary": self.summary,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            url=str(data["url"]),
            source=str(data["source"]),
            source_url=str(data.get("source_url", "")),
            published=parse_time(str(data["published"])),
            language=str(data.get("language", "")),
            region=str(data.get("region", "")),
            feed=str(data.get("feed", "")),
            perspective=str(data["perspective"]),
            summary=str(data.get("summary", "")),
        )


@dataclass(frozen=True)
class FeedReport:
    """What happened to one configured feed in one fetch run."""

    url: str
    perspective: str
    status: FeedStatus
    error: str = ""
    http_status: int | None = None
    articles: int = 0
    elapsed_ms: int = 0
    attempts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "perspective": self.perspective,
            "status": self.status,
            "error": self.error,
            "http_status": self.http_status,
            "articles": self.articles,
            "elapsed_ms": self.elapsed_ms,
            "attempts": self.attempts,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedReport:
        return cls(
            url=str(data["url"]),
            perspective=str(data.get("perspective", "")),
            status=data["status"],
            error=str(data.get("error", "")),
            http_status=data.get("http_status"),
            articles=int(data.get("articles", 0)),
            elapsed_ms=int(data.get("elapsed_ms", 0)),
            attempts=int(data.get("attempts", 0)),
        )


@dataclass(frozen=True)
class RawRun:
    """One fetch run of one topic: ``raw/{topic}/{date}/{run_id}.json``."""

    topic: str
    run_id: str
    fetched_at: datetime
    feeds: tuple[FeedReport, ...]
    articles: tuple[Article, ...]

    @property
    def key(self) -> str:
        return f"raw/{self.topic}/{self.fetched_at.date().isoformat()}/{self.run_id}.json"

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "run_id": self.run_id,
            "fetched_at": format_time(self.fetched_at),
            "feeds": [feed.to_dict() for feed in self.feeds],
            "articles": [article.to_dict() for article in self.articles],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RawRun:
        return cls(
            topic=str(data["topic"]),
            run_id=str(data["run_id"]),
            fetched_at=parse_time(str(data["fetched_at"])),
            feeds=tuple(FeedReport.from_dict(feed) for feed in data["feeds"]),
            articles=tuple(Article.from_dict(article) for article in data["articles"]),
        )


@dataclass(frozen=True)
class RelatedReport:
    """Another outlet's report of a listed story (kept with the story, not listed itself)."""

    title: str
    url: str
    source: str
    perspective: str
    id: str = ""  # the article id (issue 5: the next day's repeat check matches on it)
    reason: str = ""  # why it went to that perspective, as ListedArticle.reason

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url, "source": self.source,
                "perspective": self.perspective, "id": self.id, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RelatedReport:
        return cls(title=str(data["title"]), url=str(data["url"]), source=str(data["source"]),
                   perspective=str(data.get("perspective", "")), id=str(data.get("id", "")),
                   reason=str(data.get("reason", "")))


@dataclass(frozen=True)
class ListedArticle:
    """An article the digest lists, with where it went and why."""

    article: Article
    perspective: str  # the perspective it is listed under (may differ from the feed's)
    reason: str  # why it went there, e.g. "feed" or "source: South China Morning Post (HK)"
    story: str  # id of the story it reports
    related: tuple[RelatedReport, ...] = ()
    # Perspectives whose articles reported this story (the listed one and its related
    # reports), in configuration order. One perspective only, in a topic of several,
    # makes the story a "blindspot" of the others.
    covered_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.article.to_dict(),
            "feed_perspective": self.article.perspective,
            "perspective": self.perspective,
            "reason": self.reason,
            "story": self.story,
            "related": [report.to_dict() for report in self.related],
            "covered_by": list(self.covered_by),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListedArticle:
        article = Article.from_dict({**data, "perspective": data["feed_perspective"]})
        return cls(
            article=article,
            perspective=str(data["perspective"]),
            reason=str(data.get("reason", "")),
            story=str(data.get("story", article.id)),
            related=tuple(RelatedReport.from_dict(r) for r in data.get("related", [])),
            covered_by=tuple(str(p) for p in data.get("covered_by", [])),
        )


@dataclass(frozen=True)
class PerspectiveInfo:
    id: str
    name: str


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

    def to_dict(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "in_window": self.in_window, "on_topic": self.on_topic,
                "listed": self.listed, "thin": self.thin, "stories": self.stories,
                "new_stories": self.new_stories}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coverage:
        return cls(fetched=int(data.get("fetched", 0)), in_window=int(data.get("in_window", 0)),
                   on_topic=int(data.get("on_topic", 0)), listed=int(data.get("listed", 0)),
                   thin=bool(data.get("thin", False)), stories=int(data.get("stories", 0)),
                   new_stories=int(data.get("new_stories", 0)))


@dataclass(frozen=True)
class ExcludedArticle:
    """An article of the window that the digest does not list, and why (issue 5)."""

    id: str
    title: str
    source: str
    perspective: str  # where it would have gone
    reason: str  # why there, as ListedArticle.reason
    dropped: str  # "off_topic", "repeat" or "not_selected"
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

    @property
    def key(self) -> str:
        return f"classified/{self.topic}/{self.date}.json"

    def count(self, perspective: str) -> int:
        return sum(1 for listed in self.articles if listed.perspective == perspective)

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "topic_name": self.topic_name,
            "date": self.date,
            "generated_at": format_time(self.generated_at),
            "window_start": format_time(self.window_start),
            "perspectives": [
                {"id": p.id, "name": p.name, "count": self.count(p.id)} for p in self.perspectives
            ],
            "articles": [listed.to_dict() for listed in self.articles],
            "stats": dict(self.stats),
            "runs": list(self.runs),
            "coverage": {pid: c.to_dict() for pid, c in self.coverage.items()},
            "excluded": [article.to_dict() for article in self.excluded],
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
                PerspectiveInfo(id=str(p["id"]), name=str(p["name"])) for p in data["perspectives"]
            ),
            articles=tuple(ListedArticle.from_dict(a) for a in data["articles"]),
            stats={str(k): int(v) for k, v in data.get("stats", {}).items()},
            runs=tuple(str(r) for r in data.get("runs", [])),
            coverage={str(pid): Coverage.from_dict(c)
                      for pid, c in data.get("coverage", {}).items()},
            excluded=tuple(ExcludedArticle.from_dict(a) for a in data.get("excluded", [])),
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

    @property
    def key(self) -> str:
        return f"digests/{self.classified.topic}/{self.classified.date}.json"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.classified.to_dict(),
            "highlights": self.highlights.to_dict(),
            "summarizer": self.summarizer,
            "summarizer_note": self.summarizer_note,
            "model": self.model,
            "usage": dict(self.usage),
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
        )
