"""The configuration's warnings reach their reader: once on the command line's stderr when
feeds are fetched, and in the Lambda handlers' log (docs/design.md, "Configuration")."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from newsprism import cli
from newsprism.aws import load_runtime_config
from newsprism.config import load_config
from tests.topics import ONE_FEED_TOML

WARNING = ("topics[us-china].perspectives[0].countries[0]: no outlet of the registry is from "
           "'AQ' (Antarctica); this perspective's articles from there can only come from "
           "unverified outlets")


@pytest.fixture
def unsourced(tmp_path: Path) -> Path:
    """A topics file whose only perspective is from a country no outlet is from."""
    path = tmp_path / "topics.toml"
    path.write_text(ONE_FEED_TOML.replace('countries = ["US"]', 'countries = ["AQ"]'),
                    encoding="utf-8")
    return path


def test_the_command_line_prints_each_warning_once_before_fetching(
        unsourced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import newsprism.fetch

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", lambda *args, **kwargs: [])
    status = cli.main(["run", "--config", str(unsourced), "--now", "2026-02-12T04:00:00Z",
                       "--data", str(tmp_path / "data"), "--site", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert status == 1  # nothing fetched, nothing produced
    assert err.splitlines()[0] == f"warning: {unsourced}: {WARNING}"
    assert err.count("warning: ") == 1


def test_a_usage_error_stays_one_line_and_other_stages_say_nothing(
        unsourced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stores = ["--data", str(tmp_path / "data"), "--site", str(tmp_path / "site")]
    assert cli.main(["run", "--config", str(unsourced), "--now", "yesterday", *stores]) == 2
    assert capsys.readouterr().err == (
        "newsprism: error: --now: not an ISO 8601 time: 'yesterday'\n")
    cli.main(["classify", "--config", str(unsourced), "--now", "2026-02-12T04:00:00Z", *stores])
    assert "warning:" not in capsys.readouterr().err


def test_the_lambda_handlers_log_each_warning(unsourced: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="newsprism"):
        config = load_runtime_config({"NEWSPRISM_CONFIG": str(unsourced)})
    assert config == load_config(unsourced)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, f"configuration: {unsourced}: {WARNING}")]
