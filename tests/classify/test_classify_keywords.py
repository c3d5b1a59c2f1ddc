"""Relevance (issue 5): a topic's keyword groups on whole words of the title and summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.config import load_config
from newsprism.text import keyword_matcher
from tests.conftest import REPO


def on_topic(groups: list[list[str]], *texts: str) -> bool:
    return keyword_matcher(groups).missing(*texts) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("US and China agree", True),
    ("U.S. and China agree", True),  # "U.S." is its own term
    ("US-China trade talks", True),
    ("Let us talk", False),  # short capitals match in capitals only
    ("Bus fares rise", False),  # whole words only
    ("USA wins", False),  # "USA" is another word
    ("THE US AND CHINA", True),
])
def test_acronyms_match_case_sensitively_on_whole_words(text: str, expected: bool) -> None:
    assert on_topic([["US", "U.S."]], text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Xi Jinping visits Paris", True),
    ("XI JINPING VISITS PARIS", True),  # longer terms ignore case
    ("Xi  Jinping\nvisits", True),  # any spacing between the words of a term
    ("Jinping Xi", False),  # in order
    ("Chinese exports", False),  # "China" is not "Chinese"
    ("Chinatown parade", False),
    ("Hong-Kong protests", True),  # punctuation between words counts as a space
    ("Beijing's answer", True),  # a possessive is still the word
])
def test_words_and_phrases(text: str, expected: bool) -> None:
    assert on_topic([["Xi Jinping", "China", "Hong Kong", "Beijing"]], text) is expected


@pytest.mark.parametrize(("terms", "text"), [
    (["petróleo"], "Producción de PETROLEO cae"),  # upper case headlines drop accents
    (["petroleo"], "Producción de petróleo cae"),  # and users type without them
    (["México"], "Mexico responds"),
    (["Guaidó"], "GUAIDÓ habla"),
    (["São Paulo"], "Sao Paulo floods"),
])
def test_accents_are_ignored_on_both_sides(terms: list[str], text: str) -> None:
    assert on_topic([terms], text)


def test_unspaced_scripts_match_inside_words() -> None:
    # Chinese and Japanese have no spaces, Korean attaches particles: "중국은" is "China" + "은".
    assert on_topic([["中国"]], "中国外交部发言人答记者问")
    assert on_topic([["중국"]], "중국은 미국과 협상")
    assert not on_topic([["日本"]], "中国外交部发言人答记者问")


def test_every_group_must_match_in_title_or_summary() -> None:
    groups = [["US", "Washington"], ["China", "Beijing"]]
    assert on_topic(groups, "Washington warns", "Beijing answers within hours")
    assert not on_topic(groups, "Washington warns", "Moscow answers")
    missing = keyword_matcher(groups).missing("Beijing answers")
    assert missing is not None and missing.terms == ("US", "Washington")
    assert on_topic([], "anything at all")  # no keywords: everything is on topic


def test_terms_without_a_word_character_match_nothing() -> None:
    assert not on_topic([["-", "!!"]], "Trade - talks!!")


BUNDLED = REPO / "layers" / "core" / "newsprism" / "data" / "topics.toml"


@pytest.mark.parametrize(("topic", "on", "off"), [
    ("us-china", "Chinese exports jump 14%", "US deploys 200 troops to train the Nigerian army"),
    ("venezuela", "Maduro comparece ante un tribunal", "Real Madrid gana la liga"),
    ("venezuela", "US strikes alleged drug boat in the Caribbean", "Cuba tourism collapses"),
    ("china-japan", "Takaichi's Taiwan remarks anger Beijing", "Greenland releases guidelines"),
    ("china-taiwan", "PLA drills encircle the island", "Seoul hosts summit"),
    ("india-pakistan", "Islamabad rejects New Delhi's claims", "Liverpool seek solace in Europe"),
])
def test_bundled_topics_have_sensible_keywords(topic: str, on: str, off: str) -> None:
    keywords = keyword_matcher(load_config(Path(BUNDLED)).topic(topic).keywords)
    assert keywords.missing(on) is None
    assert keywords.missing(off) is not None
