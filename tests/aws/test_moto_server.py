"""A day through the local stack of `make local-aws` (infra/local_aws.py: the template's
buckets, queues and EventBridge rules on a moto server), over HTTP: real boto3 clients, real
requests to S3, SQS and EventBridge on 127.0.0.1, AWS_ENDPOINT_URL as the only switch.

The events come from the stack, never from the test: classify's write makes moto's S3 send
"Object Created" to EventBridge, the template's summarize rule delivers it (to the stand-in
queue of local_aws, since moto cannot invoke our function), summarize's digest goes through
the template's render rule into the FIFO queue. The test plays Lambda only: it reads each
queue and hands what it holds to the handler the template wires to it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import boto3
import pytest

import newsprism.fetch
from tests.lambda_harness import (
    CONFIG,
    DATE,
    EVENTS,
    HANDLERS,
    LOCAL_AWS,
    FakeContext,
    drain,
    moto_server,
    serve_feeds,
    sqs_event,
)

NO_FAILURES: dict[str, Any] = {"batchItemFailures": []}

STRAY = "digests/us-china/notes.txt"  # an upload beside the digests (issue 21)


@pytest.fixture
def server(aws_credentials: None, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The local stack on a moto server on a free loopback port; the environment points every
    boto3 client at it."""
    with moto_server() as endpoint:
        environment: dict[str, str] = LOCAL_AWS.create_resources(endpoint)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        config = tmp_path / "topics.toml"
        config.write_text(CONFIG, encoding="utf-8")
        monkeypatch.setenv("NEWSPRISM_CONFIG", str(config))
        yield environment


def bodies(queue_url: str) -> list[str]:
    return [message["Body"] for message in drain(queue_url)]


def announced(messages: list[str]) -> list[str]:
    """The keys of the "Object Created" events some messages carry."""
    keys = []
    for body in messages:
        event = json.loads(body)
        assert (event["source"], event["detail-type"]) == ("aws.s3", "Object Created")
        keys.append(event["detail"]["object"]["key"])
    return keys


def test_a_day_goes_through_the_templates_rules_to_the_site(
        server: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    requested: list[str] = []
    monkeypatch.setattr(newsprism.fetch, "fetch_topics",
                        partial(newsprism.fetch.fetch_topics, transport=serve_feeds(requested)))
    handlers = HANDLERS
    data_bucket = server["DATA_URI"].removeprefix("s3://")
    s3 = boto3.client("s3")

    # The schedules -> dispatch -> a topic message each on the fetch and classify queues.
    schedule = json.loads((EVENTS / "dispatch-fetch.json").read_text(encoding="utf-8"))
    assert handlers["dispatch"].lambda_handler(schedule, FakeContext())["topics"] == ["us-china"]
    fetched = handlers["fetch"].lambda_handler(sqs_event(bodies(server["FETCH_QUEUE_URL"])),
                                               FakeContext())
    assert fetched == NO_FAILURES
    schedule = json.loads((EVENTS / "dispatch-classify.json").read_text(encoding="utf-8"))
    handlers["dispatch"].lambda_handler(schedule, FakeContext())
    classified = handlers["classify"].lambda_handler(
        sqs_event(bodies(server["CLASSIFY_QUEUE_URL"])), FakeContext())
    assert classified == NO_FAILURES

    # classified/ -> S3's event -> the template's summarize rule. EventBridge would invoke the
    # function with the event itself: the stand-in queue's body is that event.
    [summarize_event] = bodies(server["SUMMARIZE_EVENTS_QUEUE_URL"])
    assert announced([summarize_event]) == [f"classified/us-china/{DATE}.json"]
    summarized = handlers["summarize"].lambda_handler(json.loads(summarize_event), FakeContext())
    [digest] = summarized["items"]
    assert digest["key"] == f"digests/us-china/{DATE}.json"

    # A stray object beside the digests, the same day: no rule may pass it on.
    s3.put_object(Bucket=data_bucket, Key=STRAY, Body=b"notes\n")

    # digests/ -> the template's render rule -> the FIFO queue -> render, as the event source
    # mapping hands it over.
    render_bodies = bodies(server["RENDER_QUEUE_URL"])
    assert announced(render_bodies) == [digest["key"]]  # the digest, not the stray
    render_event = sqs_event(render_bodies, queue="newsprism-render.fifo")
    assert handlers["render"].lambda_handler(render_event, FakeContext()) == NO_FAILURES
    # Nothing else is waiting: summarize heard of no digest (nor the stray), and render's
    # writes go to the site bucket, which sends no events.
    assert bodies(server["SUMMARIZE_EVENTS_QUEUE_URL"]) == []
    assert bodies(server["RENDER_QUEUE_URL"]) == []

    # The published page, fetched over plain HTTP from the server's S3 (a presigned URL:
    # the bucket is private, as the stack's is).
    site_bucket = server["SITE_URI"].removeprefix("s3://")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": site_bucket, "Key": f"us-china/{DATE}.md"})
    assert url.startswith(server["AWS_ENDPOINT_URL"])
    with urllib.request.urlopen(url, timeout=10) as response:
        markdown = response.read()
    assert markdown.startswith(b'---\ntitle: "US vs China News - 2026-02-12"\n')
    assert b"US and China agree to extend tariff truce by 90 days" in markdown
    raw = s3.list_objects_v2(Bucket=data_bucket, Prefix="raw/us-china/")
    [run_key] = [item["Key"] for item in raw["Contents"]]
    run = json.loads(s3.get_object(Bucket=data_bucket, Key=run_key)["Body"].read())
    assert (run["topic"], len(run["articles"])) == ("us-china", 4)
    assert len(requested) == 2  # both feeds, once
