"""What a digest's highlights are made from, as one hash (issue 21).

The digest stores it (``input_hash``). When the stored digest's hash is the current one and a
model wrote its highlights, summarize asks no model again: a redelivered event, or a classify
rewrite with equal bytes, costs no paid call and writes nothing, so nothing downstream runs.

The hash covers the classified document's bytes and what of the summarizer settings shapes the
answer: the summarizer, the highlights' language and number, and for a model its id, its
``max_tokens`` (a lower cap cuts answers off), the OpenAI-compatible ``base_url`` (another
server may serve another model under one name) and the prompt itself, system and user
messages as sent. Hashing the prompt rather than a version number to bump by hand means a
change to how newsprism asks is a new input without anyone remembering to say so. Left out:
``timeout``, ``region`` and the API key's location, which decide whether an answer comes, not
what it says (an answer that did not come is a fallback, which is never reused); and the
answer's JSON schema, which follows from the classified document's perspectives.
"""

from __future__ import annotations

import hashlib
import json

from newsprism.config import Config
from newsprism.llm import Prompt


def input_hash(classified: bytes, config: Config, kind: str, model: str,
               prompt: Prompt | None) -> str:
    """The SHA-256 (hex) of the summarizer's input: ``classified``, the stored document's
    bytes; ``kind`` and ``model``, who writes the highlights; ``prompt``, what a model is
    sent (None when none would be asked)."""
    settings = config.settings
    shaping: dict[str, object] = {"summarizer": kind, "language": settings.language,
                                  "highlights": settings.highlights}
    if kind != "extractive":
        shaping |= {"model": model, "max_tokens": config.summarizer.max_tokens}
        if kind == "openai":
            shaping["base_url"] = config.summarizer.base_url
    if prompt is not None:
        shaping["prompt"] = _sha256(f"{prompt.system}\n\x00\n{prompt.user}".encode())
    document = {"classified": _sha256(classified), "summarizer": shaping}
    return _sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
