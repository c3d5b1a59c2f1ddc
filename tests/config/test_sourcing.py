"""A side read through its own outlets (issue 19): ``sites = "perspective"`` searches,
``type = "outlet"`` feeds and the configuration's warnings, against a small registry."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from newsprism.config import Config, ConfigError, Feed, parse_config
from newsprism.config._sourcing import MAX_QUERY_WORDS, MAX_SITE_SEARCHES, query_words
from newsprism.outlets import Registry, parse_registry
from tests.topics import US_CHINA_TOML, us_china_document

REGISTRY = parse_registry("""
[[outlet]]
name = "Wire One"
country = "US"
domains = ["wireone.com"]
kind = "wire"

[[outlet]]
name = "US Daily"
country = "US"
domains = ["usdaily.com", "usdaily.net"]
feeds = ["https://usdaily.com/feed/"]

[[outlet]]
name = "US Daily en Español"
country = "US"
domains = ["es.usdaily.com"]

[[outlet]]
name = "Aggregated"
country = "US"
domains = ["aggregated.com"]
kind = "aggregator"
feeds = ["https://aggregated.com/rss"]

[[outlet]]
name = "No Domain Radio"
country = "US"

[[outlet]]
name = "Beijing Paper"
country = "CN"
domains = ["bjpaper.cn"]
aliases = ["BJP"]
feeds = ["https://bjpaper.cn/rss.xml", "https://www.bjpaper.cn/world.xml"]

[[outlet]]
name = "Harbour Times"
country = "HK"
domains = ["harbourtimes.hk"]

[[outlet]]
name = "Quiet Daily"
country = "CN"
domains = ["quietdaily.cn"]

