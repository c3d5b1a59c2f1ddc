"""The summarizer settings: ``[settings] summarizer`` and the ``[summarizer]`` table, and the
Lambda's environment overrides — every mistake one line naming the key or variable."""

from __future__ import annotations

import pytest

from newsprism.config import ConfigError, SummarizerSettings, load_config, parse_config
from newsprism.summarize._stage import from_environment
from tests.topics import ONE_FEED_TOML


def parse(head: str) -> tuple[str, SummarizerSettings]:
    config = parse_config(head + ONE_FEED_TOML, name="topics.toml")
    return config.settings.summarizer, config.summarizer


def test_extractive_is_the_default() -> None:
    assert parse("") == ("extractive", SummarizerSettings())
    assert load_config().settings.summarizer == "extractive"


def test_a_bedrock_and_an_openai_configuration() -> None:
    kind, bedrock = parse('[settings]\nsummarizer = "bedrock"\n[summarizer]\n'
                          'model = "amazon.nova-lite-v1:0"\nregion = "us-east-1"\n'
                          'max_tokens = 1200\ntimeout = 30\n')
    assert kind == "bedrock"
    assert (bedrock.model, bedrock.region, bedrock.max_tokens, bedrock.timeout) == (
        "amazon.nova-lite-v1:0", "us-east-1", 1200, 30.0)
    kind, openai = parse('[settings]\nsummarizer = "openai"\n[summarizer]\nmodel = "qwen2.5"\n'
                         'base_url = "http://127.0.0.1:11434/v1/"\napi_key_env = "LLM_KEY"\n')
    assert kind == "openai"
    assert openai.base_url == "http://127.0.0.1:11434/v1"  # no double slash before the path
    assert openai.api_key_env == "LLM_KEY"


@pytest.mark.parametrize("head, error", [
    ('[settings]\nsummarizer = "claude"\n',
     "topics.toml: settings.summarizer: must be one of 'extractive', 'bedrock', 'openai', "
     "got 'claude'"),
    ('[settings]\nsummarizer = "bedrock"\n',
     "topics.toml: summarizer.model: required when settings.summarizer is 'bedrock'"),
    ('[settings]\nsummarizer = "openai"\n[summarizer]\nmodel = "  "\n',
     "topics.toml: summarizer.model: required when settings.summarizer is 'openai'"),
    ('[summarizer]\nmodle = "x"\n', "topics.toml: summarizer.modle: unknown key (expected one "
                                    "of: model, base_url,"),
    ('[summarizer]\nbase_url = "localhost:8080"\n',
     "topics.toml: summarizer.base_url: expected an http(s) URL, got 'localhost:8080'"),
    ('[summarizer]\napi_key_env = "K"\napi_key_parameter = "/k"\n',
     "topics.toml: summarizer: set api_key_env or api_key_parameter, not both"),
    ('[summarizer]\napi_key_env = "sk-123"\n',
     "topics.toml: summarizer.api_key_env: 'sk-123' is not an environment variable name"),
    ('[summarizer]\nmax_tokens = 0\n', "topics.toml: summarizer.max_tokens: must be positive"),
    ('[summarizer]\nmax_tokens = "2000"\n',
     "topics.toml: summarizer.max_tokens: expected int, got a string"),
    ('[summarizer]\ntimeout = -1\n', "topics.toml: summarizer.timeout: must be positive"),
    ('summarizer = "bedrock"\n', "topics.toml: summarizer: expected a table, got a string"),
])
def test_mistakes_are_one_line_naming_the_key(head: str, error: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(head)
    assert str(raised.value).startswith(error)
    assert "\n" not in str(raised.value)


def test_the_environment_overrides_the_file() -> None:
    config = load_config()
    assert from_environment(config, {}) is config
    assert from_environment(config, {"NEWSPRISM_SUMMARIZER": " "}) is config  # empty = unset
    bedrock = from_environment(config, {"NEWSPRISM_SUMMARIZER": "bedrock",
                                        "NEWSPRISM_SUMMARIZER_MODEL": "amazon.nova-lite-v1:0"})
    assert bedrock.settings.summarizer == "bedrock"
    assert bedrock.summarizer.model == "amazon.nova-lite-v1:0"
    assert bedrock.topics == config.topics
    openai = from_environment(config, {
        "NEWSPRISM_SUMMARIZER": "openai", "NEWSPRISM_SUMMARIZER_MODEL": "gpt-4o-mini",
        "NEWSPRISM_SUMMARIZER_BASE_URL": "https://llm.example/v1",
        "NEWSPRISM_SUMMARIZER_API_KEY_PARAMETER": "/newsprism/openai-key"})
    assert (openai.summarizer.base_url, openai.summarizer.api_key_parameter) == (
        "https://llm.example/v1", "/newsprism/openai-key")


@pytest.mark.parametrize("environ, error", [
    ({"NEWSPRISM_SUMMARIZER": "gpt"},
     "environment (NEWSPRISM_SUMMARIZER): settings.summarizer: must be one of"),
    ({"NEWSPRISM_SUMMARIZER": "bedrock"},
     "environment (NEWSPRISM_SUMMARIZER): summarizer.model: required"),
    ({"NEWSPRISM_SUMMARIZER_BASE_URL": "ftp://x"},
     "environment (NEWSPRISM_SUMMARIZER_BASE_URL): summarizer.base_url: expected an http(s)"),
])
def test_environment_mistakes_name_the_variable(environ: dict[str, str], error: str) -> None:
    with pytest.raises(ConfigError) as raised:
        from_environment(load_config(), environ)
    assert str(raised.value).startswith(error)
