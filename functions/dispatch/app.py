"""Lambda: split a scheduled run of fetch or classify into one SQS message per active topic.

Invoked by the FetchSchedule and ClassifySchedule (EventBridge Scheduler), whose input is
``{"stage": "fetch", "id": "<execution id>", "time": "<scheduled time>"}``: ``time`` is the
run's clock, so a delayed or retried invocation still builds the day it was meant for.
By hand (re-run a day): ``{"stage": "classify", "topics": ["us-china"],
"now": "2026-02-12T04:10:00Z"}``.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import event_now, event_topics, load_runtime_config, powertools, scheduled_run_id

logger, metrics, tracer = powertools()
QUEUES = {"fetch": "FETCH_QUEUE_URL", "classify": "CLASSIFY_QUEUE_URL"}


@logger.inject_lambda_context(correlation_id_path="id", clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from newsprism.aws import _fanout as fanout  # deferred to the first event: bench/cold_start.py

    stage = str(event.get("stage", ""))
    if stage not in QUEUES:
        raise ValueError(f"event 'stage': expected one of {', '.join(QUEUES)}, got {stage!r}")
    now = event_now(event)
    run_id = scheduled_run_id(stage, now)
    logger.append_keys(date=now.date().isoformat(), run_id=run_id)
    topics = load_runtime_config().select(event_topics(event))
    messages = fanout.plan(stage, topics, now, str(event.get("id") or context.aws_request_id))
    sent = fanout.send(messages, os.environ[QUEUES[stage]])
    metrics.add_metric(name="TopicsDispatched", unit=MetricUnit.Count, value=sent)
    topic_ids = [message.topic for message in messages]
    logger.info("dispatched", extra={"stage": stage, "topics": topic_ids})
    return {"stage": stage, "run_id": run_id, "topics": topic_ids}
