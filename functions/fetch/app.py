"""Lambda: collect the feeds of every active topic into ``raw/{topic}/{date}/{run}.json``.

Runs on the FetchSchedule rule. A manual event ``{"topics": ["us-china"], "now": "..."}``
fetches chosen topics at a chosen clock (``sam local invoke`` or the console's test event).
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.config import load_config
from newsprism.events import event_now, event_topics
from newsprism.fetch import fetch_topics
from newsprism.store import open_store

logger = Logger()
metrics = Metrics(namespace="newsprism")


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Read per invocation, not at import: a bad config or URI then fails this invocation with
    # its own message (an import-time error is an opaque init failure), and the S3 client is
    # only created by the functions that reach S3.
    config = load_config(os.environ.get("NEWSPRISM_CONFIG") or None)
    data = open_store(os.environ["DATA_URI"])
    topics = config.select(event_topics(event))
    # The fetch stage stops starting requests when the function's time runs short, so the
    # run file with the feeds that did answer is still stored.
    runs = fetch_topics(config, topics, data, event_now(event),
                        deadline=context.get_remaining_time_in_millis() / 1000)

    summary: list[dict[str, Any]] = []
    ok = failed = articles = 0
    for run in runs:
        errors = [feed for feed in run.feeds if feed.status == "error"]
        for feed in errors:
            logger.warning("feed failed", extra={"topic": run.topic, "feed": feed.url,
                                                 "error": feed.error})
        summary.append({"topic": run.topic, "key": run.key, "articles": len(run.articles),
                        "feeds_ok": len(run.feeds) - len(errors), "feeds_failed": len(errors)})
        ok += len(run.feeds) - len(errors)
        failed += len(errors)
        articles += len(run.articles)
    metrics.add_metric(name="FeedsOk", unit=MetricUnit.Count, value=ok)
    metrics.add_metric(name="FeedsFailed", unit=MetricUnit.Count, value=failed)
    metrics.add_metric(name="Articles", unit=MetricUnit.Count, value=articles)
    logger.info("fetched", extra={"runs": summary})
    return {"runs": summary}
