"""The summarize stage end to end: whichever summarizer writes the highlights, the published
Markdown keeps the seed's format (only the bullet lines are the summarizer's), and every
bullet of the published digest cites listed articles."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from newsprism.config import SummarizerSettings
from newsprism.documents._digests import Bullet
from newsprism.llm import OpenAIClient
from newsprism.render._markdown import render_markdown
from newsprism.summarize._prompt import answer_schema
from newsprism.summarize._stage import summarize, summarize_topic
from tests.conftest import SEED_MARKDOWN
from tests.seed_digest import seed_digest
from tests.summarize.test_bedrock import Bedrock
from tests.summarize_cases import DATE, TOPIC, config_for, published, stores


def seed_answer() -> str:
    """The seed's own highlights as a model answer: each bullet cites an article of its
    section by number (the seed lists 1-10 under "us", 11-20 under "china")."""
    seed = seed_digest().highlights
    def section(bullets: tuple[Bullet, ...], first: int) -> list[dict[str, object]]:
        return [{"text": b.text, "sources": [first + i]} for i, b in enumerate(bullets)]
    return json.dumps({"overall": section(seed.overall, 1), "perspectives": {
        "us": section(seed.perspectives["us"], 1),
        "china": section(seed.perspectives["china"], 11)}})


def test_bedrock_highlights_render_to_the_seed_byte_for_byte() -> None:
    client = Bedrock().answers(seed_answer()).summarizer()
    digest = summarize(config_for("bedrock", model="m"), seed_digest().classified, client)
    assert digest.summarizer == "bedrock"
    assert render_markdown(digest) == SEED_MARKDOWN.read_text(encoding="utf-8")


def test_openai_highlights_render_to_the_seed_byte_for_byte() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"choices": [{"finish_reason": "stop", "message": {
            "role": "assistant", "content": seed_answer()}}]})
    classified = seed_digest().classified
    client = OpenAIClient(SummarizerSettings(model="m"), schema=answer_schema(classified),
                          transport=httpx.MockTransport(server))
    digest = summarize(config_for("openai", model="m"), classified, client)
    assert digest.summarizer == "openai" and digest.usage == {
        "input_tokens": 0, "output_tokens": 0, "requests": 1}  # a server that counts nothing
    assert render_markdown(digest) == SEED_MARKDOWN.read_text(encoding="utf-8")


def test_the_extractive_digest_is_published_with_citations(tmp_path: Path) -> None:
    data, site = stores(tmp_path)
    summarize_topic(config_for(), TOPIC, DATE, data)
    document, markdown = published(data, site)
    assert (document["summarizer"], document["model"], document["usage"]) == (
        "extractive", "", {})
    # Headlines as sentences, wire prefixes gone: the seed lists "UPDATE 1-China trade ...".
    texts = [b["text"] for b in document["highlights"]["overall"]]
    assert not any(text.startswith("UPDATE") for text in texts)
    assert all(text.endswith((".", "?", "!")) for text in texts)
    assert markdown.startswith("---\ntitle: \"US vs China News - 2026-02-12\"\n")
