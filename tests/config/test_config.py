"""Configuration loading: the bundled topics, the earlier system's JSON, and one-line errors."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import timedelta
from pathlib import Path

import pytest

from newsprism.config import ConfigError, Feed, load_config, parse_config, parse_duration
from tests.conftest import DATA
from tests.topics import ONE_FEED_TOML


def test_bundled_topics_are_the_earlier_systems_five() -> None:
    config = load_config()
    assert [t.id for t in config.select()] == [
        "us-china", "venezuela", "china-japan", "china-taiwan", "india-pakistan"]
    for topic in config.topics:
        assert len(topic.perspectives) == 2
        # Google News searches and outlets' own feeds (tests/config/test_bundled_sources.py).
        assert {feed.type for feed in topic.feeds} == {"google_news", "rss"}
        assert all(p.countries for p in topic.perspectives)
    assert config.settings.attribution == "source"
    assert config.settings.max_age == timedelta(hours=24)


def test_google_news_url_is_built_from_query_language_and_region() -> None:
    feed = load_config().topic("venezuela").feeds[0]
    assert feed.fetch_url.startswith("https://news.google.com/rss/search?q=Venezuela+%28")
    assert feed.fetch_url.endswith("&hl=es-VE&gl=VE&ceid=VE%3Aes")


def test_a_feeds_url_is_computed_once_and_never_outlives_its_fields() -> None:
    feed = Feed(type="google_news", perspective="us", query="China tariffs", language="en",
                region="US")
    url = feed.fetch_url
    assert feed.fetch_url is url  # cached: every article of the feed records it
    assert dataclasses.replace(feed, query="Taiwan").fetch_url.endswith(
        "?q=Taiwan&hl=en-US&gl=US&ceid=US%3Aen")
    copy = pickle.loads(pickle.dumps(feed))
    assert copy == feed and hash(copy) == hash(feed) and copy.fetch_url == url
    assert "fetch_url" not in repr(feed)


def test_legacy_json_loads_unchanged_with_the_earlier_systems_behaviour() -> None:
    config = load_config(DATA / "legacy-topics.json")
    assert [t.id for t in config.topics] == [
        "venezuela", "us-china", "china-japan", "china-taiwan", "india-pakistan"]
    assert config.settings.max_articles == 20
    assert config.settings.max_age == timedelta(days=5)
    assert config.settings.attribution == "feed"
    assert config.settings.stories == "list"  # deduplicationSimilarityThreshold 0
    assert config.settings.repeat_stories is True
    us_china = config.topic("us-china")
    assert [p.name for p in us_china.perspectives] == ["United States", "China"]
    assert us_china.feeds[1].perspective == "china"
    assert "site%3Achinadaily.com.cn" in us_china.feeds[1].fetch_url


def test_legacy_threshold_above_zero_groups_stories(tmp_path: Path) -> None:
    text = (DATA / "legacy-topics.json").read_text().replace(
        '"deduplicationSimilarityThreshold": 0', '"deduplicationSimilarityThreshold": 0.8')
    path = tmp_path / "topics.json"
    path.write_text(text)
    assert load_config(path).settings.stories == "group"


@pytest.mark.parametrize("duration, expected", [
    ("5d", timedelta(days=5)), ("36h", timedelta(hours=36)), ("1d12h", timedelta(hours=36)),
    ("90m", timedelta(minutes=90)),
])
def test_durations(duration: str, expected: timedelta) -> None:
    assert parse_duration(duration) == expected


@pytest.mark.parametrize("change, message", [
    (("[[topics]]", "[settingz]\n[[topics]]"), "topics.toml: settingz: unknown key"),
    (('type = "rss"', 'type = "rss"\nurll = "x"'), "topics.toml: topics[us-china].feeds[0].urll: unknown key"),
    (('perspective = "us"', 'perspective = "chna"'),
     "topics.toml: topics[us-china].feeds[0].perspective: no perspective 'chna' in this topic"),
    (('url = "https://example.com/feed.xml"\n', ""),
     "topics.toml: topics[us-china].feeds[0]: a feed needs a 'url' or a 'query'"),
    (("[[topics]]", '[settings]\nmax_age = "5 days"\n[[topics]]'),
     "topics.toml: settings.max_age: bad duration '5 days'"),
    (("[[topics]]", "[settings]\nmax_articles = true\n[[topics]]"),
     "topics.toml: settings.max_articles: expected int, got a boolean"),
    (("[[topics]]", '[settings]\nattribution = "outlet"\n[[topics]]'),
     "topics.toml: settings.attribution: must be one of 'feed', 'source', got 'outlet'"),
    (('countries = ["US"]', 'countries = ["USA"]'),
     "topics.toml: topics[us-china].perspectives[0].countries[0]: expected an ISO 3166-1"),
    # Shaped like a code but assigned to no country: no outlet could ever match (issue 19).
    (('countries = ["US"]', 'countries = ["UK"]'),
     "topics.toml: topics[us-china].perspectives[0].countries[0]: 'UK' is not an ISO 3166-1 "
     "alpha-2 country code (did you mean GB?)"),
    (('countries = ["US"]', 'countries = ["EU"]'),
     "topics.toml: topics[us-china].perspectives[0].countries[0]: 'EU' is not an ISO 3166-1 "
     "alpha-2 country code (the EU is not a country: list its member states (AT, BE,"),
    (('countries = ["US"]', 'countries = ["XX"]'),
     "topics.toml: topics[us-china].perspectives[0].countries[0]: 'XX' is not an ISO 3166-1 "
     "alpha-2 country code"),
    (('id = "us-china"', 'id = "US China"'), "topics.toml: topics[0].id: 'US China' is not a valid id"),
    # Its pages would land in the site's own folder (the directory pages are topics/).
    (('id = "us-china"', 'id = "topics"'),
     "topics.toml: topics[0].id: 'topics' is reserved for the site's own pages"),
    (('id = "us"', 'id = "other"'),
     "topics.toml: topics[us-china].perspectives[0].id: 'other' is reserved for the outlets of "
     "countries no perspective claims"),
    (('url = "https://example.com/feed.xml"', 'url = "file:///etc/passwd"'),
     "topics.toml: topics[us-china].feeds[0].url: only http and https URLs are fetched"),
])
def test_errors_name_the_file_and_the_key(change: tuple[str, str], message: str) -> None:
    text = ONE_FEED_TOML.replace(*change, 1)
    with pytest.raises(ConfigError) as caught:
        parse_config(text, name="topics.toml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_others_is_show_or_drop() -> None:
    assert parse_config(ONE_FEED_TOML, name="t.toml").settings.others == "show"
    dropped = parse_config('[settings]\nothers = "drop"\n' + ONE_FEED_TOML, name="t.toml")
    assert dropped.settings.others == "drop"
    with pytest.raises(ConfigError, match=r"^t.toml: settings.others: must be one of 'show', "
                                          r"'drop', got 'hide'$"):
        parse_config('[settings]\nothers = "hide"\n' + ONE_FEED_TOML, name="t.toml")


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"^topics.toml: topics: duplicate topic id 'us-china'$"):
        parse_config(ONE_FEED_TOML + ONE_FEED_TOML, name="topics.toml")
    perspective = '[[topics.perspectives]]\nid = "us"\nname = "Again"\n'
    doubled = ONE_FEED_TOML.replace("[[topics.feeds]]", perspective + "[[topics.feeds]]")
    with pytest.raises(ConfigError, match=r"topics\[us-china\].perspectives: duplicate perspective id 'us'"):
        parse_config(doubled, name="topics.toml")


def test_legacy_errors_use_the_files_own_key_names(tmp_path: Path) -> None:
    text = (DATA / "legacy-topics.json").read_text().replace(
        '"perspective": "china"', '"perspective": "prc"', 1)
    path = tmp_path / "topics.json"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(
        f"{path}: topics[us-china].rssFeeds[1].perspective: no perspective 'prc'")


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot read"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[topics]\n")
    with pytest.raises(ConfigError, match=r"bad.toml: invalid TOML"):
        load_config(bad)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"topics": [}')
    with pytest.raises(ConfigError, match=r"bad.json: invalid JSON at line 1"):
        load_config(bad_json)
