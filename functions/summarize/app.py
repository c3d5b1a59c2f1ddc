"""Lambda: summarize a new ``classified/{topic}/{date}.json`` into ``digests/{topic}/{date}.json``.

Triggered by S3 -> EventBridge "Object Created" under ``classified/``; the stored digest in
turn triggers the render function.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.config import load_config
from newsprism.events import object_keys, parse_stage_key
from newsprism.store import open_store
from newsprism.summarize import summarize_topic

logger = Logger()
metrics = Metrics(namespace="newsprism")


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Every key is checked before any work, so a bad event fails whole and early.
    targets = [parse_stage_key(key, "classified") for key in object_keys(event)]
    config = load_config(os.environ.get("NEWSPRISM_CONFIG") or None)
    data = open_store(os.environ["DATA_URI"])

    digests = []
    for topic_id, date in targets:
        digest = summarize_topic(config, topic_id, date, data)
        logger.info("summarized", extra={"key": digest.key, "summarizer": digest.summarizer,
                                         "articles": len(digest.classified.articles)})
        digests.append(digest.key)
    metrics.add_metric(name="Digests", unit=MetricUnit.Count, value=len(digests))
    return {"digests": digests}
