"""Lambda: build one topic's selection of the day, ``classified/{topic}/{date}.json``.

Reads the ClassifyQueue: the dispatcher sends one message per active topic on every
ClassifySchedule run (the message's ``now`` is the run's clock). Invoked by hand
``{"topics": ["us-china"], "now": "2026-02-12T04:10:00Z"}`` rebuilds chosen topics of a day.
Each stored selection triggers the summarize function through S3 -> EventBridge.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.aws import data_store, load_runtime_config, powertools, topic_messages, work_item

logger, metrics, tracer = powertools()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from newsprism.classify import NothingToList, classify_topic  # deferred: cold_start.py

    messages = topic_messages(event, "classify")
    config = load_runtime_config()
    data = data_store()

    results: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    for message in messages:
        with work_item(logger, tracer, topic=message.topic, date=message.date,
                       run_id=message.run_id, correlation_id=message.correlation_id):
            if message.topic not in {topic.id for topic in config.topics}:
                # It left the configuration since the dispatch: nothing to retry.
                logger.warning("topic no longer configured: skipped")
                results[message.topic] = {"status": "skipped"}
                continue
            try:
                classified = classify_topic(config, config.topic(message.topic), data,
                                            message.now)
            except NothingToList as exc:
                # Not retried: the same raw runs would give the same empty list. The metric
                # and the warning are how an operator learns that a topic went quiet.
                logger.warning("no digest", extra={"reason": str(exc)})
                results[message.topic] = {"status": "empty", "reason": str(exc)}
            except Exception as exc:
                # One topic's failure must not cost the others their digest; raised below.
                logger.exception("classify failed")
                results[message.topic] = {"status": "failed", "error": repr(exc)}
                failures.append(f"{message.topic}: {exc!r}")
            else:
                logger.info("classified", extra={"key": classified.key,
                                                 "articles": len(classified.articles)})
                results[message.topic] = {"status": "ok", "key": classified.key,
                                          "articles": len(classified.articles)}

    for status, name in (("ok", "TopicsClassified"), ("empty", "TopicsEmpty"),
                         ("failed", "TopicsFailed")):
        count = sum(1 for result in results.values() if result["status"] == status)
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
    if failures:
        # Raising fails the invocation: its SQS message becomes visible again and is retried
        # until the queue's redrive policy moves it to the dead-letter queue. A retry rewrites
        # the topics that succeeded with the same bytes (a pure function of the stored runs).
        raise RuntimeError(f"classify failed for {len(failures)} topic(s): "
                           + "; ".join(failures))
    return {"date": messages[0].date, "topics": results}
