"""The Lambda handlers over S3 and SQS (moto): dispatch -> fetch -> classify -> summarize ->
render, as deployed: one SQS message per topic, S3 events after that; and the one failure
policy of the runner (newsprism.aws._runner) as each handler applies it.

Each handler is driven with the sample events in infra/events/, so those stay accurate too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from moto import mock_aws

import newsprism.classify
import newsprism.fetch
import newsprism.render
import newsprism.summarize
from newsprism.aws import ItemsFailed
from newsprism.classify._stage import NothingToList
from newsprism.config import Config, Topic
from newsprism.documents import RawRun
from newsprism.documents._digests import Classified
from newsprism.store import Store
from tests.lambda_harness import (
    CONFIG,
    DATE,
    FEEDS,
    HANDLERS,
    FakeContext,
    LogCapture,
    emitted_dimensions,
    emitted_metrics,
    sample_event,
    serve_feeds,
    sqs_event,
)
from tests.topics import US_CHINA_TOML

DATA_BUCKET = "newsprism-data-test"
SITE_BUCKET = "newsprism-site-test"
dispatch_app, fetch_app, classify_app, summarize_app, render_app = HANDLERS.values()
NO_FAILURES: dict[str, Any] = {"batchItemFailures": []}  # an SQS batch that succeeded: every message deleted


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

    capsys.readouterr()
    assert fetch_app.lambda_handler(sqs_event([body]), FakeContext()) == NO_FAILURES
    assert sorted(feeds) == sorted(FEEDS)
    [run_key] = keys(aws, DATA_BUCKET, "raw/")
    assert run_key.startswith(f"raw/us-china/{DATE}/")
    metrics = emitted_metrics(capsys.readouterr().out)
    assert (metrics["ItemsOk"], metrics["FeedsOk"], metrics["FeedsFailed"],
            metrics["Articles"]) == (1, 2, 0, 4)

    dispatch_app.lambda_handler(sample_event("dispatch-classify"), FakeContext())
    [body] = received("CLASSIFY_QUEUE_URL")
    assert json.loads(body) == json.loads(sample_event("classify")["Records"][0]["body"])
    assert classify_app.lambda_handler(sqs_event([body]), FakeContext()) == NO_FAILURES
    # The sample summarize event names exactly the object the classify function stores.
    summarize_event = sample_event("summarize", bucket=DATA_BUCKET)
    assert keys(aws, DATA_BUCKET, "classified/") == [summarize_event["detail"]["object"]["key"]]

    summarized = summarize_app.lambda_handler(summarize_event, FakeContext())
    render_event = sample_event("render", bucket=DATA_BUCKET)
    [digest_event] = [json.loads(r["body"]) for r in render_event["Records"]]
    assert summarized == {"stage": "summarize", "items": [
        {"topic": "us-china", "date": DATE, "status": "ok",
         "key": digest_event["detail"]["object"]["key"]}]}

    capsys.readouterr()
    assert render_app.lambda_handler(render_event, FakeContext()) == NO_FAILURES
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
    # The runner's line for the item and the stage's per-feed lines (standard logging) alike.
    assert [line["status"] for line in lines if line["message"] == "fetch: ok"] == ["ok"]
    assert any(line["message"].startswith("feed ok ") for line in lines)
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

    def record(config: Config, topics: list[Topic], data: Store, now: datetime, *,
               deadline: float | None = None) -> list[RawRun]:
        deadlines.append(deadline)
        assert [topic.id for topic in topics] == ["us-china"]
        return [RawRun("us-china", "r1", now, feeds=(), articles=())]

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", record)
    fetch_app.lambda_handler({"topic": "us-china"}, FakeContext(remaining_ms=42_500))
    assert deadlines == [42.5]


def test_a_topic_that_left_the_configuration_is_skipped_not_retried(
        aws: Any, feeds: list[str], logs: LogCapture,
        capsys: pytest.CaptureFixture[str]) -> None:
    body = sample_event("fetch")["Records"][0]["body"].replace('"us-china"', '"eu-russia"')
    assert fetch_app.lambda_handler(sqs_event([body]), FakeContext()) == NO_FAILURES
    assert feeds == []
    assert any(line["message"] == "fetch: skipped" and line["topic"] == "eu-russia"
               and line["reason"] == "topic no longer configured" for line in logs.lines())
    assert emitted_metrics(capsys.readouterr().out)["ItemsSkipped"] == 1
    result = classify_app.lambda_handler({"topic": "eu-russia", "now": f"{DATE}T04:10:00Z"},
                                         FakeContext())
    assert result["items"] == [{"topic": "eu-russia", "date": DATE, "status": "skipped",
                                "reason": "topic no longer configured"}]


def test_a_message_for_the_other_stage_is_skipped_not_run(
        aws: Any, feeds: list[str], logs: LogCapture) -> None:
    # Retrying it could never help: it is logged and deleted (a miswired queue shows in the
    # log and in ItemsSkipped).
    assert fetch_app.lambda_handler(sample_event("classify"), FakeContext()) == NO_FAILURES
    assert feeds == []
    assert keys(aws, DATA_BUCKET) == []
    [line] = [line for line in logs.lines() if line["message"] == "fetch: skipped"]
    assert "fetch: got a message for the 'classify' stage" in line["reason"]
    assert line["source"] == sample_event("classify")["Records"][0]["messageId"]


def two_topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *ids: str) -> None:
    """The test configuration with more topics: copies of us-china under other ids."""
    text = CONFIG + "".join(US_CHINA_TOML.replace('id = "us-china"', f'id = "{id_}"') for id_ in ids)
    config = tmp_path / "more.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("NEWSPRISM_CONFIG", str(config))


def flaky_classify(attempted: list[str]) -> Any:
    """classify_topic that fails for "broken" and finds nothing to list for the others."""
    def classify_topic(config: Config, topic: Topic, data: Store, now: Any) -> Classified:
        attempted.append(topic.id)
        if topic.id == "broken":
            raise OSError("disk on fire")
        raise NothingToList(f"{topic.id}: no articles to list (no raw runs in the window)")
    return classify_topic


def test_classify_goes_on_after_a_failing_topic_then_fails_the_invocation(
        aws: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    two_topics(tmp_path, monkeypatch, "broken")
    attempted: list[str] = []
    monkeypatch.setattr(newsprism.classify, "classify_topic", flaky_classify(attempted))
    with pytest.raises(ItemsFailed, match=f"broken/{DATE}: OSError") as raised:
        classify_app.lambda_handler({"topics": ["broken", "us-china"],
                                     "now": f"{DATE}T04:10:00Z"}, FakeContext())
    assert attempted == ["broken", "us-china"]
    assert "us-china" not in str(raised.value)  # an empty topic is reported, not a failure
    metrics = emitted_metrics(capsys.readouterr().out)
    assert (metrics["ItemsFailed"], metrics["ItemsEmpty"], metrics["ItemsOk"]) == (1, 1, 0)


def test_one_failing_message_of_a_batch_is_the_only_one_sqs_retries(
        aws: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, logs: LogCapture,
        capsys: pytest.CaptureFixture[str]) -> None:
    two_topics(tmp_path, monkeypatch, "broken", "eu-russia")
    attempted: list[str] = []
    monkeypatch.setattr(newsprism.classify, "classify_topic", flaky_classify(attempted))
    body = sample_event("classify")["Records"][0]["body"]
    bodies = [body.replace('"us-china"', f'"{topic}"')
              for topic in ("us-china", "broken", "eu-russia")]
    response = classify_app.lambda_handler(sqs_event(bodies), FakeContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert attempted == ["us-china", "broken", "eu-russia"]
    [failed] = [line for line in logs.lines() if line["message"] == "classify: failed"]
    assert (failed["topic"], failed["source"], failed["level"]) == ("broken", "m-1", "ERROR")
    assert "OSError: disk on fire" in failed["exception"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert (metrics["ItemsFailed"], metrics["ItemsEmpty"]) == (1, 2)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_batch_whose_every_message_failed_fails_the_invocation(
        aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Fetch and classify take one message per invocation: a failure is an invocation error,
    # which the functions' Errors alarms count.
    def fail(*args: Any, **kwargs: Any) -> list[RawRun]:
        raise OSError("no network")

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", fail)
    with pytest.raises(BatchProcessingError, match="no network"):
        fetch_app.lambda_handler(sample_event("fetch"), FakeContext())


def test_classify_reports_a_topic_without_articles_and_succeeds(aws: Any) -> None:
    assert classify_app.lambda_handler(sample_event("classify"), FakeContext()) == NO_FAILURES
    result = classify_app.lambda_handler({"topic": "us-china", "now": f"{DATE}T04:10:00Z"},
                                         FakeContext())
    [item] = result["items"]
    assert (item["topic"], item["date"], item["status"]) == ("us-china", DATE, "empty")
    assert "no articles to list" in item["reason"]
    assert keys(aws, DATA_BUCKET, "classified/") == []


def test_classify_takes_the_matcher_from_the_template_environment(
        aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Config] = []

    def classify_topic(config: Config, topic: Topic, data: Store, now: Any) -> Classified:
        seen.append(config)
        raise NothingToList(f"{topic.id}: no articles to list")

    monkeypatch.setattr(newsprism.classify, "classify_topic", classify_topic)
    monkeypatch.setenv("NEWSPRISM_MATCHER", "bedrock")
    monkeypatch.setenv("NEWSPRISM_MATCHER_MODEL", "amazon.nova-micro-v1:0")
    classify_app.lambda_handler({"topic": "us-china", "now": f"{DATE}T04:10:00Z"}, FakeContext())
    [config] = seen
    assert (config.settings.matcher, config.matcher.model) == ("bedrock", "amazon.nova-micro-v1:0")


@pytest.mark.parametrize(("handler", "key"), [
    (summarize_app, "classified/us-china/latest.json"),
    (render_app, "digests/us-china/2026-02-12.md"),
    (render_app, "digests/us-china/notes.txt"),
    (render_app, "classified/us-china/2026-02-12.json"),  # another stage's object
], ids=["summarize-latest", "render-markdown", "render-notes", "render-classified"])
def test_an_object_of_another_shape_is_skipped_not_retried(
        aws: Any, handler: ModuleType, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    event = sample_event("summarize", bucket=DATA_BUCKET)
    event["detail"]["object"]["key"] = key
    [item] = handler.lambda_handler(event, FakeContext())["items"]
    assert item["status"] == "skipped" and key in item["reason"]
    assert emitted_metrics(capsys.readouterr().out)["ItemsSkipped"] == 1
    assert keys(aws, DATA_BUCKET) == keys(aws, SITE_BUCKET) == []


def digest_events(*keys: str) -> dict[str, Any]:
    """The render queue's batch: one EventBridge "Object Created" event per key, in order."""
    bridge = sample_event("render-eventbridge", bucket=DATA_BUCKET)
    bodies = [json.dumps({**bridge, "detail": {**bridge["detail"], "object": {
        **bridge["detail"]["object"], "key": key}}}) for key in keys]
    return sqs_event(bodies, queue="newsprism-render.fifo")


