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
from typing import ClassVar, Literal
from urllib.parse import urlencode, urlsplit

Attribution = Literal["feed", "source"]
Stories = Literal["group", "list"]
Others = Literal["show", "drop"]
SummarizerKind = Literal["extractive", "bedrock", "openai"]
SUMMARIZERS: tuple[str, ...] = ("extractive", "bedrock", "openai")
MatcherKind = Literal["offline", "bedrock", "openai"]
MATCHERS: tuple[str, ...] = ("offline", "bedrock", "openai")
FeedType = Literal["google_news", "rss"]

GOOGLE_NEWS_SEARCH = "https://news.google.com/rss/search"
# ISO 639-1, for settings.language: a typo ("eng", "sp") would mark every headline foreign.
_ISO_639_1 = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy
hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg
li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or
os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta
te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
LANGUAGES = frozenset(_ISO_639_1.split())
_DURATION_PART = re.compile(r"(\d+)([dhm])")
_MINUTES = {"d": 24 * 60, "h": 60, "m": 1}

# The allowed range of every number of the file: (lowest, highest, unit), checked at load.
# Wide enough for any real use, narrow enough that no value floods a host or stalls a run
# (unbounded, retries = 1e9 with backoff = 1e-300 sends a thousand requests in seconds, and
# backoff = 1e300 never ends). The model tables' keys hold for [summarizer] and [matcher].
BOUNDS: dict[str, tuple[float, float, str]] = {
    "settings.max_articles": (1, 1000, ""),  # a digest lists at most this many
    "settings.highlights": (1, 20, ""),  # bullets per section
    "fetch.timeout": (0.1, 300.0, " seconds"),  # a feed slower than five minutes is down
    "fetch.max_bytes": (1000, 50_000_000, " bytes"),  # ten times the default 5 MB
    # More than five retries of a failing feed only press its host: the next run tries again.
    "fetch.retries": (0, 5, ""),
    "fetch.backoff": (0.1, 30.0, " seconds"),  # five retries then wait at most 31 x backoff
    "fetch.max_retry_after": (1.0, 900.0, " seconds"),
    "fetch.concurrency": (1, 128, ""),
    "max_tokens": (1, 100_000, ""),
    "timeout": (1.0, 900.0, " seconds"),  # a model request: no Lambda runs longer than 900 s
    "max_pairs": (1, 1000, ""),
}
# The digest window: classify reads every raw run inside it, and a window much longer than a
# month is no daily digest; "24h" is the default, the earlier system's files use "5d".
MAX_AGE = timedelta(days=30)


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
    matcher: MatcherKind = "offline"  # who confirms that two reports are one event (issue 20)
    language: str = "en"  # the topic's language (ISO 639-1): the highlights' (issue 20)


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
class ModelSettings:
    """What a model client needs; ``[summarizer]`` and ``[matcher]`` are this table, each
    naming its own choices in ``settings`` (the first of ``kinds`` asks no model)."""

    table: ClassVar[str] = ""
    kinds: ClassVar[tuple[str, ...]] = ()

    model: str = ""  # Bedrock model or inference profile id; the served model's name for openai
    base_url: str = "https://api.openai.com/v1"  # openai: ``{base_url}/chat/completions``
    api_key_env: str = ""  # openai: the environment variable holding the key
    api_key_parameter: str = ""  # openai: or an SSM parameter (SecureString) holding it
    max_tokens: int = 2000  # cap on the model's answer
    timeout: float = 45.0  # seconds per model request
    region: str = ""  # bedrock: "" = the environment's region (AWS_REGION in Lambda)


@dataclass(frozen=True)
class SummarizerSettings(ModelSettings):
    """The ``[summarizer]`` table: the model behind ``settings.summarizer`` (issue 6)."""

    table: ClassVar[str] = "summarizer"
    kinds: ClassVar[tuple[str, ...]] = SUMMARIZERS


