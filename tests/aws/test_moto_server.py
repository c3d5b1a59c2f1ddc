"""The five handlers end to end against a moto server over HTTP, as `make local-aws` runs it:
real boto3 clients, real HTTP requests to S3 and SQS on 127.0.0.1, AWS_ENDPOINT_URL as the
only switch. EventBridge is the one hop moto does not play: the test hands summarize and
render the "Object Created" events EventBridge would deliver for the objects stored."""

from __future__ import annotations

import importlib.util
import json
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

import newsprism.fetch
from tests.lambda_harness import (
    CONFIG,
    DATE,
    EVENTS,
    HANDLERS,
    ROOT,
    FakeContext,
    serve_feeds,
    sqs_event,
)

NO_FAILURES: dict[str, Any] = {"batchItemFailures": []}

spec = importlib.util.spec_from_file_location("local_aws", ROOT / "infra" / "local_aws.py")
assert spec is not None and spec.loader is not None
local_aws = importlib.util.module_from_spec(spec)
spec.loader.exec_module(local_aws)


@pytest.fixture
def server(aws_credentials: None, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A moto server on a free loopback port with the stack's buckets and queues; the
    environment points every boto3 client at it."""
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        environment = local_aws.create_resources(f"http://{host}:{port}")
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        config = tmp_path / "topics.toml"
        config.write_text(CONFIG, encoding="utf-8")
        monkeypatch.setenv("NEWSPRISM_CONFIG", str(config))
        yield environment
    finally:
        moto.stop()


def drain(queue_url: str) -> list[str]:
    sqs = boto3.client("sqs")
    bodies: list[str] = []
    while messages := sqs.receive_message(QueueUrl=queue_url,
                                          MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def object_created(bucket: str, key: str) -> dict[str, Any]:
    """The EventBridge event S3 sends for ``key`` (the sample's shape, this object)."""
    event: dict[str, Any] = json.loads((EVENTS / "summarize.json").read_text(encoding="utf-8"))
    head = boto3.client("s3").head_object(Bucket=bucket, Key=key)
    event["detail"]["bucket"]["name"] = bucket
    event["detail"]["object"].update(key=key, size=head["ContentLength"],
                                     etag=head["ETag"].strip('"'))
    event["detail"]["object"].pop("version-id")  # local buckets are not versioned
    return event


def test_the_five_handlers_publish_a_digest_over_http(
        server: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    requested: list[str] = []
    monkeypatch.setattr(newsprism.fetch, "fetch_topics",
                        partial(newsprism.fetch.fetch_topics, transport=serve_feeds(requested)))
    handlers = HANDLERS
    schedule = json.loads((EVENTS / "dispatch-fetch.json").read_text(encoding="utf-8"))

    assert handlers["dispatch"].lambda_handler(schedule, FakeContext())["topics"] == ["us-china"]
    [fetch_message] = drain(server["FETCH_QUEUE_URL"])
    fetched = handlers["fetch"].lambda_handler(sqs_event([fetch_message]), FakeContext())
    assert fetched == NO_FAILURES

    schedule = json.loads((EVENTS / "dispatch-classify.json").read_text(encoding="utf-8"))
    handlers["dispatch"].lambda_handler(schedule, FakeContext())
    [classify_message] = drain(server["CLASSIFY_QUEUE_URL"])
    classified = handlers["classify"].lambda_handler(sqs_event([classify_message]),
                                                     FakeContext())
    assert classified == NO_FAILURES
    key = f"classified/us-china/{DATE}.json"

    data_bucket = server["DATA_URI"].removeprefix("s3://")
    summarized = handlers["summarize"].lambda_handler(object_created(data_bucket, key),
                                                      FakeContext())
    [digest] = summarized["items"]
    digest_key = digest["key"]
    # Render reads its events from the FIFO queue: the EventBridge event is the body.
    render_event = sqs_event([json.dumps(object_created(data_bucket, digest_key))],
                             queue="newsprism-render.fifo")
    assert handlers["render"].lambda_handler(render_event, FakeContext()) == NO_FAILURES

    # The published page, fetched over plain HTTP from the server's S3 (a presigned URL:
    # the bucket is private, as the stack's is).
    site_bucket = server["SITE_URI"].removeprefix("s3://")
    url = boto3.client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": site_bucket, "Key": f"us-china/{DATE}.md"})
    assert url.startswith(server["AWS_ENDPOINT_URL"])
    with urllib.request.urlopen(url, timeout=10) as response:
        markdown = response.read()
    assert markdown.startswith(b'---\ntitle: "US vs China News - 2026-02-12"\n')
    assert b"US and China agree to extend tariff truce by 90 days" in markdown
    raw = boto3.client("s3").list_objects_v2(Bucket=data_bucket, Prefix="raw/us-china/")
    [run_key] = [item["Key"] for item in raw["Contents"]]
    run = json.loads(boto3.client("s3").get_object(Bucket=data_bucket, Key=run_key)["Body"].read())
    assert (run["topic"], len(run["articles"])) == ("us-china", 4)
    assert len(requested) == 2  # both feeds, once
