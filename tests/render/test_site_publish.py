"""Publishing scales with the day, not the archive: a daily render reads the day's digest and
the small manifest, never a listing of the archive, and costs the same however long it is."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from newsprism.render._manifest import FEED_ENTRIES
from newsprism.render._stage import render_all, render_digest
from newsprism.store import FileStore
from tests.seed_digest import seed_digest
from tests.site_helpers import CountingStore, shifted, store_digest


def daily_render_calls(tmp_path: Path, archive_days: int) -> tuple[Counter[tuple[str, str]], ...]:
    """The store calls of publishing 2026-02-12 over an archive of ``archive_days`` days
    before it (and one other topic)."""
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    for days in range(-archive_days, 0):
        store_digest(data, shifted(seed_digest(), days))
    store_digest(data, shifted(seed_digest(), -3, ("tw-china", "Taiwan vs China")))
    render_all(data, site)
    store_digest(data, seed_digest())
    counted_data, counted_site = CountingStore(data), CountingStore(site)
    render_digest(counted_data, counted_site, "us-china", "2026-02-12")
    return counted_data.calls, counted_site.calls


def test_daily_render_costs_the_same_with_a_short_or_a_long_archive(tmp_path: Path) -> None:
    short = daily_render_calls(tmp_path / "short", 3)
    long = daily_render_calls(tmp_path / "long", 60)
    assert short == long

    data_calls, site_calls = long
    # The new day's digest and the day before (its page gains a "next" link): nothing else.
    assert data_calls == Counter({("read", "digests/"): 2})
    # Nothing is listed: neither the archive nor the other topics.
    assert [call for call in site_calls if call[0] == "list"] == []
    # Three documents: the topic's manifest, its initial's directory and the site summary,
    # each read, checked before the write (compare-and-swap) and after its pages.
    assert site_calls[("read", "manifest/")] == 9
    assert site_calls[("write", "manifest/")] == 3
    # page, .md, .json, the day before, archive, month page, feed
    assert site_calls[("write", "us-china/")] == 7
    assert site_calls[("write", "tw-china/")] == 0  # the other topic's pages stay as they are
    # The directory page of its initial, the home page and the site feed; nothing else.
    assert {key for (op, key) in site_calls if op == "write"} == {
        "manifest/", "us-china/", "topics/", "index.html", "feed.xml"}


def test_manifest_stays_small_keeping_highlights_for_the_feeds_only(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    for days in range(-59, 1):
        store_digest(data, shifted(seed_digest(), days))
    render_all(data, site)
    manifest = json.loads(site.read("manifest/us-china.json"))
    entries = manifest["entries"]
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    assert len(entries) == 60
    assert ["sections" in e for e in entries] == [False] * 40 + [True] * FEED_ENTRIES
    assert entries[-1]["counts"] == {"china": 10, "us": 10}
    # Per digest without highlights: its date, counts and first highlight, in a few hundred bytes.
    older = len(json.dumps(entries[0], ensure_ascii=False))
    assert older < 300


def test_rerunning_a_day_leaves_its_neighbours_alone(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    for days in (-2, -1, 0):
        store_digest(data, shifted(seed_digest(), days))
    render_all(data, site)
    keys = render_digest(data, site, "us-china", "2026-02-11")
    assert "us-china/2026-02-10/index.html" not in keys
    assert "us-china/2026-02-12/index.html" not in keys
    assert "us-china/2026-02-11/index.html" in keys


def test_a_late_day_links_into_the_middle_of_the_archive(tmp_path: Path) -> None:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    for days in (-2, 0):
        store_digest(data, shifted(seed_digest(), days))
    render_all(data, site)
    store_digest(data, shifted(seed_digest(), -1))  # 2026-02-11 arrives late
    keys = render_digest(data, site, "us-china", "2026-02-11")
    assert {"us-china/2026-02-10/index.html", "us-china/2026-02-12/index.html"} <= set(keys)
    assert 'href="../2026-02-11/index.html"' in site.read(
        "us-china/2026-02-12/index.html").decode()
    assert 'href="../2026-02-11/index.html"' in site.read(
        "us-china/2026-02-10/index.html").decode()
