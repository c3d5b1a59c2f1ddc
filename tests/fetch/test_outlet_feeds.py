"""A feed named by its outlet (``type = "outlet"``, issue 19) credits its articles to that
outlet, whatever its channel calls itself, so that classify finds it in the registry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from newsprism.config import Feed, parse_config
from newsprism.documents import Article
from newsprism.fetch import fetch_topics
from newsprism.fetch.parse._feeds import parse_feed, parse_with_feedparser
from newsprism.outlets import load_registry, parse_registry
from newsprism.store import FileStore
from tests.topics import US_CHINA_TOML

NOW = datetime(2026, 2, 12, 4, 0, 51, 254000, tzinfo=UTC)
URL = "https://www.globaltimes.cn/rss/outbrain.xml"
FEED = Feed(type="rss", perspective="china", url=URL, language="en", region="CN",
            outlet="Global Times", outlet_url="https://globaltimes.cn")
# A channel that names neither the outlet nor its site, and an item Google News style.
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Latest news</title><link>https://cdn.example.net/</link>
<item><title>Beijing answers Washington on tariffs</title>
<link>https://www.globaltimes.cn/page/202602/1.shtml</link>
<pubDate>Thu, 12 Feb 2026 03:00:00 GMT</pubDate></item>
<item><title>Wire copy - Reuters</title><link>https://www.globaltimes.cn/page/202602/2.shtml</link>
<source url="https://www.reuters.com">Reuters</source></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>GT</title>
<link href="https://cdn.example.net/"/><id>urn:x</id><updated>2026-02-12T03:00:00Z</updated>
<entry><title>Beijing answers Washington on tariffs</title><id>urn:1</id>
<link href="https://www.globaltimes.cn/page/202602/1.shtml"/>
<updated>2026-02-12T03:00:00Z</updated></entry></feed>"""


@pytest.mark.parametrize("parse", [parse_feed, parse_with_feedparser])
@pytest.mark.parametrize("document", [RSS, ATOM], ids=["rss", "atom"])
def test_an_outlet_feeds_articles_are_the_outlets_whatever_the_channel_says(
        parse: Callable[..., list[Article]], document: bytes) -> None:
    articles = parse(document, FEED, URL, NOW)
    first = articles[0]
    assert (first.source, first.source_url) == ("Global Times", "https://globaltimes.cn")
    assert (first.feed, first.perspective) == (URL, "china")
    found = load_registry().lookup(first.source, first.source_url)
    assert found is not None and (found.name, found.country) == ("Global Times", "CN")


def test_an_entrys_own_source_still_wins() -> None:
    wire = parse_feed(RSS, FEED, URL, NOW)[1]
    assert (wire.title, wire.source, wire.source_url) == (
        "Wire copy", "Reuters", "https://www.reuters.com")


def test_any_other_feed_is_still_named_by_its_channel() -> None:
    plain = Feed(type="rss", perspective="china", url=URL)
    first = parse_feed(RSS, plain, URL, NOW)[0]
    assert (first.source, first.source_url) == ("Latest news", "https://cdn.example.net")


def test_an_outlet_without_a_domain_is_credited_at_its_feeds_site() -> None:
    nameless = Feed(type="rss", perspective="china", url=URL, outlet="Radio Somewhere")
    first = parse_feed(RSS, nameless, URL, NOW)[0]
    assert (first.source, first.source_url) == ("Radio Somewhere", "https://www.globaltimes.cn")


def test_fetching_a_configured_outlet_stores_articles_credited_to_it(tmp_path: Path) -> None:
    registry = parse_registry('[[outlet]]\nname = "Global Times"\ncountry = "CN"\n'
                              f'domains = ["globaltimes.cn"]\nfeeds = ["{URL}"]\n', name="r")
    config = parse_config(US_CHINA_TOML + '[[topics.feeds]]\ntype = "outlet"\n'
                          'outlet = "Global Times"\n', name="topics.toml", registry=registry)
    topic = config.topics[0]

    def serve(request: httpx.Request) -> httpx.Response:
        if str(request.url) == URL:
            return httpx.Response(200, content=RSS,
                                  headers={"Content-Type": "application/rss+xml"})
        return httpx.Response(404)

    [run] = fetch_topics(config, [topic], FileStore(tmp_path), NOW,
                         transport=httpx.MockTransport(serve))
    assert [(r.url, r.perspective, r.status) for r in run.feeds][-1] == (URL, "china", "ok")
    assert [(a.source, a.source_url, a.perspective) for a in run.articles] == [
        ("Global Times", "https://globaltimes.cn", "china"),
        ("Reuters", "https://www.reuters.com", "china")]
