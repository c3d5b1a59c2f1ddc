"""Reading a configuration document: every key checked, every problem named by its path.

``_load.parse_config`` decodes the TOML or JSON and hands the document here; the classes it
builds come from ``_model``. Two shapes are read: ours (``topics.toml``, or the same shape as
JSON) and the earlier system's ``topics.json``, mapped onto ours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

from newsprism.config._model import (
    SUMMARIZERS,
    Config,
    ConfigError,
    Feed,
    FetchSettings,
    Perspective,
    Settings,
    SummarizerSettings,
    Topic,
    check_summarizer,
    parse_duration,
    url_scheme,
)
from newsprism.documents import TOPIC_ID
from newsprism.outlets import country_problem

T = TypeVar("T")

_ID = re.compile(f"^{TOPIC_ID.pattern}$")
_PERSPECTIVE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")  # becomes a YAML key: "{id}Sources"


def read(document: dict[str, Any], *, name: str, may_be_legacy: bool) -> Config:
    """The configuration ``document`` describes (``may_be_legacy``: it may be the earlier system's
    schema); ``ConfigError`` names ``name``, the key and the problem."""
    reader = _Reader(name)
    if may_be_legacy and _is_legacy(document):
        return reader.legacy(document)
    return reader.config(document)


def _is_legacy(document: dict[str, Any]) -> bool:
    topics = document.get("topics")
    settings = document.get("settings")
    legacy_settings = isinstance(settings, dict) and any(k in settings for k in _LEGACY_SETTINGS)
    legacy_topics = isinstance(topics, list) and any(
        isinstance(topic, dict) and "rssFeeds" in topic for topic in topics
    )
    return legacy_settings or legacy_topics


_LEGACY_SETTINGS = (
    "maxArticlesPerTopic",
    "articleMaxAge",
    "minArticlesPerFeed",
    "deduplicationSimilarityThreshold",
)


class _Reader:
    """Walks a parsed document, checking keys and types and naming the path of any problem."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, key: str, reason: str) -> ConfigError:
        return ConfigError(f"{self.name}: {key}: {reason}")

    def table(self, value: Any, key: str, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {_kind(value)}")
        allowed = tuple(allowed)
        for unknown in sorted(set(value) - set(allowed)):
            prefix = f"{key}." if key else ""
            expected = ", ".join(allowed)
            # A quoted key may hold a line break: shown as a literal, the error stays one line.
            shown = unknown if unknown.isprintable() else repr(unknown)
            raise self.fail(f"{prefix}{shown}", f"unknown key (expected one of: {expected})")
        return value

    def get(self, table: dict[str, Any], key: str, path: str, kind: type[T], default: T) -> T:
        if key not in table:
            return default
        return self.typed(table[key], f"{path}.{key}" if path else key, kind)

    def typed(self, value: Any, key: str, kind: type[T]) -> T:
        # bool is a subclass of int: reject True where a number is meant, and vice versa.
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)  # type: ignore[return-value]
        if not ok:
            raise self.fail(key, f"expected {kind.__name__}, got {_kind(value)}")
        return value  # type: ignore[no-any-return]

    def positive(self, value: T, key: str) -> T:
        # TOML's nan and inf (JSON's 1e999) are floats too; no timeout or delay can be one.
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, f"must be a finite number, got {value!r}")
        if value <= 0:  # type: ignore[operator]
            raise self.fail(key, f"must be positive, got {value!r}")
        return value

    def choice(self, value: str, key: str, choices: tuple[str, ...]) -> Any:
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(map(repr, choices))}, got {value!r}")
        return value

    def duration(self, value: Any, key: str) -> timedelta:
        try:
            return parse_duration(self.typed(value, key, str))
        except ValueError as exc:
            raise self.fail(key, str(exc)) from exc

    def items(self, value: Any, key: str, each: Callable[[Any, str], T]) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {_kind(value)}")
        return tuple(each(item, f"{key}[{index}]") for index, item in enumerate(value))

    # -- the TOML-shaped schema -------------------------------------------------------------

    def config(self, document: dict[str, Any]) -> Config:
        self.table(document, "", ("settings", "fetch", "summarizer", "topics"))
        settings = self.settings(document.get("settings", {}))
        fetch = self.fetch_settings(document.get("fetch", {}))
        summarizer = self.summarizer_settings(document.get("summarizer", {}), settings.summarizer)
        topics = self.items(document.get("topics", []), "topics", self.topic)
        self.unique((topic.id for topic in topics), "topics", "topic id")
        if not topics:
            raise self.fail("topics", "no topics configured")
        return Config(source=self.name, settings=settings, fetch=fetch, summarizer=summarizer,
                      topics=topics)

    def settings(self, value: Any) -> Settings:
        table = self.table(value, "settings", Settings.__dataclass_fields__)
        default = Settings()
        max_age = default.max_age
        if "max_age" in table:
            max_age = self.duration(table["max_age"], "settings.max_age")
        return Settings(
            max_articles=self.positive(
                self.get(table, "max_articles", "settings", int, default.max_articles),
                "settings.max_articles"),
            max_age=max_age,
            attribution=self.choice(
                self.get(table, "attribution", "settings", str, default.attribution),
                "settings.attribution", ("feed", "source")),
            stories=self.choice(
                self.get(table, "stories", "settings", str, default.stories),
                "settings.stories", ("group", "list")),
            repeat_stories=self.get(table, "repeat_stories", "settings", bool,
                                    default.repeat_stories),
            highlights=self.positive(
                self.get(table, "highlights", "settings", int, default.highlights),
                "settings.highlights"),
            summarizer=self.choice(
                self.get(table, "summarizer", "settings", str, default.summarizer),
                "settings.summarizer", SUMMARIZERS),
        )

    def fetch_settings(self, value: Any) -> FetchSettings:
        table = self.table(value, "fetch", FetchSettings.__dataclass_fields__)
        default = FetchSettings()
        retries = self.get(table, "retries", "fetch", int, default.retries)
        if retries < 0:
            raise self.fail("fetch.retries", f"must not be negative, got {retries}")
        return FetchSettings(
            timeout=self.positive(self.get(table, "timeout", "fetch", float, default.timeout),
                                  "fetch.timeout"),
            max_bytes=self.positive(self.get(table, "max_bytes", "fetch", int, default.max_bytes),
                                    "fetch.max_bytes"),
            retries=retries,
            concurrency=self.positive(
                self.get(table, "concurrency", "fetch", int, default.concurrency),
                "fetch.concurrency"),
            allow_private_networks=self.get(table, "allow_private_networks", "fetch", bool,
                                            default.allow_private_networks),
            backoff=self.positive(self.get(table, "backoff", "fetch", float, default.backoff),
                                  "fetch.backoff"),
            max_retry_after=self.positive(
                self.get(table, "max_retry_after", "fetch", float, default.max_retry_after),
                "fetch.max_retry_after"),
        )

    def summarizer_settings(self, value: Any, kind: str) -> SummarizerSettings:
        table = self.table(value, "summarizer", SummarizerSettings.__dataclass_fields__)
        default = SummarizerSettings()
        text = {name: self.get(table, name, "summarizer", str, getattr(default, name)).strip()
                for name in ("model", "base_url", "api_key_env", "api_key_parameter", "region")}
        settings = SummarizerSettings(
            **text,
            max_tokens=self.positive(
                self.get(table, "max_tokens", "summarizer", int, default.max_tokens),
                "summarizer.max_tokens"),
            timeout=self.positive(self.get(table, "timeout", "summarizer", float, default.timeout),
                                  "summarizer.timeout"),
        )
        try:
            return check_summarizer(settings, kind)
        except ValueError as exc:
            raise ConfigError(f"{self.name}: {exc}") from exc

    def topic(self, value: Any, key: str) -> Topic:
        table = self.table(value, key,
                           ("id", "name", "active", "keywords", "perspectives", "feeds"))
        topic_id = self.identifier(table, key, _ID, "lower-case letters, digits and '-'")
        key = f"topics[{topic_id}]"
        perspectives = self.items(table.get("perspectives", []), f"{key}.perspectives",
                                  self.perspective)
        if not perspectives:
            raise self.fail(f"{key}.perspectives", "a topic needs at least one perspective")
        self.unique((p.id for p in perspectives), f"{key}.perspectives", "perspective id")
        known = {p.id for p in perspectives}
        feeds = self.items(table.get("feeds", []), f"{key}.feeds",
                           lambda item, feed_key: self.feed(item, feed_key, known))
        if not feeds:
            raise self.fail(f"{key}.feeds", "a topic needs at least one feed")
        keywords = self.items(table.get("keywords", []), f"{key}.keywords", self.keyword_group)
        return Topic(
            id=topic_id,
            name=self.required_text(table, "name", key),
            active=self.get(table, "active", key, bool, True),
            perspectives=perspectives,
            feeds=feeds,
            keywords=keywords,
        )

    def perspective(self, value: Any, key: str) -> Perspective:
        table = self.table(value, key, ("id", "name", "countries"))
        perspective_id = self.identifier(table, key, _PERSPECTIVE_ID, "letters, digits and '_'")
        countries = self.items(table.get("countries", []), f"{key}.countries", self.country)
        return Perspective(id=perspective_id, name=self.required_text(table, "name", key),
                           countries=countries)

    def feed(self, value: Any, key: str, perspectives: set[str]) -> Feed:
        table = self.table(value, key,
                           ("type", "url", "query", "language", "region", "perspective"))
        feed_type = self.choice(self.get(table, "type", key, str, "rss"), f"{key}.type",
                                ("google_news", "rss"))
        url = self.get(table, "url", key, str, "").strip()
        query = self.get(table, "query", key, str, "").strip()
        if not url and not query:
            raise self.fail(key, "a feed needs a 'url' or a 'query'")
        if feed_type == "rss" and not url:
            raise self.fail(f"{key}.url", "an rss feed needs a 'url'")
        if url and url_scheme(url) not in ("http", "https"):
            raise self.fail(f"{key}.url", f"only http and https URLs are fetched, got {url!r}")
        perspective = self.required_text(table, "perspective", key)
        if perspective not in perspectives:
            raise self.fail(f"{key}.perspective",
                            f"no perspective {perspective!r} in this topic "
                            f"(have: {', '.join(sorted(perspectives))})")
        return Feed(type=feed_type, perspective=perspective, url=url, query=query,
                    language=self.get(table, "language", key, str, ""),
                    region=self.get(table, "region", key, str, ""))

    def keyword_group(self, value: Any, key: str) -> tuple[str, ...]:
        group = self.items(value, key, lambda term, term_key: self.typed(term, term_key, str))
        if not group or any(not term.strip() for term in group):
            raise self.fail(key, "a keyword group needs at least one non-empty term")
        return group

    def country(self, value: Any, key: str) -> str:
        code = self.typed(value, key, str)
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise self.fail(key, f"expected an ISO 3166-1 alpha-2 code like \"US\", got {code!r}")
        # An unassigned code (UK, EU) would match no outlet, and every article would keep its
        # feed's side unnoticed (issue 19).
        if problem := country_problem(code):
            raise self.fail(key, problem)
        return code

    def identifier(self, table: dict[str, Any], key: str, pattern: re.Pattern[str],
                   allowed: str) -> str:
        value = self.required_text(table, "id", key)
        if not pattern.fullmatch(value):
            raise self.fail(f"{key}.id", f"{value!r} is not a valid id ({allowed})")
        return value

    def required_text(self, table: dict[str, Any], name: str, key: str) -> str:
        if name not in table:
            raise self.fail(f"{key}.{name}", "missing")
        value = self.typed(table[name], f"{key}.{name}", str).strip()
        if not value:
            raise self.fail(f"{key}.{name}", "must not be empty")
        return value

    def unique(self, ids: Iterable[str], key: str, what: str) -> None:
        seen: set[str] = set()
        for identifier in ids:
            if identifier in seen:
                raise self.fail(key, f"duplicate {what} {identifier!r}")
            seen.add(identifier)

    # -- the earlier system's topics.json ---------------------------------------------------

    def legacy(self, document: dict[str, Any]) -> Config:
        """Map the earlier system's schema onto ours, reproducing its selection.

        It filed every article under its feed's perspective, listed every distinct URL
        (a similarity threshold of 0 means "no grouping") and did not look at earlier digests.
        """
        self.table(document, "", ("topics", "settings"))
        table = self.table(document.get("settings", {}), "settings", _LEGACY_SETTINGS)
        threshold = table.get("deduplicationSimilarityThreshold", 0)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise self.fail("settings.deduplicationSimilarityThreshold",
                            f"expected a number, got {_kind(threshold)}")
        # minArticlesPerFeed is accepted for compatibility; the earlier system's selection
        # (reproduced by the balanced quota) never depended on it.
        self.get(table, "minArticlesPerFeed", "settings", int, 0)
        max_age = Settings().max_age
        if "articleMaxAge" in table:
            max_age = self.duration(table["articleMaxAge"], "settings.articleMaxAge")
        settings = Settings(
            max_articles=self.positive(self.get(table, "maxArticlesPerTopic", "settings", int, 20),
                                       "settings.maxArticlesPerTopic"),
            max_age=max_age,
            attribution="feed",
            stories="list" if threshold == 0 else "group",
            repeat_stories=True,
        )
        topics = self.items(document.get("topics", []), "topics", self.legacy_topic)
        self.unique((topic.id for topic in topics), "topics", "topic id")
        if not topics:
            raise self.fail("topics", "no topics configured")
        return Config(source=self.name, settings=settings, topics=topics)

    def legacy_topic(self, value: Any, key: str) -> Topic:
        table = self.table(value, key, ("id", "name", "active", "perspectives", "rssFeeds"))
        converted = {
            "id": table.get("id"),
            "name": table.get("name"),
            "active": table.get("active", True),
            "perspectives": table.get("perspectives", []),
            "feeds": table.get("rssFeeds", []),
        }
        try:
            return self.topic({k: v for k, v in converted.items() if v is not None}, key)
        except ConfigError as exc:
            # Name the key as the file spells it.
            raise ConfigError(str(exc).replace(".feeds", ".rssFeeds")) from None


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)
