"""Configuration fuzzing (issue 9): malformed TOML and JSON, wrong types, unknown and missing
keys always give one ``ConfigError`` line naming the file and the key — through
``parse_config`` and through the command line (exit status 2, one line on stderr) — never a
traceback; and a configuration that is accepted holds only usable values.

The documents are the right shape (a valid configuration) with one thing changed: a value
replaced by any JSON/TOML value (NaN, infinities, huge numbers, line breaks in strings,
nested lists and tables), an unknown key added, or a key removed.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism import cli
from newsprism.config import Config, ConfigError, parse_config
from tests.hardening_helpers import NOW
from tests.topics import us_china_document

NAME = "topics.toml"


def every_key_topic() -> dict[str, Any]:
    """The shared us-china topic (tests/topics.py) with every key a topic and a feed can have."""
    topic = us_china_document() | {"active": True}
    topic["feeds"].append({"type": "google_news", "query": "China trade", "language": "en",
                           "region": "US", "perspective": "china"})
    return topic


BASE: dict[str, Any] = {
    "settings": {"max_articles": 20, "max_age": "24h", "attribution": "source",
                 "stories": "group", "repeat_stories": False, "highlights": 5,
                 "summarizer": "extractive"},
    "fetch": {"timeout": 10.0, "max_bytes": 5_000_000, "retries": 2, "concurrency": 16,
              "allow_private_networks": False, "backoff": 1.0, "max_retry_after": 60.0},
    "summarizer": {"model": "", "max_tokens": 2000, "timeout": 45.0},
    "topics": [every_key_topic()],
}


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and index path in ``value``."""
    found: list[tuple[Any, ...]] = []
    items = (value.items() if isinstance(value, dict) else
             enumerate(value) if isinstance(value, list) else [])
    for key, inner in items:
        found.append((*prefix, key))
        found += paths(inner, (*prefix, key))
    return found


