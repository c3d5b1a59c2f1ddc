"""Bad input, round two (issue 22): every setting bounded at load, ids and dates bounded,
a feed too costly to parse refused alone, a redirect to another scheme a plain refusal, and
``serve`` without directory listings or thread tracebacks. Each mistake is one line.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import newsprism.fetch
from newsprism import cli
from newsprism.config import (
    Config,
    ConfigError,
    Feed,
    FetchSettings,
    Perspective,
    Topic,
    parse_config,
)
from newsprism.fetch._stage import fetch_topics
from newsprism.fetch.parse import NotAFeed, parse_feed
from newsprism.serve import make_server, running
from newsprism.store import FileStore
from tests.hardening_helpers import FeedServer, demo_config
from tests.topics import ONE_FEED_TOML

NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)
TOPIC = ONE_FEED_TOML


def config_error(text: str, *, name: str = "topics.toml", is_json: bool = False) -> str:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, name=name, is_json=is_json)
    message = str(raised.value)
    assert "\n" not in message
    return message


# -- every number of the configuration is bounded ------------------------------------------


def test_retries_and_backoff_are_bounded_naming_the_range() -> None:
    assert config_error("[fetch]\nretries = 1000000000\n" + TOPIC) == (
        "topics.toml: fetch.retries: must be between 0 and 5, got 1000000000")
    assert config_error("[fetch]\nbackoff = 1e-300\n" + TOPIC) == (
        "topics.toml: fetch.backoff: must be between 0.1 and 30 seconds, got 1e-300")
    assert config_error("[fetch]\nbackoff = 1e300\n" + TOPIC) == (
        "topics.toml: fetch.backoff: must be between 0.1 and 30 seconds, got 1e+300")


@pytest.mark.parametrize(("table", "key", "value"), [
    ("fetch", "timeout", "1e9"), ("fetch", "timeout", "0.001"),
    ("fetch", "max_bytes", "1_000_000_000_000"), ("fetch", "max_bytes", "10"),
    ("fetch", "concurrency", "1000000"), ("fetch", "max_retry_after", "1e9"),
    ("settings", "max_articles", "1000000000"), ("settings", "highlights", "1000000"),
    ("summarizer", "max_tokens", "1000000000"), ("summarizer", "timeout", "1e9"),
    ("matcher", "max_tokens", "1000000000"), ("matcher", "timeout", "1e9"),
    ("matcher", "max_pairs", "1000000000"),
])
def test_every_number_is_bounded_at_load(table: str, key: str, value: str) -> None:
    message = config_error(f"[{table}]\n{key} = {value}\n" + TOPIC)
    assert message.startswith(f"topics.toml: {table}.{key}: must be between ")
    assert message.endswith(f", got {parse_config_value(value)!r}")


def parse_config_value(text: str) -> Any:
    import tomllib

    return tomllib.loads(f"v = {text}")["v"]


def test_the_defaults_and_the_bundled_topics_are_within_the_bounds() -> None:
    from newsprism.config import load_config

    config = load_config()
    assert config.fetch == FetchSettings()
    parse_config("[fetch]\nretries = 5\nbackoff = 30\ntimeout = 300\nconcurrency = 128\n"
                 "max_bytes = 50_000_000\n[settings]\nmax_articles = 1000\nmax_age = \"30d\"\n"
                 + TOPIC, name="topics.toml")


def test_the_earlier_systems_names_are_bounded_too() -> None:
    document = json.loads((Path(__file__).parents[1] / "data" / "legacy-topics.json")
                          .read_text())
    document["settings"]["maxArticlesPerTopic"] = 10**9
    assert config_error(json.dumps(document), name="topics.json", is_json=True) == (
        "topics.json: settings.maxArticlesPerTopic: must be between 1 and 1000, got 1000000000")


@pytest.mark.parametrize(("duration", "accepted"), [
    ("30d", True), ("720h", True), ("29d23h59m", True),
    ("31d", False), ("721h", False), ("999999d", False), ("9999999999d", False),
    ("9" * 5000 + "d", False),
])
def test_max_age_is_at_most_30_days(duration: str, accepted: bool) -> None:
    text = f'[settings]\nmax_age = "{duration}"\n' + TOPIC
    if accepted:
        assert parse_config(text, name="topics.toml").settings.max_age <= timedelta(days=30)
        return
    message = config_error(text)
    assert message.startswith("topics.toml: settings.max_age: must be at most 30d, got '")
    assert len(message) < 200


# -- ids and dates -------------------------------------------------------------------------


def test_a_topic_id_longer_than_64_characters_is_refused_saying_so() -> None:
    long_id = "a" * 300
    message = config_error(TOPIC.replace('id = "us-china"', f'id = "{long_id}"'))
    assert message.startswith("topics.toml: topics[0].id: 'aaaa")
    assert "at most 64 characters" in message and len(message) < 200
    parse_config(TOPIC.replace('id = "us-china"', f'id = "{"a" * 64}"'), name="topics.toml")
    message = config_error(TOPIC.replace('id = "us"', f'id = "{"p" * 65}"'))
    assert message.startswith("topics.toml: topics[us-china].perspectives[0].id: 'pppp")
    assert "at most 64 characters" in message


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's configuration, with any fetch failing the test: the mistakes under test
    must be found before the first request."""
    def no_fetch(*args: object, **kwargs: object) -> object:
        raise AssertionError("a feed was requested")

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", no_fetch)
    return demo_config(tmp_path, FeedServer(base="http://feeds.example"))


