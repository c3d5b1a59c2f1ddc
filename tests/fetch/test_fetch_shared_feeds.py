"""Conditional GET when topics share a feed (issue 21): each topic keeps its own validators, so
a 304 answers only a topic that stored the feed's articles itself."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import httpx

from newsprism.config import Topic
from newsprism.documents import RawRun
from newsprism.fetch import fetch_topics
from newsprism.store import FileStore
from tests.fetch.test_fetch import NOW, VersionedFeed, config, feed_body, topic

SHARED = "https://shared.example/rss"


def fetch_one(store: FileStore, cfg_topic: Topic, server: VersionedFeed, hours: float) -> RawRun:
    """One topic's fetch, alone, as its own dispatcher message runs it in production."""
    cfg = config(cfg_topic)
    [raw] = fetch_topics(cfg, [cfg_topic], store, NOW + timedelta(hours=hours),
                         transport=httpx.MockTransport(server))
    return raw


def test_two_topics_sharing_a_feed_both_store_its_articles_every_day(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    us_china, eu_china = topic([SHARED], "us-china"), topic([SHARED], "eu-china")
    server = VersionedFeed(etag='"day1"')
    server.body = feed_body(2, "day1")

    first = [fetch_one(store, t, server, 0) for t in (us_china, eu_china)]
    server.etag, server.body = '"day2"', feed_body(3, "day2")  # the next day's edition
    second = [fetch_one(store, t, server, 24) for t in (us_china, eu_china)]

    for day, runs in (("day1", first), ("day2", second)):
        for raw in runs:
            assert [(r.status, r.http_status) for r in raw.feeds] == [("ok", 200)], raw.topic
            assert {a.url.split("/")[2] for a in raw.articles} == {f"{day}.example"}
    assert [len(raw.articles) for raw in second] == [3, 3]

    # Conditional GET still spares the publisher: each topic's next run is answered 304.
    again = [fetch_one(store, t, server, 25) for t in (us_china, eu_china)]
    assert [raw.feeds[0].status for raw in again] == ["not_modified", "not_modified"]
    assert [r.headers.get("if-none-match") for r in server.requests[-2:]] == ['"day2"'] * 2


def test_state_stored_per_url_alone_is_ignored(tmp_path: Path) -> None:
    # What was stored before the state was kept per topic: a full download, always safe.
    store = FileStore(tmp_path)
    old = f"state/feeds/{hashlib.sha256(SHARED.encode()).hexdigest()[:16]}.json"
    store.write(old, b'{"etag": "\\"v1\\"", "last_modified": "", "schema": 1, '
                     b'"url": "https://shared.example/rss"}\n')
    server = VersionedFeed()
    raw = fetch_one(store, topic([SHARED]), server, 0)
    assert raw.feeds[0].status == "ok" and raw.articles
    assert "if-none-match" not in server.requests[0].headers
