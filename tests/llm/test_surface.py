"""The shared model clients' package (issues 6 and 20): what classify and summarize import
of it, and that importing it costs an offline run nothing."""

from __future__ import annotations

import subprocess  # runs this interpreter only  # nosec B404
import sys

import pytest

import newsprism.llm
from newsprism.config import MatcherSettings, SummarizerSettings
from newsprism.llm import BACKOFF, ModelError, Retryable, with_backoff


def test_importing_the_stages_loads_no_client_library() -> None:
    # A fresh interpreter: this one has long imported both.
    code = ("import sys, newsprism.classify, newsprism.summarize, newsprism.llm; "
            "print(sorted(m for m in ('botocore', 'httpx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout  # nosec B603
    assert out.strip() == "[]"


def test_the_clients_load_when_named() -> None:
    assert newsprism.llm.BedrockClient.__module__ == "newsprism.llm._bedrock"
    assert newsprism.llm.OpenAIClient.__module__ == "newsprism.llm._openai_compat"
    assert set(newsprism.llm.__all__) >= {"BedrockClient", "OpenAIClient", "ssm_parameter",
                                          "runtime_client", "Prompt", "Completion"}
    with pytest.raises(AttributeError, match="no attribute 'Client'"):
        newsprism.llm.Client  # noqa: B018


def test_backoff_waits_then_gives_up_in_one_line() -> None:
    waits: list[float] = []

    def throttled() -> str:
        raise Retryable("ThrottlingException: slow down")

    with pytest.raises(ModelError, match=r"^ThrottlingException: slow down \(4 attempts\)$"):
        with_backoff(throttled, sleep=waits.append)
    assert waits == list(BACKOFF)


@pytest.mark.parametrize("settings", [SummarizerSettings(model="m"), MatcherSettings(model="m")])
def test_both_tables_drive_a_client(settings: SummarizerSettings | MatcherSettings) -> None:
    client = newsprism.llm.BedrockClient(settings)
    assert (client.name, client.model, client.client) == ("bedrock", "m", None)
