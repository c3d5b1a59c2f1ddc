"""The extractive summarizer: bullets are listed headlines that cite their article."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newsprism.documents._digests import Classified, ListedArticle, PerspectiveInfo, RelatedReport
from newsprism.documents._raw import Article, article_id
from newsprism.llm import Completion, Prompt
from newsprism.summarize._extractive import strip_outlet_suffix
from newsprism.summarize._stage import extractive_highlights, summarize
from newsprism.text import as_sentence, clean_headline, story_key
from tests.summarize_cases import config_for

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
    """Every article on its feed's side, as the earlier system placed them (the sides by outlet
    country: tests/summarize/test_summarize_sides.py)."""
    return Classified(topic="us-china", topic_name="US vs China", date="2026-02-12",
                      generated_at=NOW, window_start=NOW - timedelta(days=1),
                      perspectives=(PerspectiveInfo("us", "United States"),
                                    PerspectiveInfo("china", "China")),
                      articles=articles, attribution="feed")


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
    # Among stories one perspective covered, the overall section takes turns: the US already
    # has the first bullet, so China's story comes before the newer US one.
    assert [b.text for b in highlights.overall] == [
        "Reported by both United States and China: Both sides covered this.", "China only."]
    ids = {a.article.id for a in digest.articles}
    for bullets in [highlights.overall, *highlights.perspectives.values()]:
        assert all(b.sources and set(b.sources) <= ids for b in bullets)
    assert [b.text for b in highlights.perspectives["china"]] == ["China only."]
    assert [b.text for b in highlights.perspectives["us"]] == ["Both sides covered this.",
                                                               "US only, newest."]


def test_more_outlets_rank_first_then_newer_stories() -> None:
    wide = listed("three outlets", "us", 9, related=(
        RelatedReport("a", "https://a.example", "Outlet A", "us"),
        RelatedReport("b", "https://b.example", "Outlet B", "us")))
    digest = classified(listed("old", "us", 8), listed("new", "us", 1), wide)
    assert [b.text for b in extractive_highlights(digest, 3).perspectives["us"]] == [
        "Three outlets.", "New.", "Old."]


def test_covered_by_counts_as_coverage() -> None:
    # classify records which perspectives reported a story even when it lists one report.
    both = replace(listed("covered by both", "china", 6), covered_by=("us", "china"))
    digest = classified(listed("newer, one side", "us", 1), both)
    assert extractive_highlights(digest, 1).overall[0].text == (
        "Reported by both United States and China: Covered by both.")


def test_a_story_listed_twice_gets_one_bullet_citing_both() -> None:
    first, again = listed("UPDATE 1-Same story", "us", 1), listed("Same story - US outlet", "us", 2)
    digest = classified(first, again, listed("Other", "us", 3))
    bullets = extractive_highlights(digest, 5).perspectives["us"]
    assert [b.text for b in bullets] == ["Same story.", "Other."]
    assert bullets[0].sources == (first.article.id, again.article.id)
    assert extractive_highlights(digest, 5).perspectives["china"] == ()


@pytest.mark.parametrize("title, outlet, expected", [
    ("Xi meets Trump | Reuters", "Reuters", "Xi meets Trump"),
    ("Xi meets Trump - reuters", "Reuters", "Xi meets Trump"),
    ("Xi meets Trump — South China Morning Post", "South China Morning Post", "Xi meets Trump"),
    ("China - US", "Global Times", "China - US"),  # a dash inside the headline stays
    ("China - US talks", "Reuters", "China - US talks"),
    ("Reuters", "Reuters", "Reuters"),
    ("Analysis - Reuters", "Reuters", "Analysis"),
])
def test_outlet_suffix(title: str, outlet: str, expected: str) -> None:
    assert strip_outlet_suffix(title, outlet) == expected


def test_bullet_text_drops_prefix_and_suffix() -> None:
    article = listed("EXCLUSIVE-talks stall - us outlet", "us", 1)
    assert extractive_highlights(classified(article), 1).overall[0].text == "Talks stall."


def test_extractive_is_used_without_a_model_and_when_nothing_is_listed() -> None:
    empty = classified()
    digest = summarize(config_for("bedrock", model="m"), empty)
    assert (digest.summarizer, digest.model, digest.usage) == ("extractive", "", {})
    assert digest.summarizer_note == "bedrock: not asked, no articles are listed"
    assert digest.highlights.overall == ()
    plain = summarize(config_for(), classified(listed("a", "us", 1)))
    assert (plain.summarizer, plain.summarizer_note) == ("extractive", "")


def test_as_sentence() -> None:
    assert as_sentence("what will headline the summit?") == "What will headline the summit?"


class Broken:
    name, model = "bedrock", "some-model"

    def complete(self, prompt: Prompt) -> Completion:
        raise RuntimeError("a bug")


def test_an_unforeseen_client_failure_still_publishes_extractive_highlights() -> None:
    digest = summarize(config_for("bedrock", model="some-model"),
                       classified(listed("Talks resume", "us", 1)), Broken())
    assert (digest.summarizer, digest.model) == ("extractive", "some-model")
    assert digest.summarizer_note == ("bedrock (some-model): unexpected RuntimeError; "
                                      "extractive highlights used instead")
    assert digest.highlights.overall[0].text == "Talks resume."
