"""What the Lambda handlers read from their events (newsprism.aws._events)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from newsprism.aws._events import (
    TopicMessage,
    event_now,
    event_topics,
    object_events,
    object_keys,
    object_version,
    scheduled_run_id,
    topic_messages,
)
from newsprism.documents import CLASSIFIED, parse_daily_key

EVENTS = Path(__file__).resolve().parents[2] / "infra" / "events"


def sample(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def s3_notification(*keys: str) -> dict[str, Any]:
    """A direct S3 bucket notification, keys given as S3 sends them (URL-encoded)."""
    return {"Records": [
        {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
         "s3": {"bucket": {"name": "data"}, "object": {"key": key, "size": 1}}}
        for key in keys
    ]}


# -- object_keys -------------------------------------------------------------------------


def test_eventbridge_object_created_names_its_key() -> None:
    assert object_keys(sample("summarize")) == ["classified/us-china/2026-02-12.json"]
    assert object_keys(sample("render-eventbridge")) == ["digests/us-china/2026-02-12.json"]


def test_s3_notification_names_every_record() -> None:
    event = s3_notification("classified/us-china/2026-02-12.json",
                            "classified/eu-russia/2026-02-12.json")
    assert object_keys(event) == ["classified/us-china/2026-02-12.json",
                                  "classified/eu-russia/2026-02-12.json"]


@pytest.mark.parametrize(("encoded", "key"), [
    ("uploads/red+flower.jpg", "uploads/red flower.jpg"),  # the S3 docs' own example
    ("uploads/c%2B%2B.txt", "uploads/c++.txt"),  # a literal plus arrives as %2B
    ("logs/dt%3D2026-02-12/10%3A47.log", "logs/dt=2026-02-12/10:47.log"),
])
def test_keys_are_url_decoded_in_both_shapes(encoded: str, key: str) -> None:
    bridge = sample("summarize")
    bridge["detail"]["object"]["key"] = encoded
    assert object_keys(s3_notification(encoded)) == [key]
    assert object_keys(bridge) == [key]


@pytest.mark.parametrize("event", [
    {},
    {"detail-type": "Scheduled Event", "detail": {}},  # a detail, but no object in it
    {"detail": {"bucket": {"name": "data"}}},
])
def test_an_event_without_an_object_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="names no S3 object"):
        object_keys(event)


# -- parse_daily_key ---------------------------------------------------------------------


def test_stage_key_gives_topic_and_date() -> None:
    assert parse_daily_key("classified/us-china/2026-02-12.json", CLASSIFIED) == (
        "us-china", "2026-02-12")


@pytest.mark.parametrize("key", [
    "digests/us-china/2026-02-12.json",  # another stage's key
    "classified/us-china/latest.json",
    "classified/us-china/2026-02-12.md",
    "classified/us-china/2026-2-12.json",
    "classified/us-china/2026-02-30.json",  # shaped like a date, but no such day
    "classified/us-china/2026-02-12/run.json",
    "classified/US-China/2026-02-12.json",  # topic ids are lower case
    "classified/2026-02-12.json",
    "classified/../us-china/2026-02-12.json",
    "xclassified/us-china/2026-02-12.json",
])
def test_a_key_of_another_shape_is_refused_by_name(key: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_daily_key(key, CLASSIFIED)
    assert repr(key) in str(raised.value)


# -- event_now ---------------------------------------------------------------------------


def test_scheduled_event_runs_at_its_time() -> None:
    assert event_now(sample("dispatch-classify")) == datetime(2026, 2, 12, 4, 10, tzinfo=UTC)


def test_manual_now_wins_over_the_event_time() -> None:
    event = {**sample("dispatch-classify"), "now": "2026-02-10T06:30:00+08:00"}
    assert event_now(event) == datetime(2026, 2, 9, 22, 30, tzinfo=UTC)


def test_without_a_clock_the_run_uses_the_current_time_to_the_millisecond() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    now = event_now({"topics": ["us-china"]})
    assert before <= now <= datetime.now(UTC)
    assert now.microsecond % 1000 == 0


def test_a_bad_clock_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'now'.*yesterday"):
        event_now({"now": "yesterday"})


# -- event_topics ------------------------------------------------------------------------


def test_manual_event_names_topics() -> None:
    assert event_topics({"topics": ["us-china", "eu-russia"]}) == ["us-china", "eu-russia"]


def test_scheduled_event_means_every_active_topic() -> None:
    assert event_topics(sample("dispatch-fetch")) == []


@pytest.mark.parametrize("topics", ["us-china", [1], {"us-china": True}])
def test_topics_must_be_a_list_of_ids(topics: object) -> None:
    with pytest.raises(ValueError, match="'topics'"):
        event_topics({"topics": topics})


# -- topic messages (the per-topic fan-out) ----------------------------------------------


def message(**fields: object) -> TopicMessage:
    values: dict[str, Any] = {"stage": "fetch", "topic": "us-china",
                              "now": datetime(2026, 2, 12, 4, 0, tzinfo=UTC),
                              "run_id": "fetch-20260212T040000Z", "correlation_id": "exec-1"}
    values.update(fields)
    return TopicMessage(**values)


def sqs(*bodies: str) -> dict[str, Any]:
    return {"Records": [{"messageId": f"m{number}", "body": body, "eventSource": "aws:sqs"}
                        for number, body in enumerate(bodies)]}


def test_a_topic_message_survives_the_queue() -> None:
    sent = message()
    assert TopicMessage.from_json(sent.to_json(), where="m") == sent
    assert sent.date == "2026-02-12"
    assert topic_messages(sqs(sent.to_json(), message(topic="venezuela").to_json()), "fetch") == [
        sent, message(topic="venezuela")]


def test_the_sample_sqs_events_hold_what_the_dispatcher_sends() -> None:
    [fetch] = topic_messages(sample("fetch"), "fetch")
    assert fetch == message(correlation_id=sample("dispatch-fetch")["id"])
    [classify] = topic_messages(sample("classify"), "classify")
    assert (classify.run_id, classify.now) == ("classify-20260212T041000Z",
                                               event_now(sample("dispatch-classify")))


def test_a_run_is_named_by_its_stage_and_scheduled_time() -> None:
    late = datetime(2026, 2, 12, 12, 10, 59, 999000, tzinfo=timezone(timedelta(hours=8)))
    assert scheduled_run_id("classify", late) == "classify-20260212T041059Z"


@pytest.mark.parametrize(("body", "reason"), [
    ("not json", "body is not JSON"),
    ('["fetch"]', "not a newsprism topic message"),
    ('{"schema": 2, "stage": "fetch"}', "not a newsprism topic message"),
    ('{"schema": 1, "stage": "fetch", "topic": "", "now": "2026-02-12T04:00:00Z"}',
     "missing or empty topic, run_id, correlation_id"),
    ('{"schema": 1, "stage": "fetch", "topic": "t", "now": "noon", "run_id": "r",'
     ' "correlation_id": "c"}', "'now' is not an ISO 8601 time"),
])
def test_a_bad_message_is_refused_naming_the_sqs_message(body: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"SQS message m0: {reason}"):
        topic_messages(sqs(body), "fetch")


def test_a_message_for_another_stage_is_refused() -> None:
    with pytest.raises(ValueError, match="classify: got a message for the 'fetch' stage"):
        topic_messages(sqs(message().to_json()), "classify")


def test_a_direct_invocation_names_its_topics() -> None:
    [one] = topic_messages({"topic": "us-china", "now": "2026-02-10T04:10:00Z",
                            "id": "console-test"}, "classify")
    assert one == TopicMessage("classify", "us-china", datetime(2026, 2, 10, 4, 10, tzinfo=UTC),
                               "classify-20260210T041000Z", "console-test")
    two = topic_messages({"topics": ["a", "b"], "now": "2026-02-10T04:10:00Z"}, "fetch")
    assert [m.topic for m in two] == ["a", "b"]
    assert {m.correlation_id for m in two} == {"manual-fetch-20260210T041000Z"}
    with pytest.raises(ValueError, match="names no topic"):
        topic_messages({"now": "2026-02-10T04:10:00Z"}, "fetch")


# -- S3 events delivered through SQS (render) --------------------------------------------


def test_object_events_unwrap_eventbridge_events_from_sqs_records() -> None:
    bridge = sample("render-eventbridge")
    assert object_events(bridge) == [bridge]
    assert object_events(sample("render")) == [bridge]
    with pytest.raises(ValueError, match="SQS message m0: body is not JSON"):
        object_events(sqs("<xml/>"))


def test_the_object_version_names_which_write_is_processed() -> None:
    bridge = sample("render-eventbridge")
    assert object_version(bridge) == bridge["detail"]["object"]["version-id"]
    del bridge["detail"]["object"]["version-id"]  # an unversioned bucket
    assert object_version(bridge) == bridge["detail"]["object"]["sequencer"]
    assert object_version({"id": "e-1"}) == "e-1"