def test_a_stray_key_in_a_render_batch_is_skipped_and_the_batch_succeeds(
        aws: Any, monkeypatch: pytest.MonkeyPatch, logs: LogCapture) -> None:
    rendered: list[str] = []

    def render_digest(data: Store, site: Store, topic_id: str, date: str, *,
                      base_url: str | None = None) -> list[str]:
        rendered.append(f"{topic_id}/{date}")
        return [f"{topic_id}/{date}/index.html"]

    monkeypatch.setattr(newsprism.render, "render_digest", render_digest)
    event = digest_events(f"digests/us-china/{DATE}.json", "digests/us-china/notes.txt",
                          f"digests/eu-russia/{DATE}.json")
    assert render_app.lambda_handler(event, FakeContext()) == NO_FAILURES
    assert rendered == [f"us-china/{DATE}", f"eu-russia/{DATE}"]
    [skipped] = [line for line in logs.lines() if line["message"] == "render: skipped"]
    assert "'digests/us-china/notes.txt' is not a digests/" in skipped["reason"]


def test_a_render_batch_stops_at_its_first_failure_and_keeps_the_order(
        aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []

    def render_digest(data: Store, site: Store, topic_id: str, date: str, *,
                      base_url: str | None = None) -> list[str]:
        rendered.append(topic_id)
        if topic_id == "broken":
            raise OSError("site bucket on fire")
        return []

    monkeypatch.setattr(newsprism.render, "render_digest", render_digest)
    event = digest_events(*(f"digests/{topic}/{DATE}.json"
                            for topic in ("us-china", "broken", "eu-russia")))
    # The FIFO processor: the failed message and every later one go back, in order.
    assert render_app.lambda_handler(event, FakeContext()) == {"batchItemFailures": [
        {"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]}
    assert rendered == ["us-china", "broken"]


@pytest.mark.parametrize("stage", ["fetch", "classify", "summarize", "render"])
def test_every_stage_records_the_same_metrics_under_its_stage(
        aws: Any, stage: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Events with nothing to do for the stage (an unconfigured topic, a stray key): cheap,
    # and the metrics are still recorded.
    if stage in ("fetch", "classify"):
        event: dict[str, Any] = {"topic": "gone", "now": f"{DATE}T04:00:00Z"}
    else:
        event = sample_event("summarize", bucket=DATA_BUCKET)
        event["detail"]["object"]["key"] = "stray.txt"
    capsys.readouterr()
    [item] = HANDLERS[stage].lambda_handler(event, FakeContext())["items"]
    assert item["status"] == "skipped"
    out = capsys.readouterr().out
    metrics = emitted_metrics(out)
    # ItemsEmpty is sent only when it happens: a metric costs per hour it receives data.
    assert {"ItemsOk", "ItemsSkipped", "ItemsFailed", "StageSeconds"} <= set(metrics)
    assert "ItemsEmpty" not in metrics
    assert (metrics["ItemsOk"], metrics["ItemsSkipped"], metrics["ItemsFailed"]) == (0, 1, 0)
    assert emitted_dimensions(out) == [{"service": "newsprism-test", "stage": stage}]


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


def test_a_failed_summary_fails_the_invocation_so_lambda_retries_the_event(
        aws: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def summarize_topic(*args: Any, **kwargs: Any) -> Any:
        raise TimeoutError("the model did not answer")

    monkeypatch.setattr(newsprism.summarize, "summarize_topic", summarize_topic)
    with pytest.raises(ItemsFailed, match=f"us-china/{DATE}: TimeoutError"):
        summarize_app.lambda_handler(sample_event("summarize", bucket=DATA_BUCKET), FakeContext())
    assert emitted_metrics(capsys.readouterr().out)["ItemsFailed"] == 1


# -- paid work done once (issue 21) --------------------------------------------------------

SUMMARIZER_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.fixture
def bedrock(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[Any]]]:
    """The summarize function's Bedrock client as it makes it (the template's Summarizer
    parameters), stubbed: its Stubber and the Converse requests it was asked to send."""
    from botocore.stub import Stubber

    from newsprism.config import SummarizerSettings
    from newsprism.llm import runtime_client

    monkeypatch.setenv("NEWSPRISM_SUMMARIZER", "bedrock")
    monkeypatch.setenv("NEWSPRISM_SUMMARIZER_MODEL", SUMMARIZER_MODEL)
    runtime_client.cache_clear()
    client = runtime_client("", SummarizerSettings().timeout)
    requests: list[Any] = []
    client.meta.events.register("provide-client-params.bedrock-runtime.Converse",
                                lambda params, **_: requests.append(params))
    stubber = Stubber(client)
    stubber.activate()
    yield stubber, requests
    runtime_client.cache_clear()


def converse(answer: dict[str, Any]) -> dict[str, Any]:
    return {"output": {"message": {"role": "assistant", "content": [{"text": json.dumps(answer)}]}},
            "stopReason": "end_turn", "metrics": {"latencyMs": 900},
            "usage": {"inputTokens": 900, "outputTokens": 120, "totalTokens": 1020}}


def versions(s3: Any, key: str) -> list[str]:
    """Every version of ``key``: one per write, each an "Object Created" event."""
    listing = s3.list_object_versions(Bucket=DATA_BUCKET, Prefix=key)
    return [v["VersionId"] for v in listing.get("Versions", []) if v["Key"] == key]


def test_a_redelivered_classify_makes_no_second_model_call_and_no_render(
        aws: Any, feeds: list[str], bedrock: tuple[Any, list[Any]], logs: LogCapture) -> None:
    stubber, requests = bedrock
    aws.put_bucket_versioning(Bucket=DATA_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    classified, digest = f"classified/us-china/{DATE}.json", f"digests/us-china/{DATE}.json"
    delivered: dict[str, set[str]] = {classified: set(), digest: set()}
    renders = 0

    def created(key: str) -> int:
        """The writes of ``key`` not yet delivered as events to the next stage."""
        fresh = set(versions(aws, key)) - delivered[key]
        delivered[key] |= fresh
        return len(fresh)

    fetch_app.lambda_handler(sample_event("fetch"), FakeContext())
    summarize_event = sample_event("summarize", bucket=DATA_BUCKET)
    for delivery in (1, 2):  # SQS delivers at least once: the same message, twice
        assert classify_app.lambda_handler(sample_event("classify"), FakeContext()) == NO_FAILURES
        if delivery == 1:  # the model's one answer, citing the first article of each side
            sides = [a["perspective"] for a in json.loads(
                aws.get_object(Bucket=DATA_BUCKET, Key=classified)["Body"].read())["articles"]]
            us, china = sides.index("us") + 1, sides.index("china") + 1
            stubber.add_response("converse", converse({
                "overall": [{"text": "Both sides report on trade.", "sources": [us, china]}],
                "perspectives": {"us": [{"text": "US outlets report.", "sources": [us]}],
                                 "china": [{"text": "China's outlets report.",
                                            "sources": [china]}]}}))
        for _ in range(created(classified)):  # S3 -> EventBridge -> summarize, per write
            summarize_app.lambda_handler(summarize_event, FakeContext())
        for _ in range(created(digest)):  # S3 -> EventBridge -> the render queue, per write
            assert render_app.lambda_handler(sample_event("render", bucket=DATA_BUCKET),
                                             FakeContext()) == NO_FAILURES
            renders += 1
    assert len(requests) == 1 and renders == 1  # the second delivery started nothing
    # EventBridge delivers at least once too: the same summarize event again.
    [item] = summarize_app.lambda_handler(summarize_event, FakeContext())["items"]
    assert item["status"] == "ok" and created(digest) == 0 and len(requests) == 1

    assert len(versions(aws, classified)) == len(versions(aws, digest)) == 1
    stored = json.loads(aws.get_object(Bucket=DATA_BUCKET, Key=digest)["Body"].read())
    assert (stored["summarizer"], stored["model"]) == ("bedrock", SUMMARIZER_MODEL)
    ok = [(line["message"], line["unchanged"]) for line in logs.lines()
          if line["message"] in ("classify: ok", "summarize: ok")]
    assert ok == [("classify: ok", False), ("summarize: ok", False), ("classify: ok", True),
                  ("summarize: ok", True)]