@pytest.mark.parametrize("args", [
    ["run", "--now", "0001-01-01"], ["run", "--now", "9999-12-31"],
    ["run", "--now", "9999-12-31T23:59:59-01:00"], ["fetch", "--now", "1999-12-31T23:59Z"],
    ["classify", "--date", "0001-01-01"], ["classify", "--date", "9999-12-31"],
    ["summarize", "--date", "9999-12-31"], ["render", "--date", "0001-01-01"],
])
def test_a_clock_or_date_out_of_range_is_one_line(
        tmp_path: Path, offline: Path, capsys: pytest.CaptureFixture[str],
        args: list[str]) -> None:
    status = cli.main([*args, "--config", str(offline), "--data", str(tmp_path / "data"),
                       "--site", str(tmp_path / "site")])
    [line] = capsys.readouterr().err.splitlines()
    assert status == 2
    option = args[1]
    assert line.startswith(f"newsprism: error: {option}: ")
    assert line.endswith("is out of range (2000-01-01 to 2999-12-31)")
    assert not (tmp_path / "data").exists()


def test_a_300_character_topic_id_stops_the_run_before_any_request(
        tmp_path: Path, offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offline.write_text(offline.read_text().replace('id = "us-china"', f'id = "{"x" * 300}"'))
    status = cli.main(["run", "--config", str(offline), "--data", str(tmp_path / "data"),
                       "--site", str(tmp_path / "site")])
    [line] = capsys.readouterr().err.splitlines()
    assert status == 2 and "at most 64 characters" in line


# -- a feed too costly to parse ------------------------------------------------------------


def nested_description_feed(depth: int) -> bytes:
    """A well-formed RSS 2.0 feed whose one description nests ``depth`` elements."""
    nested = "<div>" * depth + "x" + "</div>" * depth
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T'
            '</title><link>https://a.example/</link><item><title>A headline</title>'
            f'<link>https://a.example/a</link><description>{nested}</description></item>'
            '</channel></rss>').encode()


def good_feed(items: int, extra: str = "") -> bytes:
    entries = "".join(f"<item><title>Headline {i}</title><link>https://a.example/{i}</link>"
                      f"<description>Text {i}</description>{extra}</item>"
                      for i in range(items))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>'
            f'<link>https://a.example/</link>{entries}</channel></rss>').encode()


def test_a_deeply_nested_description_fails_its_feed_alone_and_quickly(tmp_path: Path) -> None:
    hostile = nested_description_feed(250_000)  # 2.75 MB, as the issue's
    assert len(hostile) > 2_700_000
    bodies = {"/hostile": hostile, "/good": good_feed(3)}
    transport = httpx.MockTransport(lambda request: httpx.Response(
        200, content=bodies[request.url.path], headers={"Content-Type": "application/rss+xml"}))
    topic = Topic(id="t", name="T", perspectives=(Perspective("p", "P"),),
                  feeds=(Feed(type="rss", perspective="p", url="https://a.example/hostile"),
                         Feed(type="rss", perspective="p", url="https://a.example/good")))
    config = Config(source="test", fetch=FetchSettings(retries=0), topics=(topic,))
    started = time.process_time()
    [run] = fetch_topics(config, [topic], FileStore(tmp_path), NOW, transport=transport)
    spent = time.process_time() - started
    hostile_report, good_report = run.feeds
    assert hostile_report.status == "error"
    assert hostile_report.error.startswith("refused: too much markup to parse (")
    assert hostile_report.error.endswith("tags; at most 40000)")
    assert (good_report.status, good_report.articles) == ("ok", 3)
    assert spent < 2.0, f"{spent:.1f} s of CPU"


