"""Classification: window, duplicates, relevance, stories, repeats and the balanced list."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsprism.classify._stage import NothingToList, classify_topic
from newsprism.config import Config, Settings
from newsprism.documents import _digests as digests
from newsprism.documents import _raw as models
from newsprism.documents._raw import Article, FeedReport, RawRun, article_id
from newsprism.store import FileStore
from tests.topics import us_china_topic

NOW = datetime(2026, 2, 12, 4, 0, 51, 254000, tzinfo=UTC)

# The classify stage never reads topic.feeds: the shared topic without its keywords.
TOPIC = replace(us_china_topic(), keywords=())


def article(title: str, *, perspective: str = "us", hours_ago: float = 1, source: str = "Outlet",
            source_url: str = "", url: str = "", summary: str = "",
            language: str = "en") -> Article:
    url = url or f"https://news.example/{abs(hash((title, source)))}"
    return Article(id=article_id(url), title=title, url=url, source=source, source_url=source_url,
                   published=NOW - timedelta(hours=hours_ago), language=language, region="US",
                   feed=f"https://feeds.example/{perspective}.xml", perspective=perspective,
                   summary=summary)


def store_run(data: FileStore, articles: list[Article], *, fetched_at: datetime = NOW,
              topic: str = "us-china") -> None:
    run = RawRun(topic=topic, run_id=fetched_at.strftime("%Y%m%dT%H%M%S%fZ"),
                 fetched_at=fetched_at,
                 feeds=(FeedReport(url="https://feeds.example/us.xml", perspective="us",
                                   status="ok", articles=len(articles)),),
                 articles=tuple(articles))
    data.write(run.key, models.dumps(run.to_dict()))


def config(**settings: object) -> Config:
    base = Settings(attribution="feed", stories="list", repeat_stories=True, max_age=timedelta(days=5))
    return Config(source="test", settings=replace(base, **settings), topics=(TOPIC,))  # type: ignore[arg-type]


@pytest.fixture
def data(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "data")


def titles(result: digests.Classified) -> list[str]:
    return [listed.article.title for listed in result.articles]


def test_quota_newest_first_then_round_robin(data: FileStore) -> None:
    us = [article(f"US {i}", hours_ago=i) for i in range(1, 9)]
    china = [article(f"CN {i}", perspective="china", hours_ago=i) for i in range(1, 4)]
    store_run(data, list(reversed(us)) + china)
    result = classify_topic(config(max_articles=8), TOPIC, data, NOW)
    # quota 4 each: US 1-4 newest first, the three Chinese articles, then US 5 fills the gap
    assert titles(result) == ["US 1", "US 2", "US 3", "US 4", "CN 1", "CN 2", "CN 3", "US 5"]
    assert [p.id for p in result.perspectives] == ["us", "china"]
    assert result.count("us") == 5 and result.count("china") == 3
    stored = models.loads(data.read("classified/us-china/2026-02-12.json"), name="x")
    assert stored["perspectives"][0] == {"id": "us", "name": "United States", "count": 5,
                                         "countries": ["US"]}


def test_window_and_duplicates_across_runs(data: FileStore) -> None:
    fresh = article("Fresh", hours_ago=2)
    store_run(data, [fresh, article("Old", hours_ago=24 * 5 + 1), article("Future", hours_ago=-1)],
              fetched_at=NOW - timedelta(hours=1))
    store_run(data, [fresh, article("Newer", hours_ago=0.5)])
    store_run(data, [article("After the clock", hours_ago=0.1)], fetched_at=NOW + timedelta(hours=1))
    result = classify_topic(config(), TOPIC, data, NOW)
    assert titles(result) == ["Newer", "Fresh"]
    assert result.stats["duplicates"] == 1
    assert result.stats["out_of_window"] == 2
    assert len(result.runs) == 2  # the run fetched after --now is not part of this digest


def test_keywords_need_a_term_of_every_group_on_whole_words(data: FileStore) -> None:
    topic = replace(TOPIC, keywords=(("US", "Washington"), ("China", "Beijing")))
    store_run(data, [
        article("US and China agree on trade", hours_ago=1),
        article("Washington warns Beijing", hours_ago=2),
        article("Bus fares rise in China", hours_ago=3),  # "Bus" is not "US"
        article("Let us talk about China", hours_ago=4),  # "us" is not "US"
        article("US troops train Nigerian army", hours_ago=5),
    ])
    result = classify_topic(replace(config(), topics=(topic,)), topic, data, NOW)
    assert titles(result) == ["US and China agree on trade", "Washington warns Beijing"]
    assert result.stats["off_topic"] == 3


def test_group_mode_lists_a_story_once_and_keeps_the_other_outlets(data: FileStore) -> None:
    store_run(data, [
        article("China trade negotiator met Westinghouse CEO", hours_ago=3, source="The Standard"),
        article("UPDATE 1-China trade negotiator met Westinghouse CEO", hours_ago=2, source="Devdiscourse"),
        article("China trade negotiator met Westinghouse CEO", hours_ago=1, source="TradingView"),
        article("Something else", hours_ago=1),
    ])
    listed = classify_topic(config(stories="group"), TOPIC, data, NOW).articles
    assert [a.article.title for a in listed] == ["Something else",
                                                 "China trade negotiator met Westinghouse CEO"]
    assert listed[1].article.source == "The Standard"  # the earliest report leads
    assert [r.source for r in listed[1].related] == ["Devdiscourse", "TradingView"]
    listed_as_list = classify_topic(config(stories="list"), TOPIC, data, NOW).articles
    assert len(listed_as_list) == 4


def test_previous_digest_stories_are_not_repeated(data: FileStore) -> None:
    yesterday = NOW - timedelta(days=1)
    store_run(data, [article("Old story", hours_ago=30), article("New story", hours_ago=1)])
    previous = {"articles": [{"id": "x", "story": "y", "title": "UPDATE 2-Old story"}]}
    data.write("digests/us-china/2026-02-11.json", models.dumps(previous))
    result = classify_topic(config(stories="group", repeat_stories=False), TOPIC, data, NOW)
    assert titles(result) == ["New story"]
    assert result.stats["repeats"] == 1
    assert yesterday.date().isoformat() == "2026-02-11"
    assert titles(classify_topic(config(repeat_stories=True), TOPIC, data, NOW)) == [
        "New story", "Old story"]


def test_damaged_run_is_skipped_and_counted(data: FileStore) -> None:
    store_run(data, [article("Good", hours_ago=1)])
    data.write("raw/us-china/2026-02-12/broken.json", b'{"schema": 1, "topic": "us-ch')
    data.write("raw/us-china/2026-02-12/future.json", b'{"schema": 99}')
    result = classify_topic(config(), TOPIC, data, NOW)
    assert titles(result) == ["Good"]
    assert result.stats["damaged_runs"] == 2


def test_nothing_to_list_writes_nothing(data: FileStore) -> None:
    store_run(data, [article("Too old", hours_ago=24 * 6)])
    with pytest.raises(NothingToList, match="us-china: no articles to list"):
        classify_topic(config(), TOPIC, data, NOW)
    assert not data.exists("classified/us-china/2026-02-12.json")


def test_source_attribution_moves_articles_by_outlet_country(data: FileStore) -> None:
    store_run(data, [
        article("SCMP on US", hours_ago=1, source="South China Morning Post",
                source_url="https://www.scmp.com"),
        article("Unknown outlet", hours_ago=2, source="unknown-outlet.example",
                source_url="https://unknown-outlet.example"),
        article("Korean view", hours_ago=3, source="The Korea Herald",
                source_url="https://www.koreaherald.com"),
    ])
    listed = classify_topic(config(attribution="source"), TOPIC, data, NOW).articles
    by_title = {a.article.title: a for a in listed}
    scmp, unknown, korean = (by_title[t] for t in ("SCMP on US", "Unknown outlet", "Korean view"))
    assert (scmp.perspective, scmp.outlet_country, scmp.verified) == ("china", "HK", True)
    assert scmp.reason.startswith("source: South China Morning Post (HK)")
    # Unknown: its feed's side, marked unverified, no country.
    assert (unknown.perspective, unknown.outlet_country, unknown.verified) == ("us", None, False)
    assert "not in the registry" in unknown.reason
    # KR belongs to neither side: the other countries' group, with its country.
    assert (korean.perspective, korean.outlet_country, korean.verified) == ("other", "KR", True)
