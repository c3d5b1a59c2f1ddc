"""The topic configurations tests share (issue 18): a test names the one it means instead of
pasting its own copy.

``ONE_FEED_TOML``
    The smallest valid configuration: topic ``us-china``, one perspective (``us``, country
    US) and one RSS feed (``https://example.com/feed.xml``). Tests of the configuration's
    errors edit its lines, so its text stays as it is.
``US_CHINA_TOML``
    The ``us-china`` topic as the pipeline tests run it: keywords, two perspectives (``us``:
    US; ``china``: CN, HK), one RSS feed each (``https://feeds.example/us.xml``, English, US;
    ``https://feeds.example/cn.xml``, English, CN). A ``[[topics]]`` table: put a
    ``[settings]`` table before it, or another topic after it.
``us_china_document()``, ``us_china_topic()``
    The same topic as a fresh document (to edit, or to write as JSON) and as a ``Topic``.
``rss_topic(urls)``
    A topic of RSS feeds at ``urls``, handed to its perspectives in turn (the fetch tests).

The ``us_china_topic`` fixture (``tests/conftest.py``) hands out ``us_china_topic()``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from typing import Any

from newsprism.config import Feed, Perspective, Topic, parse_config

ONE_FEED_TOML = """
[[topics]]
id = "us-china"
name = "US vs China"
[[topics.perspectives]]
id = "us"
name = "United States"
countries = ["US"]
[[topics.feeds]]
type = "rss"
url = "https://example.com/feed.xml"
perspective = "us"
"""

US_CHINA_TOML = """
[[topics]]
id = "us-china"
name = "US vs China"
keywords = [["US", "U.S.", "Washington"], ["China", "Chinese", "Beijing"]]

[[topics.perspectives]]
id = "us"
name = "United States"
countries = ["US"]

[[topics.perspectives]]
id = "china"
name = "China"
countries = ["CN", "HK"]

[[topics.feeds]]
type = "rss"
url = "https://feeds.example/us.xml"
language = "en"
region = "US"
perspective = "us"

[[topics.feeds]]
type = "rss"
url = "https://feeds.example/cn.xml"
language = "en"
region = "CN"
perspective = "china"
"""


def us_china_document() -> dict[str, Any]:
    """``US_CHINA_TOML``'s topic as a document: a new one each call, free to edit."""
    topic: dict[str, Any] = tomllib.loads(US_CHINA_TOML)["topics"][0]
    return topic


@cache
def us_china_topic() -> Topic:
    """``US_CHINA_TOML``'s topic, read as a configuration file is."""
    return parse_config(US_CHINA_TOML, name="us-china.toml").topics[0]


def rss_topic(urls: Iterable[str], *, topic_id: str = "t", name: str = "T",
              perspectives: tuple[Perspective, ...] = (Perspective("p", "P"),),
              language: str = "", region: str = "") -> Topic:
    """A topic of RSS feeds at ``urls``, the first for the first perspective, the second for
    the second, and so round."""
    feeds = tuple(Feed(type="rss", perspective=perspectives[index % len(perspectives)].id,
                       url=url, language=language, region=region)
                  for index, url in enumerate(urls))
    return Topic(id=topic_id, name=name, perspectives=perspectives, feeds=feeds)