def test_a_large_feed_within_the_markup_limit_still_parses() -> None:
    # dc:creator takes the document off the fast path: feedparser reads it, under the limit.
    body = good_feed(1500, extra="<dc:creator>Someone</dc:creator>")
    feed = Feed(type="rss", perspective="p", url="https://a.example/rss")
    assert len(parse_feed(body, feed, feed.url, NOW)) == 1500
    with pytest.raises(NotAFeed, match="too much markup"):
        parse_feed(good_feed(4000, extra="<dc:creator>Someone</dc:creator>"), feed, feed.url,
                   NOW)


# -- redirects to other schemes ------------------------------------------------------------


@pytest.mark.parametrize("location", ["javascript:alert(1)", "data:text/html,<b>hi</b>",
                                      "mailto:someone@a.example"])
def test_a_redirect_to_another_scheme_is_a_plain_refusal(
        tmp_path: Path, location: str, caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(302, headers={"Location": location}))
    topic = Topic(id="t", name="T", perspectives=(Perspective("p", "P"),),
                  feeds=(Feed(type="rss", perspective="p", url="https://a.example/rss"),))
    config = Config(source="test", fetch=FetchSettings(retries=0), topics=(topic,))
    [run] = fetch_topics(config, [topic], FileStore(tmp_path), NOW, transport=transport)
    [report] = run.feeds
    assert (report.status, report.error, report.http_status) == (
        "error", "redirect to a non-http(s) URL refused", None)
    assert not [record for record in caplog.records if record.exc_info]


# -- serve ---------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for name, text in {"index.html": "<p>home</p>", "404.html": "<p>not here</p>",
                       "manifest/t.json": "{}", "assets/site.css": "p{}",
                       "t/2026-02-12/index.html": "<p>day</p>"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def served(site: Path) -> Iterator[tuple[str, int]]:
    with running(make_server(site, 0)) as base:
        host, _, port = base.removeprefix("http://").partition(":")
        yield host, int(port)


def raw_get(address: tuple[str, int], target: bytes) -> tuple[int, bytes]:
    """Send ``GET target`` as given (http.client refuses control characters)."""
    with socket.create_connection(address, timeout=5) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: x\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("path", ["/manifest/", "/assets/", "/manifest", "/t/"])
def test_serve_lists_no_directory(served: tuple[str, int], path: str) -> None:
    status, body = raw_get(served, path.encode())
    assert (status, body) == (404, b"<p>not here</p>")


def test_serve_still_serves_pages_and_files(served: tuple[str, int]) -> None:
    assert raw_get(served, b"/t/2026-02-12/") == (200, b"<p>day</p>")
    assert raw_get(served, b"/assets/site.css") == (200, b"p{}")
    status, _ = raw_get(served, b"/t/2026-02-12")
    assert status == 301  # to the trailing slash, where index.html is


@pytest.mark.parametrize("target", [b"/a\x00b", b"/a%00b", b"/%ed%a0%80", b"/%ff/index.html",
                                    b"/manifest/%00"])
def test_serve_answers_invalid_bytes_without_a_traceback(
        served: tuple[str, int], target: bytes, capfd: pytest.CaptureFixture[str]) -> None:
    status, _ = raw_get(served, target)
    assert status in (400, 404)
    assert "Traceback" not in capfd.readouterr().err


def test_serve_on_a_busy_port_is_one_line(site: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = cli.main(["serve", "--site", str(site), "--port", str(port)])
    [line] = capsys.readouterr().err.splitlines()
    assert status == 2
    assert line == f"newsprism: error: --port: 127.0.0.1:{port} is in use"


@pytest.mark.parametrize("port", ["-1", "65536"])
def test_serve_on_an_impossible_port_is_one_line(site: Path, port: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["serve", "--site", str(site), "--port", port])
    [line] = capsys.readouterr().err.splitlines()
    assert (status, line) == (2, f"newsprism: error: --port: {port} is not a port "
                                 "(0 to 65535)")


def test_http_client_sees_the_404_page(served: tuple[str, int]) -> None:
    connection = http.client.HTTPConnection(*served, timeout=5)
    connection.request("GET", "/manifest/")
    response = connection.getresponse()
    assert (response.status, response.read()) == (404, b"<p>not here</p>")
    connection.close()
