"""Idempotency (issue 9): every stage re-run on the same inputs writes the same bytes, and so
does ``newsprism run`` as a whole at a fixed ``--now``.

The one field that may differ is a fetch run's ``feeds[].elapsed_ms``: how long each feed
took to answer is a measurement of that run (docs/design.md, "Stored JSON", asks for it), not a
function of the inputs. No later stage reads it, so classified files, digests and every page
stay byte-identical; the tests compare raw runs with it set aside and everything else as
bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsprism import cli
from newsprism.classify._stage import classify_topic
from newsprism.config import load_config
from newsprism.documents import _raw as models
from newsprism.documents._digests import Digest
from newsprism.fetch._stage import fetch_topics
from newsprism.render._stage import render_all, render_digest
from newsprism.store import FileStore
from newsprism.summarize._stage import summarize_topic
from tests.hardening_helpers import (
    DAY,
    NOW,
    assert_consistent_site,
    demo_config,
    demo_server,
    differing,
    parse_now,
    serving,
    snapshot,
)
from tests.site_helpers import shifted, store_digest


def without_timing(document: bytes) -> dict[str, Any]:
    """A raw run with each feed's ``elapsed_ms`` set aside."""
    run: dict[str, Any] = json.loads(document)
    for feed in run["feeds"]:
        assert isinstance(feed.pop("elapsed_ms"), int)
    return run


def assert_same_data(first: dict[str, bytes], second: dict[str, bytes]) -> None:
    """Byte-identical, except the timing of raw runs (compared without it)."""
    assert first.keys() == second.keys()
    for key in first:
        if key.startswith("raw/"):
            assert without_timing(first[key]) == without_timing(second[key]), key
        else:
            assert first[key] == second[key], key


def test_fetch_at_one_clock_on_the_same_feeds_stores_the_same_run(tmp_path: Path) -> None:
    with serving(demo_server()) as server:
        config = load_config(demo_config(tmp_path, server))
        stores = [FileStore(tmp_path / name) for name in ("first", "second")]
        for store in stores:
            fetch_topics(config, config.topics, store, parse_now())
    first, second = (snapshot(store) for store in stores)
    assert [key for key in first if key.startswith("raw/")] == [
        f"raw/us-china/{DAY}/20260212T040051254Z.json"]
    assert_same_data(first, second)


def test_fetch_again_at_the_same_clock_keeps_the_first_run(tmp_path: Path) -> None:
    data = FileStore(tmp_path / "data")
    with serving(demo_server()) as server:
        config = load_config(demo_config(tmp_path, server))
        fetch_topics(config, config.topics, data, parse_now())
        before = snapshot(data)
        fetch_topics(config, config.topics, data, parse_now())
    after = snapshot(data)
    assert {key: after[key] for key in before} == before  # nothing stored was touched
    [added] = after.keys() - before.keys()
    assert added == f"raw/us-china/{DAY}/20260212T040051254Z-2.json"
    rerun = json.loads(after[added])
    # The feeds are unchanged: the server says so (304), and the run records it.
    assert [feed["status"] for feed in rerun["feeds"]] == ["not_modified", "not_modified"]


def stage_outputs(config_path: Path, data: FileStore, site: FileStore) -> None:
    """classify, summarize and render the demo topic's day."""
    config = load_config(config_path)
    topic = config.topic("us-china")
    classify_topic(config, topic, data, parse_now())
    summarize_topic(config, topic.id, DAY, data)
    render_digest(data, site, topic.id, DAY)


@pytest.mark.parametrize("stage", ["classify", "summarize", "render"])
def test_each_stage_rerun_writes_identical_bytes(tmp_path: Path, stage: str) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    with serving(demo_server()) as server:
        config_path = demo_config(tmp_path, server)
        config = load_config(config_path)
        fetch_topics(config, config.topics, data, parse_now())
    stage_outputs(config_path, data, site)
    before = snapshot(data) | {f"site:{k}": v for k, v in snapshot(site).items()}
    topic = config.topic("us-china")
    if stage == "classify":
        written = [classify_topic(config, topic, data, parse_now()).key]
    elif stage == "summarize":
        written = [summarize_topic(config, topic.id, DAY, data).key]
    else:
        written = [f"site:{key}" for key in render_digest(data, site, topic.id, DAY)]
    after = snapshot(data) | {f"site:{k}": v for k, v in snapshot(site).items()}
    assert written and set(written) <= after.keys()
    assert differing(before, after) == []


