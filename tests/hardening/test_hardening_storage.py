"""Damaged storage (issue 9): a stage that meets a damaged object reports it, in one line
naming it, and goes on with the rest; it never writes anything partial, and never replaces
stored data with less.

"Less" here: a stage's new output that would be built from fewer inputs than the stored one
because an input it was built from is now unreadable. Classify then keeps the stored
classification. A stage that cannot produce its output at all writes nothing.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from newsprism import cli
from newsprism.classify._stage import NothingToList, classify_topic
from newsprism.config import Config
from newsprism.documents import _raw as models
from newsprism.documents._digests import Digest
from newsprism.documents._raw import SchemaError
from newsprism.fetch._stage import fetch_topics
from newsprism.render import RenderIncomplete
from newsprism.render._stage import render_all, render_digest
from newsprism.store import FileStore
from newsprism.summarize._stage import summarize_topic
from tests.hardening_helpers import (
    DAY,
    NOW,
    assert_consistent_site,
    demo_transport,
    differing,
    offline_demo_config,
    parse_now,
    snapshot,
)
from tests.site_helpers import shifted, store_digest

TOPIC = "us-china"
CLASSIFIED = f"classified/{TOPIC}/{DAY}.json"
DIGEST = f"digests/{TOPIC}/{DAY}.json"
EARLY_RUN = f"raw/{TOPIC}/{DAY}/20260212T020051254Z.json"


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def wrong_schema(data: bytes) -> bytes:
    return json.dumps({**json.loads(data), "schema": 2}).encode()


def not_utf8(data: bytes) -> bytes:
    return b"\xff\xfe" + data


def wrong_shape(data: bytes) -> bytes:
    document = json.loads(data)
    key = next(key for key in ("articles", "entries", "feeds") if key in document)
    return json.dumps({**document, key: {"not": "a list"}}).encode()


def missing_field(data: bytes) -> bytes:
    document = json.loads(data)
    for key in ("highlights", "perspectives", "fetched_at"):
        document.pop(key, None)
    return json.dumps(document).encode()


def lone_surrogate(data: bytes) -> bytes:
    """A title holding "\\ud800": valid JSON, but no UTF-8 file can hold what it decodes to."""
    return re.sub(rb'"title": ?"', rb'"title":"\\ud800', data, count=1)


def nested_too_deeply(data: bytes) -> bytes:
    return b"[" * 100_000 + b"]" * 100_000


DAMAGES: list[Callable[[bytes], bytes]] = [truncated, wrong_schema, not_utf8, wrong_shape,
                                           missing_field, lone_surrogate, nested_too_deeply]


@pytest.fixture
def day(tmp_path: Path) -> tuple[Config, FileStore, FileStore]:
    """A published day: two fetch runs (02:00 and 04:00), classified, summarized, rendered."""
    config = offline_demo_config(tmp_path)
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    for hours in (2, 0):
        fetch_topics(config, config.topics, data, parse_now() - timedelta(hours=hours),
                     transport=demo_transport())
    publish(config, data, site)
    return config, data, site


def publish(config: Config, data: FileStore, site: FileStore) -> None:
    classify_topic(config, config.topic(TOPIC), data, parse_now())
    summarize_topic(config, TOPIC, DAY, data)
    render_digest(data, site, TOPIC, DAY)


def damage(store: FileStore, key: str, how: Callable[[bytes], bytes]) -> None:
    store.write(key, how(store.read(key)))


def run_cli(*args: str) -> int:
    return cli.main([*args, "--now", NOW])


# -- raw runs ------------------------------------------------------------------------------


@pytest.mark.parametrize("how", DAMAGES, ids=lambda how: how.__name__)
def test_a_damaged_raw_run_is_reported_and_the_others_are_classified(
        tmp_path: Path, how: Callable[[bytes], bytes], caplog: pytest.LogCaptureFixture) -> None:
    config = offline_demo_config(tmp_path)
    data = FileStore(tmp_path / "data")
    for hours in (2, 0):
        fetch_topics(config, config.topics, data, parse_now() - timedelta(hours=hours),
                     transport=demo_transport())
    damage(data, EARLY_RUN, how)
    damaged = data.read(EARLY_RUN)
    with caplog.at_level(logging.WARNING):
        classified = classify_topic(config, config.topic(TOPIC), data, parse_now())
    assert classified.stats["damaged_runs"] == 1
    assert len(classified.runs) == 1 and EARLY_RUN not in classified.runs
    # Everything the good run holds; its two reports of the China-Japan flights cut are one
    # event (issue 20).
    assert len(classified.articles) == 13
    assert EARLY_RUN in caplog.text
    assert data.read(EARLY_RUN) == damaged  # reported, never "repaired" or removed


@pytest.mark.parametrize("how", DAMAGES, ids=lambda how: how.__name__)
def test_classify_keeps_a_classification_built_from_a_run_now_damaged(
        day: tuple[Config, FileStore, FileStore], how: Callable[[bytes], bytes],
        capsys: pytest.CaptureFixture[str]) -> None:
    config, data, _ = day
    stored = data.read(CLASSIFIED)
    assert EARLY_RUN in json.loads(stored)["runs"]
    damage(data, EARLY_RUN, how)
    with pytest.raises(NothingToList, match=f"{CLASSIFIED} kept: .*{EARLY_RUN}"):
        classify_topic(config, config.topic(TOPIC), data, parse_now())
    assert data.read(CLASSIFIED) == stored
    # Through the command line: one line, the stored file kept, exit 1 (nothing new).
    capsys.readouterr()
    assert run_cli("classify", "--config", str(data.root.parent / "topics.toml"),
                   "--data", str(data.root)) == 1
    assert f"no digest: {CLASSIFIED} kept" in capsys.readouterr().err
    assert data.read(CLASSIFIED) == stored


def test_classify_with_every_run_damaged_writes_nothing(
        day: tuple[Config, FileStore, FileStore]) -> None:
    config, data, _ = day
    data.delete(CLASSIFIED)
    for key in data.list("raw/"):
        damage(data, key, truncated)
    with pytest.raises(NothingToList, match="damaged_runs 2"):
        classify_topic(config, config.topic(TOPIC), data, parse_now())
    assert not data.exists(CLASSIFIED)


# -- classified files and digests ----------------------------------------------------------


@pytest.mark.parametrize("how", DAMAGES, ids=lambda how: how.__name__)
def test_summarize_of_a_damaged_classification_writes_nothing(
        day: tuple[Config, FileStore, FileStore], how: Callable[[bytes], bytes],
        capsys: pytest.CaptureFixture[str]) -> None:
    config, data, _ = day
    damage(data, CLASSIFIED, how)
    before = snapshot(data)
    with pytest.raises(SchemaError, match=CLASSIFIED):
        summarize_topic(config, TOPIC, DAY, data)
    capsys.readouterr()
    assert run_cli("summarize", "--config", str(data.root.parent / "topics.toml"),
                   "--data", str(data.root)) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"no digest: {TOPIC} {DAY}: nothing classified") and CLASSIFIED in line
    assert differing(before, snapshot(data)) == []


@pytest.mark.parametrize("how", DAMAGES, ids=lambda how: how.__name__)
def test_render_of_a_damaged_digest_writes_nothing(
        day: tuple[Config, FileStore, FileStore], how: Callable[[bytes], bytes],
        capsys: pytest.CaptureFixture[str]) -> None:
    _, data, site = day
    damage(data, DIGEST, how)
    before = snapshot(site)
    with pytest.raises(SchemaError, match=DIGEST):
        render_digest(data, site, TOPIC, DAY)
    capsys.readouterr()
    assert run_cli("render", "--config", str(data.root.parent / "topics.toml"),
                   "--data", str(data.root), "--site", str(site.root)) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"no page: {TOPIC} {DAY}: {DIGEST}")
    assert differing(before, snapshot(site)) == []


def stored_digest(data: FileStore) -> Digest:
    return Digest.from_dict(models.loads(data.read(DIGEST), name=DIGEST))


@pytest.mark.parametrize("how", DAMAGES, ids=lambda how: how.__name__)
def test_render_all_skips_a_damaged_digest_and_publishes_the_others(
        day: tuple[Config, FileStore, FileStore], how: Callable[[bytes], bytes],
        caplog: pytest.LogCaptureFixture) -> None:
    _, data, site = day
    digest = stored_digest(data)
    for days in (-2, -1):
        store_digest(data, shifted(digest, days))
    damage(data, f"digests/{TOPIC}/2026-02-11.json", how)
    with caplog.at_level(logging.WARNING), pytest.raises(RenderIncomplete) as incomplete:
        render_all(data, site)
    # Reported, after everything readable was published.
    assert incomplete.value.damaged[0].startswith(f"digests/{TOPIC}/2026-02-11.json")
    keys = incomplete.value.written
    assert f"{TOPIC}/2026-02-10/index.html" in keys and f"{TOPIC}/{DAY}/index.html" in keys
    assert f"{TOPIC}/2026-02-11/index.html" not in keys
    assert f"digests/{TOPIC}/2026-02-11.json" in caplog.text
    assert_consistent_site(site)
    manifest = json.loads(site.read(f"manifest/{TOPIC}.json"))
    assert [entry["date"] for entry in manifest["entries"]] == ["2026-02-10", DAY]


# -- neighbours and the previous digest ----------------------------------------------------


@pytest.mark.parametrize("how", [None, truncated, wrong_schema], ids=["missing", "truncated",
                                                                       "wrong_schema"])
def test_a_new_day_is_published_whatever_became_of_the_previous_digest(
        day: tuple[Config, FileStore, FileStore], how: Callable[[bytes], bytes] | None) -> None:
    """Classify compares with the previous digest and render links the previous page: a
    missing or damaged previous digest costs neither the new day."""
    config, data, site = day
    next_day = parse_now() + timedelta(days=1)
    fetch_topics(config, config.topics, data, next_day - timedelta(hours=1),
                 transport=demo_transport())
    old_page = site.read(f"{TOPIC}/{DAY}/index.html")
    if how is None:
        data.delete(DIGEST)
    else:
        damage(data, DIGEST, how)
    # The demo feeds' articles are a day old by then: a two-day window keeps them.
    wide = config.__class__(**{**config.__dict__, "settings": config.settings.__class__(
        **{**config.settings.__dict__, "max_age": timedelta(days=2)})})
    classified = classify_topic(wide, wide.topic(TOPIC), data, next_day)
    assert classified.articles  # nothing dropped as a "repeat" of an unreadable digest
    summarize_topic(wide, TOPIC, classified.date, data)
    render_digest(data, site, TOPIC, classified.date)
    assert_consistent_site(site)
    assert site.read(f"{TOPIC}/{DAY}/index.html") == old_page  # its data is gone: kept as is


# -- the site's manifest and the fetch state -----------------------------------------------


@pytest.mark.parametrize("how", [truncated, wrong_schema, wrong_shape, missing_field],
                         ids=lambda how: how.__name__)
def test_a_damaged_manifest_stops_render_before_any_write_and_render_all_repairs_it(
        day: tuple[Config, FileStore, FileStore], how: Callable[[bytes], bytes],
        capsys: pytest.CaptureFixture[str]) -> None:
    """Publishing from a damaged manifest would drop every day it lists from the archive,
    the index and the feeds: render refuses and says how to rebuild."""
    _, data, site = day
    manifest = f"manifest/{TOPIC}.json"
    damage(site, manifest, how)
    before = snapshot(site)
    capsys.readouterr()
    assert run_cli("render", "--config", str(data.root.parent / "topics.toml"),
                   "--data", str(data.root), "--site", str(site.root)) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"no page: {TOPIC} {DAY}: {manifest}")
    assert differing(before, snapshot(site)) == []
    assert run_cli("render", "--all", "--data", str(data.root), "--site", str(site.root)) == 0
    assert_consistent_site(site)
    render_digest(data, site, TOPIC, DAY)  # and the next render works again


def test_damaged_feed_state_costs_only_a_full_download(tmp_path: Path) -> None:
    config = offline_demo_config(tmp_path)
    data = FileStore(tmp_path / "data")
    fetch_topics(config, config.topics, data, parse_now(), transport=demo_transport())
    for key in data.list("state/"):
        damage(data, key, truncated)
    [run] = fetch_topics(config, config.topics, data, parse_now() + timedelta(hours=1),
                         transport=demo_transport())
    assert [feed.status for feed in run.feeds] == ["ok", "ok"] and len(run.articles) == 20