[[outlet]]
name = "Maple Post"
country = "CA"
domains = ["maplepost.ca"]
feeds = ["https://maplepost.ca/feed"]
""", name="test-sources.toml")

FEED = 'topics[us-china].feeds[2]'  # the first feed after US_CHINA_TOML's two


def load(feeds: str, *, registry: Registry = REGISTRY, head: str = US_CHINA_TOML) -> Config:
    """``head`` (the us-china topic: us = US, china = CN + HK) with ``feeds`` appended."""
    return parse_config(head + feeds, name="topics.toml", registry=registry)


def many(count: int, country: str = "US") -> Registry:
    """A registry of ``count`` outlets from ``country``, ``outlet000.com`` on, in order."""
    return parse_registry("".join(
        f'[[outlet]]\nname = "Outlet {n:03d}"\ncountry = "{country}"\n'
        f'domains = ["outlet{n:03d}.com"]\n' for n in range(count)), name="many.toml")


def sites_feed(query: str = "China", perspective: str = "us") -> str:
    return (f"\n[[topics.feeds]]\ntype = \"google_news\"\nsites = \"perspective\"\n"
            f"query = '{query}'\nlanguage = \"en\"\nregion = \"US\"\n"
            f"perspective = \"{perspective}\"\n")


def outlet_feed(outlet: str, perspective: str | None = None, extra: str = "") -> str:
    named = f'perspective = "{perspective}"\n' if perspective else ""
    return f'\n[[topics.feeds]]\ntype = "outlet"\noutlet = "{outlet}"\n{named}{extra}'


def searches(config: Config) -> list[Feed]:
    return [feed for feed in config.topics[0].feeds[2:] if feed.type == "google_news"]


# -- sites = "perspective" ------------------------------------------------------------------


def test_a_sites_search_names_every_outlet_of_the_side_once_in_registry_order() -> None:
    config = load(sites_feed() + sites_feed("Washington", "china"))
    us, china = searches(config)
    # Aggregated is an aggregator, No Domain Radio has no domain to search, and
    # es.usdaily.com is found by site:usdaily.com; only each outlet's first domain is used.
    assert us == Feed(type="google_news", perspective="us", language="en", region="US",
                      query="China (site:wireone.com OR site:usdaily.com)")
    assert china.query == ("Washington (site:bjpaper.cn OR site:harbourtimes.hk "
                           "OR site:quietdaily.cn)")
    assert china.perspective == "china"
    assert us.fetch_url.startswith("https://news.google.com/rss/search?q=China+%28site%3A")
    assert config.warnings == ()


def test_the_sites_are_split_so_that_no_search_passes_googles_word_limit() -> None:
    config = load(sites_feed(), registry=many(40))
    parts = searches(config)
    # "China" is one word: 16 sites (31 more words) fill a search; 40 take 3, evenly.
    assert [feed.query.count("site:") for feed in parts] == [14, 13, 13]
    assert all(query_words(feed.query) <= MAX_QUERY_WORDS for feed in parts)
    named = [term.removeprefix("(").removesuffix(")")
             for feed in parts for term in feed.query.split() if "site:" in term]
    assert named == [f"site:outlet{n:03d}.com" for n in range(40)]


@pytest.mark.parametrize("count, query, sizes", [
    (16, "China", [16]),              # 1 + 16 + 15 = 32 words: exactly full
    (17, "China", [9, 8]),
    (15, '(China OR Beijing)', [15]),  # 3 words leave room for 15 sites
    (16, '(China OR Beijing)', [8, 8]),
    (2, " ".join(["w"] * 29), [2]),    # 29 + 2 + 1 = 32
    (3, " ".join(["w"] * 29), [2, 1]),
])
def test_the_split_is_at_the_limit(count: int, query: str, sizes: list[int]) -> None:
    parts = searches(load(sites_feed(query), registry=many(count)))
    assert [feed.query.count("site:") for feed in parts] == sizes
    assert max(query_words(feed.query) for feed in parts) <= MAX_QUERY_WORDS


def test_words_are_counted_as_google_counts_them() -> None:
    assert query_words('China ("US policy" OR trade)') == 5
    assert query_words("( China )") == 1
    assert query_words("China (site:a.com OR site:b.com)") == 4


def test_searches_past_the_cap_keep_the_first_outlets_in_registry_order() -> None:
    total = MAX_SITE_SEARCHES * 16 + 5
    config = load(sites_feed(), registry=many(total))
    parts = searches(config)
    assert len(parts) == MAX_SITE_SEARCHES
    assert sum(feed.query.count("site:") for feed in parts) == MAX_SITE_SEARCHES * 16
    assert "site:outlet000.com" in parts[0].query
    assert not any(f"site:outlet{total - 5:03d}.com" in feed.query for feed in parts)
    # By design, without a warning: the registry lists national outlets first.
    assert not [w for w in config.warnings if ".sites" in w]


def test_the_expansion_is_deterministic_and_keeps_the_files_order() -> None:
    feeds = sites_feed() + outlet_feed("Beijing Paper") + sites_feed("Washington", "china")
    first, again = load(feeds), load(feeds)
    assert first == again
    assert [(feed.type, feed.perspective, feed.outlet) for feed in first.topics[0].feeds[2:]] == [
        ("google_news", "us", ""), ("rss", "china", "Beijing Paper"),
        ("rss", "china", "Beijing Paper"), ("google_news", "china", "")]
    split = load(sites_feed(), registry=many(40))
    assert split == load(sites_feed(), registry=many(40))
    assert [feed.query for feed in searches(split)] == [
        feed.query for feed in searches(load(sites_feed(), registry=many(40)))]


# -- type = "outlet" ------------------------------------------------------------------------


def test_an_outlet_becomes_one_rss_feed_per_registry_feed_credited_to_it() -> None:
    topic = load(outlet_feed("BJP") + outlet_feed("US Daily", "us",
                                                  'language = "en"\nregion = "US"\n')).topics[0]
    assert topic.feeds[2:] == (
        Feed(type="rss", perspective="china", url="https://bjpaper.cn/rss.xml",
             outlet="Beijing Paper", outlet_url="https://bjpaper.cn"),
        Feed(type="rss", perspective="china", url="https://www.bjpaper.cn/world.xml",
             outlet="Beijing Paper", outlet_url="https://bjpaper.cn"),
        Feed(type="rss", perspective="us", url="https://usdaily.com/feed/", language="en",
             region="US", outlet="US Daily", outlet_url="https://usdaily.com"),
    )
    assert topic.feeds[2].fetch_url == "https://bjpaper.cn/rss.xml"


# -- errors ---------------------------------------------------------------------------------

TWO_CLAIMS = US_CHINA_TOML.replace('countries = ["US"]', 'countries = ["US", "CN"]')
NO_COUNTRIES = US_CHINA_TOML.replace('countries = ["US"]\n', "")
ANTARCTICA = US_CHINA_TOML.replace('countries = ["US"]', 'countries = ["AQ"]')


@pytest.mark.parametrize("head, feeds, message", [
    (US_CHINA_TOML, sites_feed().replace('"google_news"', '"rss"\nurl = "https://a.example/"'),
     f"{FEED}.sites: only a google_news feed takes 'sites'"),
    (US_CHINA_TOML, sites_feed().replace('"perspective"\n', '"all"\n', 1),
     f"{FEED}.sites: must be one of 'perspective', got 'all'"),
    (US_CHINA_TOML, sites_feed().replace("sites = ", 'url = "https://a.example/"\nsites = '),
     f"{FEED}.url: a google_news feed with 'sites' is built from its 'query'; it takes no "
     "'url'"),
    (US_CHINA_TOML, sites_feed().replace('"perspective"\n', "true\n", 1),
     f"{FEED}.sites: expected str, got a boolean"),
    (NO_COUNTRIES, sites_feed(),
     f"{FEED}.sites: perspective 'us' lists no countries whose outlets to search"),
    (ANTARCTICA, sites_feed(),
     f"{FEED}.sites: the registry has no outlet from 'AQ' (Antarctica) to search"),
    (US_CHINA_TOML, sites_feed(" ".join(["w"] * 31) + " x"),
     f"{FEED}.query: 32 words leave no room for a site (Google reads 32 words of a search)"),
    (US_CHINA_TOML, outlet_feed("Nobody"),
     f"{FEED}.outlet: no outlet 'Nobody' in the registry (newsprism/data/sources.toml)"),
    (US_CHINA_TOML, outlet_feed(""), f"{FEED}.outlet: must not be empty"),
    (US_CHINA_TOML, '\n[[topics.feeds]]\ntype = "outlet"\nperspective = "us"\n',
     f"{FEED}.outlet: missing (a registry name or alias)"),
    (US_CHINA_TOML, outlet_feed("Aggregated"),
     f"{FEED}.outlet: 'Aggregated' is an aggregator: its country says nothing about the side "
     "of its reports"),
    (US_CHINA_TOML, outlet_feed("Harbour Times"),
     f"{FEED}.outlet: the registry lists no feeds for 'Harbour Times'"),
    (US_CHINA_TOML, outlet_feed("Maple Post"),
     f"{FEED}.outlet: no perspective of this topic claims 'CA' (Canada), the country of "
     "'Maple Post'"),
    (US_CHINA_TOML, outlet_feed("Maple Post", "us"),
     f"{FEED}.perspective: perspective 'us' does not claim 'CA' (Canada), the country of "
     "'Maple Post'"),
    (US_CHINA_TOML, outlet_feed("Beijing Paper", "us"),
     f"{FEED}.perspective: perspective 'us' does not claim 'CN' (China), the country of "
     "'Beijing Paper' (china does)"),
    (US_CHINA_TOML, outlet_feed("Beijing Paper", "prc"),
     f"{FEED}.perspective: no perspective 'prc' in this topic (have: china, us)"),
    (TWO_CLAIMS, outlet_feed("Beijing Paper"),
     f"{FEED}.perspective: missing: us, china all claim 'CN' (China), the country of "
     "'Beijing Paper'"),
    (US_CHINA_TOML, outlet_feed("US Daily", extra='url = "https://usdaily.com/other"\n'),
     f"{FEED}.url: an outlet feed takes its URLs from the registry "
     "(newsprism/data/sources.toml), not from the topic"),
    (US_CHINA_TOML, outlet_feed("US Daily", extra='sites = "perspective"\n'),
     f"{FEED}.sites: an outlet feed takes its URLs from the registry "
     "(newsprism/data/sources.toml), not from the topic"),
    (US_CHINA_TOML, sites_feed().replace("sites = ", 'outlet = "US Daily"\nsites = '),
     f"{FEED}.outlet: only a feed of type \"outlet\" names an outlet"),
])
def test_every_sourcing_mistake_is_one_line_naming_the_key(head: str, feeds: str,
                                                           message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(feeds, head=head)
    assert str(raised.value) == f"topics.toml: {message}"


# -- warnings -------------------------------------------------------------------------------


def test_a_country_no_outlet_is_from_is_a_warning_naming_its_key() -> None:
    text = US_CHINA_TOML.replace('countries = ["CN", "HK"]', 'countries = ["CN", "AQ", "HK"]')
    config = parse_config(text, name="topics.toml", registry=REGISTRY)
    assert config.warnings == (
        "topics.toml: topics[us-china].perspectives[1].countries[1]: no outlet of the registry "
        "is from 'AQ' (Antarctica); this perspective's articles from there can only come from "
        "unverified outlets",)
    # An aggregator's country is no side's: it does not count as an outlet from there.
    only_aggregator = parse_registry('[[outlet]]\nname = "A"\ncountry = "US"\n'
                                     'domains = ["a.com"]\nkind = "aggregator"\n', name="r")
    assert [w.split(": ")[1] for w in parse_config(
        US_CHINA_TOML, name="topics.toml", registry=only_aggregator).warnings] == [
        "topics[us-china].perspectives[0].countries[0]",
        "topics[us-china].perspectives[1].countries[0]",
        "topics[us-china].perspectives[1].countries[1]"]


def test_the_earlier_systems_json_knows_nothing_of_the_registry() -> None:
    topic: dict[str, Any] = {"id": "us-china", "name": "US vs China",
                             "perspectives": [{"id": "us", "name": "United States"}],
                             "rssFeeds": [{"type": "google_news", "query": "China",
                                           "perspective": "us"}]}
    legacy = {"settings": {"maxArticlesPerTopic": 20}, "topics": [topic]}
    config = parse_config(json.dumps(legacy), name="topics.json", is_json=True,
                          registry=parse_registry('[[outlet]]\nname = "A"\ncountry = "US"\n',
                                                  name="r"))
    assert config.warnings == ()
    assert [feed.query for feed in config.topics[0].feeds] == ["China"]
    for change, message in (
            ({"sites": "perspective"}, "topics[us-china].rssFeeds[0].sites: unknown key"),
            ({"type": "outlet", "outlet": "A"},
             "topics[us-china].rssFeeds[0].outlet: unknown key"),
            ({"type": "outlet"}, "topics[us-china].rssFeeds[0].type: must be one of "
                                 "'google_news', 'rss', got 'outlet'")):
        topic["rssFeeds"] = [{"type": "google_news", "query": "China",
                                            "perspective": "us", **change}]
        with pytest.raises(ConfigError, match=re.escape(f"topics.json: {message}")):
            parse_config(json.dumps(legacy), name="topics.json", is_json=True)


def test_our_shape_as_json_is_sourced_like_toml() -> None:
    document = us_china_document()
    document["feeds"].append({"type": "outlet", "outlet": "Beijing Paper"})
    config = parse_config(json.dumps({"topics": [document]}), name="topics.json", is_json=True,
                          registry=REGISTRY)
    assert [feed.outlet for feed in config.topics[0].feeds] == [
        "", "", "Beijing Paper", "Beijing Paper"]
