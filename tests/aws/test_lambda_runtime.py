"""What the handlers share: the configuration from the environment (a path or an S3 object),
the per-topic fan-out to SQS, and the tracer switch."""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from newsprism.aws import _fanout as fanout
from newsprism.aws import _runtime as runtime
from newsprism.aws._events import TopicMessage
from newsprism.aws._observability import NoTracer, XRayTracer, powertools, tracing_disabled
from newsprism.aws._runtime import data_store, load_runtime_config
from newsprism.config import ConfigError, Topic, load_config
from tests.lambda_harness import CONFIG

BUCKET = "newsprism-data-test"
NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)


@pytest.fixture
def s3(aws_credentials: None) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


# -- NEWSPRISM_CONFIG ---------------------------------------------------------------------


def test_the_topics_file_can_live_in_s3(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="config/topics.toml", Body=CONFIG.encode())
    config = load_runtime_config({"NEWSPRISM_CONFIG": f"s3://{BUCKET}/config/topics.toml"})
    assert [topic.id for topic in config.topics] == ["us-china"]
    assert config.settings.max_articles == 10


def test_an_s3_key_ending_in_json_is_read_as_json(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="topics.json", Body=json.dumps(tomllib.loads(CONFIG)))
    config = load_runtime_config({"NEWSPRISM_CONFIG": f"s3://{BUCKET}/topics.json"})
    assert [topic.id for topic in config.topics] == ["us-china"]
    assert config.source == f"s3://{BUCKET}/topics.json"  # what its error lines will name


@pytest.mark.parametrize(("uri", "body", "message"), [
    ("s3://no-such-bucket/topics.toml", None, "s3://no-such-bucket/topics.toml: cannot read "
     "(NoSuchBucket)"),
    (f"s3://{BUCKET}/", None, "names no object"),
    (f"s3://{BUCKET}/config/bad.toml", b"[settings\n", f"s3://{BUCKET}/config/bad.toml: "
     "invalid TOML"),
    (f"s3://{BUCKET}/config/latin1.toml", b"name = \"caf\xe9\"", "not UTF-8 text"),
])
def test_a_bad_s3_config_is_one_line_naming_the_object(
        s3: Any, uri: str, body: bytes | None, message: str) -> None:
    if body is not None:
        s3.put_object(Bucket=BUCKET, Key=uri.split("/", 3)[3], Body=body)
    with pytest.raises(ConfigError) as raised:
        load_runtime_config({"NEWSPRISM_CONFIG": uri})
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_until_a_topics_file_is_uploaded_the_bundled_topics_are_used_with_a_warning(
        s3: Any, caplog: pytest.LogCaptureFixture) -> None:
    uri = f"s3://{BUCKET}/topics.toml"  # the template's default TopicsConfigKey
    with caplog.at_level(logging.WARNING, logger="newsprism.aws"):
        assert load_runtime_config({"NEWSPRISM_CONFIG": uri}) == load_config(None)
    [warning] = [r.getMessage() for r in caplog.records if "no topics file" in r.getMessage()]
    assert uri in warning and "bundled" in warning
    s3.put_object(Bucket=BUCKET, Key="topics.toml", Body=CONFIG.encode())  # the upload
    assert [t.id for t in load_runtime_config({"NEWSPRISM_CONFIG": uri}).topics] == ["us-china"]


class RefusingStore:
    """S3 as a role without s3:ListBucket sees it: a read of a missing key is refused (403)."""

    def __init__(self, listed: list[str] | None) -> None:
        self.listed = listed  # what a listing of the key shows; None: the listing is refused

    def read(self, key: str) -> bytes:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "GetObject")

    def list(self, prefix: str) -> list[str]:
        if self.listed is None:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ListObjectsV2")
        return self.listed


@pytest.mark.parametrize(("listed", "bundled"), [
    ([], True), (["topics.toml.bak"], True),  # missing: the bundled topics
    (["topics.toml"], False),  # there, but unreadable (a KMS key the role may not use)
    (None, False),  # cannot tell: the read's own error
])
def test_a_refused_read_is_a_missing_file_only_when_a_listing_says_so(
        monkeypatch: pytest.MonkeyPatch, listed: list[str] | None, bundled: bool) -> None:
    monkeypatch.setattr(runtime, "open_store", lambda uri: RefusingStore(listed))
    environ = {"NEWSPRISM_CONFIG": f"s3://{BUCKET}/topics.toml"}
    if bundled:
        assert load_runtime_config(environ) == load_config(None)
    else:
        with pytest.raises(ConfigError, match=r"topics\.toml: cannot read \(AccessDenied\)$"):
            load_runtime_config(environ)


# -- the template's model grants -----------------------------------------------------------

MODELS = """
[summarizer]
model = "amazon.nova-lite-v1:0"
[matcher]
model = "amazon.nova-micro-v1:0"
"""


def topics_file(tmp_path: Path, settings: str, tables: str = MODELS) -> str:
    path = tmp_path / "topics.toml"
    path.write_text(tables + CONFIG.replace("[settings]\n", f"[settings]\n{settings}\n", 1),
                    encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("table", "parameter"), [("summarizer", "Summarizer"),
                                                  ("matcher", "Matcher")])
