"""Any OpenAI-compatible chat completions API: OpenAI itself, or a self-hosted server such as
vLLM, llama.cpp or Ollama (issues 6 and 20).

One ``POST {base_url}/chat/completions`` per question, with the answer's JSON Schema as
``response_format`` (structured outputs) so that servers which enforce it produce the shape
asked for. The key comes from an environment variable or an SSM parameter and is only ever
put in the Authorization header: it is not logged, not kept in any message, and not stored.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from newsprism.config import ModelSettings
from newsprism.llm._client import (
    Completion,
    ModelError,
    Prompt,
    Retryable,
    Sleep,
    one_line,
    with_backoff,
)

_TRANSIENT_STATUS = {429, 500, 502, 503, 504}


def ssm_parameter(name: str) -> str:
    """A SecureString parameter's value, through Powertools (cached for five minutes across
    warm Lambda runs)."""
    from aws_lambda_powertools.utilities import parameters

    # botocore logs every response body at DEBUG, the decrypted key included: whatever the
    # log level, its records stop at INFO while the key is read.
    wire = logging.getLogger("botocore")
    level = wire.level
    wire.setLevel(max(wire.getEffectiveLevel(), logging.INFO))
    try:
        value = parameters.get_parameter(name, decrypt=True)
    finally:
        wire.setLevel(level)
    return str(value)


@dataclass
class OpenAIClient:
    """``ModelClient`` over an OpenAI-compatible HTTP API."""

    settings: ModelSettings
    # The answer's JSON Schema, for servers that enforce one (OpenAI's "strict" mode wants an
    # object at its root), under ``schema_name``.
    schema: dict[str, Any]
    transport: httpx.BaseTransport | None = field(default=None, repr=False)  # tests: Mock
    sleep: Sleep = field(default=time.sleep, repr=False)
    read_parameter: Callable[[str], str] = field(default=ssm_parameter, repr=False)
    name: str = "openai"
    schema_name: str = "highlights"
    _key: str | None = field(default=None, repr=False)

    @property
    def model(self) -> str:
        return self.settings.model

    def complete(self, prompt: Prompt) -> Completion:
        key = self._api_key()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        body = {
            "model": self.settings.model,
            "messages": [{"role": "system", "content": prompt.system},
                         {"role": "user", "content": prompt.user}],
            "max_tokens": self.settings.max_tokens,
            "temperature": 0,
            "response_format": {"type": "json_schema", "json_schema": {
                "name": self.schema_name, "strict": True, "schema": self.schema}},
        }
        with httpx.Client(transport=self.transport, timeout=self.settings.timeout,
                          headers=headers) as client:
            return with_backoff(lambda: self._post(client, body, key), sleep=self.sleep)

    def _api_key(self) -> str:
        """The key, read once per client; "" when none is configured (self-hosted servers)."""
        if self._key is None:
            settings = self.settings
            if settings.api_key_env:
                self._key = os.environ.get(settings.api_key_env, "").strip()
                if not self._key:
                    raise ModelError(f"the environment variable {settings.api_key_env} "
                                     f"({settings.table}.api_key_env) is not set")
            elif settings.api_key_parameter:
                try:
                    self._key = self.read_parameter(settings.api_key_parameter).strip()
                except Exception as exc:  # Powertools wraps every SSM failure differently
                    raise ModelError(f"cannot read the API key from SSM parameter "
                                     f"{settings.api_key_parameter!r} "
                                     f"({type(exc).__name__})") from None
            else:
                self._key = ""
        return self._key

    def _post(self, client: httpx.Client, body: dict[str, Any], key: str) -> Completion:
        url = f"{self.settings.base_url}/chat/completions"
        try:
            response = client.post(url, json=body)
        except httpx.TimeoutException:
            raise ModelError(f"no answer within {self.settings.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise ModelError(_scrub(f"{type(exc).__name__}: {exc}", key)) from None
        if response.status_code in _TRANSIENT_STATUS:
            raise Retryable(f"HTTP {response.status_code}", _retry_after(response))
        if response.status_code in (401, 403):
            # Some services echo part of the key in the message: none of it is repeated.
            raise ModelError(f"HTTP {response.status_code}: the API key was refused")
        if response.status_code != 200:
            raise ModelError(_scrub(f"HTTP {response.status_code}: {_error_message(response)}",
                                    key))
        return _completion(response)


def _completion(response: httpx.Response) -> Completion:
    try:
        data = response.json()
        choice = data["choices"][0]
        message = choice["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ModelError("the response is not a chat completion") from None
    usage = data.get("usage") or {}
    # A refusal ("refusal" instead of "content") reaches validation as an empty answer.
    return Completion(text=str(message.get("content") or ""),
                      input_tokens=int(usage.get("prompt_tokens") or 0),
                      output_tokens=int(usage.get("completion_tokens") or 0),
                      truncated=choice.get("finish_reason") == "length")


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (RFC 9110 §10.2.3); an HTTP date is ignored (the backoff's own
    wait applies)."""
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


def _error_message(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = None
    return one_line(str(message) if message else response.text or response.reason_phrase)


def _scrub(text: str, key: str) -> str:
    return text.replace(key, "[key]") if key else text
