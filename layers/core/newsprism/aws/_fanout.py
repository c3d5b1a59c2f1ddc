"""The dispatcher's work: split one scheduled run of a stage into one SQS message per topic.

Why a queue between the schedule and the stage (issue 8): one invocation per topic keeps
every invocation far from Lambda's 15-minute limit however many topics there are, a failing
topic is retried alone (the queue's redrive policy) and lands alone in the dead-letter
queue, and the event source mapping's maximum concurrency bounds how many topics fetch at
once, which keeps the load on Google News polite. Step Functions' Map state would do the
same at a price per state transition and with a second language (ASL) to maintain.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from newsprism.aws._events import STAGES, TopicMessage, event_now, event_topics, scheduled_run_id
from newsprism.aws._runtime import load_runtime_config
from newsprism.config import Topic

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    from newsprism.aws._observability import Powertools

BATCH = 10  # SendMessageBatch's limit


class DispatchError(RuntimeError):
    """SQS refused some of the run's messages; the message names the topics and why."""


def dispatch(event: Mapping[str, Any], request_id: str, tools: Powertools) -> dict[str, Any]:
    """The dispatcher's invocation: one message per topic of the run ``event`` names (a
    schedule's ``{"stage", "id", "time"}``, or by hand ``{"stage", "topics", "now"}``) on the
    stage's queue (``FETCH_QUEUE_URL``, ``CLASSIFY_QUEUE_URL``). The correlation id is the
    event's ``id`` (the scheduler's execution id), else the Lambda request id."""
    stage = str(event.get("stage", ""))
    now = event_now(event)
    topics = load_runtime_config().select(event_topics(event))
    messages = plan(stage, topics, now, str(event.get("id") or request_id))  # checks the stage
    run_id = scheduled_run_id(stage, now)
    tools.logger.append_keys(date=now.astimezone(UTC).date().isoformat(), run_id=run_id)
    sent = send(messages, os.environ[f"{stage.upper()}_QUEUE_URL"])
    tools.metrics.add_metric(name="TopicsDispatched", unit=MetricUnit.Count, value=sent)
    topic_ids = [message.topic for message in messages]
    tools.logger.info("dispatched", extra={"stage": stage, "topics": topic_ids})
    return {"stage": stage, "run_id": run_id, "topics": topic_ids}


def plan(stage: str, topics: Sequence[Topic], now: datetime,
         correlation_id: str) -> list[TopicMessage]:
    """One message per topic, all with the run's clock and name."""
    if stage not in STAGES:
        raise ValueError(f"event 'stage': expected one of {', '.join(STAGES)}, got {stage!r}")
    run_id = scheduled_run_id(stage, now)
    return [TopicMessage(stage, topic.id, now, run_id, correlation_id) for topic in topics]


def send(messages: Sequence[TopicMessage], queue_url: str, client: Any = None) -> int:
    """Send ``messages`` in batches of ten; the number sent. Raises ``DispatchError`` naming
    every topic SQS refused, after trying them all, so one bad batch costs no other topic
    its run. A rerun of the dispatcher sends every topic again; the stages are idempotent
    (fetch adds a run file, classify rewrites the same bytes)."""
    sqs: SQSClient = client if client is not None else _client()
    refused: list[str] = []
    for start in range(0, len(messages), BATCH):
        batch = messages[start:start + BATCH]
        response = sqs.send_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(number), "MessageBody": message.to_json()}
            for number, message in enumerate(batch)])
        for failure in response.get("Failed", []):
            message = batch[int(failure["Id"])]
            refused.append(f"{message.topic} ({failure.get('Code', '?')}: "
                           f"{failure.get('Message', '')})")
    if refused:
        raise DispatchError(f"SQS refused {len(refused)} of {len(messages)} topic message(s): "
                            + "; ".join(refused))
    return len(messages)


def _client() -> Any:
    import boto3  # lazily: the handler module stays cheap to import

    return boto3.client("sqs")
