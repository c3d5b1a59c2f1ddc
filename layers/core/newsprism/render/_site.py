"""What the site-wide pages are built from, in documents whose size does not grow with the
number of topics or days, so that publishing a digest costs the same for 5 topics or 500.

``manifest/_site.json`` (``SiteSummary``): the newest digest of the ``RECENT_TOPICS`` most
recently published topics (the home page), the ``FEED_ENTRIES`` newest digests across topics
(the site feed), the initials that have a directory page, and the version of the shared
pages (about, 404, assets) last written.

``manifest/_topics/{initial}.json`` (``Directory``): one line per topic whose id starts with
``initial`` (its name, newest day and number of digests), for the directory page
``topics/{initial}.html``. Each holds the topics of one initial, a 36th of them on average.

Each update is a pure function of the old document and one topic's manifest, so renders of
different topics can apply theirs in any order (``_versioned.update``) and ``render_all``
reaches the same bytes by applying every topic's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsprism.documents import MANIFESTS, SCHEMA, PerspectiveInfo, SchemaError, loads
from newsprism.render._atom import FeedItem
from newsprism.render._manifest import FEED_ENTRIES, Entry, TopicManifest, compact_json

RECENT_TOPICS = 24  # cards on the home page
SITE_SUMMARY = f"{MANIFESTS}_site.json"


def directory_key(initial: str) -> str:
    return f"{MANIFESTS}_topics/{initial}.json"


def directory_page(initial: str) -> str:
    return f"topics/{initial}.html"


def initial_of(topic: str) -> str:
    return topic[0]


@dataclass(frozen=True)
class TopicCard:
    """A topic as the home page shows it: its newest digest."""

    topic: str
    name: str
    perspectives: tuple[PerspectiveInfo, ...]
    days: int
    latest: Entry

    @classmethod
    def of(cls, manifest: TopicManifest) -> TopicCard:
        return cls(manifest.topic, manifest.name, manifest.perspectives, manifest.days,
                   manifest.latest)

    def order(self) -> tuple[str, str, str]:
        return (self.latest.date, self.latest.generated_at.isoformat(), self.topic)

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "name": self.name, "days": self.days,
                "perspectives": [{"id": p.id, "name": p.name} for p in self.perspectives],
                "latest": self.latest.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TopicCard:
        return cls(str(data["topic"]), str(data["name"]),
                   tuple(PerspectiveInfo(str(p["id"]), str(p["name"]))
                         for p in data["perspectives"]),
                   int(data["days"]), Entry.from_dict(data["latest"]))


def feed_items(manifest: TopicManifest) -> list[FeedItem]:
    """The topic's newest digests, as its feed and the site feed carry them."""
    return [FeedItem(manifest.topic, manifest.name, entry, len(manifest.perspectives))
            for entry in manifest.entries[-FEED_ENTRIES:]]


def _feed_order(item: FeedItem) -> tuple[str, str]:
    return (item.entry.generated_at.isoformat(), item.topic)


@dataclass(frozen=True)
class SiteSummary:
    recent: tuple[TopicCard, ...] = ()  # newest first
    feed: tuple[FeedItem, ...] = ()  # oldest first
    initials: tuple[str, ...] = ()
    shared_pages: str = ""  # the hash of the shared pages last written ("" before any)

    def with_topic(self, manifest: TopicManifest) -> SiteSummary:
        """This summary with ``manifest``'s topic as it is now."""
        topic = manifest.topic
        cards = [c for c in self.recent if c.topic != topic] + [TopicCard.of(manifest)]
        cards.sort(key=TopicCard.order, reverse=True)
        items = [i for i in self.feed if i.topic != topic] + feed_items(manifest)
        items.sort(key=_feed_order)
        return SiteSummary(
            recent=tuple(cards[:RECENT_TOPICS]), feed=tuple(items[-FEED_ENTRIES:]),
            initials=tuple(sorted({*self.initials, initial_of(topic)})),
            shared_pages=self.shared_pages)

    def with_shared_pages(self, version: str) -> SiteSummary:
        return SiteSummary(self.recent, self.feed, self.initials, version)

    def to_bytes(self) -> bytes:
        document = {
            "schema": SCHEMA, "initials": list(self.initials), "shared_pages": self.shared_pages,
            "recent": [card.to_dict() for card in self.recent],
            "feed": [{"topic": i.topic, "name": i.topic_name, "sides": i.sides,
                      "entry": i.entry.to_dict()} for i in self.feed],
        }
        return compact_json(document)

    @classmethod
    def from_bytes(cls, data: bytes) -> SiteSummary:
        document = loads(data, name=SITE_SUMMARY)
        try:
            return cls(
                recent=tuple(TopicCard.from_dict(card) for card in document["recent"]),
                feed=tuple(FeedItem(str(i["topic"]), str(i["name"]), Entry.from_dict(i["entry"]),
                                    int(i["sides"])) for i in document["feed"]),
                initials=tuple(str(i) for i in document["initials"]),
                shared_pages=str(document["shared_pages"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SchemaError(f"{SITE_SUMMARY}: not a site summary ({exc!r})") from exc


@dataclass(frozen=True)
class DirectoryRow:
    name: str
    latest: str  # YYYY-MM-DD
    days: int
    articles: int  # in the newest digest


@dataclass(frozen=True)
class Directory:
    """The topics of one initial, by id."""

    initial: str
    rows: dict[str, DirectoryRow]

    def with_topic(self, manifest: TopicManifest) -> Directory:
        latest = manifest.latest
        row = DirectoryRow(manifest.name, latest.date, manifest.days, latest.articles)
        return Directory(self.initial, dict(sorted({**self.rows, manifest.topic: row}.items())))

    def to_bytes(self) -> bytes:
        return compact_json({"schema": SCHEMA, "initial": self.initial, "topics": {
            topic: [row.name, row.latest, row.days, row.articles]
            for topic, row in self.rows.items()}})

    @classmethod
    def from_bytes(cls, data: bytes, initial: str) -> Directory:
        key = directory_key(initial)
        document = loads(data, name=key)
        try:
            return cls(initial, {str(topic): DirectoryRow(str(name), str(latest), int(days),
                                                          int(articles))
                                 for topic, (name, latest, days, articles)
                                 in document["topics"].items()})
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SchemaError(f"{key}: not a topic directory ({exc!r})") from exc
