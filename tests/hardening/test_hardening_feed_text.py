"""Feed text at the edge (issue 22): invisible and bidirectional control characters and
oversized text are dealt with once, where feed text enters (``text.plain_text``, called by
the parsers and by ``Article.from_dict`` for stored runs), and never reach a published file;
characters that only split a word do not split a story.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape

import pytest

from newsprism.classify._headlines import Headline, same_story
from newsprism.classify._stage import classify_topic
from newsprism.classify._stories import group_stories
from newsprism.config import Config, Feed, load_config
from newsprism.documents._digests import ListedArticle
from newsprism.documents._raw import Article, RawRun, article_id, dumps, loads
from newsprism.fetch._stage import fetch_topics
from newsprism.fetch.parse._feeds import parse_fast, parse_with_feedparser
from newsprism.render._stage import render_digest
from newsprism.summarize._stage import summarize_topic
from newsprism.text import (
    OUTLET_LIMIT,
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    headline_words,
    plain_text,
    story_key,
)
from tests.conformance import MemoryStore, feeds_for, read_case, serve
from tests.conftest import DATA, SEED_MARKDOWN

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "abc" shows as "cba"
# Every character plain_text removes: bidi embeddings, overrides, isolates and marks, the
# word joiner and invisible operators, deprecated format characters, BOM, soft hyphen.
REMOVED = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
           "\u2060\u2061\u2064\u206a\u206f\ufeff\u00ad")
# What splits a word for matching but stays for display (docs/design.md, "Markdown").
ZERO_WIDTH = "\u200b\u200c\u200d"
NOW = datetime(2026, 2, 12, 4, 0, 51, 254000, tzinfo=UTC)
FEED = Feed(type="rss", perspective="china", url="https://feeds.example.com/world/rss.xml",
            language="en", region="HK")


# -- the one normalization --------------------------------------------------------------------

@pytest.mark.parametrize("character", REMOVED)
def test_display_controls_are_removed(character: str) -> None:
    assert plain_text(f"Tar{character}iffs rise", TITLE_LIMIT) == "Tariffs rise"


def test_controls_become_one_space_and_visible_or_meaningful_characters_stay() -> None:
    assert plain_text(" a\x00\x1b b\x85c\t", TITLE_LIMIT) == "a b c"
    kept = "\u200bZero\u200cwidth\u200d \U0001f468\u200d\U0001f469\u00a0NBSP\u2028LS\u2029"
    assert plain_text(kept, TITLE_LIMIT) == kept  # (the earlier system's digests have them)


@pytest.mark.parametrize("limit", [TITLE_LIMIT, OUTLET_LIMIT, SUMMARY_LIMIT])
def test_text_is_capped_with_an_ellipsis_and_capping_again_changes_nothing(limit: int) -> None:
    text = "word " * 30_000  # 150 KB
    capped = plain_text(text, limit)
    assert len(capped) <= limit and capped.endswith("word…")
    assert plain_text(capped, limit) == capped
    assert plain_text("x" * limit, limit) == "x" * limit  # at the cap: untouched


def test_caps_leave_room_for_every_real_headline_and_outlet() -> None:
    # The measure the caps rest on (text.TITLE_LIMIT): the longest of the corpus's 10,500.
    assert TITLE_LIMIT > 278 and OUTLET_LIMIT > 61 and SUMMARY_LIMIT > 945


# -- where feed text enters: the parsers, and runs stored before ---------------------------

def hostile_feed() -> bytes:
    long_title = "US China trade " * 7000  # 105 KB
    items = [
        (f"{RLO}Tariffs{RLO} rise\u2066 again", "An\u00adOutlet\u202b", f"Desc{RLO}ription"),
        (long_title, "O" * 5000, "D" * 50_000),
    ]
    body = "".join(
        f"<item><title>{escape(title)}</title><link>https://outlet.example/{n}</link>"
        f'<source url="https://outlet.example">{escape(outlet)}</source>'
        f"<description>{escape(description)}</description></item>"
        for n, (title, outlet, description) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Out{RLO}let</title><link>https://outlet.example/</link>{body}"
            f"</channel></rss>").encode()


@pytest.mark.parametrize("parse", [parse_fast, parse_with_feedparser])
def test_parsers_store_feed_text_normalized_and_capped(
        parse: Callable[..., list[Article] | None]) -> None:
    articles = parse(hostile_feed(), FEED, FEED.fetch_url, NOW)
    assert articles is not None
    first, second = articles
    assert (first.title, first.source, first.summary) == (
        "Tariffs rise again", "AnOutlet", "Description")
    assert len(second.title) <= TITLE_LIMIT and second.title.endswith("…")
    assert len(second.source) == OUTLET_LIMIT and len(second.summary) == SUMMARY_LIMIT


def test_a_stored_article_read_back_is_normalized_too() -> None:
    # A run fetched before the normalization existed, or written by hand.
    url = "https://outlet.example/a"
    stored = Article(id=article_id(url), title=f"{RLO}Tariffs rise" + "!" * 100_000, url=url,
                     source=f"Out{RLO}let", source_url="", published=NOW, language="en",
                     region="US", feed="", perspective="us", summary=f"a{RLO}b")
    read = Article.from_dict(stored.to_dict())
    assert read.title == "Tariffs rise" + "!" * (TITLE_LIMIT - 13) + "…"
    assert (read.source, read.summary) == ("Outlet", "ab")
    clean = dataclasses.replace(stored, title="Tariffs rise", source="Outlet", summary="ab")
    assert Article.from_dict(clean.to_dict()) == clean


# -- matching ignores what only splits a word ------------------------------------------------

CLEAN = "US and China agree to resume military talks"
SPLIT = "US and Ch\u200bina agree to re\u200dsume mili\u00adtary ta\u2060lks\ufeff"


def test_a_zero_width_split_headline_has_its_clean_twins_words_and_key() -> None:
    assert headline_words(SPLIT) == headline_words(CLEAN)
    assert story_key(SPLIT) == story_key(CLEAN)
    assert same_story(Headline.of(SPLIT), Headline.of(CLEAN))


def test_a_zero_width_split_headline_groups_with_its_clean_twin() -> None:
    def listed(title: str, outlet: str, hours: float) -> ListedArticle:
        url = f"https://{outlet}.example/talks"
        article = Article(id=article_id(url), title=title, url=url, source=outlet,
                          source_url="", published=NOW - timedelta(hours=hours),
                          language="en", region="US", feed="", perspective="us")
        return ListedArticle(article, "us", "feed", article.id)

    other = "Typhoon closes ports across southern Taiwan for a second day"
    stories = group_stories([listed(CLEAN, "wire", 1), listed(SPLIT, "herald", 2),
                             listed(other, "post", 3)], grouped=True)
    assert sorted(sorted(a.article.source for a in story.reports) for story in stories) == [
        ["herald", "wire"], ["post"]]


# -- nothing reaches a published file --------------------------------------------------------

@pytest.fixture(scope="module")
def legacy() -> Config:
    return load_config(DATA / "legacy-topics.json")


def publish(config: Config, data: MemoryStore,
            taint: Callable[[bytes], bytes] | None = None) -> MemoryStore:
    """Fetch the seed digest's feeds, with the first headline hostile and the second 100 KB
    long, then classify, summarize and render; ``taint``, when given, edits the stored run
    before classify reads it. The site's files by key."""
    case = read_case(SEED_MARKDOWN, config.settings.max_articles)
    listings = list(case.listings)
    listings[0] = dataclasses.replace(
        listings[0], title=f"{RLO}{listings[0].title}\u2067", outlet=f"{listings[0].outlet}{RLO}")
    listings[1] = dataclasses.replace(listings[1], title=listings[1].title + " US" * 35_000)
    case = dataclasses.replace(case, listings=tuple(listings))
    topic = config.topic(case.topic)
    fetch_topics(config, [topic], data, case.now,
                 transport=serve(feeds_for(case, topic, config.settings)))
    if taint is not None:
        for key in data.list("raw/"):
            data.objects[key] = taint(data.objects[key])
    classify_topic(config, topic, data, case.now)
    day = case.now.date().isoformat()
    summarize_topic(config, case.topic, day, data)
    site = MemoryStore()
    render_digest(data, site, case.topic, day)
    return site


