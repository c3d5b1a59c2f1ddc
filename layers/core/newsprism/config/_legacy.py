"""Reading the earlier system's ``topics.json`` onto our shape (docs/design.md,
"Configuration"): the same checks as ``Reader``, its keys named as that file spells them, and
nothing of the outlets registry, so that such a file still means what it meant.
"""

from __future__ import annotations

from typing import Any

from newsprism.config._model import Config, ConfigError, Settings, Topic
from newsprism.config._schema import Reader, kind_of


def is_legacy(document: dict[str, Any]) -> bool:
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


class LegacyReader(Reader):
    """The earlier system's schema: no registry-derived feeds (``sites``, ``outlet``) and no
    warnings about a perspective's countries (its perspectives have none)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.sourcing = False

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
                            f"expected a number, got {kind_of(threshold)}")
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
