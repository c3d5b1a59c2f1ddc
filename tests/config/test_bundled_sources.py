"""The bundled topics read each side three ways (issue 19): the earlier system's search first,
then the side's own outlets through Google News (``sites``), then a few outlets' own feeds."""

from __future__ import annotations

import pytest

from newsprism.config import Topic, load_config
from newsprism.config._sourcing import MAX_QUERY_WORDS, query_words
from newsprism.outlets import load_registry
from tests.conftest import DATA

BUNDLED = load_config()
LEGACY = load_config(DATA / "legacy-topics.json")
TOPICS = [topic.id for topic in BUNDLED.topics]


def sides(topic: Topic) -> dict[str, list[int]]:
    """Each perspective's feeds, as indexes into ``topic.feeds``."""
    return {p.id: [i for i, f in enumerate(topic.feeds) if f.perspective == p.id]
            for p in topic.perspectives}


@pytest.mark.parametrize("topic_id", TOPICS)
def test_each_side_keeps_the_earlier_systems_search_first(topic_id: str) -> None:
    # tests/conformance.py serves the earlier system's listings on each perspective's first
    # feed: that feed must stay the earlier system's own search.
    bundled, legacy = BUNDLED.topic(topic_id), LEGACY.topic(topic_id)
    for perspective, indexes in sides(bundled).items():
        first = bundled.feeds[indexes[0]]
        [earlier] = [f for f in legacy.feeds if f.perspective == perspective]
        assert (first.type, first.query, first.language, first.region) == (
            earlier.type, earlier.query, earlier.language, earlier.region)


@pytest.mark.parametrize("topic_id", TOPICS)
def test_each_side_searches_its_own_outlets_then_reads_some_of_their_feeds(
        topic_id: str) -> None:
    topic = BUNDLED.topic(topic_id)
    registry = load_registry()
    for perspective in topic.perspectives:
        feeds = [topic.feeds[i] for i in sides(topic)[perspective.id]][1:]
        searches = [f for f in feeds if f.type == "google_news"]
        own = [f for f in feeds if f.outlet]
        assert searches and own and feeds == searches + own
        assert all("(site:" in f.query and query_words(f.query) <= MAX_QUERY_WORDS
                   for f in searches)
        for feed in own:
            outlet = registry.named(feed.outlet)
            assert outlet is not None and feed.url in outlet.feeds
            assert outlet.country in perspective.countries
            assert feed.outlet_url == f"https://{outlet.domains[0]}"
    urls = [feed.fetch_url for feed in topic.feeds]
    assert len(urls) == len(set(urls))


def test_every_country_of_the_bundled_topics_has_outlets() -> None:
    # The default configuration runs without a warning: a standing one would be ignored.
    assert BUNDLED.warnings == ()


def test_the_earlier_systems_topics_json_is_read_as_it_was() -> None:
    # Its two searches a topic, nothing expanded and nothing said of the registry.
    assert LEGACY.warnings == ()
    assert [len(topic.feeds) for topic in LEGACY.topics] == [2] * 5
    assert not any(feed.outlet for topic in LEGACY.topics for feed in topic.feeds)
