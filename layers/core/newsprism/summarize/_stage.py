"""The summarize stage: highlights for the digest, overall and per perspective (issue 6).

``settings.summarizer`` picks who writes them: ``extractive`` (the default: offline, every
bullet a listed headline), ``bedrock`` (Amazon Bedrock, Converse API) or ``openai`` (any
OpenAI-compatible chat completions API). A model is asked once per digest; an answer that
fails validation is asked for once more with the reason, and when there is still no valid
answer (or the model cannot be reached) the extractive summarizer writes the highlights and
the digest's ``summarizer_note`` says why. Whatever happens, a digest is published and every
bullet in it cites listed articles.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from newsprism import documents
from newsprism.config import Config, model_from_environment
from newsprism.documents import Classified, Digest, Highlights
from newsprism.llm import Completion, ModelClient, ModelError
from newsprism.store import Store
from newsprism.summarize._extractive import extractive_highlights
from newsprism.summarize._prompt import answer_schema, build_prompt, retry_prompt
from newsprism.summarize._validate import InvalidAnswer, parse_answer

__all__ = ["extractive_highlights", "from_environment", "summarize", "summarize_topic"]

logger = logging.getLogger(__name__)

def summarize_topic(config: Config, topic_id: str, date: str, data: Store,
                    client: ModelClient | None = None) -> Digest:
    """Summarize ``classified/{topic}/{date}.json`` into ``digests/{topic}/{date}.json``.

    ``client`` replaces the model client the configuration names (tests, other services).
    """
    key = documents.classified_key(topic_id, date)
    classified = documents.decode(data.read(key), Classified.from_dict, name=key)
    digest = summarize(config, classified, client)
    data.write(digest.key, documents.dumps(digest.to_dict()))
    return digest


def summarize(config: Config, classified: Classified,
              client: ModelClient | None = None) -> Digest:
    """The digest of ``classified``: the configured summarizer's highlights, or the
    extractive ones with a note saying why the model's could not be used."""
    count, language = config.settings.highlights, config.settings.language
    kind = client.name if client is not None else config.settings.summarizer
    if kind == "extractive":
        return _extractive(classified, count, language)
    if not classified.articles:
        return _extractive(classified, count, language,
                           note=f"{kind}: not asked, no articles are listed")
    client = client or model_client(config, classified)
    outcome = _ask(client, classified, count, language)
    usage = {"input_tokens": outcome.input_tokens, "output_tokens": outcome.output_tokens,
             "requests": outcome.requests} if outcome.requests else {}
    if outcome.highlights is None:
        note = f"{kind} ({client.model}): {outcome.note}; extractive highlights used instead"
        logger.warning("model highlights replaced: %s", note)
        return replace(_extractive(classified, count, language, note=note), model=client.model,
                       usage=usage)
    return Digest(classified=classified, highlights=outcome.highlights, summarizer=kind,
                  summarizer_note=outcome.note, model=client.model, usage=usage)


def model_client(config: Config, classified: Classified) -> ModelClient:
    """The client ``settings.summarizer`` names; it reaches no service until asked."""
    if config.settings.summarizer == "bedrock":
        from newsprism.llm import BedrockClient

        return BedrockClient(config.summarizer)
    from newsprism.llm import OpenAIClient

    return OpenAIClient(config.summarizer, schema=answer_schema(classified))


def from_environment(config: Config, environ: Mapping[str, str]) -> Config:
    """``config`` with the template's Summarizer parameters applied (``NEWSPRISM_SUMMARIZER``,
    ``NEWSPRISM_SUMMARIZER_MODEL``, ``_BASE_URL``, ``_API_KEY_PARAMETER``): they also grant the
    summarize function the model, so they win over the topics file."""
    return model_from_environment(config, environ, "summarizer")


@dataclass
class _Outcome:
    highlights: Highlights | None = None
    note: str = ""
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, completion: Completion) -> None:
        self.requests += 1
        self.input_tokens += completion.input_tokens
        self.output_tokens += completion.output_tokens


def _ask(client: ModelClient, classified: Classified, count: int, language: str) -> _Outcome:
    """Ask, validate, and ask once more with the reason when the answer is invalid."""
    outcome = _Outcome()
    prompt = build_prompt(classified, count, language)
    reasons: list[str] = []
    for attempt in (1, 2):
        try:
            completion = client.complete(prompt)
        except ModelError as exc:
            reasons.append(str(exc))
            break
        except Exception as exc:  # a bug or an unforeseen failure must not cost the digest
            logger.exception("model request failed")
            reasons.append(f"unexpected {type(exc).__name__}")  # its text could hold a secret
            break
        outcome.add(completion)
        try:
            outcome.highlights = parse_answer(completion.text, classified, count)
            break
        except InvalidAnswer as exc:
            error = str(exc)
            if completion.truncated:
                error = f"cut off at max_tokens ({error})"
            reasons.append(f"answer {attempt} rejected: {error}")
            prompt = retry_prompt(prompt, error)
    if outcome.highlights is not None and reasons:
        reasons.append("answer 2 accepted")
    outcome.note = "; ".join(reasons)
    return outcome


def _extractive(classified: Classified, count: int, language: str, note: str = "") -> Digest:
    return Digest(classified=classified,
                  highlights=extractive_highlights(classified, count, language),
                  summarizer="extractive", summarizer_note=note)
