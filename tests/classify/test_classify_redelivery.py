"""A redelivered classify (same runs, same clock) writes nothing (issue 21): every S3 write is
an "Object Created" event that would start summarize, a paid model call, and render."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from newsprism.classify import classify_topic
from newsprism.store import FileStore
from tests.classify.test_classify import NOW, TOPIC, article, config, store_run

KEY = "classified/us-china/2026-02-12.json"


class Recording(FileStore):
    """A data store that remembers every key written; ``unreadable`` keys cannot be read."""

    def __init__(self, root: Path, unreadable: tuple[str, ...] = ()) -> None:
        super().__init__(root)
        self.written: list[str] = []
        self.unreadable = unreadable

    def read(self, key: str) -> bytes:
        if key in self.unreadable:
            raise PermissionError(f"AccessDenied: {key}")
        return super().read(key)

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None:
        self.written.append(key)
        super().write(key, data, cache_control=cache_control)


def seeded(tmp_path: Path, unreadable: tuple[str, ...] = ()) -> Recording:
    data = Recording(tmp_path / "data", unreadable)
    store_run(data, [article("US 1"), article("CN 1", perspective="china")])
    data.written.clear()
    return data


def test_a_redelivered_classify_writes_nothing(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    first = classify_topic(config(), TOPIC, data, NOW)
    assert data.written == [KEY] and not first.unchanged
    stored, modified = data.read(KEY), data.path(KEY).stat()

    again = classify_topic(config(), TOPIC, data, NOW)
    assert data.written == [KEY]  # still the first write only: no event, nothing downstream
    assert again.unchanged and again == first
    assert data.read(KEY) == stored
    assert (data.path(KEY).stat().st_ino, data.path(KEY).stat().st_mtime_ns) == (
        modified.st_ino, modified.st_mtime_ns)


def test_a_later_clock_or_a_new_run_is_written(tmp_path: Path) -> None:
    data = seeded(tmp_path)
    classify_topic(config(), TOPIC, data, NOW)
    later = classify_topic(config(), TOPIC, data, NOW + timedelta(minutes=5))  # generated_at
    assert data.written == [KEY, KEY] and not later.unchanged

    store_run(data, [article("US 2", hours_ago=0.5)], fetched_at=NOW + timedelta(minutes=4))
    data.written.clear()
    fresh = classify_topic(config(), TOPIC, data, NOW + timedelta(minutes=5))
    assert data.written == [KEY] and not fresh.unchanged
    assert "US 2" in [listed.article.title for listed in fresh.articles]


def test_an_unreadable_classification_is_written_as_before(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = seeded(tmp_path, unreadable=(KEY,))
    with caplog.at_level(logging.WARNING, logger="newsprism.classify._stage"):
        classify_topic(config(), TOPIC, data, NOW)
        again = classify_topic(config(), TOPIC, data, NOW)
    assert data.written == [KEY, KEY] and not again.unchanged
    assert f"cannot read the stored classification {KEY}: AccessDenied" in caplog.text
