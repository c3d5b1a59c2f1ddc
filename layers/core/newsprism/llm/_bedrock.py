"""Amazon Bedrock through the Converse API: one request per question (issues 6 and 20).

Converse takes the same request shape for every model Bedrock serves, so the model id (or
inference profile id) is configuration. botocore's own retries are switched off: throttling
is retried here, with ``with_backoff``, so that the waits are known and testable, and a
timeout ends the attempt at once (the asking stage's offline answer takes over).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError

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

# Errors Bedrock documents as transient: retried with backoff. Every other error (access
# denied, unknown model, validation, ModelTimeoutException) ends the attempt.
_TRANSIENT = {"ThrottlingException", "ServiceUnavailableException", "InternalServerException",
              "ModelNotReadyException"}


@dataclass
class BedrockClient:
    """``ModelClient`` over ``bedrock-runtime`` ``converse``; the boto3 client is made on the
    first request (offline runs never load a service model) unless one is given."""

    settings: ModelSettings
    client: Any = None  # a boto3 bedrock-runtime client (tests pass one wired to a Stubber)
    sleep: Sleep = field(default=time.sleep, repr=False)
    name: str = "bedrock"

    @property
    def model(self) -> str:
        return self.settings.model

    def complete(self, prompt: Prompt) -> Completion:
        if self.client is None:
            self.client = runtime_client(self.settings.region, self.settings.timeout)
        return with_backoff(lambda: self._converse(prompt), sleep=self.sleep)

    def _converse(self, prompt: Prompt) -> Completion:
        try:
            response = self.client.converse(
                modelId=self.settings.model,
                system=[{"text": prompt.system}],
                messages=[{"role": "user", "content": [{"text": prompt.user}]}],
                # Temperature 0: the most likely wording, so reruns differ as little as can be.
                inferenceConfig={"maxTokens": self.settings.max_tokens, "temperature": 0.0},
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "ClientError"))
            reason = f"{code}: {one_line(str(error.get('Message', '')))}".rstrip(": ")
            if code in _TRANSIENT:
                raise Retryable(reason) from None
            raise ModelError(reason) from None
        except (ReadTimeoutError, ConnectTimeoutError):
            raise ModelError(f"no answer within {self.settings.timeout:g} s") from None
        except BotoCoreError as exc:  # no credentials, no region, endpoint unreachable, ...
            raise ModelError(one_line(str(exc))) from None
        return _completion(response)


@cache
def runtime_client(region: str, timeout: float) -> Any:
    """One ``bedrock-runtime`` client per region and timeout, reused by warm Lambda runs."""
    import boto3

    config = BotoConfig(connect_timeout=min(10.0, timeout), read_timeout=timeout,
                        retries={"mode": "standard", "total_max_attempts": 1})
    return boto3.client("bedrock-runtime", region_name=region or None, config=config)


def _completion(response: dict[str, Any]) -> Completion:
    content = response.get("output", {}).get("message", {}).get("content", [])
    text = "".join(block.get("text", "") for block in content if isinstance(block, dict))
    usage = response.get("usage", {})
    return Completion(text=text, input_tokens=int(usage.get("inputTokens", 0)),
                      output_tokens=int(usage.get("outputTokens", 0)),
                      truncated=response.get("stopReason") == "max_tokens")
