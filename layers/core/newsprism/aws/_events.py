"""What the Lambda handlers read from their events: object keys, topics and the run's clock,
and the per-topic messages the dispatcher sends through SQS (``TopicMessage``).

Two event shapes announce a new object. S3's own notification (``Records[].s3.object.key``)
URL-encodes the key in form style, a space as ``+`` ("red flower.jpg" -> "red+flower.jpg",
see the S3 docs "Event message structure"); the EventBridge "Object Created" event
(``detail.object.key``) is decoded the same way by Powertools' data classes, so both are
decoded with ``unquote_plus``. The template wires S3 -> EventBridge; the S3 shape is accepted
so a direct bucket notification or a hand-written test event works too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from newsprism.documents import format_time, parse_time


def object_keys(event: Mapping[str, Any]) -> list[str]:
    """The decoded object keys an S3 notification or an EventBridge "Object Created" names."""
    records = event.get("Records")
    if isinstance(records, list):
        return [unquote_plus(str(record["s3"]["object"]["key"])) for record in records]
    detail = event.get("detail")
    if isinstance(detail, Mapping) and isinstance(detail.get("object"), Mapping):
        return [unquote_plus(str(detail["object"]["key"]))]
    raise ValueError("event names no S3 object (expected Records[].s3 or detail.object)")


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


# -- the per-topic fan-out (issue 8) ----------------------------------------------------
#
# A scheduled run is split into one message per topic, so 500 topics are 500 short
# invocations instead of one that meets Lambda's 15-minute limit. The dispatcher writes these
# messages to an SQS queue; the fetch and classify functions read them back.

STAGES = ("fetch", "classify")
MESSAGE_SCHEMA = 1


@dataclass(frozen=True)
class TopicMessage:
    """One topic's share of one scheduled run of a stage."""

    stage: str  # "fetch" or "classify"
    topic: str
    now: datetime  # the run's clock: every topic of a run shares it, and so its date
    run_id: str  # the scheduled run, e.g. "classify-20260212T041000Z"; same on every retry
    correlation_id: str  # the id of the event that started the run, for tracing the logs

    @property
    def date(self) -> str:
        return self.now.astimezone(UTC).date().isoformat()

    def to_json(self) -> str:
        return json.dumps({"schema": MESSAGE_SCHEMA, "stage": self.stage, "topic": self.topic,
                           "now": format_time(self.now), "run_id": self.run_id,
                           "correlation_id": self.correlation_id}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, *, where: str) -> TopicMessage:
        """Parse a message body; ``ValueError`` names ``where`` (the SQS message id) and why."""
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: body is not JSON ({exc.msg})") from None
        if not isinstance(body, dict) or body.get("schema") != MESSAGE_SCHEMA:
            raise ValueError(f"{where}: not a newsprism topic message (schema "
                             f"{MESSAGE_SCHEMA} expected)")
        missing = [name for name in ("stage", "topic", "now", "run_id", "correlation_id")
                   if not isinstance(body.get(name), str) or not body[name]]
        if missing:
            raise ValueError(f"{where}: missing or empty {', '.join(missing)}")
        try:
            now = parse_time(body["now"])
        except ValueError:
            raise ValueError(f"{where}: 'now' is not an ISO 8601 time: {body['now']!r}") from None
        return cls(stage=body["stage"], topic=body["topic"], now=now, run_id=body["run_id"],
                   correlation_id=body["correlation_id"])


def scheduled_run_id(stage: str, now: datetime) -> str:
    """``classify-20260212T041000Z``: names one scheduled run, so a retry keeps its name."""
    return f"{stage}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def sqs_bodies(event: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(messageId, body)`` of every record of an SQS event; ``[]`` for any other event."""
    records = event.get("Records")
    if not isinstance(records, list):
        return []
    return [(str(record.get("messageId", "?")), str(record["body"])) for record in records
            if isinstance(record, Mapping) and record.get("eventSource") == "aws:sqs"]


def topic_messages(event: Mapping[str, Any], stage: str) -> list[TopicMessage]:
    """The topic messages an invocation of ``stage`` is to work through.

    From SQS: each record's body. Invoked directly (the console, ``sam local invoke``,
    ``aws lambda invoke``): ``{"topic": "us-china"}`` or ``{"topics": [...]}``, with an
    optional ``now``; ``id`` or a fresh name is the correlation id. A message meant for the
    other stage is refused (``read_message``), so a miswired queue never does the wrong work.
    """
    bodies = sqs_bodies(event)
    if bodies:
        return [read_message(body, stage, where=f"SQS message {message_id}")
                for message_id, body in bodies]
    topics = event_topics(event) or ([str(event["topic"])] if event.get("topic") else [])
    if not topics:
        raise ValueError(f"{stage}: the event names no topic (expected SQS records, "
                         "'topic' or 'topics')")
    now = event_now(event)
    run_id = scheduled_run_id(stage, now)
    correlation_id = str(event.get("id") or f"manual-{run_id}")
    return [TopicMessage(stage, topic, now, run_id, correlation_id) for topic in topics]


def read_message(body: str, stage: str, *, where: str) -> TopicMessage:
    """The topic message an SQS body holds; ``ValueError`` naming ``where`` for anything else,
    a message meant for another stage included."""
    message = TopicMessage.from_json(body, where=where)
    if message.stage != stage:
        raise ValueError(f"{stage}: got a message for the {message.stage!r} stage "
                         f"(topic {message.topic!r}, run {message.run_id})")
    return message


def object_events(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The S3 "Object Created" events an invocation carries: the event itself, or, where
    EventBridge delivered them through an SQS queue, the event in each record's body."""
    bodies = sqs_bodies(event)
    if not bodies:
        return [event]
    return [event_in_body(body, where=f"SQS message {message_id}")
            for message_id, body in bodies]


def event_in_body(body: str, *, where: str) -> dict[str, Any]:
    """The event an SQS body carries (EventBridge's, for render); ``ValueError`` naming
    ``where`` when it is none."""
    try:
        inner = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: body is not JSON ({exc.msg})") from None
    if not isinstance(inner, dict):
        raise ValueError(f"{where}: body is not an event object")
    return inner


def object_version(event: Mapping[str, Any]) -> str:
    """Which write of the object an S3 event announces: its version id in a versioned bucket,
    else the sequencer, else the event id. Logged as the run id of summarize and render."""
    detail = event.get("detail")
    obj = detail.get("object") if isinstance(detail, Mapping) else None
    if isinstance(obj, Mapping):
        for field in ("version-id", "sequencer"):
            if obj.get(field):
                return str(obj[field])
    return str(event.get("id", ""))
