"""The summarize stage: highlights for the digest, overall and per perspective (issue 6).

``settings.summarizer`` picks who writes them: ``extractive`` (the default: offline, every
bullet a listed headline), ``bedrock`` (Amazon Bedrock, Converse API) or ``openai`` (any
OpenAI-compatible chat completions API). A model is asked once per digest; an answer that
fails validation is asked for once more with the reason, and when there is still no valid
answer (or the model cannot be reached) the extractive summarizer writes the highlights and
the digest's ``summarizer_note`` says why. Whatever happens, a digest is published and every
bullet in it cites listed articles.

Paid work is done once (issue 21): the digest records the hash of its input (``_inputs``), and
a model is not asked again for a stored digest it wrote from the same input. Nothing is written
when the stored digest already has the bytes, so S3 sends no event and render does not run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from newsprism import documents
from newsprism.config import Config, model_from_environment
from newsprism.documents import Classified, Digest, Highlights
from newsprism.llm import Completion, ModelClient, ModelError, Prompt
from newsprism.store import NotFound, Store
from newsprism.summarize._extractive import extractive_highlights
from newsprism.summarize._inputs import input_hash
from newsprism.summarize._prompt import answer_schema, build_prompt, retry_prompt
from newsprism.summarize._validate import InvalidAnswer, parse_answer

__all__ = ["extractive_highlights", "from_environment", "summarize", "summarize_topic"]

logger = logging.getLogger(__name__)


def summarize_topic(config: Config, topic_id: str, date: str, data: Store,
                    client: ModelClient | None = None) -> Digest:
    """Summarize ``classified/{topic}/{date}.json`` into ``digests/{topic}/{date}.json``.

    The stored digest is returned, marked ``unchanged``, when a model wrote it from the same
    input (no model is asked); a digest with the stored bytes is not written again, marked
    likewise. ``client`` replaces the model client the configuration names (tests, other
    services).
    """
    key = documents.classified_key(topic_id, date)
    source = data.read(key)
    classified = documents.decode(source, Classified.from_dict, name=key)
    kind = client.name if client is not None else config.settings.summarizer
    model = client.model if client is not None else config.summarizer.model
    asks = kind != "extractive" and bool(classified.articles)
    prompt = (build_prompt(classified, config.settings.highlights, config.settings.language)
              if asks else None)
    inputs = input_hash(source, config, kind, model, prompt)
    stored, stored_bytes = _stored_digest(data, documents.digest_key(topic_id, date))
    # Only a model's own answer is reused: a fallback (throttled, access refused) is asked
    # again, so that a rerun after the cause is fixed gets the model's highlights. The
    # extractive summarizer costs nothing and always runs, so its code changes take effect.
    if stored is not None and asks and stored.input_hash == inputs and stored.summarizer == kind:
        logger.info("%s unchanged: summarized from this input already, no model asked",
                    stored.key)
        return replace(stored, unchanged=True)
    digest = replace(summarize(config, classified, client, prompt=prompt), input_hash=inputs)
    document = documents.dumps(digest.to_dict())
    if document == stored_bytes:
        logger.info("%s unchanged: the stored digest has these bytes, nothing written",
                    digest.key)
        return replace(digest, unchanged=True)
    data.write(digest.key, document)
    return digest


def summarize(config: Config, classified: Classified, client: ModelClient | None = None, *,
              prompt: Prompt | None = None) -> Digest:
    """The digest of ``classified``: the configured summarizer's highlights, or the
    extractive ones with a note saying why the model's could not be used. ``prompt``: the
    request ``build_prompt`` makes, when the caller has it already."""
    count, language = config.settings.highlights, config.settings.language
    kind = client.name if client is not None else config.settings.summarizer
    if kind == "extractive":
        return _extractive(classified, count, language)
    if not classified.articles:
        return _extractive(classified, count, language,
                           note=f"{kind}: not asked, no articles are listed")
    client = client or model_client(config, classified)
    outcome = _ask(client, classified, count, prompt or build_prompt(classified, count, language))
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


def _ask(client: ModelClient, classified: Classified, count: int, prompt: Prompt) -> _Outcome:
    """Ask, validate, and ask once more with the reason when the answer is invalid."""
    outcome = _Outcome()
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


def _stored_digest(data: Store, key: str) -> tuple[Digest | None, bytes | None]:
    """The digest stored at ``key`` and its bytes; (None, None) when there is none. One that
    cannot be read or decoded is logged and taken as absent: summarizing again is always
    safe, it only costs what it did the first time."""
    try:
        stored = data.read(key)
    except NotFound:
        return None, None
    except Exception as exc:  # e.g. no read access to digests/: summarize as before
        logger.warning("cannot read the stored digest %s: %s", key, exc)
        return None, None
    try:
        return documents.decode(stored, Digest.from_dict, name=key), stored
    except documents.SchemaError as exc:
        logger.warning("ignoring the damaged stored digest %s: %s", key, exc)
        return None, stored