def test_render_all_rebuilds_the_site_that_day_by_day_renders_built(tmp_path: Path) -> None:
    """Publishing days one at a time (in any order) and rebuilding from scratch give the
    same site, byte for byte: the manifest leaves no trace of the order of events."""
    data = FileStore(tmp_path / "data")
    with serving(demo_server()) as server:
        config_path = demo_config(tmp_path, server)
        config = load_config(config_path)
        fetch_topics(config, config.topics, data, parse_now())
    stage_outputs(config_path, data, FileStore(tmp_path / "scratch"))
    digest = Digest.from_dict(models.loads(data.read(f"digests/us-china/{DAY}.json"),
                                           name="digest"))
    for days in (-3, -1, 2):
        store_digest(data, shifted(digest, days))
    dates = sorted(key.split("/")[-1][:-5] for key in data.list("digests/"))

    incremental = FileStore(tmp_path / "incremental")
    for date in [dates[2], dates[0], dates[3], dates[1]]:  # out of order, as backfills come
        render_digest(data, incremental, "us-china", date)
    rebuilt = FileStore(tmp_path / "rebuilt")
    render_all(data, rebuilt)
    assert differing(snapshot(incremental), snapshot(rebuilt)) == []
    assert_consistent_site(rebuilt)


def run_cli(config: Path, data: Path, site: Path) -> int:
    return cli.main(["run", "--config", str(config), "--now", NOW, "--data", str(data),
                     "--site", str(site)])


def test_newsprism_run_at_a_fixed_clock_gives_the_same_data_and_site(tmp_path: Path) -> None:
    with serving(demo_server()) as server:
        config = demo_config(tmp_path, server)
        for name in ("one", "two"):
            assert run_cli(config, tmp_path / name / "data", tmp_path / name / "site") == 0
    assert_same_data(snapshot(FileStore(tmp_path / "one" / "data")),
                     snapshot(FileStore(tmp_path / "two" / "data")))
    one, two = (snapshot(FileStore(tmp_path / name / "site")) for name in ("one", "two"))
    assert differing(one, two) == []
    assert f"us-china/{DAY}/index.html" in one
    assert_consistent_site(FileStore(tmp_path / "one" / "site"))


def test_newsprism_run_again_on_the_same_stores_changes_only_the_list_of_runs(
        tmp_path: Path) -> None:
    """The second run fetches again (every feed answers "not modified"), so it stores a
    second raw run; the digest then names both runs it read, and nothing else changes."""
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    with serving(demo_server()) as server:
        config = demo_config(tmp_path, server)
        assert run_cli(config, data.root, site.root) == 0
        before_data, before_site = snapshot(data), snapshot(site)
        assert run_cli(config, data.root, site.root) == 0
    after_data, after_site = snapshot(data), snapshot(site)
    second_run = f"raw/us-china/{DAY}/20260212T040051254Z-2.json"
    assert differing(before_data, after_data) == sorted([
        f"classified/us-china/{DAY}.json", f"digests/us-china/{DAY}.json", second_run])
    assert differing(before_site, after_site) == [f"us-china/{DAY}.json"]
    for key in (f"classified/us-china/{DAY}.json", f"digests/us-china/{DAY}.json"):
        old, new = json.loads(before_data[key]), json.loads(after_data[key])
        assert sorted(new.pop("runs")) == sorted([*old.pop("runs"), second_run])
        # The digest records the hash of the classification it was made from: that changed.
        assert (new.pop("input_hash", None) == old.pop("input_hash", None)) == (
            key.startswith("classified/"))
        assert new == old
