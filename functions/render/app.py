"""Lambda: publish a new ``digests/{topic}/{date}.json`` to the site bucket.

Triggered by S3 -> EventBridge "Object Created" under ``digests/``. Writes the digest's HTML
page, Markdown and JSON, and refreshes the pages that list or link to it.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.events import object_keys, parse_stage_key
from newsprism.render import render_digest
from newsprism.store import open_store

logger = Logger()
metrics = Metrics(namespace="newsprism")


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    targets = [parse_stage_key(key, "digests") for key in object_keys(event)]
    data = open_store(os.environ["DATA_URI"])
    site = open_store(os.environ["SITE_URI"])

    rendered = []
    written = 0
    for topic_id, date in targets:
        keys = render_digest(data, site, topic_id, date)
        logger.info("rendered", extra={"topic": topic_id, "date": date, "files": keys})
        rendered.append(f"{topic_id}/{date}")
        written += len(keys)
    metrics.add_metric(name="FilesWritten", unit=MetricUnit.Count, value=written)
    return {"rendered": rendered, "files_written": written}
