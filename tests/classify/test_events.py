"""Reports of one event (issue 20): grouped when written differently, look-alikes apart,
other languages only through the model's hook (_events.py, _reports.py, _grouping.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from newsprism.classify._events import Confirm, Window, judge
from newsprism.classify._grouping import group_reports
from newsprism.classify._reports import EventText
from newsprism.classify._stories import Story, group_stories
from newsprism.documents import ListedArticle
from newsprism.documents._raw import Article, article_id
from tests.conftest import DATA

NOW = datetime(2026, 2, 12, 4, tzinfo=UTC)
# A day's other reports, so that word weights are a window's, not two headlines'.
BACKGROUND = [
    "China trade negotiator met Westinghouse Electric CEO on Tuesday, commerce ministry says",
    "China's Zhipu AI launches new major model GLM-5 in challenge to its rivals",
    "World-leading computational biology pioneer Bao Zhirong returns to China from US",
    "China vows to ‘do what it can’ as US blockade leaves Cuba with just weeks of oil",
    "EU leaders push to rescue European economy challenged by China, US",
    "Taiwan leader warns countries in region 'next' in case of China attack: AFP interview",
    "China accuses US of seeking to revive its nuclear test programme",
    "As Central Asia builds ‘smart cities’ with China, is it moving away from Russia?",
    "US chip export curbs on China tighten as Nvidia sales slump",
    "Pentagon report warns of China's growing nuclear arsenal",
]


def listed(title: str, *, perspective: str = "us", source: str = "Outlet", summary: str = "",
           language: str = "en", hours_ago: float = 1) -> ListedArticle:
    url = f"https://news.example/{source}/{title}"
    article = Article(id=article_id(url), title=title, url=url, source=source, source_url="",
                      published=NOW - timedelta(hours=hours_ago), language=language,
                      region="US", feed="", perspective=perspective, summary=summary)
    return ListedArticle(article, perspective, "feed", article.id)


def together(stories: Sequence[Story], *titles: str) -> bool:
    """Whether the reports with these titles are in one story."""
    return any({r.article.title for r in story.reports} >= set(titles) for story in stories)


def grouped(*reports: ListedArticle, background: bool = True,
            confirm: Confirm | None = None) -> list[Story]:
    others = [listed(t, source=f"Background {i}") for i, t in enumerate(BACKGROUND)]
    return group_stories([*reports, *(others if background else [])], grouped=True,
                         confirm=confirm)


# --- one event, two sides, different words -----------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    ("China Sanctions 20 US Firms Over Taiwan Arms Sales",
     "Beijing sanctions 20 US defence firms over Taiwan arms sales package"),
    ("Japan accuses Chinese jets of directing fire-control radar at its aircraft",
     "Chinese jets directed fire-control radar at Japanese aircraft, Japan says"),
    ("Trump threatens 100% tariffs on Canada if a China trade deal is made",
     "US President Donald Trump threatens Canada with 100% tariff if it completes China "
     "trade deal"),
    ("Afghanistan brands China peace talks with Pakistan 'useful'",
     "Afghanistan, Pakistan hold ‘useful’ peace talks in China: Kabul"),
])
def test_one_event_reported_by_two_sides_in_other_words_is_one_story(a: str, b: str) -> None:
    stories = grouped(listed(a, perspective="us", source="Bloomberg"),
                      listed(b, perspective="china", source="Global Times"))
    story = next(s for s in stories if together([s], a, b))
    assert story.listed(["us", "china"]).covered_by == ("us", "china")


def test_a_summary_that_says_more_than_the_headline_joins_its_report() -> None:
    a = "Taiwan's Lai delays Eswatini trip"
    b = "Taiwan president postpones visit to Eswatini after overflight permits revoked"
    summary = ("President Lai Ching-te postponed his visit to Eswatini after three countries "
               "revoked overflight permits for his plane")
    assert not together(grouped(listed(a), listed(b)), a, b)
    assert together(grouped(listed(a, summary=summary), listed(b)), a, b)


def test_a_google_news_summary_repeating_the_headline_is_ignored() -> None:
    title = "US eases sanctions on Venezuela's central bank"
    text = EventText.of(title, summary=f"{title}  Reuters", outlet="Reuters")
    assert text.summary == () and text.text == title
    rich = EventText.of(title, summary="Treasury issued a general license on Tuesday allowing "
                        "transactions with Banco Central de Venezuela", outlet="Reuters")
    assert rich.summary and rich.text.startswith(f"{title} — Treasury issued")


# --- look-alikes: two events ---------------------------------------------------------------

LOOK_ALIKES = [
    ("Trump and Xi to meet in April", "Trump and Xi spoke by phone"),
    ("Trump and Xi to meet in April", "Trump and Xi meet in April"),
    ("China sanctions US defence firms", "US sanctions Chinese firms"),
    ("Beijing sanctions 20 US defence firms", "Washington sanctions 20 Chinese firms"),
    ("US sanctions China over chip exports", "China sanctions US over chip exports"),
    ("中国对美国加征关税", "美国对中国加征关税"),
    ("Taiwan president to visit Eswatini", "Taiwan president postpones Eswatini visit"),
    ("China will attend the Geneva talks", "China will not attend the Geneva talks"),
    ("Rockford protesters rally against U.S. military action in Venezuela",
     "Cleveland protesters condemn U.S. military action against Venezuela"),
    ("Venezuela’s ousted leader Maduro set to appear in US court",
     "Venezuela’s ousted leader Maduro back in US court"),
    ("Opinion | Xi-Trump summit a triumph for China",
     "Rubio expected to brief New Delhi on Xi-Trump summit during India trip"),
]


def hand_checked_different() -> list[tuple[str, str]]:
    """The different-story pairs of the copy rule's hand-checked sample (test_stories.py)."""
    rows = [line.split("\t") for line in (DATA / "story_pairs.tsv").read_text(
        encoding="utf-8").splitlines() if line.startswith("different\t")]
    return [(row[3], row[4]) for row in rows]


