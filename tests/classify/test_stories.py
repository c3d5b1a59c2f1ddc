"""Stories (issue 5): copies of one story grouped, near-linearly, and matched across days
(_headlines.py, _grouping.py, _stories.py). Reports of one event: test_events*.py."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsprism.classify._grouping import group_headlines
from newsprism.classify._headlines import (
    MAX_INDEXED,
    Headline,
    HeadlineIndex,
    Headlines,
    same_story,
    word_ranks,
)
from newsprism.classify._stories import Repeat, find_repeats, group_stories, read_listing, relist
from newsprism.documents._digests import ListedArticle
from newsprism.documents._raw import Article, article_id
from tests.conftest import DATA
from tests.seed_digest import seed_digest

PAIRS = DATA / "story_pairs.tsv"
NOW = datetime(2026, 2, 12, 4, tzinfo=UTC)


def sample() -> list[tuple[str, str, str, str]]:
    """(label, where, headline a, headline b) of the hand-checked sample."""
    rows = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, topic, day, a, b = line.split("\t")
            rows.append((label, f"{topic} {day}".strip(), a, b))
    return rows


def test_hand_checked_sample_has_no_mistake_of_either_kind() -> None:
    rows = sample()
    wrongly_merged = [(where, a, b) for label, where, a, b in rows
                      if label == "different" and same_story(Headline.of(a), Headline.of(b))]
    repeats_kept = [(where, a, b) for label, where, a, b in rows
                    if label == "same" and not same_story(Headline.of(a), Headline.of(b))]
    assert wrongly_merged == []
    assert repeats_kept == []
    labels = [label for label, *_ in rows]
    assert labels.count("same") >= 200 and labels.count("different") >= 20, labels


@pytest.mark.parametrize(("a", "b"), [
    ("Trump and Xi to meet in Busan on Thursday", "Trump and Xi meet in Busan on Thursday"),
    ("US sanctions China over chip exports", "China sanctions US over chip exports"),
    ("China will attend the Geneva talks", "China will not attend the Geneva talks"),
    ("Pakistan attends peace talks in Istanbul", "Pakistan does not attend peace talks in Istanbul"),
    ("Gold price in Pakistan for today, March 25, 2026",
     "Silver price in Pakistan for today, March 25, 2026"),
    ("EN VIVO: últimas noticias del conflicto, este 8 de diciembre",
     "EN VIVO: últimas noticias del conflicto, este martes 9 de diciembre"),
])
def test_near_misses_are_different_stories(a: str, b: str) -> None:
    # Documented in headlines.py: a plan is not the event, roles matter, so do negations,
    # a changed name in a short frame and a changed number.
    assert not same_story(Headline.of(a), Headline.of(b))
    assert not same_story(Headline.of(b), Headline.of(a))


@pytest.mark.parametrize(("a", "b"), [
    ("UPDATE 2-EXCLUSIVE-China trade talks stall", "China trade talks stall - Reuters"),
    ("U.S. lifts sanctions on Venezuela’s Delcy Rodríguez",
     "US lifts sanctions on Venezuela's acting President Delcy Rodriguez"),
    ("Estados Unidos confirma la liberación de sus ciudadanos detenidos en Venezuela",
     "ESTADOS UNIDOS CONFIRMÓ LIBERACIÓN DE SUS CIUDADANOS DETENIDOS EN VENEZUELA"),
    ("Xinhua News | China severely punishes separatists", "China severely punishes separatists"),
])
def test_copies_and_near_copies_are_one_story(a: str, b: str) -> None:
    assert same_story(Headline.of(a), Headline.of(b))


def brute_force_groups(headlines: list[Headline]) -> list[list[int]]:
    parent = list(range(len(headlines)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def twins(a: Headline, b: Headline) -> bool:  # the same words in the same order
        return bool(a.words) and (a.words, a.sequence) == (b.words, b.sequence)

    for i, j in itertools.combinations(range(len(headlines)), 2):
        if same_story(headlines[i], headlines[j]) or twins(headlines[i], headlines[j]):
            parent[max(root(i), root(j))] = min(root(i), root(j))
    groups: dict[int, list[int]] = {}
    for i in range(len(headlines)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


def test_the_index_finds_every_pair_all_pairs_would() -> None:
    # The sample's headlines, shuffled, with copies as wires make them: the grouping through
    # the index must equal the one from comparing every pair.
    rng = random.Random(7)
    titles = [t for *_, a, b in sample() for t in (a, b)]
    titles += [f"UPDATE 1-{t}" for t in rng.sample(titles, 40)]
    titles += [f"{t} - Reuters" for t in rng.sample(titles, 40)]
    rng.shuffle(titles)
    headlines = [Headline.of(t) for t in titles]
    assert sorted(group_headlines(headlines)) == brute_force_groups(headlines)


def test_seed_lists_one_story_three_times() -> None:
    listed = seed_digest().classified.articles
    groups = group_headlines([Headline.of(a.article.title) for a in listed])
    assert [[i + 1 for i in g] for g in groups if len(g) > 1] == [[1, 7, 9]]


def test_corpus_grouping_through_the_index_equals_all_pairs(shared_corpus: Path) -> None:
    from tests.conformance import corpus_paths

    checked = 0
    for path in corpus_paths(shared_corpus / "news-summarizer"):
        titles = [a.article.title for a in seed_digest(path).classified.articles]
        headlines = [Headline.of(t) for t in titles]
        assert group_headlines(headlines) == brute_force_groups(headlines), path.name
        checked += 1
    assert checked == 525


def test_the_repeat_index_stays_bounded_when_a_listing_holds_thousands_of_look_alikes() -> None:
    # A runaway feed's copies listed as one story's related reports: each word indexes its
    # first MAX_INDEXED headlines only, and a copy is still found through its rare word.
    def word(i: int) -> str:  # five letters of its own: a stem no other headline has
        return "".join(chr(ord("a") + i // 26 ** k % 26) for k in range(5))

    listed = [Headline.of(f"US China trade talks latest {word(i)}") for i in range(1000)]
    query = Headline.of(f"US China trade talks latest {word(700)}")
    index = HeadlineIndex(word_ranks([*listed, query]))
    for headline in listed:
        index.add(headline)
    assert len(index.candidates(query)) <= 3 * MAX_INDEXED
    assert 700 in index.matches(query)


# --- stories of listed articles -----------------------------------------------------------


def listed(title: str, *, perspective: str = "us", hours_ago: float = 1,
           source: str = "Outlet") -> ListedArticle:
    url = f"https://news.example/{source}/{title}"
    article = Article(id=article_id(url), title=title, url=url, source=source, source_url="",
                      published=NOW - timedelta(hours=hours_ago), language="en", region="US",
                      feed="", perspective=perspective)
    return ListedArticle(article, perspective, f"feed ({source})", article.id)


def test_lead_is_the_earliest_complete_report() -> None:
    reports = [
        listed("China and US agree to extend trade truce, officials say", hours_ago=2,
               source="Later"),
        listed("China and US agree to extend trade truce, officials...", hours_ago=5,
               source="Cut short"),
        listed("UPDATE 1-China and US agree to extend trade truce, officials say", hours_ago=3,
               source="Earliest", perspective="china"),
        listed("Something else entirely happened today in Geneva", source="Other"),
    ]
    stories = group_stories(reports, grouped=True)
    assert [[r.article.source for r in s.reports] for s in stories] == [
        ["Earliest", "Later", "Cut short"], ["Other"]]
    story = stories[0].listed(["us", "china"])
    assert story.article.source == "Earliest" and story.story == story.article.id
    assert story.covered_by == ("us", "china")  # configuration order, not report order
    assert [(r.source, r.perspective, r.reason) for r in story.related] == [
        ("Later", "us", "feed (Later)"), ("Cut short", "us", "feed (Cut short)")]
    assert [r.id for r in story.related] == [reports[0].article.id, reports[1].article.id]


def test_list_mode_keeps_every_article() -> None:
    reports = [listed("Same headline", source="A"), listed("Same headline", source="B")]
    assert [len(s.reports) for s in group_stories(reports, grouped=False)] == [1, 1]


def test_headlines_are_computed_once_per_title() -> None:
    cache = Headlines()
    group_stories([listed("One title", source="A"), listed("One title", source="B")],
                  grouped=True, headlines=cache)
    assert list(cache) == ["One title"]


# --- the previous digest ------------------------------------------------------------------

PREVIOUS = {"articles": [
    {"id": "a1", "title": "Trump and Xi expected to extend trade truce at Beijing summit",
     "perspective": "us", "covered_by": ["us"],
     "related": [{"id": "a2", "title": "Trump, Xi to extend truce", "perspective": "us"}]},
    {"id": "b1", "title": "China accuses US of seeking to revive its nuclear test programme",
     "perspective": "china", "covered_by": ["us", "china"], "related": []},
    {"id": "c1", "title": "An entry of an older digest without perspectives"},
    "not an entry",
]}


def test_read_listing_collects_ids_titles_and_coverage() -> None:
    listing = read_listing(PREVIOUS, "2026-02-11")
    assert listing.ids == {"a1": 0, "a2": 0, "b1": 1, "c1": 2}
    assert [number for _, number in listing.titles] == [0, 0, 1, 2]
    assert listing.covered == [frozenset({"us"}), frozenset({"us", "china"}), None]


@pytest.mark.parametrize("document", [
    {}, {"articles": {"a": 1}}, {"articles": [{"related": "x", "covered_by": 5}]},
    {"articles": [{"title": "Kept", "related": [None, {"title": 3}], "covered_by": [None]}]},
])
def test_read_listing_skips_what_it_cannot_read(document: dict[str, object]) -> None:
    listing = read_listing(document, "2026-02-11")
    assert set(listing.ids) == set() and len(listing.titles) <= 2


def test_repeats_are_found_by_headline_or_id_and_new_coverage_is_named() -> None:
    listing = read_listing(PREVIOUS, "2026-02-11")
    order = ["us", "china"]
    stories = group_stories([
        # yesterday's story, now also reported from China: new coverage
        listed("UPDATE 1-Trump and Xi expected to extend trade truce at Beijing summit",
               source="Wire"),
        listed("Trump and Xi expected to extend trade truce at Beijing summit",
               source="SCMP", perspective="china", hours_ago=2),
        # covered by both sides yesterday already: a repeat
        listed("China accuses US of seeking to revive its nuclear test programme",
               source="Another"),
        # a changed headline, but the very article listed yesterday (by id)
        listed("Completely rewritten headline about a listed story", source="x"),
        # an entry without perspectives cannot gain coverage
        listed("An entry of an older digest without perspectives", source="y",
               perspective="china"),
        listed("A story nobody listed yesterday about chips and export controls"),
    ], grouped=True)
    rewritten = stories[2].reports[0]
    stories[2].reports[0] = ListedArticle(
        article=dataclasses.replace(rewritten.article, id="a2"),
        perspective="us", reason="feed", story="a2")
    repeats = find_repeats(stories, listing, order)
    day = "2026-02-11"
    assert repeats == [Repeat(day, ("china",), day), Repeat(day, (), day), Repeat(day, (), day),
                       Repeat(day, (), day), None]
    relisted = relist(stories[0], repeats[0])  # type: ignore[arg-type]
    assert relisted.lead.article.source == "SCMP"
    assert relisted.lead.reason.endswith(
        "listed on 2026-02-11, relisted: new coverage from china")
    assert len(relisted.reports) == 2
