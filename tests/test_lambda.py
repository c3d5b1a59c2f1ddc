"""The Lambda handlers over S3 (moto): fetch -> classify -> summarize -> render, as deployed.

Each handler is driven with the sample events in infra/events/, so those stay accurate too.
"""

from __future__ import annotations

import importlib.util
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import httpx
import pytest
from moto import mock_aws

from newsprism.classify import NothingToList
from newsprism.config import Config, Topic
from newsprism.fetch import fetch_topics
from newsprism.models import Classified
from newsprism.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA_BUCKET = "newsprism-data-test"
SITE_BUCKET = "newsprism-site-test"
DATE = "2026-02-12"


def _load_handler(stage: str) -> ModuleType:
    """Import ``functions/<stage>/app.py``. All four are named ``app`` (Lambda's handler is
    ``app.lambda_handler``), so each gets its own module name here."""
    spec = importlib.util.spec_from_file_location(f"newsprism_lambda_{stage}",
                                                  ROOT / "functions" / stage / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Loaded once, at collection: Powertools' Logger binds the stdout of its first creation, so
# loading inside a test would leave it writing to that test's closed capture.
fetch_app, classify_app, summarize_app, render_app = (
    _load_handler(stage) for stage in ("fetch", "classify", "summarize", "render"))


@dataclass
class FakeContext:
    """The parts of Lambda's context object that the handlers and Powertools read."""

    function_name: str = "newsprism-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:newsprism-test")
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    remaining_ms: int = 300_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


CONFIG = """
[settings]
max_articles = 10
max_age = "24h"
attribution = "feed"
highlights = 3

[[topics]]
id = "us-china"
name = "US vs China"
keywords = [["US", "U.S.", "Washington"], ["China", "Chinese", "Beijing"]]

[[topics.perspectives]]
id = "us"
name = "United States"
countries = ["US"]

[[topics.perspectives]]
id = "china"
name = "China"
countries = ["CN", "HK"]

[[topics.feeds]]
type = "rss"
url = "https://feeds.example/us.xml"
language = "en"
region = "US"
perspective = "us"

[[topics.feeds]]
type = "rss"
url = "https://feeds.example/cn.xml"
language = "en"
region = "CN"
perspective = "china"
"""


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


def sample_event(name: str, **object_fields: Any) -> dict[str, Any]:
    """An event from infra/events/, its bucket (and object fields) replaced by the test's."""
    event: dict[str, Any] = json.loads(
        (ROOT / "infra" / "events" / f"{name}.json").read_text(encoding="utf-8"))
    if "detail" in event and "bucket" in event["detail"]:
        event["detail"]["bucket"]["name"] = DATA_BUCKET
        event["resources"] = [f"arn:aws:s3:::{DATA_BUCKET}"]
        event["detail"]["object"].update(object_fields)
    return event


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


@pytest.fixture
def aws(aws_credentials: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Moto S3 with the stack's two buckets, and the environment the template gives."""
    config = tmp_path / "topics.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("NEWSPRISM_CONFIG", str(config))
    monkeypatch.setenv("DATA_URI", f"s3://{DATA_BUCKET}")
    monkeypatch.setenv("SITE_URI", f"s3://{SITE_BUCKET}")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=DATA_BUCKET)
        s3.create_bucket(Bucket=SITE_BUCKET)
        yield s3


def keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_the_handlers_publish_a_digest_from_two_feeds(
        aws: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    requested: list[str] = []
    # The handler's own reference to the stage is the seam: the same call, over fake HTTP.
    monkeypatch.setattr(fetch_app, "fetch_topics",
                        partial(fetch_topics, transport=serve_feeds(requested)))

    fetched = fetch_app.lambda_handler(sample_event("fetch"), FakeContext())
    assert sorted(requested) == sorted(FEEDS)
    [run] = fetched["runs"]
    assert (run["topic"], run["feeds_ok"], run["feeds_failed"], run["articles"]) == (
        "us-china", 2, 0, 4)
    assert keys(aws, DATA_BUCKET, "raw/") == [run["key"]]
    assert run["key"].startswith(f"raw/us-china/{DATE}/")
    metrics = emitted_metrics(capsys.readouterr().out)
    assert (metrics["FeedsOk"], metrics["FeedsFailed"], metrics["Articles"]) == (2, 0, 4)

    classified = classify_app.lambda_handler(sample_event("classify"), FakeContext())
    assert classified["topics"]["us-china"]["status"] == "ok"
    # The sample summarize event names exactly the object the classify function stores.
    summarize_event = sample_event("summarize")
    assert classified["topics"]["us-china"]["key"] == summarize_event["detail"]["object"]["key"]

    summarized = summarize_app.lambda_handler(summarize_event, FakeContext())
    render_event = sample_event("render")
    assert summarized["digests"] == [render_event["detail"]["object"]["key"]]

    rendered = render_app.lambda_handler(render_event, FakeContext())
    assert rendered["rendered"] == [f"us-china/{DATE}"]

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


def test_fetch_gives_the_stage_the_time_lambda_has_left(
        aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    deadlines: list[float | None] = []

    def record(config: Config, topics: list[Topic], data: Store, now: Any, *,
               deadline: float | None = None) -> list[Any]:
        deadlines.append(deadline)
        assert [topic.id for topic in topics] == ["us-china"]
        return []

    monkeypatch.setattr(fetch_app, "fetch_topics", record)
    fetch_app.lambda_handler({"topics": ["us-china"]}, FakeContext(remaining_ms=42_500))
    assert deadlines == [42.5]


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

    monkeypatch.setattr(classify_app, "classify_topic", classify_topic)
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
    with pytest.raises(ValueError, match=key):
        handler.lambda_handler(sample_event("summarize", key=key), FakeContext())
    assert keys(aws, DATA_BUCKET) == keys(aws, SITE_BUCKET) == []