@pytest.mark.parametrize(("a", "b"), LOOK_ALIKES + hand_checked_different())
@pytest.mark.parametrize("background", [False, True])
def test_look_alike_events_stay_apart(a: str, b: str, background: bool) -> None:
    stories = grouped(listed(a, source="A"), listed(b, source="B"), background=background)
    assert not together(stories, a, b)


def test_a_chain_of_reports_each_like_the_next_is_not_one_story() -> None:
    # The deportation, the defence of it and a charge after it: the middle report is like
    # both, but the first and the last are two events.
    defended = "Venezuela defiende la deportación de Alex Saab, presunto testaferro de Nicolás Maduro"
    charged = "Aliado de Maduro es acusado de soborno en Venezuela tras su deportación a EEUU"
    reports = [listed(defended, language="es", source="El Siglo"),
               listed("Gobierno de Venezuela defiende la deportación del presunto testaferro de "
                      "Maduro Alex Saab", language="es", source="Infobae"),
               listed(charged, language="es", source="MSN"),
               listed("Venezuela deporta a EU al empresario Alex Saab, aliado de Nicolás Maduro",
                      language="es", source="El Nacional"),
               listed("Juez en Nueva York mantiene juicio contra Nicolás Maduro por narcotráfico",
                      language="es", source="DW")]
    assert not together(group_stories(reports, grouped=True), defended, charged)


# --- other languages: the model's hook -----------------------------------------------------

SPANISH = "EE.UU. autoriza a Venezuela a financiar la defensa de Maduro y Cilia Flores en juicio"
ENGLISH = "US Allows Venezuelan Government to Fund Maduro's Legal Defense and Cilia Flores'"


class Stub:
    """A confirm hook that answers from a table and records what it was asked."""

    def __init__(self, answer: bool | None = True) -> None:
        self.answer = answer
        self.calls: list[list[tuple[str, str]]] = []

    def __call__(self, pairs: Sequence[tuple[str, str]]) -> list[bool | None]:
        self.calls.append(list(pairs))
        return [self.answer if {a, b} == {SPANISH, ENGLISH} else None for a, b in pairs]


def spanish_and_english() -> list[ListedArticle]:
    return [listed(SPANISH, language="es", perspective="venezuela", source="Cabo Mil Radio"),
            listed(ENGLISH, language="en", perspective="us", source="Caribbean Today")]


def test_a_spanish_and_an_english_report_of_one_event_group_only_through_the_hook() -> None:
    assert not together(grouped(*spanish_and_english()), SPANISH, ENGLISH)  # offline: apart
    stub = Stub(True)
    assert together(grouped(*spanish_and_english(), confirm=stub), SPANISH, ENGLISH)
    assert len(stub.calls) == 1 and (SPANISH, ENGLISH) in stub.calls[0]
    for answer in (False, None):  # two events, or no answer: the offline decision
        assert not together(grouped(*spanish_and_english(), confirm=Stub(answer)),
                            SPANISH, ENGLISH)


def test_names_and_numbers_shared_across_languages_never_group_offline() -> None:
    a = "Trump y Xi se reunirán en Pekín en abril de 2026, según la Casa Blanca"
    b = "Trump and Xi spoke by phone about Beijing in April 2026, White House says"
    texts = [EventText.of(a, language="es"), EventText.of(b, language="en")]
    verdict, _ = judge(texts[0], texts[1], Window(texts))
    assert verdict == "cross" and group_reports(texts) == [[0], [1]]


def test_the_hook_is_asked_once_about_unsure_pairs_best_first_and_only_if_any() -> None:
    stub = Stub(None)
    grouped(*spanish_and_english(), listed("Trump and Xi to meet in April"),
            listed("Trump and Xi spoke by phone", source="B"), confirm=stub)
    [pairs] = stub.calls
    texts = [EventText.of(t) for pair in pairs for t in pair]
    window = Window(texts)
    scores = [judge(texts[2 * i], texts[2 * i + 1], window)[1] for i in range(len(pairs))]
    assert ("Trump and Xi to meet in April", "Trump and Xi spoke by phone") in pairs
    assert len(pairs) >= 2 and scores == sorted(scores, reverse=True)
    quiet = Stub()
    group_stories([listed("One headline about chips"), listed("Another about soybeans")],
                  grouped=True, confirm=quiet)
    assert quiet.calls == []


def test_the_hook_is_asked_about_at_most_max_confirm_pairs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.classify import _grouping

    monkeypatch.setattr(_grouping, "MAX_CONFIRM", 1)
    stub = Stub(True)
    grouped(*spanish_and_english(), listed("Trump and Xi to meet in April"),
            listed("Trump and Xi spoke by phone", source="B"), confirm=stub)
    assert [len(pairs) for pairs in stub.calls] == [1]


def test_a_hook_answering_another_number_of_pairs_is_an_error() -> None:
    with pytest.raises(ValueError, match="confirm answered 0 of 1 pairs"):
        grouped(*spanish_and_english(), background=False, confirm=lambda pairs: [])
