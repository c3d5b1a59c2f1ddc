"""The matcher settings (issue 20): ``[settings] matcher`` and the ``[matcher]`` table, checked
as the summarizer's are, and the Lambda's environment overrides of them."""

from __future__ import annotations

import json
import re

import pytest

from newsprism.classify import from_environment
from newsprism.config import (
    ConfigError,
    MatcherSettings,
    environment_names,
    load_config,
    model_from_environment,
    parse_config,
)
from newsprism.summarize import from_environment as summarizer_from_environment
from tests.conftest import DATA
from tests.topics import ONE_FEED_TOML


def parse(head: str) -> tuple[str, MatcherSettings]:
    config = parse_config(head + ONE_FEED_TOML, name="topics.toml")
    return config.settings.matcher, config.matcher


def test_offline_is_the_default_and_the_earlier_schema_knows_no_matcher() -> None:
    assert parse("") == ("offline", MatcherSettings())
    assert MatcherSettings().max_pairs == 60
    assert load_config().settings.matcher == "offline"
    legacy = parse_config((DATA / "legacy-topics.json").read_text(), name="topics.json",
                          is_json=True)
    assert (legacy.settings.matcher, legacy.matcher) == ("offline", MatcherSettings())


def test_a_bedrock_and_an_openai_matcher() -> None:
    kind, bedrock = parse('[settings]\nmatcher = "bedrock"\n[matcher]\n'
                          'model = "amazon.nova-micro-v1:0"\nregion = "us-east-1"\n'
                          'max_pairs = 40\ntimeout = 20\n')
    assert kind == "bedrock"
    assert (bedrock.model, bedrock.region, bedrock.max_pairs, bedrock.timeout) == (
        "amazon.nova-micro-v1:0", "us-east-1", 40, 20.0)
    kind, openai = parse('[settings]\nmatcher = "openai"\nsummarizer = "extractive"\n'
                         '[matcher]\nmodel = "qwen2.5"\nbase_url = "http://127.0.0.1:11434/v1/"\n'
                         'api_key_parameter = "/newsprism/matcher-key"\n')
    assert kind == "openai"
    assert (openai.base_url, openai.api_key_parameter) == ("http://127.0.0.1:11434/v1",
                                                           "/newsprism/matcher-key")


