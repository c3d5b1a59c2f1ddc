"""Configuration: ``topics.toml`` (or the same shape as JSON), and the earlier system's JSON.

The contract is in ``docs/design.md`` ("Configuration"); every setting is checked at load and a
mistake is one ``ConfigError`` naming the file and the key.
"""

from newsprism.config._environment import environment_names, model_from_environment
from newsprism.config._load import load_config, parse_config
from newsprism.config._model import (
    Config,
    ConfigError,
    Feed,
    FetchSettings,
    MatcherKind,
    MatcherSettings,
    ModelSettings,
    Perspective,
    Settings,
    SummarizerKind,
    SummarizerSettings,
    Topic,
    check_model,
    check_summarizer,
    parse_duration,
)

__all__ = [
    "Config", "ConfigError", "Feed", "FetchSettings", "MatcherKind", "MatcherSettings",
    "ModelSettings", "Perspective", "Settings", "SummarizerKind", "SummarizerSettings", "Topic",
    "check_model", "check_summarizer", "environment_names", "load_config",
    "model_from_environment", "parse_config", "parse_duration",
]
