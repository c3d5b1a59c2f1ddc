"""The Bedrock summarizer over botocore's Stubber (no network): the Converse request, the
answer's validation, one retry of an invalid answer, throttling backoff, timeouts, and the
extractive fallback — every path ending in a published digest whose bullets cite real
articles."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Self

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from botocore.stub import ANY, Stubber

from newsprism.config import SummarizerSettings
from newsprism.llm import BACKOFF, BedrockClient, runtime_client
from newsprism.summarize._stage import summarize_topic
from tests.conftest import REPO
from tests.summarize_cases import DATE, TOPIC, answer, answer_text, config_for, published, stores

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
SETTINGS = SummarizerSettings(model=MODEL, max_tokens=1500, timeout=30.0, region="us-east-1")


def converse_response(text: str, *, input_tokens: int = 2100, output_tokens: int = 420,
                      stop: str = "end_turn") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": {"inputTokens": input_tokens, "outputTokens": output_tokens,
                  "totalTokens": input_tokens + output_tokens},
        "metrics": {"latencyMs": 900},
    }


class Bedrock:
    """A bedrock-runtime client behind a Stubber, recording the requests and the waits."""

    def __init__(self) -> None:
        self.client = boto3.client("bedrock-runtime", region_name="us-east-1",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")
        self.stubber = Stubber(self.client)
        self.requests: list[dict[str, Any]] = []
        self.sleeps: list[float] = []
        self.client.meta.events.register("provide-client-params.bedrock-runtime.Converse",
                                         self._record)

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.requests.append(params)

    def answers(self, *texts: str, **usage: Any) -> Self:
        for text in texts:
            self.stubber.add_response("converse", converse_response(text, **usage))
        return self

    def error(self, code: str, times: int = 1, status: int = 400) -> Self:
        for _ in range(times):
            self.stubber.add_client_error("converse", service_error_code=code,
                                          service_message=f"{code} happened",
                                          http_status_code=status)
        return self

    def summarizer(self) -> BedrockClient:
        self.stubber.activate()
        return BedrockClient(SETTINGS, client=self.client, sleep=self.sleeps.append)

    def user_prompts(self) -> list[str]:
        return [r["messages"][0]["content"][0]["text"] for r in self.requests]


def run(tmp_path: Path, bedrock: Bedrock) -> tuple[dict[str, Any], str]:
    data, site = stores(tmp_path)
    summarize_topic(config_for("bedrock", model=MODEL), TOPIC, DATE, data,
                    client=bedrock.summarizer())
    bedrock.stubber.assert_no_pending_responses()
    return published(data, site)


def test_one_converse_request_gives_cited_model_highlights(tmp_path: Path) -> None:
    bedrock = Bedrock()
    bedrock.stubber.add_response("converse", converse_response(answer_text()), {
        "modelId": MODEL, "system": [{"text": ANY}],
        "messages": [{"role": "user", "content": [{"text": ANY}]}],
        "inferenceConfig": {"maxTokens": 1500, "temperature": 0.0},
    })
    document, markdown = run(tmp_path, bedrock)

    assert len(bedrock.requests) == 1
    assert (document["summarizer"], document["model"]) == ("bedrock", MODEL)
    assert document["usage"] == {"input_tokens": 2100, "output_tokens": 420, "requests": 1}
    assert document["summarizer_note"] == ""
    ids = [a["id"] for a in document["articles"]]
    assert document["highlights"]["overall"][0] == {
        "text": "Overall highlight 1 citing [1, 11].", "sources": [ids[0], ids[10]]}
    assert document["highlights"]["perspectives"]["us"][1]["sources"] == [ids[1], ids[2]]
    assert "- Overall highlight 1 citing \\[1, 11\\]." in markdown


def test_the_prompt_numbers_the_articles_by_event(tmp_path: Path) -> None:
    bedrock = Bedrock().answers(answer_text())
    run(tmp_path, bedrock)
    system = bedrock.requests[0]["system"][0]["text"]
    user = bedrock.user_prompts()[0]
    assert "neutral" in system and "conflict" in system and "English" in system
    assert 'Perspective "us" (United States): articles 1-10' in user
    # The seed's best covered story, listed three times (by three outlets), is event 1.
    event = user.index("Event 1 (reported by")
    assert event < user.index("[1] China trade negotiator") < user.index("[7] UPDATE 1-China") < (
        user.index("Event 2 ("))


def test_an_answer_in_a_code_fence_is_accepted(tmp_path: Path) -> None:
    bedrock = Bedrock().answers(f"```json\n{answer_text()}\n```")
    document, _ = run(tmp_path, bedrock)
    assert document["summarizer"] == "bedrock"


@pytest.mark.parametrize("first, reason", [
    ("Here are the highlights: overall...", "not valid JSON"),
    (answer_text(answer(overall=[[1], [27]])), "overall[1].sources[0]: no article 27"),
    ("", "the answer is empty"),
    (answer_text(answer(us=[[11]])), "perspectives.us[0].sources[0]: article 11 is listed "
                                     "under another perspective"),
])
def test_an_invalid_answer_is_asked_again_with_the_reason(tmp_path: Path, first: str,
                                                          reason: str) -> None:
    bedrock = Bedrock().answers(first, answer_text())
    document, _ = run(tmp_path, bedrock)

    assert len(bedrock.requests) == 2
    assert reason in bedrock.user_prompts()[1].split("rejected:")[1]
    assert document["summarizer"] == "bedrock"
    assert reason in document["summarizer_note"] and "answer 2 accepted" in document[
        "summarizer_note"]
    assert document["usage"] == {"input_tokens": 4200, "output_tokens": 840, "requests": 2}


def test_two_invalid_answers_give_extractive_highlights_and_say_why(tmp_path: Path) -> None:
    bedrock = Bedrock().answers(answer_text(answer(overall=[[99]])), "{not json")
    document, _ = run(tmp_path, bedrock)

    assert len(bedrock.requests) == 2
    assert document["summarizer"] == "extractive"
    note = document["summarizer_note"]
    assert note.startswith(f"bedrock ({MODEL}): answer 1 rejected: overall[0].sources[0]: "
                           "no article 99")
    assert "answer 2 rejected: not valid JSON" in note and note.endswith(
        "extractive highlights used instead")
    # The model was paid for, so its id and the tokens stay on record.
    assert document["model"] == MODEL and document["usage"]["requests"] == 2
    assert document["highlights"]["overall"][0]["text"] != "Overall highlight 1 citing [99]."


def test_an_answer_cut_off_at_max_tokens_says_so(tmp_path: Path) -> None:
    cut = answer_text()[:200]
    bedrock = Bedrock().answers(cut, cut, stop="max_tokens")
    document, _ = run(tmp_path, bedrock)
    assert document["summarizer"] == "extractive"
    assert "cut off at max_tokens" in document["summarizer_note"]


def test_throttling_is_retried_with_backoff(tmp_path: Path) -> None:
    bedrock = Bedrock().error("ThrottlingException", times=2, status=429).answers(answer_text())
    document, _ = run(tmp_path, bedrock)
    assert bedrock.sleeps == list(BACKOFF[:2])
    assert document["summarizer"] == "bedrock" and document["summarizer_note"] == ""


def test_throttled_past_the_retries_falls_back(tmp_path: Path) -> None:
    bedrock = Bedrock().error("ThrottlingException", times=len(BACKOFF) + 1, status=429)
    document, _ = run(tmp_path, bedrock)
    assert bedrock.sleeps == list(BACKOFF)
    assert document["summarizer"] == "extractive"
    assert (f"ThrottlingException: ThrottlingException happened ({len(BACKOFF) + 1} attempts)"
            in document["summarizer_note"])
    assert document["usage"] == {}


@pytest.mark.parametrize("code", ["AccessDeniedException", "ResourceNotFoundException",
                                  "ModelTimeoutException", "ValidationException"])
def test_a_refusal_falls_back_at_once(tmp_path: Path, code: str) -> None:
    bedrock = Bedrock().error(code)
    document, _ = run(tmp_path, bedrock)
    assert bedrock.sleeps == [] and len(bedrock.requests) == 1
    assert document["summarizer"] == "extractive"
    assert f"bedrock ({MODEL}): {code}: {code} happened" in document["summarizer_note"]


@pytest.fixture
def fresh_runtime_clients(aws_credentials: None) -> Iterator[None]:
    runtime_client.cache_clear()
    yield
    runtime_client.cache_clear()


def test_a_read_timeout_falls_back_without_a_retry(tmp_path: Path,
                                                   fresh_runtime_clients: None) -> None:
    # The real client as the summarizer makes it; the network is cut just before sending, where
    # a timeout would happen. botocore must not retry it behind our back.
    sends: list[str] = []

    def timeout(request: Any, **_: Any) -> AWSResponse:
        sends.append(request.url)
        raise ReadTimeoutError(endpoint_url=request.url)

    client = runtime_client("us-east-1", 30.0)
    client.meta.events.register("before-send.bedrock-runtime.Converse", timeout)
    data, site = stores(tmp_path)
    summarize_topic(config_for("bedrock", model=MODEL), TOPIC, DATE, data,
                    client=BedrockClient(SETTINGS, client=client, sleep=lambda _: None))
    document, _ = published(data, site)
    assert len(sends) == 1 and "bedrock-runtime.us-east-1" in sends[0]
    assert document["summarizer"] == "extractive"
    assert "no answer within 30 s" in document["summarizer_note"]


def test_the_runtime_client_is_made_on_first_use_with_the_timeout(
        fresh_runtime_clients: None) -> None:
    summarizer = BedrockClient(SETTINGS)
    assert summarizer.client is None  # nothing is set up for a digest that never asks
    client = runtime_client("eu-west-1", 12.5)
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.config.read_timeout == 12.5
    assert client.meta.config.retries["total_max_attempts"] == 1
    assert runtime_client("eu-west-1", 12.5) is client  # reused by warm Lambda runs


def test_the_stored_digest_is_the_same_bytes_on_a_rerun(tmp_path: Path) -> None:
    data, _ = stores(tmp_path)
    config, key = config_for("bedrock", model=MODEL), f"digests/{TOPIC}/{DATE}.json"
    summarize_topic(config, TOPIC, DATE, data, client=Bedrock().answers(answer_text()).summarizer())
    first = data.read(key)
    summarize_topic(config, TOPIC, DATE, data, client=Bedrock().answers(answer_text()).summarizer())
    assert data.read(key) == first


def _summarize_handler() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "newsprism_lambda_summarize_bedrock", REPO / "functions" / "summarize" / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Loaded at collection: Powertools' Logger binds the stdout of its first creation.
summarize_app = _summarize_handler()


@dataclass
class Context:
    function_name: str = "newsprism-summarize"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:summarize"
    aws_request_id: str = "5b1c7d0e-0000-4000-8000-000000000006"

    def get_remaining_time_in_millis(self) -> int:
        return 120_000


@pytest.mark.parametrize("outcome", ["answered", "refused"])
def test_the_lambda_takes_the_summarizer_from_the_template_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_runtime_clients: None,
        capsys: pytest.CaptureFixture[str], outcome: str) -> None:
    data, _ = stores(tmp_path)
    for name, value in {"DATA_URI": str(tmp_path / "data"), "NEWSPRISM_CONFIG": "",
                        "NEWSPRISM_SUMMARIZER": "bedrock",
                        "NEWSPRISM_SUMMARIZER_MODEL": MODEL}.items():
        monkeypatch.setenv(name, value)
    # The client the function will make (region from the environment, default timeout).
    stubber = Stubber(runtime_client("", SummarizerSettings().timeout))
    if outcome == "answered":
        stubber.add_response("converse", converse_response(answer_text()),
                             {"modelId": MODEL, "system": ANY, "messages": ANY,
                              "inferenceConfig": ANY})
    else:
        stubber.add_client_error("converse", "AccessDeniedException", "not allowed", 403)
    stubber.activate()
    event = json.loads((REPO / "infra" / "events" / "summarize.json").read_text())

    result = summarize_app.lambda_handler(event, Context())

    stubber.assert_no_pending_responses()
    assert result == {"stage": "summarize", "items": [
        {"topic": TOPIC, "date": DATE, "status": "ok", "key": f"digests/{TOPIC}/{DATE}.json"}]}
    stored = json.loads(data.read(f"digests/{TOPIC}/{DATE}.json"))
    assert stored["model"] == MODEL
    fallbacks = "SummarizerFallbacks" in capsys.readouterr().out  # the metric to alarm on
    if outcome == "answered":
        assert stored["summarizer"] == "bedrock" and not fallbacks
    else:
        assert stored["summarizer"] == "extractive" and fallbacks
        assert "AccessDeniedException: not allowed" in stored["summarizer_note"]
