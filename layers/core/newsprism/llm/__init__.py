"""Model clients shared by the stages that may ask a language model (issues 6 and 20):
summarize for the highlights, classify to confirm that two reports are one event.

``BedrockClient`` (Converse) and ``OpenAIClient`` (any OpenAI-compatible chat completions
API) send one ``Prompt`` and return a ``Completion`` or raise ``ModelError`` with a one-line
reason; throttling is retried inside them (``with_backoff``, ``BACKOFF``). The OpenAI
client reads its key from an environment variable or an SSM parameter (``ssm_parameter``)
and never logs it. What to ask and what stands without an answer is the stage's business.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from newsprism.llm._client import (
    BACKOFF,
    MAX_RETRY_AFTER,
    Completion,
    ModelClient,
    ModelError,
    Prompt,
    Retryable,
    Sleep,
    answer_json,
    one_line,
    with_backoff,
)

if TYPE_CHECKING:
    from newsprism.llm._bedrock import BedrockClient, runtime_client
    from newsprism.llm._openai_compat import OpenAIClient, ssm_parameter

__all__ = [
    "BACKOFF", "MAX_RETRY_AFTER", "BedrockClient", "Completion", "ModelClient", "ModelError",
    "OpenAIClient", "Prompt", "Retryable", "Sleep", "answer_json", "one_line", "runtime_client",
    "ssm_parameter", "with_backoff",
]

# botocore and httpx load with the first client asked for, not with every stage that
# imports this package: an offline classify or an extractive summarize never pays for them
# in its cold start.
_LAZY = {"BedrockClient": "_bedrock", "runtime_client": "_bedrock",
         "OpenAIClient": "_openai_compat", "ssm_parameter": "_openai_compat"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
