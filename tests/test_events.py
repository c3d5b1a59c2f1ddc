"""What the Lambda handlers read from their events (newsprism.events)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsprism.events import event_now, event_topics, object_keys, parse_stage_key

EVENTS = Path(__file__).resolve().parents[1] / "infra" / "events"


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
    assert object_keys(sample("render")) == ["digests/us-china/2026-02-12.json"]


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
    sample("fetch"),  # a scheduled event has a detail, but no object in it
    {"detail": {"bucket": {"name": "data"}}},
])
def test_an_event_without_an_object_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="names no S3 object"):
        object_keys(event)


# -- parse_stage_key ---------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["classified", "classified/"])
def test_stage_key_gives_topic_and_date(prefix: str) -> None:
    assert parse_stage_key("classified/us-china/2026-02-12.json", prefix) == (
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
        parse_stage_key(key, "classified")
    assert repr(key) in str(raised.value)


# -- event_now ---------------------------------------------------------------------------


def test_scheduled_event_runs_at_its_time() -> None:
    assert event_now(sample("classify")) == datetime(2026, 2, 12, 4, 10, tzinfo=UTC)


def test_manual_now_wins_over_the_event_time() -> None:
    event = {**sample("classify"), "now": "2026-02-10T06:30:00+08:00"}
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
    assert event_topics(sample("fetch")) == []


@pytest.mark.parametrize("topics", ["us-china", [1], {"us-china": True}])
def test_topics_must_be_a_list_of_ids(topics: object) -> None:
    with pytest.raises(ValueError, match="'topics'"):
        event_topics({"topics": topics})
