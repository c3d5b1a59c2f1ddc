"""Lambda: publish new ``digests/{topic}/{date}.json`` objects to the site bucket.

S3 -> EventBridge "Object Created" under ``digests/`` -> the RenderQueue (SQS FIFO, one
message group) -> this function, so renders run one batch at a time: every render rewrites
the site-wide pages (index, feeds, sitemap) from the manifests, and two renders at once
could each write a listing that lacks the other's digest. A batch holds up to ten digest
events; it fails whole and is retried whole (rendering is idempotent). Invoked by hand, the
EventBridge event itself works too (``infra/events/render.json``).
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import (
    data_store,
    object_events,
    object_keys,
    object_version,
    parse_stage_key,
    powertools,
    site_store,
    work_item,
)

logger, metrics, tracer = powertools()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from newsprism.render import render_digest  # deferred: bench/cold_start.py

    # Every key is checked before any work, so a bad event fails whole and early.
    targets = [(parse_stage_key(key, "digests"), object_version(inner), str(inner.get("id", "")))
               for inner in object_events(event) for key in object_keys(inner)]
    data = data_store()
    site = site_store()
    base_url = os.environ.get("SITE_BASE_URL") or None  # absolute links in feeds and sitemap

    rendered: list[str] = []
    written = 0
    for (topic_id, date), version, correlation_id in targets:
        with work_item(logger, tracer, topic=topic_id, date=date, run_id=version,
                       correlation_id=correlation_id):
            keys = render_digest(data, site, topic_id, date, base_url=base_url)
            logger.info("rendered", extra={"files": keys})
            rendered.append(f"{topic_id}/{date}")
            written += len(keys)
    metrics.add_metric(name="FilesWritten", unit=MetricUnit.Count, value=written)
    # The "no digest published today" alarm watches this metric (template: NoDigestAlarm).
    metrics.add_metric(name="DigestsPublished", unit=MetricUnit.Count, value=len(rendered))
    return {"rendered": rendered, "files_written": written}
