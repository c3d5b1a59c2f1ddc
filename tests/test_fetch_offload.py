"""Parsing in worker processes gives what parsing in a thread gives, and survives a worker's
death (newsprism.offload)."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from newsprism import feeds, models, offload
from newsprism.config import Config, Feed, FetchSettings, Perspective, Topic
from newsprism.feeds import NotAFeed
from newsprism.fetch import fetch_topics
from newsprism.store import FileStore

from .conftest import DATA

NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)
FEED = Feed(type="rss", perspective="us", url="https://news.example/rss")
GOOGLE_NEWS = (DATA / "feeds" / "google-news.xml").read_bytes()

pytestmark = pytest.mark.skipif(offload.usable_cpus() < 2,
                                reason="worker processes are only used with two CPUs or more")


def die_outside(pid: int) -> str:
    """Kills a worker process; in the test's own process it just answers."""
    if os.getpid() != pid:
        os._exit(1)
    return "answered in the test process"


def test_workers_parse_as_the_thread_does_and_pass_errors_back() -> None:
    async def main() -> None:
        pool = offload.Offload(jobs=offload.MIN_JOBS)
        try:
            assert pool.workers >= 1
            articles = await pool.run(feeds.parse_feed, GOOGLE_NEWS, FEED, FEED.url, NOW,
                                      content_type="application/rss+xml")
            assert articles == feeds.parse_feed(GOOGLE_NEWS, FEED, FEED.url, NOW)
            with pytest.raises(NotAFeed, match="empty body"):
                await pool.run(feeds.parse_feed, b"", FEED, FEED.url, NOW)
        finally:
            pool.close()

    asyncio.run(main())


def test_a_dead_worker_sends_the_work_to_a_thread(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        pool = offload.Offload(jobs=offload.MIN_JOBS)
        try:
            assert await pool.run(die_outside, os.getpid()) == "answered in the test process"
            assert pool.workers == 0
        finally:
            pool.close()

    asyncio.run(main())
    assert "worker processes stopped; continuing in a thread" in caplog.text


def test_small_runs_stay_in_a_thread() -> None:
    assert offload.Offload(jobs=offload.MIN_JOBS - 1).workers == 0


def test_the_stage_stores_the_same_runs_with_workers(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [f"https://n{n}.example/" for n in range(4)] + ["https://html.example/"]
    topic = Topic(id="t", name="T", perspectives=(Perspective("us", "US"),),
                  feeds=tuple(Feed(type="rss", perspective="us", url=url) for url in urls))
    config = Config(source="test", fetch=FetchSettings(retries=0), topics=(topic,))

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "html.example":
            return httpx.Response(200, content=b"<html></html>",
                                  headers={"content-type": "text/html"})
        return httpx.Response(200, content=GOOGLE_NEWS.replace(
            b"news.google.com/rss/articles/", f"{request.url.host}/".encode()))

    def fetched(directory: Path) -> bytes:
        store = FileStore(directory)
        [raw] = fetch_topics(config, [topic], store, NOW, transport=httpx.MockTransport(handler))
        assert [r.status for r in raw.feeds] == ["ok"] * 4 + ["error"]
        data = store.read(raw.key)
        assert models.loads(data, name=raw.key)["articles"]
        return data

    in_thread = fetched(tmp_path / "thread")
    monkeypatch.setattr(offload, "MIN_JOBS", 1)
    with_workers = fetched(tmp_path / "workers")
    # elapsed_ms differ between runs; everything else is the same bytes
    strip = [line for line in in_thread.splitlines() if b"elapsed_ms" not in line]
    assert [line for line in with_workers.splitlines() if b"elapsed_ms" not in line] == strip