def test_bedrock_in_the_topics_file_without_the_grant_fails_at_load_naming_the_parameter(
        tmp_path: Path, table: str, parameter: str) -> None:
    config = topics_file(tmp_path, f'{table} = "bedrock"')
    granted = f"NEWSPRISM_{table.upper()}_GRANTED"
    with pytest.raises(ConfigError) as raised:
        load_runtime_config({"NEWSPRISM_CONFIG": config, granted: "none"})
    message = str(raised.value)
    assert f'settings.{table} = "bedrock"' in message and f"{parameter}=bedrock" in message
    assert message.startswith(config) and "\n" not in message
    # Granted, or overridden by the template's parameter, or outside the template: loads.
    assert load_runtime_config({"NEWSPRISM_CONFIG": config, granted: "bedrock"})
    assert load_runtime_config({"NEWSPRISM_CONFIG": config, granted: "none",
                                f"NEWSPRISM_{table.upper()}": "offline" if table == "matcher"
                                else "extractive"})
    assert load_runtime_config({"NEWSPRISM_CONFIG": config})


def test_a_key_parameter_the_role_may_not_read_fails_at_load(tmp_path: Path) -> None:
    tables = '[summarizer]\nmodel = "m"\napi_key_parameter = "/newsprism/key"\n'
    config = topics_file(tmp_path, 'summarizer = "openai"', tables)
    environ = {"NEWSPRISM_CONFIG": config, "NEWSPRISM_SUMMARIZER_GRANTED": "none"}
    with pytest.raises(ConfigError, match="SummarizerApiKeyParameter=/newsprism/key"):
        load_runtime_config(environ)
    # The template's parameter replaces the file's, and its role may read that one.
    assert load_runtime_config({**environ, "NEWSPRISM_SUMMARIZER_API_KEY_PARAMETER": "/other"})


def test_a_path_or_nothing_means_a_file_or_the_bundled_topics(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(CONFIG, encoding="utf-8")
    assert load_runtime_config({"NEWSPRISM_CONFIG": str(path)}).topics[0].id == "us-china"
    assert load_runtime_config({"NEWSPRISM_CONFIG": ""}) == load_config(None)
    assert load_runtime_config({}) == load_config(None)


def test_a_missing_data_uri_is_named() -> None:
    with pytest.raises(ConfigError, match="environment: DATA_URI is not set"):
        data_store({})


# -- fan-out ------------------------------------------------------------------------------


def topics(count: int) -> list[Topic]:
    return [Topic(id=f"topic-{number:02d}", name=f"Topic {number}", perspectives=(),
                  feeds=()) for number in range(count)]


def test_every_topic_gets_one_message_in_batches_of_ten(aws_credentials: None) -> None:
    messages = fanout.plan("fetch", topics(23), NOW, "exec-1")
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="fetch")["QueueUrl"]
        assert fanout.send(messages, url, sqs) == 23
        bodies = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages", []):
            bodies += [message["Body"] for message in batch]
    received = sorted((TopicMessage.from_json(body, where="test") for body in bodies),
                      key=lambda message: message.topic)
    assert received == messages
    assert {message.run_id for message in received} == {"fetch-20260212T040000Z"}


class RefusingSQS:
    """SendMessageBatch that refuses the second entry of every batch."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.batches.append(len(Entries))
        return {"Successful": [], "Failed": [
            {"Id": Entries[1]["Id"], "Code": "InternalError", "Message": "try again",
             "SenderFault": False}]}


def test_refused_messages_are_named_after_every_batch_was_tried() -> None:
    client = RefusingSQS()
    with pytest.raises(fanout.DispatchError) as raised:
        fanout.send(fanout.plan("classify", topics(12), NOW, "exec-1"), "url", client)
    assert client.batches == [10, 2]
    assert str(raised.value) == ("SQS refused 2 of 12 topic message(s): topic-01 "
                                 "(InternalError: try again); topic-11 (InternalError: try again)")


def test_only_fetch_and_classify_fan_out() -> None:
    with pytest.raises(ValueError, match=r"'stage'.*'render'"):
        fanout.plan("render", topics(1), NOW, "exec-1")


# -- tracing switch ------------------------------------------------------------------------


def test_tracing_is_off_as_the_template_sets_it_by_default() -> None:
    assert tracing_disabled({"POWERTOOLS_TRACE_DISABLED": "true"})
    assert not tracing_disabled({"POWERTOOLS_TRACE_DISABLED": "false"})
    assert not tracing_disabled({})  # Powertools' own default: on in Lambda


def test_with_tracing_off_no_xray_tracer_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    _, _, tracer = powertools()
    assert type(tracer) is NoTracer

    def handler(event: dict[str, Any], context: object) -> str:
        return "ok"

    assert tracer.capture_lambda_handler(handler) is handler
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    monkeypatch.setattr("newsprism.aws._observability.XRayTracer.__init__", lambda self: None)
    assert type(powertools()[2]) is XRayTracer
