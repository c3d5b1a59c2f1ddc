"""The configuration's classes, and the pure helpers that build and check their values.

Every problem is reported as one ``ConfigError`` line that names the file and the key, e.g.
``topics.toml: topics[us-china].feeds[1].perspective: no perspective 'chna' in this topic``.
This module imports no sibling: ``_schema`` reads a document into these classes and ``_load``
reads the file and hands its document to ``_schema``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Literal
from urllib.parse import urlencode, urlsplit

Attribution = Literal["feed", "source"]
Stories = Literal["group", "list"]
Others = Literal["show", "drop"]
SummarizerKind = Literal["extractive", "bedrock", "openai"]
SUMMARIZERS: tuple[str, ...] = ("extractive", "bedrock", "openai")
FeedType = Literal["google_news", "rss"]

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search"
_DURATION_PART = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class ConfigError(ValueError):
    """A configuration problem, as one line naming the file and the key."""


@dataclass(frozen=True)
class Settings:
    max_articles: int = 20
    max_age: timedelta = timedelta(hours=24)
    attribution: Attribution = "source"
    stories: Stories = "group"
    repeat_stories: bool = False
    highlights: int = 5
    summarizer: SummarizerKind = "extractive"  # who writes the highlights (issue 6)
    others: Others = "show"  # the outlets of countries no perspective claims (issue 19)


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 10.0
    max_bytes: int = 5_000_000
    retries: int = 2
    concurrency: int = 16
    allow_private_networks: bool = False
    backoff: float = 1.0  # seconds before the first retry; doubles per retry, with jitter
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: no retry


@dataclass(frozen=True)
class SummarizerSettings:
    """The ``[summarizer]`` table: the model behind ``settings.summarizer`` (issue 6)."""

    model: str = ""  # Bedrock model or inference profile id; the served model's name for openai
    base_url: str = "https://api.openai.com/v1"  # openai: ``{base_url}/chat/completions``
    api_key_env: str = ""  # openai: the environment variable holding the key
    api_key_parameter: str = ""  # openai: or an SSM parameter (SecureString) holding it
    max_tokens: int = 2000  # cap on the model's answer
    timeout: float = 45.0  # seconds per model request
    region: str = ""  # bedrock: "" = the environment's region (AWS_REGION in Lambda)


@dataclass(frozen=True)
class Perspective:
    id: str
    name: str
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    type: FeedType
    perspective: str
    url: str = ""
    query: str = ""
    language: str = ""
    region: str = ""
    # A feed of one outlet's own (``type = "outlet"``): its registry name and home page, which
    # credit the feed's articles to it whatever the channel calls itself (docs/design.md,
    # "Configuration"); "" for any other feed.
    outlet: str = ""
    outlet_url: str = ""

    # Cached: every article of the feed records it, and a query's URL takes a urlencode.
    @functools.cached_property
    def fetch_url(self) -> str:
        """The URL to request: ``url`` as given, or the Google News search URL for ``query``."""
        if self.url:
            return self.url
        params = {"q": self.query}
        if self.language and self.region:
            params |= {
                "hl": f"{self.language}-{self.region}",
                "gl": self.region,
                "ceid": f"{self.region}:{self.language}",
            }
        return f"{GOOGLE_NEWS_SEARCH}?{urlencode(params)}"


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    perspectives: tuple[Perspective, ...]
    feeds: tuple[Feed, ...]
    active: bool = True
    keywords: tuple[tuple[str, ...], ...] = ()

    def perspective(self, perspective_id: str) -> Perspective:
        return next(p for p in self.perspectives if p.id == perspective_id)


@dataclass(frozen=True)
class Config:
    source: str  # the file it came from, for messages
    settings: Settings = field(default_factory=Settings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    summarizer: SummarizerSettings = field(default_factory=SummarizerSettings)
    topics: tuple[Topic, ...] = ()
    # Problems that do not stop a run, one line each naming the file and the key like an error
    # (a perspective's country no outlet of the registry is from).
    warnings: tuple[str, ...] = ()

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise ConfigError(f"{self.source}: topics: no topic {topic_id!r}")

    def select(self, topic_ids: Iterable[str] = ()) -> list[Topic]:
        """The named topics (in the order given), or every active topic when none is named."""
        ids = list(topic_ids)
        if ids:
            return [self.topic(topic_id) for topic_id in ids]
        return [topic for topic in self.topics if topic.active]


def parse_duration(text: str) -> timedelta:
    """``"5d"``, ``"36h"``, ``"1d12h"``, ``"90m"``; raises ``ValueError`` otherwise."""
    text = text.strip()
    if not text or _DURATION_PART.sub("", text):
        raise ValueError(f"bad duration {text!r} (use e.g. \"24h\", \"5d\", \"1d12h\")")
    total = timedelta()
    for amount, unit in _DURATION_PART.findall(text):
        total += timedelta(**{_UNITS[unit]: int(amount)})
    if total <= timedelta():
        raise ValueError(f"duration {text!r} must be positive")
    return total


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_summarizer(settings: SummarizerSettings, kind: str) -> SummarizerSettings:
    """Check the ``[summarizer]`` table against the chosen summarizer; ``ValueError`` names
    the key. Shared with the Lambda's environment overrides (``summarize.from_environment``)."""
    if kind not in SUMMARIZERS:
        raise ValueError(f"settings.summarizer: must be one of "
                         f"{', '.join(map(repr, SUMMARIZERS))}, got {kind!r}")
    if kind != "extractive" and not settings.model:
        raise ValueError(f"summarizer.model: required when settings.summarizer is {kind!r}")
    if url_scheme(settings.base_url) not in ("http", "https") or not urlsplit(
            settings.base_url).netloc:
        raise ValueError(f"summarizer.base_url: expected an http(s) URL, got {settings.base_url!r}")
    if settings.api_key_env and settings.api_key_parameter:
        raise ValueError("summarizer: set api_key_env or api_key_parameter, not both")
    if settings.api_key_env and not _ENV_NAME.fullmatch(settings.api_key_env):
        raise ValueError(f"summarizer.api_key_env: {settings.api_key_env!r} is not an "
                         "environment variable name")
    return replace(settings, base_url=settings.base_url.rstrip("/"))


def url_scheme(url: str) -> str:
    """The URL's scheme; "" for text urlsplit refuses ("http://[::1" raises ValueError)."""
    try:
        return urlsplit(url).scheme
    except ValueError:
        return ""
