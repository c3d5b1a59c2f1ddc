"""The topic configurations tests share (tests/topics.py) are valid and say the same thing in
each form."""

from __future__ import annotations

import json

from newsprism.config import Perspective, Topic, parse_config
from tests.topics import ONE_FEED_TOML, US_CHINA_TOML, rss_topic, us_china_document


def test_the_smallest_configuration_is_one_topic_one_perspective_one_feed() -> None:
    [topic] = parse_config(ONE_FEED_TOML, name="topics.toml").topics
    assert (topic.id, [p.id for p in topic.perspectives], len(topic.feeds)) == (
        "us-china", ["us"], 1)


def test_the_us_china_topic_in_each_form(us_china_topic: Topic) -> None:
    assert us_china_topic == parse_config(US_CHINA_TOML, name="topics.toml").topics[0]
    as_json = json.dumps({"topics": [us_china_document()]})
    assert parse_config(as_json, name="topics.json", is_json=True).topics[0] == us_china_topic
    assert [(p.id, p.countries) for p in us_china_topic.perspectives] == [
        ("us", ("US",)), ("china", ("CN", "HK"))]
    assert [(f.perspective, f.fetch_url) for f in us_china_topic.feeds] == [
        ("us", "https://feeds.example/us.xml"), ("china", "https://feeds.example/cn.xml")]


def test_a_document_is_new_each_time() -> None:
    us_china_document()["feeds"].clear()
    assert len(us_china_document()["feeds"]) == 2


def test_rss_feeds_go_to_the_perspectives_in_turn() -> None:
    both = (Perspective("us", "United States"), Perspective("china", "China"))
    topic = rss_topic(["https://a.example/1", "https://a.example/2", "https://a.example/3"],
                      topic_id="us-china", perspectives=both, language="en", region="US")
    assert [feed.perspective for feed in topic.feeds] == ["us", "china", "us"]
    assert {(feed.type, feed.language, feed.region) for feed in topic.feeds} == {
        ("rss", "en", "US")}
    assert [p.id for p in rss_topic(["https://a.example/1"]).perspectives] == ["p"]