def at(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


PATHS = paths(BASE)
TABLES = [(), *(path for path in PATHS if isinstance(at(BASE, path), dict))]
scalars = st.one_of(
    st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["", " ", "24h", "0h", "-5d", "http://[::1", "javascript:x", "a\nb",
                     "bedrock", "rss", "us", "US", "\u2028"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """BASE with one change, and the path of what changed."""
    document = copy.deepcopy(BASE)
    how = draw(st.sampled_from(["replace", "add", "remove"]))
    if how == "add":
        path = draw(st.sampled_from(TABLES))
        key = draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in at(BASE, path)))
        at(document, path)[key] = draw(values)
        return document, (*path, key)
    path = draw(st.sampled_from(PATHS))
    parent = at(document, path[:-1])
    if how == "remove":
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(values)
    return document, path


def to_toml(value: Any) -> str:
    """A TOML 1.0 value (inline tables and arrays); TOML has no null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return ("nan" if math.isnan(value) else "inf" if value == math.inf else
                "-inf" if value == -math.inf else repr(value))
    if isinstance(value, str):  # a basic string: JSON's escapes, and DEL escaped (TOML §2)
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(item) for item in value) + "]"
    return "{" + ", ".join(f"{to_toml(str(k))} = {to_toml(v)}" for k, v in value.items()) + "}"


def document_text(document: dict[str, Any], is_json: bool) -> str:
    if is_json:
        return json.dumps(document)
    return "".join(f"{to_toml(key)} = {to_toml(value)}\n" for key, value in document.items())


def assert_one_line_naming(message: str, name: str, path: tuple[Any, ...]) -> None:
    assert len(message.splitlines()) == 1, message
    assert message.startswith(f"{name}: "), message
    if not message.startswith((f"{name}: invalid TOML", f"{name}: invalid JSON")):
        assert str(path[0]) in message or repr(path[0]) in message, (path, message)


def assert_usable(config: Config) -> None:
    """An accepted configuration can be run: finite, positive limits; web feeds; known
    perspectives."""
    fetch, summarizer = config.fetch, config.summarizer
    for number in (fetch.timeout, fetch.backoff, fetch.max_retry_after, summarizer.timeout):
        assert math.isfinite(number) and number > 0
    assert fetch.max_bytes > 0 and fetch.concurrency > 0 and fetch.retries >= 0
    assert config.settings.max_articles > 0 and config.settings.highlights > 0
    assert config.topics
    for topic in config.topics:
        ids = {p.id for p in topic.perspectives}
        for feed in topic.feeds:
            assert feed.fetch_url.startswith(("http://", "https://"))
            assert feed.perspective in ids


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(change=mutated(), is_json=st.booleans())
def test_any_change_to_a_valid_configuration_is_accepted_or_named_in_one_line(
        change: tuple[dict[str, Any], tuple[Any, ...]], is_json: bool) -> None:
    document, path = change
    try:
        text = document_text(document, is_json)
    except (TypeError, ValueError):
        return
    name = "topics.json" if is_json else NAME
    try:
        config = parse_config(text, name=name, is_json=is_json)
    except ConfigError as exc:
        assert_one_line_naming(str(exc), name, path)
    else:
        assert_usable(config)


@FUZZ
@given(text=st.text(max_size=200), is_json=st.booleans())
def test_any_text_is_a_configuration_or_one_line_saying_why(text: str, is_json: bool) -> None:
    name = "topics.json" if is_json else NAME
    try:
        parse_config(text, name=name, is_json=is_json)
    except ConfigError as exc:
        assert len(str(exc).splitlines()) == 1 and str(exc).startswith(f"{name}: ")


def run_cli(config: Path, data: Path) -> tuple[int, str]:
    """``newsprism classify`` (it reads no network) with ``config``: status and stderr."""
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        status = cli.main(["classify", "--config", str(config), "--data", str(data),
                           "--now", NOW])
    return status, errors.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(change=mutated(), is_json=st.booleans())
def test_the_command_line_says_what_is_wrong_in_one_line_and_exits_2(
        tmp_path: Path, change: tuple[dict[str, Any], tuple[Any, ...]], is_json: bool) -> None:
    document, _ = change
    try:
        text = document_text(document, is_json)
    except (TypeError, ValueError):
        return
    config = tmp_path / ("topics.json" if is_json else "topics.toml")
    config.write_text(text, encoding="utf-8")
    status, errors = run_cli(config, tmp_path / "data")
    if status == 2:
        [line] = errors.splitlines()
        assert line.startswith(f"newsprism: error: {config}: ")
    else:  # accepted: nothing stored to classify yet
        assert status == 1 and "no digest" in errors and "Traceback" not in errors


VALID_TOML = document_text(BASE, is_json=False)
MALFORMED: dict[str, tuple[str, bytes]] = {
    "truncated TOML": ("topics.toml", VALID_TOML.encode()[: len(VALID_TOML) // 2]),
    "truncated JSON": ("topics.json", json.dumps(BASE).encode()[:200]),
    "not UTF-8": ("topics.toml", b"[settings]\nmax_age = \"\xff\xfe\"\n"),
    "a byte order mark": ("topics.toml", b"\xef\xbb\xbf" + VALID_TOML.encode()),
    "empty": ("topics.toml", b""),
    "binary": ("topics.json", bytes(range(256))),
    "nested too deeply (TOML)": ("topics.toml", b"a = " + b"[" * 5000 + b"]" * 5000),
    "nested too deeply (JSON)": ("topics.json", b"[" * 100_000 + b"]" * 100_000),
    "a JSON array": ("topics.json", b"[1, 2]"),
    "a line break in a key": ("topics.toml", b'"a\\nb" = 1\n' + VALID_TOML.encode()),
    "an unparsable feed URL": ("topics.toml", VALID_TOML.replace(
        "https://feeds.example/us.xml", "http://[::1").encode()),
    "a NaN timeout": ("topics.toml", VALID_TOML.replace('"timeout" = 10.0', '"timeout" = nan')
                      .encode()),
    "an infinite backoff": ("topics.json", json.dumps(BASE).replace(
        '"backoff": 1.0', '"backoff": 1e999').encode()),
    "a summarizer URL urlsplit refuses": ("topics.toml", VALID_TOML.replace(
        '"summarizer" = {', '"summarizer" = {base_url = "http://[x", ').encode()),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_files_give_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    name, content = MALFORMED[case]
    config = tmp_path / name
    config.write_bytes(content)
    status, errors = run_cli(config, tmp_path / "data")
    assert status == 2, errors
    [line] = errors.splitlines()
    assert line.startswith(f"newsprism: error: {config}: ")


def test_a_directory_or_a_missing_file_gives_one_line(tmp_path: Path) -> None:
    for config in (tmp_path, tmp_path / "missing.toml"):
        status, errors = run_cli(config, tmp_path / "data")
        assert status == 2
        [line] = errors.splitlines()
        assert line.startswith(f"newsprism: error: {config}: cannot read")
