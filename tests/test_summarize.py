"""The extractive summarizer: bullets are listed headlines that cite their article."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsprism.models import (
    Article,
    Classified,
    ListedArticle,
    PerspectiveInfo,
    RelatedReport,
    article_id,
)
from newsprism.summarize import extractive_highlights
from newsprism.text import as_sentence, clean_headline, story_key

NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)


def listed(title: str, perspective: str, hours_ago: float,
           related: tuple[RelatedReport, ...] = ()) -> ListedArticle:
    url = f"https://news.example/{title}"
    return ListedArticle(
        article=Article(id=article_id(url), title=title, url=url, source=f"{perspective} outlet",
                        source_url="", published=NOW - timedelta(hours=hours_ago), language="en",
                        region="US", feed="", perspective=perspective),
        perspective=perspective, reason="feed", story=title, related=related)


def classified(*articles: ListedArticle) -> Classified:
    return Classified(topic="us-china", topic_name="US vs China", date="2026-02-12",
                      generated_at=NOW, window_start=NOW - timedelta(days=1),
                      perspectives=(PerspectiveInfo("us", "United States"),
                                    PerspectiveInfo("china", "China")),
                      articles=articles)


@pytest.mark.parametrize("title, expected", [
    ("UPDATE 1-China trade negotiator met CEO", "China trade negotiator met CEO"),
    ("Exclusive | Trump and Xi expected to extend truce", "Trump and Xi expected to extend truce"),
    ("WATCH: Xi speaks", "Xi speaks"),
    ("UPDATE 2-EXCLUSIVE-Talks stall", "Talks stall"),
    ("Update on tariffs is due", "Update on tariffs is due"),  # a word, not a prefix
])
def test_wire_prefixes_are_removed(title: str, expected: str) -> None:
    assert clean_headline(title) == expected


def test_story_key_ignores_prefix_case_and_punctuation() -> None:
    assert story_key("UPDATE 1-China’s trade, talks") == story_key("china's trade talks")
    assert story_key("China trade talks") != story_key("China trade talks stall")


def test_bullets_are_cited_sentences_favouring_wide_coverage() -> None:
    shared = listed("both sides covered this", "us", 5, related=(
        RelatedReport("x", "https://x.example", "China Daily", "china"),))
    digest = classified(listed("US only, newest", "us", 1), shared,
                        listed("China only", "china", 2))
    highlights = extractive_highlights(digest, 2)
    assert [b.text for b in highlights.overall] == ["Both sides covered this.",
                                                    "US only, newest."]
    ids = {a.article.id for a in digest.articles}
    for bullets in [highlights.overall, *highlights.perspectives.values()]:
        assert all(b.sources and set(b.sources) <= ids for b in bullets)
    assert [b.text for b in highlights.perspectives["china"]] == ["China only."]


def test_a_story_listed_twice_gets_one_bullet() -> None:
    digest = classified(listed("UPDATE 1-Same story", "us", 1), listed("Same story", "us", 2),
                        listed("Other", "us", 3))
    assert [b.text for b in extractive_highlights(digest, 5).perspectives["us"]] == [
        "Same story.", "Other."]
    assert extractive_highlights(digest, 5).perspectives["china"] == ()


def test_as_sentence() -> None:
    assert as_sentence("what will headline the summit?") == "What will headline the summit?"
