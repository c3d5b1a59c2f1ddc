"""What the Lambda handler tests share: the handler modules, a Lambda context, sample events,
a fake feed host, and readers for what Powertools prints (JSON logs and EMF metrics)."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from tests.topics import US_CHINA_TOML

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "infra" / "events"
STAGES = ("dispatch", "fetch", "classify", "summarize", "render")
DATE = "2026-02-12"

# As the template sets it by default; the X-Ray SDK is never loaded in tests.
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "newsprism-test")


def _load(stage: str) -> ModuleType:
    """Import ``functions/<stage>/app.py``. All five are named ``app`` (Lambda's handler is
    ``app.lambda_handler``), so each gets its own module name here."""
    spec = importlib.util.spec_from_file_location(f"newsprism_lambda_{stage}",
                                                  ROOT / "functions" / stage / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_infra(name: str) -> ModuleType:
    """Import ``infra/<name>.py`` (a script directory, not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "infra" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Loaded once, at collection: Powertools' Logger binds the stdout of its first creation, so
# loading inside a test would leave it writing to that test's closed capture.
HANDLERS: dict[str, ModuleType] = {stage: _load(stage) for stage in STAGES}


@dataclass
class FakeContext:
    """The parts of Lambda's context object that the handlers and Powertools read."""

    function_name: str = "newsprism-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:newsprism-test")
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    remaining_ms: int = 120_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


CONFIG = """
[settings]
max_articles = 10
max_age = "24h"
attribution = "feed"
highlights = 3
""" + US_CHINA_TOML


def google_news_rss(*items: tuple[str, str, str, str]) -> bytes:
    """A feed shaped like Google News search results: (title, outlet, outlet URL, pubDate)."""
    entries = "".join(
        f"""<item><title>{title} - {outlet}</title>
        <link>https://news.google.com/rss/articles/CBMi{number}?oc=5</link>
        <guid isPermaLink="false">CBMi{number}</guid>
        <pubDate>{published}</pubDate>
        <description>&lt;a href="https://news.google.com/rss/articles/CBMi{number}"&gt;{title}&lt;/a&gt;</description>
        <source url="{outlet_url}">{outlet}</source></item>"""
        for title, outlet, outlet_url, published in items
        for number in [zlib.crc32(title.encode())])
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<generator>NFE/5.0</generator><title>"China" - Google News</title>
<link>https://news.google.com/search?q=China&amp;hl=en-US&amp;gl=US&amp;ceid=US:en</link>
<language>en-US</language><description>Google News</description>
{entries}</channel></rss>""".encode()


FEEDS = {
    "https://feeds.example/us.xml": google_news_rss(
        ("US and China agree to extend tariff truce by 90 days", "Reuters",
         "https://www.reuters.com", "Wed, 11 Feb 2026 22:15:00 GMT"),
        ("Washington weighs new chip export curbs on China", "The Washington Post",
         "https://www.washingtonpost.com", "Wed, 11 Feb 2026 18:40:00 GMT"),
    ),
    "https://feeds.example/cn.xml": google_news_rss(
        ("China urges US to honor trade consensus", "Global Times",
         "https://www.globaltimes.cn", "Thu, 12 Feb 2026 01:30:00 GMT"),
        ("Beijing says US chip curbs hurt global supply chains", "China Daily",
         "https://www.chinadaily.com.cn", "Wed, 11 Feb 2026 12:05:00 GMT"),
    ),
}


def serve_feeds(requested: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        body = FEEDS.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        return httpx.Response(200, content=body,
                              headers={"Content-Type": "application/rss+xml; charset=UTF-8"})
    return httpx.MockTransport(handle)


def sample_event(name: str, *, bucket: str | None = None) -> dict[str, Any]:
    """An event from infra/events/; an S3 event's bucket replaced by ``bucket``."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    if bucket is not None:
        for inner in _s3_events(event):
            inner["detail"]["bucket"]["name"] = bucket
            inner["resources"] = [f"arn:aws:s3:::{bucket}"]
        if "Records" in event:  # the bridge event travels as the SQS body: write it back
            for record, inner in zip(event["Records"], _s3_events(event), strict=True):
                record["body"] = json.dumps(inner)
    return event


def _s3_events(event: dict[str, Any]) -> list[dict[str, Any]]:
    if "Records" in event:
        bodies = [json.loads(record["body"]) for record in event["Records"]]
        return [body for body in bodies if "detail" in body]
    return [event] if "bucket" in event.get("detail", {}) else []


def sqs_event(bodies: list[str], queue: str = "newsprism-test") -> dict[str, Any]:
    """An SQS event as Lambda's event source mapping hands it over."""
    return {"Records": [
        {"messageId": f"m-{number}", "receiptHandle": "r", "body": body,
         "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
         "eventSource": "aws:sqs",
         "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
         "awsRegion": "us-east-1"}
        for number, body in enumerate(bodies)]}


class LogCapture:
    """Where the handlers' log lines go during a test. Powertools' handler writes to the
    stdout it found when the handlers were loaded, which neither capsys nor capfd replace."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        # One handler per Logger; the package's "newsprism" logger was given the same ones.
        handlers = {module.logger.registered_handler for module in HANDLERS.values()}
        self.previous = {handler: handler.setStream(self.buffer)
                         for handler in handlers}

    def lines(self) -> list[dict[str, Any]]:
        """The log lines since the last call, parsed."""
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return log_lines(text)

    def close(self) -> None:
        for handler, stream in self.previous.items():
            handler.setStream(stream)


def log_lines(stdout: str) -> list[dict[str, Any]]:
    """The JSON log lines Powertools printed (not the EMF metric blobs)."""
    lines = []
    for line in stdout.splitlines():
        if line.startswith("{") and '"_aws"' not in line:
            lines.append(json.loads(line))
    return lines


def emitted_metrics(stdout: str) -> dict[str, float]:
    """The values of the CloudWatch embedded-metric-format lines Powertools printed."""
    values: dict[str, float] = {}
    for line in stdout.splitlines():
        if '"_aws"' not in line:
            continue
        blob = json.loads(line)
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == "newsprism"
            for metric in directive["Metrics"]:
                value = blob[metric["Name"]]
                values[metric["Name"]] = value[0] if isinstance(value, list) else value
    return values


def emitted_dimensions(stdout: str) -> list[dict[str, str]]:
    """The dimensions (name: value) of each embedded-metric-format line Powertools printed."""
    found = []
    for line in stdout.splitlines():
        if '"_aws"' in line:
            blob = json.loads(line)
            for directive in blob["_aws"]["CloudWatchMetrics"]:
                for names in directive["Dimensions"]:
                    found.append({name: blob[name] for name in names})
    return found



# -- the moto server of `make local-aws` (infra/local_aws.py) -----------------------------

LOCAL_AWS = load_infra("local_aws")


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on a free loopback port: its endpoint, until the block ends. Empty at
    the start: a server shares moto's in-process state with every earlier one, so it is reset
    (moto's own reset endpoint) on the way in and out."""
    import urllib.request

    from moto.server import ThreadedMotoServer  # deferred: only the tests that serve need it

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"

    def reset() -> None:
        request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    try:
        reset()
        yield endpoint
    finally:
        try:
            reset()
        finally:
            server.stop()


def drain(queue_url: str) -> list[dict[str, Any]]:
    """Every message waiting in a queue (its attributes too), deleted from it."""
    import boto3

    sqs = boto3.client("sqs")
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                       AttributeNames=["All"]).get("Messages", []):
        for message in batch:
            messages.append(dict(message))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages
