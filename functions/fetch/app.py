"""Lambda: collect one topic's feeds into ``raw/{topic}/{date}/{run}.json``.

Reads the FetchQueue: the dispatcher sends one message per active topic on every
FetchSchedule run (``newsprism.aws._fanout``). Invoked by hand (``sam local invoke``, the console)
``{"topic": "us-china", "now": "2026-02-12T04:00:00Z"}`` fetches one topic at that clock.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import data_store, load_runtime_config, powertools, topic_messages, work_item

# The package logs through the standard library ("newsprism.fetch._stage": one line per feed with
# url, status, attempts, bytes, articles, ms); powertools() routes those lines through this
# logger, so they come out as the same structured JSON, with the topic, date and run id.
logger, metrics, tracer = powertools()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # httpx and feedparser are imported with the first event, not at INIT: the module stays
    # cheap to load (bench/cold_start.py), and a broken import fails an invocation that
    # logs its topic and correlation id instead of an anonymous INIT.
    from newsprism.fetch import fetch_topics

    messages = topic_messages(event, "fetch")
    # Read per invocation, not at import: a bad config or URI then fails this invocation with
    # its own message, and a config uploaded to S3 applies from the next run.
    config = load_runtime_config()
    data = data_store()

    summary: list[dict[str, Any]] = []
    totals = {"ok": 0, "not_modified": 0, "error": 0}
    articles = 0
    started = time.monotonic()
    for message in messages:
        with work_item(logger, tracer, topic=message.topic, date=message.date,
                       run_id=message.run_id, correlation_id=message.correlation_id):
            # A topic that left the configuration since the dispatch: nothing to retry.
            if message.topic not in {topic.id for topic in config.topics}:
                logger.warning("topic no longer configured: skipped")
                continue
            # The stage stops starting requests when the function's time runs short, so the
            # run file with the feeds that did answer is still stored.
            runs = fetch_topics(config, [config.topic(message.topic)], data, message.now,
                                deadline=context.get_remaining_time_in_millis() / 1000)
            # Each feed's outcome was logged by the stage as it finished; this is the tally.
            for run in runs:
                counts = {status: sum(1 for feed in run.feeds if feed.status == status)
                          for status in totals}
                summary.append({"topic": run.topic, "key": run.key,
                                "articles": len(run.articles), "feeds_ok": counts["ok"],
                                "feeds_not_modified": counts["not_modified"],
                                "feeds_failed": counts["error"]})
                for status, count in counts.items():
                    totals[status] += count
                articles += len(run.articles)
                logger.info("fetched", extra=summary[-1])
    seconds = time.monotonic() - started

    metrics.add_metric(name="FeedsOk", unit=MetricUnit.Count, value=totals["ok"])
    metrics.add_metric(name="FeedsNotModified", unit=MetricUnit.Count,
                       value=totals["not_modified"])
    metrics.add_metric(name="FeedsFailed", unit=MetricUnit.Count, value=totals["error"])
    metrics.add_metric(name="Articles", unit=MetricUnit.Count, value=articles)
    metrics.add_metric(name="StageSeconds", unit=MetricUnit.Seconds, value=round(seconds, 3))
    return {"runs": summary, "seconds": round(seconds, 3)}
