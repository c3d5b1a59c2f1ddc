"""The OpenAI-compatible summarizer over httpx.MockTransport (no network): the chat
completions request with its JSON schema, the key from the environment or SSM (never logged,
never stored), retries of 429/5xx, timeouts and refusals ending in the extractive fallback."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto import mock_aws

from newsprism.config import SummarizerSettings
from newsprism.llm import OpenAIClient
from newsprism.summarize._prompt import answer_schema
from newsprism.summarize._stage import summarize_topic
from tests.summarize_cases import (
    DATE,
    TOPIC,
    answer,
    answer_text,
    config_for,
    published,
    seed_classified,
    stores,
)

BASE = "http://127.0.0.1:8080/v1"
MODEL = "llama3.1:8b"
KEY = "sk-test-0123456789abcdef-SECRET"

Handler = Callable[[httpx.Request], httpx.Response]


def completion(text: str, *, finish: str = "stop") -> httpx.Response:
    return httpx.Response(200, json={
        "id": "chatcmpl-1", "object": "chat.completion", "model": MODEL,
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 1900, "completion_tokens": 380, "total_tokens": 2280},
    })


class Server:
    """Answers queued responses in order and records every request."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.queue = list(responses)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def client(self, **settings: Any) -> OpenAIClient:
        return OpenAIClient(
            SummarizerSettings(**{"model": MODEL, "base_url": BASE, "timeout": 20.0,
                                  "max_tokens": 1800, **settings}),
            schema=answer_schema(seed_classified()), transport=httpx.MockTransport(self),
            sleep=self.sleeps.append)


def run(tmp_path: Path, client: OpenAIClient) -> tuple[dict[str, Any], str]:
    data, site = stores(tmp_path)
    summarize_topic(config_for("openai", model=MODEL, base_url=BASE), TOPIC, DATE, data,
                    client=client)
    return published(data, site)


