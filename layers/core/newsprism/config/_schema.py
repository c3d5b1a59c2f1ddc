"""Reading a configuration document: every key checked, every problem named by its path.

``_load.parse_config`` decodes the TOML or JSON and hands the document to a ``Reader``; the
classes it builds come from ``_model``, the feeds a topic names through the outlets registry
from ``_sourcing``. This is our shape (``topics.toml``, or the same shape as JSON);
``_legacy`` reads the earlier system's ``topics.json`` onto it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import timedelta
from typing import Any, TypeVar

from newsprism.config import _sourcing as sourcing
from newsprism.config._model import (
    BOUNDS,
    LANGUAGES,
    MATCHERS,
    MAX_AGE,
    SUMMARIZERS,
    Config,
    ConfigError,
    Feed,
    FeedType,
    FetchSettings,
    MatcherSettings,
    ModelSettings,
    Perspective,
    Settings,
    SummarizerSettings,
    Topic,
    check_model,
    parse_duration,
    shown_text,
    url_scheme,
)
from newsprism.documents import OTHER, SITE_FOLDERS, TOPIC_ID
from newsprism.outlets import Registry, country_problem, load_registry

T = TypeVar("T")
M = TypeVar("M", bound=ModelSettings)

_ID = re.compile(f"^{TOPIC_ID.pattern}$")
# Becomes a YAML key ("{id}Sources"); as long as a topic id at most.
_PERSPECTIVE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_ID_LENGTH = "at most 64 characters"
# The earlier system's names (``_legacy``) of the numbers ``BOUNDS`` limits.
_ALIASES = {"settings.maxArticlesPerTopic": "settings.max_articles"}


class Reader:
    """Walks a parsed document, checking keys and types and naming the path of any problem."""

    def __init__(self, name: str, registry: Registry | None = None) -> None:
        self.name = name
        self.warnings: list[str] = []
        self.sourcing = True  # the earlier system's schema names no outlets: it stays as it was
        self._registry = registry

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = load_registry()
        return self._registry

    def fail(self, key: str, reason: str) -> ConfigError:
        return ConfigError(f"{self.name}: {key}: {reason}")

    def table(self, value: Any, key: str, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {kind_of(value)}")
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
            raise self.fail(key, f"expected {kind.__name__}, got {kind_of(value)}")
        return value  # type: ignore[no-any-return]

    def positive(self, value: T, key: str) -> T:
        """``bounded``, for the earlier system's reader: its keys as its file spells them."""
        return self.bounded(value, key, _ALIASES.get(key, key))

    def bounded(self, value: T, key: str, bound: str | None = None) -> T:
        """``value`` if it lies in the range ``BOUNDS`` gives ``bound`` (default: ``key``);
        else one line naming the key, the value and the range."""
        low, high, unit = BOUNDS[bound or key]
        # TOML's nan and inf (JSON's 1e999) are floats too; no timeout or delay can be one.
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, f"must be a finite number, got {value!r}")
        number: float = value  # type: ignore[assignment]
        if low <= number <= high:
            return value
        allowed = f"{_number(low)} to {_number(high)}{unit}"
        if number <= 0 < low:
            raise self.fail(key, f"must be positive, got {value!r} (allowed: {allowed})")
        if number < 0:
            raise self.fail(key, f"must not be negative, got {value!r} (allowed: {allowed})")
        raise self.fail(key, f"must be between {_number(low)} and {_number(high)}{unit}, "
                             f"got {value!r}")

    def choice(self, value: str, key: str, choices: tuple[str, ...]) -> Any:
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(map(repr, choices))}, got {value!r}")
        return value

    def language(self, value: str) -> str:
        if value not in LANGUAGES:
            raise self.fail("settings.language",
                            f"expected an ISO 639-1 code such as 'en' or 'es', got {value!r}")
        return value

    def duration(self, value: Any, key: str) -> timedelta:
        try:
            return parse_duration(self.typed(value, key, str), longest=MAX_AGE)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from exc

    def items(self, value: Any, key: str, each: Callable[[Any, str], T]) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {kind_of(value)}")
        return tuple(each(item, f"{key}[{index}]") for index, item in enumerate(value))

    # -- the TOML-shaped schema -------------------------------------------------------------

    def config(self, document: dict[str, Any]) -> Config:
        self.table(document, "", ("settings", "fetch", "summarizer", "matcher", "topics"))
        settings = self.settings(document.get("settings", {}))
        fetch = self.fetch_settings(document.get("fetch", {}))
        summarizer = self.model_settings(document.get("summarizer", {}), SummarizerSettings,
                                         settings.summarizer)
        matcher = self.model_settings(document.get("matcher", {}), MatcherSettings,
                                      settings.matcher)
        topics = self.items(document.get("topics", []), "topics", self.topic)
        self.unique((topic.id for topic in topics), "topics", "topic id")
        if not topics:
            raise self.fail("topics", "no topics configured")
        return Config(source=self.name, settings=settings, fetch=fetch, summarizer=summarizer,
                      matcher=matcher, topics=topics, warnings=tuple(self.warnings))

    def settings(self, value: Any) -> Settings:
        table = self.table(value, "settings", Settings.__dataclass_fields__)
        default = Settings()
        max_age = default.max_age
        if "max_age" in table:
            max_age = self.duration(table["max_age"], "settings.max_age")
        return Settings(
            max_articles=self.bounded(
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
            highlights=self.bounded(
                self.get(table, "highlights", "settings", int, default.highlights),
                "settings.highlights"),
            summarizer=self.choice(
                self.get(table, "summarizer", "settings", str, default.summarizer),
                "settings.summarizer", SUMMARIZERS),
            matcher=self.choice(self.get(table, "matcher", "settings", str, default.matcher),
                                "settings.matcher", MATCHERS),
            language=self.language(self.get(table, "language", "settings", str,
                                            default.language)),
            others=self.choice(self.get(table, "others", "settings", str, default.others),
                               "settings.others", ("show", "drop")),
        )

    def fetch_settings(self, value: Any) -> FetchSettings:
        table = self.table(value, "fetch", FetchSettings.__dataclass_fields__)
        default = FetchSettings()

        def number(name: str, fallback: T) -> T:
            return self.bounded(self.get(table, name, "fetch", type(fallback), fallback),
                                f"fetch.{name}")

        return FetchSettings(
            timeout=number("timeout", default.timeout),
            max_bytes=number("max_bytes", default.max_bytes),
            retries=number("retries", default.retries),
            concurrency=number("concurrency", default.concurrency),
            allow_private_networks=self.get(table, "allow_private_networks", "fetch", bool,
                                            default.allow_private_networks),
            backoff=number("backoff", default.backoff),
            max_retry_after=number("max_retry_after", default.max_retry_after),
        )

    def model_settings(self, value: Any, cls: type[M], kind: str) -> M:
        """``[summarizer]`` or ``[matcher]``: text keys stripped, numbers within ``BOUNDS``."""
        key, names = cls.table, [f.name for f in fields(cls)]  # not the ClassVars
        table = self.table(value, key, names)
        default = cls()
        values: dict[str, Any] = {}
        for name in names:
            fallback = getattr(default, name)
            given = self.get(table, name, key, type(fallback), fallback)
            values[name] = (given.strip() if isinstance(given, str)
                            else self.bounded(given, f"{key}.{name}", name))
        try:
            return check_model(cls(**values), kind)
        except ValueError as exc:
            raise ConfigError(f"{self.name}: {exc}") from exc

    def topic(self, value: Any, key: str) -> Topic:
        table = self.table(value, key,
                           ("id", "name", "active", "keywords", "perspectives", "feeds"))
        topic_id = self.identifier(table, key, _ID,
                                   f"lower-case letters, digits and '-', {_ID_LENGTH}")
        if topic_id in SITE_FOLDERS:  # its pages would land in the site's own folder
            raise self.fail(f"{key}.id", f"{topic_id!r} is reserved for the site's own "
                            f"pages ({', '.join(SITE_FOLDERS)}): choose another id")
        key = f"topics[{topic_id}]"
        perspectives = self.items(table.get("perspectives", []), f"{key}.perspectives",
                                  self.perspective)
        if not perspectives:
            raise self.fail(f"{key}.perspectives", "a topic needs at least one perspective")
        self.unique((p.id for p in perspectives), f"{key}.perspectives", "perspective id")
        feeds = tuple(feed for entry in self.items(
            table.get("feeds", []), f"{key}.feeds",
            lambda item, feed_key: self.feed(item, feed_key, perspectives)) for feed in entry)
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
        perspective_id = self.identifier(table, key, _PERSPECTIVE_ID,
                                         f"a letter, then letters, digits and '_', {_ID_LENGTH}")
        if perspective_id == OTHER:  # the stored id of the "Other countries" group
            raise self.fail(f"{key}.id", f"{OTHER!r} is reserved for the outlets of countries "
                                         "no perspective claims")
        countries = self.items(table.get("countries", []), f"{key}.countries", self.country)
        if self.sourcing:
            self.warnings += (f"{self.name}: {key}.countries[{index}]: {warning}"
                              for index, warning in sourcing.unsourced(countries, self.registry))
        return Perspective(id=perspective_id, name=self.required_text(table, "name", key),
                           countries=countries)

    def feed(self, value: Any, key: str, perspectives: tuple[Perspective, ...]) -> tuple[Feed, ...]:
        """The feeds one entry of ``feeds`` stands for: itself, or those ``_sourcing`` makes of
        an ``outlet`` or of ``sites``."""
        named = sourcing.KEYS if self.sourcing else ()
        table = self.table(value, key, ("type", "url", "query", "language", "region",
                                        "perspective", *named))
        feed_type = self.choice(self.get(table, "type", key, str, "rss"), f"{key}.type",
                                ("google_news", "rss", *(("outlet",) if named else ())))
        text = {name: self.get(table, name, key, str, "").strip() for name in named}
        language, region = (self.get(table, name, key, str, "") for name in ("language", "region"))
        known = {p.id for p in perspectives}
        try:
            sourcing.check_keys(feed_type, table)
            if feed_type == "outlet":
                perspective = self.feed_perspective(table, key, known) if (
                    "perspective" in table) else None
                return sourcing.outlet_feeds(text["outlet"], perspective, perspectives,
                                             self.registry, language=language, region=region)
            feed = self.search_feed(table, key, feed_type, known, language, region)
            if "sites" not in table:
                return (feed,)
            return sourcing.site_searches(
                feed, text["sites"], next(p for p in perspectives if p.id == feed.perspective),
                self.registry)
        except sourcing.SourcingError as exc:
            raise self.fail(f"{key}.{exc.key}", str(exc)) from None

    def search_feed(self, table: dict[str, Any], key: str, feed_type: FeedType,
                    known: set[str], language: str, region: str) -> Feed:
        url = self.get(table, "url", key, str, "").strip()
        query = self.get(table, "query", key, str, "").strip()
        if not url and not query:
            raise self.fail(key, "a feed needs a 'url' or a 'query'")
        if feed_type == "rss" and not url:
            raise self.fail(f"{key}.url", "an rss feed needs a 'url'")
        if url and url_scheme(url) not in ("http", "https"):
            raise self.fail(f"{key}.url", f"only http and https URLs are fetched, got {url!r}")
        return Feed(type=feed_type, perspective=self.feed_perspective(table, key, known),
                    url=url, query=query, language=language, region=region)

    def feed_perspective(self, table: dict[str, Any], key: str, known: set[str]) -> str:
        perspective = self.required_text(table, "perspective", key)
        if perspective not in known:
            raise self.fail(f"{key}.perspective",
                            f"no perspective {perspective!r} in this topic "
                            f"(have: {', '.join(sorted(known))})")
        return perspective

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
            raise self.fail(f"{key}.id", f"{shown_text(value, 64)} is not a valid id ({allowed})")
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

def _number(value: float) -> str:
    """A bound as the file would write it: ``5``, ``0.1``, ``50000000``."""
    return str(int(value)) if value == int(value) and value >= 1 else f"{value:g}"


def kind_of(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)
