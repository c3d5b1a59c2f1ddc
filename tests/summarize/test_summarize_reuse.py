"""Paid work done once (issue 21): summarize asks no model again for a classified document it
summarized with the same settings, and writes nothing then (no S3 event, no render); a change
to the selection or to the settings that shape the answer is summarized again."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from newsprism.config import Config
from newsprism.documents import _raw as models
from newsprism.documents._digests import Classified, Digest
from newsprism.llm import BedrockClient
from newsprism.store import FileStore
from newsprism.summarize import summarize_topic
from tests.summarize.test_bedrock import MODEL, Bedrock
from tests.summarize.test_openai_compat import BASE, Server, completion
from tests.summarize_cases import DATE, TOPIC, answer_text, config_for, seed_classified

KEY = f"digests/{TOPIC}/{DATE}.json"


class Recording(FileStore):
    """A data store that remembers every key written."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.written: list[str] = []

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None:
        self.written.append(key)
        super().write(key, data, cache_control=cache_control)


def classified_store(tmp_path: Path, classified: Classified | None = None) -> Recording:
    data = Recording(tmp_path / "data")
    put(data, classified or seed_classified())
    return data


def put(data: FileStore, classified: Classified) -> None:
    data.write(classified.key, models.dumps(classified.to_dict()))


def bedrock_config(**settings: Any) -> Config:
    config = config_for("bedrock", model=MODEL)
    return replace(config, settings=replace(config.settings, **settings))


def summarize_with_bedrock(data: FileStore, config: Config, *answers: str) -> tuple[Digest,
                                                                                     Bedrock]:
    """Summarize through the stubbed Bedrock, with the client the configuration describes."""
    bedrock = Bedrock().answers(*answers)
    bedrock.stubber.activate()
    client = BedrockClient(config.summarizer, client=bedrock.client, sleep=bedrock.sleeps.append)
    return summarize_topic(config, TOPIC, DATE, data, client=client), bedrock


def test_an_unchanged_selection_is_not_summarized_again(tmp_path: Path) -> None:
    data = classified_store(tmp_path)
    first, bedrock = summarize_with_bedrock(data, bedrock_config(), answer_text())
    assert len(bedrock.requests) == 1 and first.summarizer == "bedrock"
    stored = data.read(KEY)
    assert json.loads(stored)["input_hash"] == first.input_hash and len(first.input_hash) == 64
    modified = data.path(KEY).stat()
    data.written.clear()

    again, bedrock = summarize_with_bedrock(data, bedrock_config())  # nothing to answer with
    assert bedrock.requests == []  # no paid call
    assert data.written == []  # no write: S3 sends no event, render does not run
    assert data.read(KEY) == stored
    assert (data.path(KEY).stat().st_ino, data.path(KEY).stat().st_mtime_ns) == (
        modified.st_ino, modified.st_mtime_ns)
    assert again.unchanged and again == first  # the stored digest, its highlights the model's


@pytest.mark.parametrize("change", ["model", "language", "highlights", "max_tokens"])
def test_settings_that_shape_the_answer_ask_again(tmp_path: Path, change: str) -> None:
    data = classified_store(tmp_path)
    first, _ = summarize_with_bedrock(data, bedrock_config(), answer_text())
    config = bedrock_config()
    if change == "model":
        config = replace(config, summarizer=replace(config.summarizer, model="other-model"))
    elif change == "max_tokens":
        config = replace(config, summarizer=replace(config.summarizer, max_tokens=999))
    else:
        config = replace(config, settings=replace(
            config.settings, **{"language": "fr"} if change == "language" else {"highlights": 4}))
    data.written.clear()
    again, bedrock = summarize_with_bedrock(data, config, answer_text())
    assert len(bedrock.requests) == 1 and data.written == [KEY]
    assert not again.unchanged and again.input_hash != first.input_hash
    assert json.loads(data.read(KEY))["input_hash"] == again.input_hash


def test_a_changed_selection_is_summarized_again(tmp_path: Path) -> None:
    data = classified_store(tmp_path)
    summarize_with_bedrock(data, bedrock_config(), answer_text())
    classified = seed_classified()
    put(data, replace(classified, topic_name="US and China"))  # other bytes, same key
    data.written.clear()
    _, bedrock = summarize_with_bedrock(data, bedrock_config(), answer_text())
    assert len(bedrock.requests) == 1 and data.written == [KEY]
    assert json.loads(data.read(KEY))["topic_name"] == "US and China"


def test_a_fallback_is_asked_again_and_a_digest_without_a_hash_is_summarized(
        tmp_path: Path) -> None:
    data = classified_store(tmp_path)
    bedrock = Bedrock().error("AccessDeniedException")
    fallback = summarize_topic(bedrock_config(), TOPIC, DATE, data, client=bedrock.summarizer())
    assert fallback.summarizer == "extractive" and fallback.input_hash
    # The cause fixed, a rerun gets the model's highlights: a fallback is never reused.
    fixed, bedrock = summarize_with_bedrock(data, bedrock_config(), answer_text())
    assert len(bedrock.requests) == 1 and fixed.summarizer == "bedrock"

    # A digest stored before digests recorded their input: summarized again, once.
    old = json.loads(data.read(KEY))
    del old["input_hash"]
    data.write(KEY, (json.dumps(old, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode())
    _, bedrock = summarize_with_bedrock(data, bedrock_config(), answer_text())
    assert len(bedrock.requests) == 1 and "input_hash" in json.loads(data.read(KEY))


def test_an_openai_compatible_model_is_asked_once_per_input(tmp_path: Path) -> None:
    data = classified_store(tmp_path)
    config = config_for("openai", model="gpt-test", base_url=BASE)
    server = Server(completion(answer_text()))
    for _ in range(3):  # a redelivered event, twice
        summarize_topic(config, TOPIC, DATE, data, client=server.client(model="gpt-test"))
    assert len(server.requests) == 1 and data.written == [seed_classified().key, KEY]

    moved = replace(config, summarizer=replace(config.summarizer, base_url="https://llm.example/v1"))
    server.queue.append(completion(answer_text()))
    summarize_topic(moved, TOPIC, DATE, data, client=server.client(model="gpt-test"))
    assert len(server.requests) == 2  # another server may serve another model under one name


def test_the_extractive_digest_is_not_rewritten_with_the_same_bytes(tmp_path: Path) -> None:
    data = classified_store(tmp_path)
    first = summarize_topic(config_for(), TOPIC, DATE, data)
    stored = data.read(KEY)
    data.written.clear()
    again = summarize_topic(config_for(), TOPIC, DATE, data)
    assert data.written == [] and data.read(KEY) == stored
    assert again.unchanged and not first.unchanged and again.input_hash == first.input_hash


def test_a_damaged_stored_digest_is_summarized_again(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    data = classified_store(tmp_path)
    data.write(KEY, b"{not json")
    digest, bedrock = summarize_with_bedrock(data, bedrock_config(), answer_text())
    assert len(bedrock.requests) == 1 and digest.summarizer == "bedrock"
    assert "ignoring the damaged stored digest" in caplog.text
    assert json.loads(data.read(KEY))["input_hash"] == digest.input_hash
