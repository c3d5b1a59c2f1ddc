"""What a stage needs of a language model, whichever service serves it (issues 6 and 20).

A client sends one request (a system and a user message) and returns the answer's text and
token counts, or raises ``ModelError`` with a one-line reason when no answer can be had
(timeout, throttled past the retries, access refused). What is asked, how the answer is
validated, and what stands when there is none are the asking stage's business: summarize
falls back to extractive highlights, classify to its offline grouping.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# Waits between attempts when the service says "slow down" (throttling, 429, 503): four
# attempts in all, seven seconds of waiting at most, well inside a stage function's timeout.
# No jitter: a request or two per digest per day cannot stampede a service.
BACKOFF: tuple[float, ...] = (1.0, 2.0, 4.0)
MAX_RETRY_AFTER = 20.0  # seconds: a longer Retry-After is not worth holding the function for

Sleep = Callable[[float], None]


class ModelError(Exception):
    """No usable answer can be had from the model; the message says why, in one line."""


class Retryable(Exception):
    """A transient refusal: try again after ``delay`` seconds (or the backoff's own delay)."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.delay = delay


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str


@dataclass(frozen=True)
class Completion:
    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    truncated: bool = False  # the model stopped at max_tokens: the JSON is likely cut off


class ModelClient(Protocol):
    @property
    def name(self) -> str:
        """"bedrock", "openai": recorded with what the model's answer decided."""

    @property
    def model(self) -> str:
        """The model id, recorded likewise."""

    def complete(self, prompt: Prompt) -> Completion: ...


def with_backoff[T](attempt: Callable[[], T], *, sleep: Sleep = time.sleep,
                 delays: Sequence[float] = BACKOFF) -> T:
    """``attempt()``, called again after each wait of ``delays`` while it raises
    ``Retryable``; when the waits are used up the last refusal becomes a ``ModelError``."""
    for wait in delays:
        try:
            return attempt()
        except Retryable as exc:
            if exc.delay is not None and exc.delay > MAX_RETRY_AFTER:
                raise ModelError(f"{exc} (asked to wait {exc.delay:g} s)") from None
            sleep(exc.delay if exc.delay is not None else wait)
    try:
        return attempt()
    except Retryable as exc:
        raise ModelError(f"{exc} ({len(delays) + 1} attempts)") from None


def one_line(text: str, limit: int = 200) -> str:
    """A service's error message as one bounded line, for a note or a log."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Models often wrap JSON in a Markdown code fence even when told not to.
_FENCE = re.compile(r"^```[A-Za-z]*\s*\n?(.*?)\n?\s*```$", re.DOTALL)


def answer_json(text: str) -> Any:
    """The JSON document of a model's answer, a code fence around it allowed; ValueError with
    a one-line reason the model can be told when there is none."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("the answer is empty")
    if fenced := _FENCE.match(stripped):
        stripped = fenced.group(1).strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno} column "
                         f"{exc.colno})") from None
