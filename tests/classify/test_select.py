"""The classify decision on its own: ``select`` called with in-memory runs, no store."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsprism.classify import Listing, NothingToList, classify_topic, read_listing, select
from newsprism.config import Settings
from newsprism.documents import Article, Classified, FeedReport, RawRun, digest_key, dumps
from newsprism.outlets import Registry, load_registry, parse_registry
from newsprism.store import FileStore
from tests.classify.test_classify import NOW, TOPIC, article, config, store_run

YESTERDAY = (NOW - timedelta(days=1)).date().isoformat()


def run(articles: list[Article], *, fetched_at: datetime = NOW) -> RawRun:
    return RawRun(topic=TOPIC.id, run_id=fetched_at.strftime("%Y%m%dT%H%M%S%fZ"),
                  fetched_at=fetched_at,
                  feeds=(FeedReport(url="https://feeds.example/us.xml", perspective="us",
                                    status="ok", articles=len(articles)),),
                  articles=tuple(articles))


def settings(**changes: Any) -> Settings:
    return config(**changes).settings


def titles(result: Classified) -> list[str]:
    return [listed.article.title for listed in result.articles]


def yesterdays(*entries: dict[str, Any]) -> dict[str, Any]:
    """A previous digest document listing ``entries``."""
    return {"articles": list(entries)}


def test_the_same_inputs_give_the_same_classification() -> None:
    runs = [run([article("Chips ban widens", hours_ago=3), article("Summit set", hours_ago=2)],
                fetched_at=NOW - timedelta(hours=1)),
            run([article("Summit set", hours_ago=2),
                 article("Beijing answers", perspective="china", hours_ago=1)])]
    previous = read_listing(yesterdays({"id": "a", "title": "Chips ban widens",
                                        "perspective": "us"}), YESTERDAY)
    chosen = settings(stories="group", repeat_stories=False)
    first = select(runs, previous, TOPIC, chosen, NOW, load_registry())
    second = select(runs, previous, TOPIC, chosen, NOW, load_registry())
    assert first == second
    assert dumps(first.to_dict()) == dumps(second.to_dict())  # the bytes a store would hold
    assert titles(first) == ["Summit set", "Beijing answers"]


def test_select_is_what_the_stage_stores(tmp_path: Path) -> None:
    """classify_topic adds reading and writing, nothing else."""
    data = FileStore(tmp_path / "data")
    articles = [article("Tariff truce holds", hours_ago=5), article("Old news", hours_ago=30),
                article("Navy drills", perspective="china", hours_ago=4)]
    document = yesterdays({"id": "z", "title": "Old news", "perspective": "us"})
    store_run(data, articles)
    data.write(digest_key(TOPIC.id, YESTERDAY), dumps(document))
    chosen = config(stories="group", repeat_stories=False)

    stored = classify_topic(chosen, TOPIC, data, NOW)
    pure = select([run(articles)], read_listing(document, YESTERDAY), TOPIC, chosen.settings,
                  NOW, load_registry())
    assert pure == stored
    assert titles(pure) == ["Tariff truce holds", "Navy drills"]


def test_a_story_the_previous_digest_listed_is_not_listed_again() -> None:
    runs = [run([article("China curbs rare earth exports", hours_ago=3, source="Reuters"),
                 article("Xi to visit Washington", hours_ago=2)])]
    # Yesterday's report came from another outlet (another id): the headline is enough.
    previous = read_listing(yesterdays({"id": "other", "perspective": "us",
                                        "title": "UPDATE 1-China curbs rare earth exports"}),
                            YESTERDAY)
    result = select(runs, previous, TOPIC, settings(stories="group", repeat_stories=False), NOW,
                    load_registry())
    assert titles(result) == ["Xi to visit Washington"]
    assert result.stats["repeats"] == 1
    dropped = [(e.title, e.dropped, e.detail) for e in result.excluded]
    assert dropped == [("China curbs rare earth exports", "repeat", f"listed on {YESTERDAY}")]


def test_without_a_previous_listing_or_when_repeats_are_allowed_nothing_is_dropped() -> None:
    runs = [run([article("China curbs rare earth exports", hours_ago=3),
                 article("Xi to visit Washington", hours_ago=2)])]
    previous = read_listing(yesterdays({"id": "other", "perspective": "us",
                                        "title": "China curbs rare earth exports"}), YESTERDAY)
    expected = ["Xi to visit Washington", "China curbs rare earth exports"]
    for listing, repeats in ((None, False), (previous, True)):
        result = select(runs, listing, TOPIC, settings(stories="group", repeat_stories=repeats),
                        NOW, load_registry())
        assert titles(result) == expected
        assert "repeats" not in result.stats and result.excluded == ()


def test_a_repeat_with_new_coverage_is_listed_again_led_by_the_new_side() -> None:
    runs = [run([article("Taiwan Strait drills begin", hours_ago=3, source="AP"),
                 article("Taiwan Strait drills begin", perspective="china", hours_ago=2,
                         source="Global Times")])]
    previous = read_listing(yesterdays({"id": "x", "perspective": "us", "covered_by": ["us"],
                                        "title": "Taiwan Strait drills begin"}), YESTERDAY)
    result = select(runs, previous, TOPIC, settings(stories="group", repeat_stories=False), NOW,
                    load_registry())
    [listed] = result.articles
    assert (listed.article.source, listed.perspective) == ("Global Times", "china")
    assert f"listed on {YESTERDAY}, relisted: new coverage from china" in listed.reason
    assert [r.source for r in listed.related] == ["AP"]
    assert result.stats["relisted"] == 1


def test_the_previous_listing_is_not_changed() -> None:
    previous = read_listing(yesterdays({"id": "x", "perspective": "us",
                                        "title": "Taiwan Strait drills begin"}), YESTERDAY)
    before = replace(previous, ids=dict(previous.ids), titles=list(previous.titles),
                     covered=list(previous.covered))
    runs = [run([article("Taiwan Strait drills begin", hours_ago=3),
                 article("Something new", hours_ago=1)])]
    select(runs, previous, TOPIC, settings(repeat_stories=False), NOW, load_registry())
    assert previous == before


def test_the_clock_decides_the_window() -> None:
    runs = [run([article("Two days old", hours_ago=48), article("An hour old", hours_ago=1),
                 article("Not yet published", hours_ago=-1)])]
    chosen = settings(max_age=timedelta(days=3))
    assert titles(select(runs, None, TOPIC, chosen, NOW, load_registry())) == [
        "An hour old", "Two days old"]
    later = select(runs, None, TOPIC, chosen, NOW + timedelta(days=2), load_registry())
    assert titles(later) == ["Not yet published", "An hour old"]
    assert later.date == (NOW + timedelta(days=2)).date().isoformat()
    with pytest.raises(NothingToList, match="us-china: no articles to list"):
        select(runs, None, TOPIC, chosen, NOW + timedelta(days=10), load_registry())


def test_nothing_to_list_says_what_happened() -> None:
    with pytest.raises(NothingToList, match=r"no articles to list \(no raw runs in the window\)"):
        select([], None, TOPIC, settings(), NOW, load_registry())
    with pytest.raises(NothingToList, match=r"damaged_runs 2"):
        select([], None, TOPIC, settings(), NOW, load_registry(), damaged_runs=2)


def test_the_runs_read_are_recorded() -> None:
    runs = [run([article("Earlier", hours_ago=3)], fetched_at=NOW - timedelta(hours=2)),
            run([article("Later", hours_ago=1)])]
    result = select(runs, None, TOPIC, settings(), NOW, load_registry())
    assert result.runs == tuple(r.key for r in runs)
    assert result.stats["damaged_runs"] == 0
    elsewhere = select(runs, None, TOPIC, settings(), NOW, load_registry(),
                       run_keys=["raw/a.json", "raw/b.json"], damaged_runs=1)
    assert elsewhere.runs == ("raw/a.json", "raw/b.json")
    assert elsewhere.stats["damaged_runs"] == 1
    assert elsewhere.articles == result.articles


def registry(country: str) -> Registry:
    return parse_registry(f"""
[[outlet]]
name = "Harbour Daily"
country = "{country}"
domains = ["harbourdaily.example"]
""", name="test.toml")


def test_the_registry_given_decides_source_attribution() -> None:
    runs = [run([article("Port talks stall", hours_ago=1, source="Harbour Daily",
                         source_url="https://www.harbourdaily.example")])]
    by_source = settings(attribution="source")
    [hong_kong] = select(runs, None, TOPIC, by_source, NOW, registry("HK")).articles
    assert (hong_kong.perspective, hong_kong.reason) == ("china", "source: Harbour Daily (HK)")
    [american] = select(runs, None, TOPIC, by_source, NOW, registry("US")).articles
    assert american.perspective == "us"
    [by_feed] = select(runs, None, TOPIC, settings(attribution="feed"), NOW,
                       registry("HK")).articles
    assert (by_feed.perspective, by_feed.reason) == ("us", "feed")


def test_an_empty_previous_listing_drops_nothing() -> None:
    listing = Listing(YESTERDAY, {}, [], [])
    runs = [run([article("Anything", hours_ago=1)])]
    assert titles(select(runs, listing, TOPIC, settings(repeat_stories=False), NOW,
                         load_registry())) == ["Anything"]
