"""Highlights per event (issue 20): one bullet per event, the most widely reported first, in
the topic's language where a report of the event is, never an index page, a live blog or a
headline cut off; "Reported by both" where both sides reported it. The model sees the events,
each side's reports of them side by side, and is still held to its citations."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from newsprism.documents import OTHER, Bullet
from newsprism.summarize._extractive import extractive_highlights
from newsprism.summarize._language import guess_language, report_language
from newsprism.summarize._prompt import build_prompt
from newsprism.summarize._stage import summarize
from newsprism.summarize._unfit import CUT_OFF, INDEX_PAGE, LIVE_BLOG, unfit
from newsprism.summarize._validate import InvalidAnswer, parse_answer
from tests.summarize.test_summarize_sides import Model, event_of, under
from tests.summarize_cases import config_for, event, events_classified, related

# One event both sides reported: the US lead, Reuters (GB) and Xinhua (CN) with it, and Global
# Times' own listing of it under China (classify listed it under the same story).
NYT = event("US and China agree to resume trade talks", "The New York Times", "US", "us", 3,
            also=(related("Beijing, Washington to restart trade talks", "Xinhua", "CN", "china"),
                  related("US, China agree to resume trade talks", "Reuters", "GB", OTHER)))
GT = event("China, US to hold new round of trade talks", "Global Times", "CN", "china", 2,
           story=NYT.story)
WSJ = event("US lawmakers press chip curbs", "The Wall Street Journal", "US", "us", 1)
SCMP = event("Hong Kong traders weigh tariffs", "South China Morning Post", "HK", "china", 4)
BOTH = events_classified(NYT, WSJ, GT, SCMP)


def texts(bullets: tuple[Bullet, ...]) -> list[str]:
    return [bullet.text for bullet in bullets]


# -- one bullet per event, the most widely reported first -------------------------------------

def test_one_bullet_per_event_citing_a_report_of_each_side() -> None:
    highlights = extractive_highlights(BOTH, 5)
    assert texts(highlights.overall) == [
        "Reported by both United States and China: US and China agree to resume trade talks.",
        "Hong Kong traders weigh tariffs.", "US lawmakers press chip curbs."]
    assert highlights.overall[0].sources == (NYT.article.id, GT.article.id)
    # A side's section: its own reports of the event only, without the "both" label.
    assert highlights.perspectives["china"][0] == Bullet(
        "China, US to hold new round of trade talks.", (GT.article.id,))
    assert texts(highlights.perspectives["us"]) == [
        "US and China agree to resume trade talks.", "US lawmakers press chip curbs."]


def test_the_most_widely_reported_event_leads_by_outlets_then_sides() -> None:
    # Four US outlets (one side) before three outlets of two sides, before one outlet.
    wide = event("Pentagon budget targets China", "CNN", "US", "us", 9, also=tuple(
        related("Pentagon budget targets China", outlet, "US", "us")
        for outlet in ("NPR", "Fox News", "ABC News")))
    two_sides = event("Xi and Trump to speak by phone", "Bloomberg", "US", "us", 8, also=(
        related("Xi, Trump phone call expected", "CGTN", "CN", "china"),
        related("Xi and Trump to speak", "Yonhap", "KR", OTHER)))
    newest = event("Chip stocks rally", "Axios", "US", "us", 1)
    ranked = extractive_highlights(events_classified(newest, two_sides, wide), 3).overall
    assert texts(ranked) == ["Pentagon budget targets China.",
                             "Reported by both United States and China: Xi and Trump to speak "
                             "by phone.", "Chip stocks rally."]
    # An aggregator's copies are no evidence of reach: they may be anyone's.
    copies = event("Chip stocks rally", "Axios", "US", "us", 1, also=tuple(
        related("Chip stocks rally", outlet, None, "us") for outlet in ("MSN", "Yahoo News")))
    assert texts(extractive_highlights(events_classified(copies, two_sides), 1).overall) == [
        "Reported by both United States and China: Xi and Trump to speak by phone."]


def test_no_event_twice_in_a_section_even_listed_twice() -> None:
    # "list" mode: the same wire story listed once per outlet, under different story ids.
    first = event("UPDATE 1-Talks stall in Geneva", "Reuters", "GB", OTHER, 2)
    again = event("Talks stall in Geneva - CNA", "CNA", "SG", OTHER, 1)
    highlights = extractive_highlights(events_classified(WSJ, first, again), 5)
    assert texts(highlights.overall) == ["US lawmakers press chip curbs.",
                                         "Talks stall in Geneva."]
    assert highlights.overall[1].sources == (first.article.id, again.article.id)


# -- the topic's language ---------------------------------------------------------------------

SPANISH_LEAD = event("Estados Unidos y Venezuela restablecen relaciones diplomáticas",
                     "Xinhua Español", "CN", "china", 2, language="es",
                     also=(related("US and Venezuela restore diplomatic ties", "AP", "US", "us"),))
ONLY_SPANISH = event("Maduro comparecerá ante un juez en Nueva York", "Telemundo", "US", "us", 1,
                     language="es")


def test_the_report_in_the_topics_language_gives_the_text() -> None:
    [bullet] = extractive_highlights(events_classified(SPANISH_LEAD), 1).overall
    assert bullet == Bullet("Reported by both United States and China: US and Venezuela "
                            "restore diplomatic ties.", (SPANISH_LEAD.article.id,))


def test_without_a_report_in_the_topics_language_the_headline_is_marked() -> None:
    highlights = extractive_highlights(events_classified(ONLY_SPANISH), 1)
    assert texts(highlights.overall) == [
        "(in Spanish) Maduro comparecerá ante un juez en Nueva York."]
    assert texts(highlights.perspectives["us"]) == texts(highlights.overall)
    # A Spanish topic: the Spanish headline speaks, and an English one is the marked one.
    spanish = extractive_highlights(events_classified(SPANISH_LEAD, WSJ), 2, "es")
    assert texts(spanish.overall) == [
        "Reported by both United States and China: Estados Unidos y Venezuela restablecen "
        "relaciones diplomáticas.", "(in English) US lawmakers press chip curbs."]


def test_the_language_setting_reaches_the_summarizer() -> None:
    config = config_for()
    config = replace(config, settings=replace(config.settings, language="es"))
    digest = summarize(config, events_classified(WSJ))
    assert texts(digest.highlights.overall) == ["(in English) US lawmakers press chip curbs."]
    assert "Write in Spanish, whatever the language" in build_prompt(BOTH, 5, "es").system


@pytest.mark.parametrize("title, declared, expected", [
    ("Maduro comparecerá en corte el lunes y Rubio revela los planes", "", "es"),
    ("Trump says the US is in charge of Venezuela", "", "en"),
    ("Trump says the US is in charge of Venezuela", "es", "en"),  # the headline is plain
    ("Llegan 142 migrantes a Venezuela en un vuelo", "en", "es"),  # "en", "un": not English
    ("US Coast Guard Boards Tanker", "es", "es"),  # no evidence: the feed's language stands
    ("Venezuela: Maduro", "", ""),
    ("日本の首相が発言", "en", "ja"), ("中国外交部回应", "", "zh"), ("Путин заявил", "en", "ru"),
])
def test_a_reports_language(title: str, declared: str, expected: str) -> None:
    assert report_language(title, declared) == expected


def test_a_headline_too_short_to_tell_is_not_sure() -> None:
    assert guess_language("Estados Unidos retoma lazos con Venezuela") == ("", False)
    assert guess_language("¿Qué pasa en Caracas?")[0] == "es"


def test_an_unknown_language_does_not_outrank_a_sides_own_report() -> None:
    # "con" is Spanish and Italian: the related headline's language is unknown; the side's
    # own listed report, known Spanish, speaks (marked), not the unmarked guess.
    lead = event("Venezuela y Estados Unidos restablecen relaciones", "VTV", "US", "us",
                 language="es", also=(related("Estados Unidos retoma lazos con Venezuela",
                                              "UnoTV", "MX", OTHER),))
    assert texts(extractive_highlights(events_classified(lead), 1).overall) == [
        "(in Spanish) Venezuela y Estados Unidos restablecen relaciones."]


# -- reports that never become a bullet -------------------------------------------------------

@pytest.mark.parametrize("title, reason", [
    ("Epaper 26-4-11 KHI: Latest News Highlights", INDEX_PAGE),
    ("Latest News Highlights", INDEX_PAGE),
    ("Top headlines", INDEX_PAGE),
    ("Pakistan News Live Updates", INDEX_PAGE),
    ("LIVE: Maduro arraigned in New York", LIVE_BLOG),
    ("Venezuela live updates: Trump says US is 'in charge'", LIVE_BLOG),
    ("Xi-Trump summit, as it happened", LIVE_BLOG),
    ("Maduro trial LIVE | Day two", LIVE_BLOG),
    ("Captura de Maduro, en vivo: últimas noticias", LIVE_BLOG),
    ("China's Taiwan policy: Beijing labels Taipei 'core interest'; All you need to", CUT_OFF),
    ("Beijing warns Washington over the future of the", CUT_OFF),
    ("US and China agree to extend their truce in a deal that...", CUT_OFF),
    ("Trade truce extended as Beijing and Washington…", CUT_OFF),
    ("Joins hands with Pakistan's close friend for.", CUT_OFF),
    ("Delcy Rodríguez anuncia acuerdo con", CUT_OFF),
    ("Pakistan To Sell PIA Under IMF Pressure; Asim Munir-Linked Fauji Firm Among.", CUT_OFF),
])
def test_reports_that_never_become_a_bullet(title: str, reason: str) -> None:
    assert unfit(title) == reason


@pytest.mark.parametrize("title", [
    "What will headline the Xi-Trump summit? Nicholas Burns weighs in",
    "Venezuelans live in fear of a US strike",
    "World Cup draw: Venezuela in Group A",
    "Trump defends her",
    "Top diplomat says talks will go on",
    'Xi: China "will not back down".',
])
def test_headlines_that_are_fine(title: str) -> None:
    assert unfit(title) == ""


def test_an_unfit_report_stays_listed_and_gives_no_text() -> None:
    live = event("LIVE: US and China trade talks", "CNN", "US", "us", 1, also=(
        related("US and China open trade talks in Geneva", "Bloomberg", "US", "us"),))
    cut = event("Beijing warns Washington over the future of the", "CGTN", "CN", "china", 2)
    index = event("Epaper 26-4-11 KHI: Latest News Highlights", "Dawn", "CN", "china", 3)
    classified = events_classified(live, cut, index, SCMP)
    highlights = extractive_highlights(classified, 5)
    # The live blog's event speaks through another report of it; the others have none.
    assert texts(highlights.overall) == ["US and China open trade talks in Geneva.",
                                         "Hong Kong traders weigh tariffs."]
    assert highlights.overall[0].sources == (live.article.id,)
    assert texts(highlights.perspectives["china"]) == ["Hong Kong traders weigh tariffs."]
    assert len(classified.articles) == 4  # listed all the same


# -- the model: events, each side's reports side by side --------------------------------------

def test_the_prompt_presents_each_event_with_each_sides_reports() -> None:
    prompt = build_prompt(BOTH, 5)
    assert event_of(prompt.user, 1) == [
        'Event 1 (reported by "us" and "china"; 4 outlets):',
        '  "us" (United States):',
        "    [1] US and China agree to resume trade talks (The New York Times, United States, "
        "2026-02-12 01:00)",
        '  "china" (China):',
        "    [3] China, US to hold new round of trade talks (Global Times, China, "
        "2026-02-12 02:00)",
        "    - Beijing, Washington to restart trade talks (Xinhua, China)",
        "  Other countries:",
        "    - US, China agree to resume trade talks (Reuters, United Kingdom)"]
    assert event_of(prompt.user, 2)[0] == 'Event 2 (reported by "us"; 1 outlet):'
    assert 'Perspective "us" (United States; outlets from: United States): articles 1-2' in (
        prompt.user)
    assert ("For an event more than one perspective reported, say where their accounts differ "
            "(framing, emphasis, facts) and cite a numbered article of each of those "
            "perspectives") in prompt.system
    assert "they have no number and cannot be cited" in prompt.system
    # Another country's report of a side's event is shown apart, never under a side.
    assert "Reuters" not in "\n".join(under(prompt.user, '"us" (United States)'))


def test_a_model_citing_the_other_sides_report_of_an_event_is_still_rejected() -> None:
    def answer(us: list[int]) -> str:
        return json.dumps({
            "overall": [{"text": "Both sides report trade talks; China stresses ...",
                         "sources": [1, 3]}],
            "perspectives": {"us": [{"text": "US outlets report talks.", "sources": us}],
                             "china": [{"text": "Chinese outlets report talks.",
                                        "sources": [3]}]}})
    assert parse_answer(answer([1]), BOTH, 5).overall[0].sources == (NYT.article.id,
                                                                     GT.article.id)
    with pytest.raises(InvalidAnswer, match=r"perspectives\.us\[0\]\.sources\[1\]: article 3 "
                                            r"is listed under another perspective"):
        parse_answer(answer([1, 3]), BOTH, 5)
    model = Model([answer([1, 3])] * 2)
    digest = summarize(config_for("bedrock", model="some-model"), BOTH, model)
    assert (digest.summarizer, len(model.prompts)) == ("extractive", 2)
    assert digest.highlights == extractive_highlights(BOTH, 5)
