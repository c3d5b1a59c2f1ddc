"""``[settings] language``: the topic's language, which the highlights are written in and which
marks a headline in another one "(in Spanish)" (issue 20)."""

from __future__ import annotations

import pytest

from newsprism.config import ConfigError, load_config, parse_config
from newsprism.config._model import LANGUAGES
from newsprism.summarize._language import NAMES
from tests.conftest import DATA
from tests.topics import ONE_FEED_TOML


def language(head: str) -> str:
    return parse_config(head + ONE_FEED_TOML, name="topics.toml").settings.language


def test_english_is_the_default_everywhere() -> None:
    assert language("") == "en"
    assert load_config().settings.language == "en"
    assert load_config(DATA / "legacy-topics.json").settings.language == "en"


def test_any_iso_639_1_code() -> None:
    assert language('[settings]\nlanguage = "es"\n') == "es"
    assert language('[settings]\nlanguage = "zh"\n') == "zh"


@pytest.mark.parametrize("value, shown", [
    ('"eng"', "got 'eng'"), ('"EN"', "got 'EN'"), ('"sp"', "got 'sp'"), ('""', "got ''"),
])
def test_a_code_that_is_not_iso_639_1_is_refused(value: str, shown: str) -> None:
    with pytest.raises(ConfigError) as raised:
        language(f"[settings]\nlanguage = {value}\n")
    assert str(raised.value) == ("topics.toml: settings.language: expected an ISO 639-1 code "
                                 f"such as 'en' or 'es', {shown}")


def test_a_language_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"settings\.language: expected str, got"):
        parse_config("[settings]\nlanguage = 1\n" + ONE_FEED_TOML, name="topics.toml")


def test_every_code_has_a_name_for_the_mark() -> None:
    assert set(NAMES) == LANGUAGES
    assert (NAMES["es"], NAMES["zh"], NAMES["nb"]) == ("Spanish", "Chinese", "Norwegian Bokmål")
