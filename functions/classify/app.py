"""Lambda: build the day's article selection, ``classified/{topic}/{date}.json``, per topic.

Runs on the ClassifySchedule rule (the event's ``time`` is the run's clock). A manual event
``{"topics": ["us-china"], "now": "2026-02-12T04:10:00Z"}`` rebuilds chosen topics and days.
Each stored selection triggers the summarize function through S3 -> EventBridge.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsprism.classify import NothingToList, classify_topic
from newsprism.config import load_config
from newsprism.events import event_now, event_topics
from newsprism.store import open_store

logger = Logger()
metrics = Metrics(namespace="newsprism")


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    config = load_config(os.environ.get("NEWSPRISM_CONFIG") or None)
    data = open_store(os.environ["DATA_URI"])
    now = event_now(event)

    results: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    for topic in config.select(event_topics(event)):
        try:
            classified = classify_topic(config, topic, data, now)
        except NothingToList as exc:
            # Not retried: the same raw runs would give the same empty list. The metric and
            # the warning are how an operator learns that a topic went quiet.
            logger.warning("no digest", extra={"topic": topic.id, "reason": str(exc)})
            results[topic.id] = {"status": "empty", "reason": str(exc)}
        except Exception as exc:
            # One topic's failure must not cost the others their digest; it is raised below.
            logger.exception("classify failed", extra={"topic": topic.id})
            results[topic.id] = {"status": "failed", "error": repr(exc)}
            failures.append(f"{topic.id}: {exc!r}")
        else:
            logger.info("classified", extra={"topic": topic.id, "key": classified.key,
                                             "articles": len(classified.articles)})
            results[topic.id] = {"status": "ok", "key": classified.key,
                                 "articles": len(classified.articles)}

    for status, name in (("ok", "TopicsClassified"), ("empty", "TopicsEmpty"),
                         ("failed", "TopicsFailed")):
        count = sum(1 for result in results.values() if result["status"] == status)
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
    if failures:
        # Raising makes the invocation count as failed: Lambda retries it and then hands it
        # to the dead-letter queue. A retry rewrites the topics that succeeded with the
        # same bytes (the stage is a pure function of the stored runs and the clock).
        raise RuntimeError(f"classify failed for {len(failures)} topic(s): "
                           + "; ".join(failures))
    return {"date": now.date().isoformat(), "topics": results}
