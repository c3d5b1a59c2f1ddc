"""The data that flows between stages, as typed dataclasses: how every stored document is
written and read, and what the fetch stage stores (``digests`` holds what the classify and
summarize stages store).

Each stage stores one JSON document (docs/design.md, "Stored JSON"): every document carries
``"schema": 1`` and is written with sorted keys, so a rerun on the same inputs gives the
same bytes. ``to_dict``/``from_dict`` are the only places that know the JSON shape.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from newsprism.documents._keys import raw_run_key
from newsprism.text import OUTLET_LIMIT, SUMMARY_LIMIT, TITLE_LIMIT, plain_text

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
        # Imported here: only the fetch stage writes compact documents, and orjson (with the
        # uuid module it loads) would add ~3.6 ms to every other handler's cold start.
        import orjson

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


_TWO_DIGITS = tuple(f"{number:02d}" for number in range(100))


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z``, as JavaScript's ``toISOString`` writes it."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # Two-digit fields from a table: isoformat costs twice as much, and a fetch formats a
    # time for each of tens of thousands of articles. (Not strftime: its "%Y" leaves years
    # before 1000 unpadded, "5-01-01", which fromisoformat then refuses, and a hostile feed
    # may date an entry in year 5.) Milliseconds are truncated, as toISOString does.
    year, milliseconds = moment.year, moment.microsecond // 1000
    return (f"{year if year >= 1000 else f'{year:04d}'}-{_TWO_DIGITS[moment.month]}-"
            f"{_TWO_DIGITS[moment.day]}T{_TWO_DIGITS[moment.hour]}:"
            f"{_TWO_DIGITS[moment.minute]}:{_TWO_DIGITS[moment.second]}."
            f"{'000' if not milliseconds else f'{milliseconds:03d}'}Z")


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
        # Feed text read back gets the normalization the parsers give it (text.plain_text):
        # runs stored before it (or by hand) may carry a U+202E or a 100 KB title (issue 22).
        return cls(
            id=str(data["id"]),
            title=plain_text(str(data["title"]), TITLE_LIMIT),
            url=str(data["url"]),
            source=plain_text(str(data["source"]), OUTLET_LIMIT),
            source_url=str(data.get("source_url", "")),
            published=parse_time(str(data["published"])),
            language=str(data.get("language", "")),
            region=str(data.get("region", "")),
            feed=str(data.get("feed", "")),
            perspective=str(data["perspective"]),
            summary=plain_text(str(data.get("summary", "")), SUMMARY_LIMIT),
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
        return raw_run_key(self.topic, self.fetched_at.date(), self.run_id)

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
