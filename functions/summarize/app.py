"""Lambda: summarize a new ``classified/{topic}/{date}.json`` into ``digests/{topic}/{date}.json``.

Triggered by S3 -> EventBridge "Object Created" under ``classified/`` (asynchronously: Lambda
retries a failure, then sends the event to the dead-letter queue); the stored digest in turn
triggers the render function.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import (
    data_store,
    load_runtime_config,
    object_keys,
    object_version,
    parse_stage_key,
    powertools,
    work_item,
)

logger, metrics, tracer = powertools()


# The correlation id is the EventBridge event's id: the one an operator finds in the
# dead-letter queue's record of a failed invocation.
@logger.inject_lambda_context(correlation_id_path="id", clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from newsprism.summarize import (  # deferred: cold_start.py
        from_environment,
        summarize_topic,
    )

    # Every key is checked before any work, so a bad event fails whole and early.
    targets = [parse_stage_key(key, "classified") for key in object_keys(event)]
    # The template's Summarizer parameters arrive as NEWSPRISM_SUMMARIZER* variables (issue 6).
    config = from_environment(load_runtime_config(), os.environ)
    data = data_store()

    digests = []
    for topic_id, date in targets:
        with work_item(logger, tracer, topic=topic_id, date=date, run_id=object_version(event)):
            digest = summarize_topic(config, topic_id, date, data)
            logger.info("summarized", extra={
                "key": digest.key, "summarizer": digest.summarizer,
                "articles": len(digest.classified.articles), "note": digest.summarizer_note,
                "model": digest.model, "usage": digest.usage})
            digests.append(digest.key)
            if digest.model and digest.summarizer == "extractive":  # the answer was replaced
                metrics.add_metric(name="SummarizerFallbacks", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="Digests", unit=MetricUnit.Count, value=len(digests))
    return {"digests": digests}