def assert_clean(site: MemoryStore) -> None:
    published = {key: value.decode() for key, value in site.objects.items()
                 if key.endswith((".html", ".md", ".json", ".xml"))}
    for kind in (".html", ".md", ".json", ".xml"):
        assert any(key.endswith(kind) for key in published), kind
    for key, text in published.items():
        # Neither the character nor an escape of it (JSON "\u202e", an HTML reference).
        for written in (RLO, "\\u202e", "&#8238;", "&#x202e;", "\u2067"):
            assert written not in text.lower(), (key, written)
    page = published["us-china/2026-02-12/index.html"]
    assert len(page) < 200_000  # a 100 KB headline made a 321 KB page (issue 22)
    assert "US US US…" in page and " US" * 200 not in page


def test_a_bidi_override_and_a_100_kb_headline_reach_no_published_file(legacy: Config) -> None:
    assert_clean(publish(legacy, MemoryStore()))


def test_a_stored_run_from_before_the_normalization_is_normalized_when_read(
        legacy: Config) -> None:
    def taint(data: bytes) -> bytes:
        run = RawRun.from_dict(loads(data, name="run"))
        articles = list(run.articles)
        articles[0] = dataclasses.replace(articles[0], title=f"{RLO}{articles[0].title}",
                                          source=f"{articles[0].source}{RLO}")
        articles[1] = dataclasses.replace(articles[1],
                                          title=articles[1].title + " US" * 35_000)
        return dumps(dataclasses.replace(run, articles=tuple(articles)).to_dict(),
                     compact=True)

    assert_clean(publish(legacy, MemoryStore(), taint))
