"""The Lambda handlers over S3 and SQS (moto): dispatch -> fetch -> classify -> summarize ->
render, as deployed: one SQS message per topic, S3 events after that.

Each handler is driven with the sample events in infra/events/, so those stay accurate too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

import newsprism.classify
import newsprism.fetch
from newsprism.classify._stage import NothingToList
from newsprism.config._model import Config, Topic
from newsprism.documents._digests import Classified
from newsprism.store import Store
from tests.lambda_harness import (
    CONFIG,
    DATE,
    FEEDS,
    HANDLERS,
    FakeContext,
    LogCapture,
    emitted_metrics,
    sample_event,
    serve_feeds,
    sqs_event,
)

DATA_BUCKET = "newsprism-data-test"
SITE_BUCKET = "newsprism-site-test"
dispatch_app, fetch_app, classify_app, summarize_app, render_app = HANDLERS.values()


@pytest.fixture
def aws(aws_credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Moto S3 and SQS with the stack's buckets and queues, and the environment the template
    gives the functions."""
    config = tmp_path / "topics.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("NEWSPRISM_CONFIG", str(config))
    monkeypatch.setenv("DATA_URI", f"s3://{DATA_BUCKET}")
    monkeypatch.setenv("SITE_URI", f"s3://{SITE_BUCKET}")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=DATA_BUCKET)
        s3.create_bucket(Bucket=SITE_BUCKET)
        sqs = boto3.client("sqs", region_name="us-east-1")
        for variable, name in (("FETCH_QUEUE_URL", "fetch"), ("CLASSIFY_QUEUE_URL", "classify")):
            monkeypatch.setenv(variable, sqs.create_queue(QueueName=name)["QueueUrl"])
        yield s3


def keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def received(variable: str) -> list[str]:
    """Every message body waiting in the queue the environment variable names."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    messages = sqs.receive_message(QueueUrl=os.environ[variable], MaxNumberOfMessages=10)
    return [message["Body"] for message in messages.get("Messages", [])]


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    capture = LogCapture()
    yield capture
    capture.close()


@pytest.fixture
def feeds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The feed host, faked: the stage's own transport seam, the URLs it was asked for."""
    requested: list[str] = []
    monkeypatch.setattr(newsprism.fetch, "fetch_topics",
                        partial(newsprism.fetch.fetch_topics, transport=serve_feeds(requested)))
    return requested


