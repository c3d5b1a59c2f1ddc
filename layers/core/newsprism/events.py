"""What the Lambda handlers read from their events: object keys, topics and the run's clock.

Two event shapes announce a new object. S3's own notification (``Records[].s3.object.key``)
URL-encodes the key in form style, a space as ``+`` ("red flower.jpg" -> "red+flower.jpg",
see the S3 docs "Event message structure"); the EventBridge "Object Created" event
(``detail.object.key``) is decoded the same way by Powertools' data classes, so both are
decoded with ``unquote_plus``. The template wires S3 -> EventBridge; the S3 shape is accepted
so a direct bucket notification or a hand-written test event works too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote_plus

from .models import parse_time

# Same rule as a topic id in config.py: lower-case letters, digits and '-'.
_STAGE_KEY = re.compile(r"(?P<topic>[a-z0-9][a-z0-9-]*)/(?P<date>\d{4}-\d{2}-\d{2})\.json")


def object_keys(event: Mapping[str, Any]) -> list[str]:
    """The decoded object keys an S3 notification or an EventBridge "Object Created" names."""
    records = event.get("Records")
    if isinstance(records, list):
        return [unquote_plus(str(record["s3"]["object"]["key"])) for record in records]
    detail = event.get("detail")
    if isinstance(detail, Mapping) and isinstance(detail.get("object"), Mapping):
        return [unquote_plus(str(detail["object"]["key"]))]
    raise ValueError("event names no S3 object (expected Records[].s3 or detail.object)")


def parse_stage_key(key: str, stage_prefix: str) -> tuple[str, str]:
    """``("us-china", "2026-02-12")`` for ``classified/us-china/2026-02-12.json``.

    Anything else under the prefix (a stray upload, a ``.tmp`` file) is refused rather than
    guessed at: the stages compute the key from topic and date and would not find it.
    """
    prefix = stage_prefix.strip("/") + "/"
    match = _STAGE_KEY.fullmatch(key[len(prefix):]) if key.startswith(prefix) else None
    if match is None:
        raise ValueError(f"{key!r} is not a {prefix}{{topic}}/{{YYYY-MM-DD}}.json key")
    try:
        date.fromisoformat(match["date"])
    except ValueError:
        raise ValueError(f"{key!r}: {match['date']!r} is not a calendar date") from None
    return match["topic"], match["date"]


def event_now(event: Mapping[str, Any]) -> datetime:
    """The run's clock: ``now`` of a manual event, else the event's ``time``, else now.

    A scheduled event's ``time`` is when the schedule fired, so a delayed or retried
    invocation still builds the digest of the day it was meant for.
    """
    for field in ("now", "time"):
        value = event.get(field)
        if value:
            try:
                return parse_time(str(value))
            except ValueError:
                raise ValueError(f"event {field!r}: not an ISO 8601 time: {value!r}") from None
    now = datetime.now(UTC)
    # Stored times have millisecond precision; cut here so a rerun with the stored clock
    # gives the same bytes.
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def event_topics(event: Mapping[str, Any]) -> list[str]:
    """The topic ids a manual event names (``{"topics": [...]}``); empty means every active one."""
    topics = event.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise ValueError(f"event 'topics': expected a list of topic ids, got {topics!r}")
    return list(topics)
