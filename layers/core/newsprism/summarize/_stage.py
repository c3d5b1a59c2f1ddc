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
from typing import cast

from newsprism import documents
from newsprism.config import Config, ConfigError, SummarizerKind, check_summarizer
from newsprism.documents import Classified, Digest, Highlights
from newsprism.store import Store
from newsprism.summarize._extractive import extractive_highlights
from newsprism.summarize._llm import Completion, ModelClient, ModelError
from newsprism.summarize._prompt import answer_schema, build_prompt, retry_prompt
from newsprism.summarize._validate import InvalidAnswer, parse_answer

__all__ = ["extractive_highlights", "from_environment", "summarize", "summarize_topic"]

logger = logging.getLogger(__name__)

# The Lambda's environment overrides the configuration file, so that the template's
# Summarizer parameter (which also grants the matching permissions) decides. Empty = unset.
ENVIRONMENT = {
    "NEWSPRISM_SUMMARIZER": "summarizer",
    "NEWSPRISM_SUMMARIZER_MODEL": "model",
    "NEWSPRISM_SUMMARIZER_BASE_URL": "base_url",
    "NEWSPRISM_SUMMARIZER_API_KEY_PARAMETER": "api_key_parameter",
}


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
    count = config.settings.highlights
    kind = client.name if client is not None else config.settings.summarizer
    if kind == "extractive":
        return _extractive(classified, count)
    if not classified.articles:
        return _extractive(classified, count, note=f"{kind}: not asked, no articles are listed")
    client = client or model_client(config, classified)
    outcome = _ask(client, classified, count)
    usage = {"input_tokens": outcome.input_tokens, "output_tokens": outcome.output_tokens,
             "requests": outcome.requests} if outcome.requests else {}
    if outcome.highlights is None:
        note = f"{kind} ({client.model}): {outcome.note}; extractive highlights used instead"
        logger.warning("model highlights replaced: %s", note)
        return replace(_extractive(classified, count, note=note), model=client.model,
                       usage=usage)
    return Digest(classified=classified, highlights=outcome.highlights, summarizer=kind,
                  summarizer_note=outcome.note, model=client.model, usage=usage)


def model_client(config: Config, classified: Classified) -> ModelClient:
    """The client ``settings.summarizer`` names; it reaches no service until asked."""
    if config.settings.summarizer == "bedrock":
        from newsprism.summarize._bedrock import BedrockClient

        return BedrockClient(config.summarizer)
    from newsprism.summarize._openai_compat import OpenAIClient

    return OpenAIClient(config.summarizer, schema=answer_schema(classified))


def from_environment(config: Config, environ: Mapping[str, str]) -> Config:
    """``config`` with the summarizer settings of ``ENVIRONMENT`` applied, checked as the
    configuration file is (one line naming the variable on a mistake)."""
    values = {field: environ[name].strip() for name, field in ENVIRONMENT.items()
              if environ.get(name, "").strip()}
    if not values:
        return config
    kind = values.get("summarizer", config.settings.summarizer)
    current = config.summarizer
    try:
        summarizer = check_summarizer(replace(
            current, model=values.get("model", current.model),
            base_url=values.get("base_url", current.base_url),
            api_key_parameter=values.get("api_key_parameter", current.api_key_parameter),
            # A key parameter from the environment replaces a key variable from the file.
            api_key_env="" if "api_key_parameter" in values else current.api_key_env,
        ), kind)
    except ValueError as exc:
        names = ", ".join(name for name in ENVIRONMENT if environ.get(name, "").strip())
        raise ConfigError(f"environment ({names}): {exc}") from exc
    settings = replace(config.settings, summarizer=cast(SummarizerKind, kind))
    return replace(config, settings=settings, summarizer=summarizer)


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


def _ask(client: ModelClient, classified: Classified, count: int) -> _Outcome:
    """Ask, validate, and ask once more with the reason when the answer is invalid."""
    outcome = _Outcome()
    prompt = build_prompt(classified, count)
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


def _extractive(classified: Classified, count: int, note: str = "") -> Digest:
    return Digest(classified=classified, highlights=extractive_highlights(classified, count),
                  summarizer="extractive", summarizer_note=note)
