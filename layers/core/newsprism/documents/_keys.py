"""The storage layout: every key the stages read and write, and the patterns of its parts.

Data store (``--data``)::

    raw/{topic}/{YYYY-MM-DD}/{run_id}.json   one fetch run of one topic (RawRun)
    classified/{topic}/{YYYY-MM-DD}.json     the day's selection (Classified)
    digests/{topic}/{YYYY-MM-DD}.json        the selection with its highlights (Digest)
    state/feeds/{topic}/{sha256(url)[:16]}.json   a feed's conditional-GET validators, per topic

Site store (``--site``)::

    manifest/{topic}.json                    the topic's published days (render's manifest)

The pages themselves are the site layout, in ``newsprism.render``. ``docs/design.md``
("Storage") is the contract this module spells out.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

# A topic id names folders, URLs and S3 keys: lower-case letters, digits and '-', at most 64.
TOPIC_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

RAW = "raw/"
CLASSIFIED = "classified/"
DIGESTS = "digests/"
MANIFESTS = "manifest/"
# Top-level folders of the site that are not topics' (render): no topic may take their name.
SITE_FOLDERS = ("assets", "manifest", "sitemaps", "topics")
FEED_STATE = "state/feeds/"

_DAILY = re.compile(rf"(?P<topic>{TOPIC_ID.pattern})/(?P<date>{DATE.pattern})\.json")


def raw_day_prefix(topic: str, day: date) -> str:
    return f"{RAW}{topic}/{day.isoformat()}/"


def raw_run_key(topic: str, day: date, run_id: str) -> str:
    return f"{raw_day_prefix(topic, day)}{run_id}.json"


def classified_key(topic: str, day: str) -> str:
    return f"{CLASSIFIED}{topic}/{day}.json"


def digest_key(topic: str, day: str) -> str:
    return f"{DIGESTS}{topic}/{day}.json"


def manifest_key(topic: str) -> str:
    return f"{MANIFESTS}{topic}.json"


def manifest_topic(key: str) -> str | None:
    """The topic of a ``manifest/{topic}.json`` key, None for any other key."""
    if not (key.startswith(MANIFESTS) and key.endswith(".json")):
        return None
    topic = key[len(MANIFESTS):-len(".json")]
    return topic if TOPIC_ID.fullmatch(topic) else None


def feed_state_key(topic: str, url: str) -> str:
    """Per topic as well as per feed: a 304 only means "nothing new since this topic's last
    run stored the articles", and a feed two topics share is fetched by each."""
    return f"{FEED_STATE}{topic}/{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"


def parse_daily_key(key: str, prefix: str) -> tuple[str, str]:
    """``("us-china", "2026-02-12")`` for ``classified/us-china/2026-02-12.json``.

    ``prefix`` is ``CLASSIFIED`` or ``DIGESTS``. Anything else under it (a stray upload, a
    ``.tmp`` file) raises ValueError rather than being guessed at: the stages compute the key
    from topic and date and would not find it.
    """
    match = _DAILY.fullmatch(key[len(prefix):]) if key.startswith(prefix) else None
    if match is None:
        raise ValueError(f"{key!r} is not a {prefix}{{topic}}/{{YYYY-MM-DD}}.json key")
    try:
        date.fromisoformat(match["date"])
    except ValueError:
        raise ValueError(f"{key!r}: {match['date']!r} is not a calendar date") from None
    return match["topic"], match["date"]