@pytest.mark.parametrize("head, error", [
    ('[settings]\nmatcher = "gpt"\n',
     "topics.toml: settings.matcher: must be one of 'offline', 'bedrock', 'openai', got 'gpt'"),
    ('[settings]\nmatcher = "bedrock"\n',
     "topics.toml: matcher.model: required when settings.matcher is 'bedrock'"),
    ('[settings]\nmatcher = "openai"\n[matcher]\nmodel = " "\n',
     "topics.toml: matcher.model: required when settings.matcher is 'openai'"),
    ('[matcher]\nmax_pair = 3\n', "topics.toml: matcher.max_pair: unknown key (expected one "
                                  "of: model, base_url, api_key_env, api_key_parameter, "
                                  "max_tokens, timeout, region, max_pairs)"),
    ('[matcher]\nmax_pairs = 0\n', "topics.toml: matcher.max_pairs: must be positive, got 0"),
    ('[matcher]\nmax_pairs = "60"\n',
     "topics.toml: matcher.max_pairs: expected int, got a string"),
    ('[matcher]\ntimeout = nan\n', "topics.toml: matcher.timeout: must be a finite number"),
    ('[matcher]\nbase_url = "localhost:8080"\n',
     "topics.toml: matcher.base_url: expected an http(s) URL, got 'localhost:8080'"),
    ('[matcher]\napi_key_env = "K"\napi_key_parameter = "/k"\n',
     "topics.toml: matcher: set api_key_env or api_key_parameter, not both"),
    ('[matcher]\napi_key_env = "sk-1"\n',
     "topics.toml: matcher.api_key_env: 'sk-1' is not an environment variable name"),
    ('matcher = "bedrock"\n', "topics.toml: matcher: expected a table, got a string"),
    ('[matcher]\ntable = "summarizer"\n', "topics.toml: matcher.table: unknown key"),
])
def test_mistakes_are_one_line_naming_the_key(head: str, error: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(head)
    assert str(raised.value).startswith(error)
    assert "\n" not in str(raised.value)


def test_the_json_form_takes_the_same_keys() -> None:
    document = {"settings": {"matcher": "bedrock"}, "matcher": {"model": "m", "max_pairs": 5},
                "topics": [{"id": "t", "name": "T",
                            "perspectives": [{"id": "us", "name": "US", "countries": ["US"]}],
                            "feeds": [{"url": "https://example.com/f.xml",
                                       "perspective": "us"}]}]}
    config = parse_config(json.dumps(document), name="topics.json", is_json=True)
    assert (config.settings.matcher, config.matcher.max_pairs) == ("bedrock", 5)


def test_the_environment_overrides_the_file() -> None:
    config = load_config()
    assert environment_names("matcher") == (
        "NEWSPRISM_MATCHER", "NEWSPRISM_MATCHER_MODEL", "NEWSPRISM_MATCHER_BASE_URL",
        "NEWSPRISM_MATCHER_API_KEY_PARAMETER")
    assert from_environment(config, {}) is config
    assert from_environment(config, {"NEWSPRISM_MATCHER": "", "NEWSPRISM_MATCHER_MODEL": " "}
                            ) is config
    bedrock = from_environment(config, {"NEWSPRISM_MATCHER": "bedrock",
                                        "NEWSPRISM_MATCHER_MODEL": "amazon.nova-micro-v1:0"})
    assert (bedrock.settings.matcher, bedrock.matcher.model) == ("bedrock",
                                                                 "amazon.nova-micro-v1:0")
    assert bedrock.matcher.max_pairs == config.matcher.max_pairs
    assert (bedrock.settings.summarizer, bedrock.summarizer) == (config.settings.summarizer,
                                                                 config.summarizer)
    openai = from_environment(config, {
        "NEWSPRISM_MATCHER": "openai", "NEWSPRISM_MATCHER_MODEL": "gpt-4o-mini",
        "NEWSPRISM_MATCHER_BASE_URL": "https://llm.example/v1/",
        "NEWSPRISM_MATCHER_API_KEY_PARAMETER": "/newsprism/matcher-key"})
    assert (openai.matcher.base_url, openai.matcher.api_key_parameter) == (
        "https://llm.example/v1", "/newsprism/matcher-key")


@pytest.mark.parametrize("environ, error", [
    ({"NEWSPRISM_MATCHER": "claude"},
     "environment (NEWSPRISM_MATCHER): settings.matcher: must be one of"),
    ({"NEWSPRISM_MATCHER": "bedrock"},
     "environment (NEWSPRISM_MATCHER): matcher.model: required when settings.matcher is"),
    ({"NEWSPRISM_MATCHER_BASE_URL": "ftp://x"},
     "environment (NEWSPRISM_MATCHER_BASE_URL): matcher.base_url: expected an http(s) URL"),
])
def test_environment_mistakes_name_the_variable(environ: dict[str, str], error: str) -> None:
    with pytest.raises(ConfigError) as raised:
        from_environment(load_config(), environ)
    assert str(raised.value).startswith(error)


@pytest.mark.parametrize("environ", [
    {"NEWSPRISM_SUMMARIZER": "bedrock", "NEWSPRISM_SUMMARIZER_MODEL": "m"},
    {"NEWSPRISM_SUMMARIZER": "openai", "NEWSPRISM_SUMMARIZER_MODEL": "m",
     "NEWSPRISM_SUMMARIZER_API_KEY_PARAMETER": "/k"},
    {"NEWSPRISM_SUMMARIZER_BASE_URL": "ftp://x"},
])
def test_the_general_override_is_the_summarizers(environ: dict[str, str]) -> None:
    """``summarize.from_environment`` could be ``model_from_environment(…, "summarizer")``."""
    config = load_config()
    try:
        expected = summarizer_from_environment(config, environ)
    except ConfigError as exc:
        with pytest.raises(ConfigError, match=re.escape(str(exc))):
            model_from_environment(config, environ, "summarizer")
        return
    assert model_from_environment(config, environ, "summarizer") == expected
