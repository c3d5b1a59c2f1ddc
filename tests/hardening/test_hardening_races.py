"""Races (issue 9): stages running at the same time, in threads, against a directory and
against S3 (moto), lose nothing and leave a consistent site.

- Fetches at one clock race for one run id: the store creates a key only where none exists
  (a hard link; S3's ``If-None-Match: *``), so each keeps its run under its own number.
- A classify (and the stages after it) racing new fetches reads whole run files only, and the
  site it publishes is consistent: every link resolves, the index names the newest digest.
- Renders of one day at once write the same bytes, the same as one render alone.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from newsprism.classify._stage import classify_topic
from newsprism.config import Config
from newsprism.documents import _raw as models
from newsprism.documents._raw import RawRun
from newsprism.fetch._stage import fetch_topics
from newsprism.render._stage import render_digest
from newsprism.store import FileStore, S3Store, Store, create
from newsprism.summarize._stage import summarize_topic
from tests.hardening_helpers import (
    DAY,
    assert_consistent_site,
    demo_transport,
    differing,
    offline_demo_config,
    parse_now,
    snapshot,
    together,
)

THREADS = 6


@pytest.fixture(params=["directory", "s3"])
def stores(request: pytest.FixtureRequest, tmp_path: Path,
           aws_credentials: None) -> Iterator[Callable[[str], Store]]:
    """A factory of stores by name: directories under tmp_path, or buckets in moto. Each call
    returns a new store object, as each process (or Lambda) would open its own."""
    if request.param == "directory":
        yield lambda name: FileStore(tmp_path / name)
        return
    with mock_aws():
        import boto3

        client: Any = boto3.client("s3", region_name="us-east-1")
        for bucket in ("data", "site"):
            client.create_bucket(Bucket=bucket)
        # S3 applies each request atomically; moto's in-memory model does not (two PUTs of
        # one key at once can close each other's buffers). One request at a time restores
        # what S3 guarantees, and leaves every interleaving of requests possible.
        send, lock = client._make_api_call, threading.Lock()

        def atomic(operation: str, params: dict[str, object]) -> object:
            with lock:
                return send(operation, params)

        client._make_api_call = atomic
        yield lambda name: S3Store(bucket=name, prefix="newsprism", _client=client)


def raw_runs(data: Store) -> list[RawRun]:
    return [RawRun.from_dict(models.loads(data.read(key), name=key))
            for key in data.list("raw/")]


def test_create_refuses_a_key_that_exists(stores: Callable[[str], Store]) -> None:
    data = stores("data")
    assert create(data, "raw/t/first.json", b"one")
    assert not create(data, "raw/t/first.json", b"two")
    assert data.read("raw/t/first.json") == b"one"


def test_racing_creates_of_one_key_let_exactly_one_win(
        stores: Callable[[str], Store]) -> None:
    won: list[int] = []
    key = "raw/t/contested.json"
    together(*[lambda n=n: won.append(n) if create(stores("data"), key, b"%d" % n) else None
               for n in range(THREADS)])
    assert len(won) == 1
    assert stores("data").read(key) == b"%d" % won[0]


def test_fetches_at_one_clock_racing_each_keep_their_run(
        tmp_path: Path, stores: Callable[[str], Store]) -> None:
    config, now = offline_demo_config(tmp_path), parse_now()
    together(*[lambda: fetch_topics(config, config.topics, stores("data"), now,
                                    transport=demo_transport()) for _ in range(THREADS)])
    runs = raw_runs(stores("data"))
    base = "20260212T040051254Z"
    assert sorted(run.run_id for run in runs) == sorted(
        [base] + [f"{base}-{n}" for n in range(2, THREADS + 1)])
    # Every run has all the articles: none was replaced by another's document.
    assert {len(run.articles) for run in runs} == {20}


def test_fetches_at_different_clocks_racing_each_keep_their_run(
        tmp_path: Path, stores: Callable[[str], Store]) -> None:
    config = offline_demo_config(tmp_path)
    clocks = [parse_now() + timedelta(milliseconds=n) for n in range(THREADS)]
    together(*[functools.partial(fetch_topics, config, config.topics, stores("data"), now,
                                 transport=demo_transport()) for now in clocks])
    assert len(raw_runs(stores("data"))) == THREADS


def publish(config: Config, data: Store, site: Store) -> None:
    topic = config.topic("us-china")
    classify_topic(config, topic, data, parse_now())
    summarize_topic(config, topic.id, DAY, data)
    render_digest(data, site, topic.id, DAY)


def test_classify_racing_new_fetches_publishes_a_consistent_site(
        tmp_path: Path, stores: Callable[[str], Store]) -> None:
    config = offline_demo_config(tmp_path)
    fetch_topics(config, config.topics, stores("data"), parse_now() - timedelta(hours=2),
                 transport=demo_transport())
    clocks = [parse_now() - timedelta(minutes=n) for n in range(THREADS)]
    jobs: list[Callable[[], object]] = [
        functools.partial(fetch_topics, config, config.topics, stores("data"), now,
                          transport=demo_transport()) for now in clocks]
    jobs += [lambda: publish(config, stores("data"), stores("site")) for _ in range(2)]
    together(*jobs)

    data, site = stores("data"), stores("site")
    assert len(raw_runs(data)) == THREADS + 1  # every fetch kept its run
    classified = models.loads(data.read(f"classified/us-china/{DAY}.json"), name="classified")
    assert set(classified["runs"]) <= set(data.list("raw/"))  # whole runs, all still there
    assert_consistent_site(site)
    # Published again once the fetches are done, the day lists what a quiet store gives.
    publish(config, data, site)
    assert_consistent_site(site)


def test_renders_of_one_day_at_once_write_what_one_render_writes(
        tmp_path: Path, stores: Callable[[str], Store]) -> None:
    config = offline_demo_config(tmp_path)
    data = stores("data")
    fetch_topics(config, config.topics, data, parse_now(), transport=demo_transport())
    topic = config.topic("us-china")
    classify_topic(config, topic, data, parse_now())
    summarize_topic(config, topic.id, DAY, data)

    serial = FileStore(tmp_path / "serial")
    render_digest(data, serial, topic.id, DAY)
    together(*[lambda: render_digest(stores("data"), stores("site"), topic.id, DAY)
               for _ in range(THREADS)])
    site = stores("site")
    assert_consistent_site(site)
    assert differing(snapshot(site), snapshot(serial)) == []