def test_chat_completion_with_a_json_schema(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_KEY", KEY)
    server = Server(completion(answer_text()))
    document, _ = run(tmp_path, server.client(api_key_env="LLM_KEY"))

    request = server.requests[0]
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/chat/completions")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    body = server.bodies()[0]
    assert body["model"] == MODEL and body["max_tokens"] == 1800
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "[1] China trade negotiator" in body["messages"][1]["content"]
    schema = body["response_format"]["json_schema"]
    assert body["response_format"]["type"] == "json_schema" and schema["strict"] is True
    assert schema["schema"]["properties"]["perspectives"]["required"] == ["us", "china"]
    assert (document["summarizer"], document["model"]) == ("openai", MODEL)
    assert document["usage"] == {"input_tokens": 1900, "output_tokens": 380, "requests": 1}


def test_without_a_configured_key_no_authorization_is_sent(tmp_path: Path) -> None:
    server = Server(completion(answer_text()))
    document, _ = run(tmp_path, server.client())  # a self-hosted server needs none
    assert "authorization" not in server.requests[0].headers
    assert document["summarizer"] == "openai"


def test_the_key_from_ssm_is_used_and_never_logged_or_stored(
        tmp_path: Path, aws_credentials: None, caplog: pytest.LogCaptureFixture) -> None:
    server = Server(completion(answer_text(answer(overall=[[42]]))),
                    httpx.Response(401, json={"error": {"message": f"Incorrect API key: {KEY}"}}))
    with mock_aws():
        boto3.client("ssm").put_parameter(Name="/newsprism/test/openai-key", Value=KEY,
                                          Type="SecureString")
        caplog.set_level(logging.DEBUG)  # from here on: everything, wire logs included
        client = server.client(api_key_parameter="/newsprism/test/openai-key")
        document, markdown = run(tmp_path, client)

    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    note = document["summarizer_note"]
    assert "HTTP 401: the API key was refused" in note
    stored = (tmp_path / "data" / "digests" / TOPIC / f"{DATE}.json").read_text()
    for text in (caplog.text, stored, json.dumps(document), markdown, note, repr(client)):
        assert KEY not in text and "0123456789abcdef" not in text


def test_a_missing_key_variable_falls_back_and_names_it(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    server = Server()
    document, _ = run(tmp_path, server.client(api_key_env="NO_SUCH_KEY"))
    assert server.requests == []
    assert document["summarizer"] == "extractive"
    assert "the environment variable NO_SUCH_KEY (summarizer.api_key_env) is not set" in (
        document["summarizer_note"])


def test_an_unreadable_ssm_parameter_falls_back_and_names_it(tmp_path: Path,
                                                             aws_credentials: None) -> None:
    server = Server()
    with mock_aws():
        document, _ = run(tmp_path, server.client(api_key_parameter="/newsprism/test/absent"))
    assert server.requests == []
    assert "cannot read the API key from SSM parameter '/newsprism/test/absent'" in document[
        "summarizer_note"]


def test_429_honours_retry_after_and_5xx_backs_off(tmp_path: Path) -> None:
    server = Server(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(503),
                    completion(answer_text()))
    document, _ = run(tmp_path, server.client())
    assert server.sleeps == [3.0, 2.0]
    assert document["summarizer"] == "openai"


def test_a_long_retry_after_is_not_waited_for(tmp_path: Path) -> None:
    server = Server(httpx.Response(429, headers={"Retry-After": "3600"}))
    document, _ = run(tmp_path, server.client())
    assert server.sleeps == [] and len(server.requests) == 1
    assert "HTTP 429 (asked to wait 3600 s)" in document["summarizer_note"]


def test_overloaded_past_the_retries_falls_back(tmp_path: Path) -> None:
    server = Server(*[httpx.Response(503) for _ in range(4)])
    document, _ = run(tmp_path, server.client())
    assert len(server.requests) == 4 and server.sleeps == [1.0, 2.0, 4.0]
    assert document["summarizer"] == "extractive"
    assert "HTTP 503 (4 attempts)" in document["summarizer_note"]


@pytest.mark.parametrize("failure, reason", [
    (httpx.ReadTimeout("timed out"), "no answer within 20 s"),
    (httpx.ConnectError("connection refused"), "ConnectError: connection refused"),
    (httpx.Response(400, json={"error": {"message": "response_format not supported"}}),
     "HTTP 400: response_format not supported"),
    (httpx.Response(200, text="<html>proxy</html>"), "the response is not a chat completion"),
])
def test_a_failed_request_falls_back_at_once(tmp_path: Path, failure: httpx.Response | Exception,
                                             reason: str) -> None:
    server = Server(failure)
    document, _ = run(tmp_path, server.client())
    assert len(server.requests) == 1 and server.sleeps == []
    assert document["summarizer"] == "extractive"
    assert document["summarizer_note"] == (f"openai ({MODEL}): {reason}; extractive highlights "
                                           "used instead")


def test_an_invalid_answer_is_asked_again(tmp_path: Path) -> None:
    server = Server(completion(answer_text(answer(china=[[3]]))), completion(answer_text()))
    document, _ = run(tmp_path, server.client())
    retry = server.bodies()[1]["messages"][1]["content"]
    assert "perspectives.china[0].sources[0]: article 3 is listed under another perspective" in (
        retry)
    assert document["summarizer"] == "openai" and document["usage"]["requests"] == 2


def test_a_refusal_or_cut_off_answer_twice_falls_back(tmp_path: Path) -> None:
    refusal = httpx.Response(200, json={"choices": [{"finish_reason": "stop", "message": {
        "role": "assistant", "content": None, "refusal": "I can't help with that."}}]})
    server = Server(refusal, completion(answer_text()[:100], finish="length"))
    document, _ = run(tmp_path, server.client())
    note = document["summarizer_note"]
    assert "answer 1 rejected: the answer is empty" in note
    assert "answer 2 rejected: cut off at max_tokens" in note
    assert document["summarizer"] == "extractive"
