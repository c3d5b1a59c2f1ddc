"""Continuing stories (issue 20): a story an earlier digest listed is shown in a short
"Continuing" list with the day it first appeared, not hidden and not listed again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from newsprism.classify import _select
from newsprism.classify._stage import classify_topic
from newsprism.documents import Classified
from newsprism.documents import _raw as models
from newsprism.store import FileStore
from tests.classify.test_classify import NOW, article, store_run
from tests.classify.test_classify_rules import AP, SCMP, TOPIC, config


@pytest.fixture
def data(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "data")


def day(data: FileStore, days_ago: int, titles: list[str], **settings: object) -> Classified:
    """Classify and store the digest of ``days_ago`` over articles with ``titles``."""
    now = NOW - timedelta(days=days_ago)
    store_run(data, [article(t, hours_ago=24 * days_ago + 1 + i, **AP)
                     for i, t in enumerate(titles)], fetched_at=now)
    result = classify_topic(config(TOPIC, max_age=timedelta(hours=24), **settings), TOPIC, data,
                            now)
    data.write(f"digests/{result.topic}/{result.date}.json", models.dumps(result.to_dict()))
    return result


def test_a_repeat_is_continuing_with_the_day_it_first_appeared(data: FileStore) -> None:
    first = day(data, 2, ["China and US extend trade truce", "Beijing opens a new bridge"])
    assert first.continuing == ()
    second = day(data, 1, ["China and US extend trade truce", "China launches a rocket"])
    assert [a.article.title for a in second.articles] == ["China launches a rocket"]
    (truce,) = second.continuing
    assert (truce.title, truce.first_listed) == ("China and US extend trade truce", "2026-02-10")
    # The day after, it is still the day it first appeared, not yesterday's.
    third = day(data, 0, ["China and US extend trade truce", "China eases visa rules"])
    assert [(c.title, c.first_listed) for c in third.continuing] == [
        ("China and US extend trade truce", "2026-02-10")]
    assert third.to_dict()["continuing"][0]["first_listed"] == "2026-02-10"
    assert Classified.from_dict(third.to_dict()).continuing == third.continuing


def test_new_coverage_relists_instead(data: FileStore) -> None:
    day(data, 1, ["Chinese exports jump 14%"])
    now = NOW
    store_run(data, [article("Chinese exports jump 14%", hours_ago=1, **SCMP)], fetched_at=now)
    result = classify_topic(config(max_age=timedelta(hours=24)), TOPIC, data, now)
    assert [a.article.title for a in result.articles] == ["Chinese exports jump 14%"]
    assert result.continuing == ()


def test_repeat_stories_lists_them_and_keeps_no_continuing(data: FileStore) -> None:
    day(data, 1, ["China and US extend trade truce"], repeat_stories=True)
    result = day(data, 0, ["China and US extend trade truce"], repeat_stories=True)
    assert [a.article.title for a in result.articles] == ["China and US extend trade truce"]
    assert result.continuing == ()


def test_the_list_is_short(data: FileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_select, "CONTINUING_LISTED", 2)
    titles = ["China story one", "China story two", "China story three"]
    day(data, 1, titles)
    result = day(data, 0, [*titles, "China story four"])
    assert len(result.continuing) == 2