@dataclass(frozen=True)
class MatcherSettings(ModelSettings):
    """The ``[matcher]`` table: the model behind ``settings.matcher`` (issue 20), asked once
    per classification whether candidate pairs of reports are one event."""

    table: ClassVar[str] = "matcher"
    kinds: ClassVar[tuple[str, ...]] = MATCHERS

    # A list of booleans is a short answer; a slow one holds up the whole classification.
    max_tokens: int = 1000
    timeout: float = 30.0
    max_pairs: int = 60  # pairs asked about at most; the others keep the offline decision


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
    matcher: MatcherSettings = field(default_factory=MatcherSettings)
    topics: tuple[Topic, ...] = ()
    # Problems that do not stop a run, one line each naming the file and the key like an error
    # (a perspective's country no outlet of the registry is from).
    warnings: tuple[str, ...] = ()

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        known = ", ".join(topic.id for topic in self.topics)
        raise ConfigError(f"{self.source}: topics: no topic {shown_text(topic_id)} "
                          f"(known: {known})")

    def select(self, topic_ids: Iterable[str] = ()) -> list[Topic]:
        """The named topics (in the order given), or every active topic when none is named."""
        ids = list(topic_ids)
        if ids:
            return [self.topic(topic_id) for topic_id in ids]
        return [topic for topic in self.topics if topic.active]


def parse_duration(text: str, *, longest: timedelta | None = None) -> timedelta:
    """``"5d"``, ``"36h"``, ``"1d12h"``, ``"90m"``; raises ``ValueError`` otherwise, and for
    a duration longer than ``longest``."""
    text = text.strip()
    if not text or _DURATION_PART.sub("", text):
        raise ValueError(f"bad duration {shown_text(text)} (use e.g. \"24h\", \"5d\", \"1d12h\")")
    # Counted in whole minutes, an int that cannot overflow, so that "9999999999d" is refused
    # for its length rather than by timedelta's OverflowError; no real duration has more
    # digits than int() should be asked to read.
    parts = _DURATION_PART.findall(text)
    too_long = ValueError(f"must be at most {_duration_text(longest)}, got {shown_text(text)}"
                          if longest else f"duration {shown_text(text)} is too long")
    if any(len(amount) > 12 for amount, _ in parts):
        raise too_long
    minutes = sum(int(amount) * _MINUTES[unit] for amount, unit in parts)
    if minutes <= 0:
        raise ValueError(f"duration {shown_text(text)} must be positive")
    if longest is not None and minutes > longest // timedelta(minutes=1):
        raise too_long
    try:
        return timedelta(minutes=minutes)
    except OverflowError:
        raise too_long from None


def _duration_text(duration: timedelta | None) -> str:
    """``30d``, ``36h`` or ``90m``: how the file would spell ``duration``."""
    minutes = (duration or timedelta()) // timedelta(minutes=1)
    for unit in "dh":
        if minutes % _MINUTES[unit] == 0:
            return f"{minutes // _MINUTES[unit]}{unit}"
    return f"{minutes}m"


def shown_text(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters: the line stays short."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text)} characters)"


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_model[M: ModelSettings](settings: M, kind: str) -> M:
    """Check a model table (``[summarizer]``, ``[matcher]``) against the choice ``kind`` of
    ``settings.{table}``; ``ValueError`` names the key. Shared with the Lambda's environment
    overrides (``model_from_environment``)."""
    table, kinds = settings.table, settings.kinds
    if kind not in kinds:
        raise ValueError(f"settings.{table}: must be one of "
                         f"{', '.join(map(repr, kinds))}, got {kind!r}")
    if kind != kinds[0] and not settings.model:
        raise ValueError(f"{table}.model: required when settings.{table} is {kind!r}")
    if url_scheme(settings.base_url) not in ("http", "https") or not urlsplit(
            settings.base_url).netloc:
        raise ValueError(f"{table}.base_url: expected an http(s) URL, got {settings.base_url!r}")
    if settings.api_key_env and settings.api_key_parameter:
        raise ValueError(f"{table}: set api_key_env or api_key_parameter, not both")
    if settings.api_key_env and not _ENV_NAME.fullmatch(settings.api_key_env):
        raise ValueError(f"{table}.api_key_env: {settings.api_key_env!r} is not an "
                         "environment variable name")
    return replace(settings, base_url=settings.base_url.rstrip("/"))


check_summarizer = check_model  # the name summarize's environment overrides know


def url_scheme(url: str) -> str:
    """The URL's scheme; "" for text urlsplit refuses ("http://[::1" raises ValueError)."""
    try:
        return urlsplit(url).scheme
    except ValueError:
        return ""