def test_a_scheduled_run_publishes_a_digest_one_topic_message_at_a_time(
        aws: Any, feeds: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # The fetch schedule's input -> one message per topic, exactly the sample fetch event's.
    dispatched = dispatch_app.lambda_handler(sample_event("dispatch-fetch"), FakeContext())
    assert dispatched == {"stage": "fetch", "run_id": "fetch-20260212T040000Z",
                          "topics": ["us-china"]}
    [body] = received("FETCH_QUEUE_URL")
    fetch_event = sample_event("fetch")
    assert json.loads(body) == json.loads(fetch_event["Records"][0]["body"])

    fetched = fetch_app.lambda_handler(sqs_event([body]), FakeContext())
    assert sorted(feeds) == sorted(FEEDS)
    [run] = fetched["runs"]
    assert (run["topic"], run["feeds_ok"], run["feeds_failed"], run["articles"]) == (
        "us-china", 2, 0, 4)
    assert keys(aws, DATA_BUCKET, "raw/") == [run["key"]]
    assert run["key"].startswith(f"raw/us-china/{DATE}/")
    metrics = emitted_metrics(capsys.readouterr().out)
    assert (metrics["FeedsOk"], metrics["FeedsFailed"], metrics["Articles"]) == (2, 0, 4)

    dispatch_app.lambda_handler(sample_event("dispatch-classify"), FakeContext())
    [body] = received("CLASSIFY_QUEUE_URL")
    assert json.loads(body) == json.loads(sample_event("classify")["Records"][0]["body"])
    classified = classify_app.lambda_handler(sqs_event([body]), FakeContext())
    assert classified["topics"]["us-china"]["status"] == "ok"
    # The sample summarize event names exactly the object the classify function stores.
    summarize_event = sample_event("summarize", bucket=DATA_BUCKET)
    assert classified["topics"]["us-china"]["key"] == summarize_event["detail"]["object"]["key"]

    summarized = summarize_app.lambda_handler(summarize_event, FakeContext())
    render_event = sample_event("render", bucket=DATA_BUCKET)
    [digest_event] = [json.loads(r["body"]) for r in render_event["Records"]]
    assert summarized["digests"] == [digest_event["detail"]["object"]["key"]]

    capsys.readouterr()
    rendered = render_app.lambda_handler(render_event, FakeContext())
    assert rendered["rendered"] == [f"us-china/{DATE}"]
    # The "no digest published" alarm watches this metric.
    assert emitted_metrics(capsys.readouterr().out)["DigestsPublished"] == 1

    expected_types = {
        f"us-china/{DATE}.md": "text/markdown; charset=utf-8",
        f"us-china/{DATE}/index.html": "text/html; charset=utf-8",
        f"us-china/{DATE}.json": "application/json",
    }
    for key, content_type in expected_types.items():
        assert aws.head_object(Bucket=SITE_BUCKET, Key=key)["ContentType"] == content_type
    markdown = aws.get_object(Bucket=SITE_BUCKET, Key=f"us-china/{DATE}.md")["Body"].read()
    assert markdown.startswith(b'---\ntitle: "US vs China News - 2026-02-12"\n')
    for title in ("US and China agree to extend tariff truce by 90 days",
                  "Beijing says US chip curbs hurt global supply chains"):
        assert title.encode() in markdown
    assert keys(aws, SITE_BUCKET, "index.html") == ["index.html"]


def test_every_log_line_of_a_topic_names_topic_date_run_and_correlation_id(
        aws: Any, feeds: list[str], logs: LogCapture) -> None:
    fetch_app.lambda_handler(sample_event("fetch"), FakeContext())
    lines = logs.lines()
    # The handler's own line and the stage's per-feed lines (standard logging) alike.
    assert "fetched" in {line["message"] for line in lines}
    assert any(not line["location"].startswith("lambda_handler:") for line in lines)
    for line in lines:
        assert (line["topic"], line["date"], line["run_id"], line["correlation_id"]) == (
            "us-china", DATE, "fetch-20260212T040000Z", "5b8e6a0d2f2c4a57"), line

    # summarize and render: the EventBridge event id, the object version as the run.
    summarize_event = sample_event("summarize", bucket=DATA_BUCKET)
    classify_app.lambda_handler(sample_event("classify"), FakeContext())
    logs.lines()
    summarize_app.lambda_handler(summarize_event, FakeContext())
    lines = logs.lines()
    assert lines
    for line in lines:
        assert (line["topic"], line["date"], line["correlation_id"], line["run_id"]) == (
            "us-china", DATE, summarize_event["id"],
            summarize_event["detail"]["object"]["version-id"]), line


def test_fetch_gives_the_stage_the_time_lambda_has_left(
        aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    deadlines: list[float | None] = []

    def record(config: Config, topics: list[Topic], data: Store, now: Any, *,
               deadline: float | None = None) -> list[Any]:
        deadlines.append(deadline)
        assert [topic.id for topic in topics] == ["us-china"]
        return []

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", record)
    fetch_app.lambda_handler({"topic": "us-china"}, FakeContext(remaining_ms=42_500))
    assert deadlines == [42.5]


def test_a_topic_that_left_the_configuration_is_skipped_not_retried(
        aws: Any, feeds: list[str], logs: LogCapture) -> None:
    body = sample_event("fetch")["Records"][0]["body"].replace('"us-china"', '"eu-russia"')
    assert fetch_app.lambda_handler(sqs_event([body]), FakeContext())["runs"] == []
    assert feeds == []
    assert any(line["message"] == "topic no longer configured: skipped"
               and line["topic"] == "eu-russia" for line in logs.lines())
    result = classify_app.lambda_handler(sqs_event([body.replace('"fetch"', '"classify"')]),
                                         FakeContext())
    assert result["topics"] == {"eu-russia": {"status": "skipped"}}


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_a_message_for_the_other_stage_is_refused(aws: Any, feeds: list[str]) -> None:
    with pytest.raises(ValueError, match="fetch: got a message for the 'classify' stage"):
        fetch_app.lambda_handler(sample_event("classify"), FakeContext())
    assert feeds == []
    assert keys(aws, DATA_BUCKET) == []


def test_classify_goes_on_after_a_failing_topic_then_fails_the_invocation(
        aws: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "two.toml"
    config.write_text(CONFIG + CONFIG[CONFIG.index("[[topics]]"):]
                      .replace('id = "us-china"', 'id = "broken"'), encoding="utf-8")
    monkeypatch.setenv("NEWSPRISM_CONFIG", str(config))
    attempted: list[str] = []

    def classify_topic(config: Config, topic: Topic, data: Store, now: Any) -> Classified:
        attempted.append(topic.id)
        if topic.id == "broken":
            raise OSError("disk on fire")
        raise NothingToList(f"{topic.id}: no articles to list (no raw runs in the window)")

    monkeypatch.setattr(newsprism.classify, "classify_topic", classify_topic)
    with pytest.raises(RuntimeError, match="broken: OSError") as raised:
        classify_app.lambda_handler({"topics": ["broken", "us-china"]}, FakeContext())
    assert attempted == ["broken", "us-china"]
    assert "us-china" not in str(raised.value)  # an empty topic is reported, not a failure
    metrics = emitted_metrics(capsys.readouterr().out)
    assert (metrics["TopicsFailed"], metrics["TopicsEmpty"], metrics["TopicsClassified"]) == (
        1, 1, 0)


def test_classify_reports_a_topic_without_articles_and_succeeds(aws: Any) -> None:
    result = classify_app.lambda_handler(sample_event("classify"), FakeContext())
    assert result["date"] == DATE
    assert result["topics"]["us-china"]["status"] == "empty"
    assert keys(aws, DATA_BUCKET, "classified/") == []


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@pytest.mark.parametrize(("handler", "key"), [
    (summarize_app, "classified/us-china/latest.json"),
    (render_app, "digests/us-china/2026-02-12.md"),
    (render_app, "classified/us-china/2026-02-12.json"),  # another stage's object
], ids=["summarize-latest", "render-markdown", "render-classified"])
def test_an_object_of_another_shape_is_refused(aws: Any, handler: ModuleType, key: str) -> None:
    event = sample_event("summarize", bucket=DATA_BUCKET)
    event["detail"]["object"]["key"] = key
    with pytest.raises(ValueError, match=key):
        handler.lambda_handler(event, FakeContext())
    assert keys(aws, DATA_BUCKET) == keys(aws, SITE_BUCKET) == []


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_dispatch_refuses_an_unknown_stage_and_sends_nothing(aws: Any) -> None:
    with pytest.raises(ValueError, match=r"'stage'.*'render'"):
        dispatch_app.lambda_handler({"stage": "render", "time": "2026-02-12T04:00:00Z"},
                                    FakeContext())
    assert received("FETCH_QUEUE_URL") == received("CLASSIFY_QUEUE_URL") == []


def test_a_manual_rerun_of_a_day_dispatches_the_named_topics_at_that_clock(aws: Any) -> None:
    result = dispatch_app.lambda_handler(
        {"stage": "classify", "topics": ["us-china"], "now": "2026-02-10T04:10:00Z"},
        FakeContext())
    assert result["run_id"] == "classify-20260210T041000Z"
    [body] = received("CLASSIFY_QUEUE_URL")
    message = json.loads(body)
    assert (message["topic"], message["now"], message["correlation_id"]) == (
        "us-china", "2026-02-10T04:10:00.000Z", FakeContext().aws_request_id)
