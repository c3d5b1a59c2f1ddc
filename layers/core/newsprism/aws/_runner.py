"""The run of a stage in a Lambda handler (issue 18): one loop, one failure policy and one set
of metrics for fetch, classify, summarize and render. A handler is its stage call and
``return run_stage("classify", event, context, classify, tools)``.

Work items. An item is one topic on one day. Fetch and classify take theirs from the
dispatcher's topic messages (``TopicMessage``: SQS records, or by hand ``{"topic": ...}`` /
``{"topics": [...]}``); summarize and render from S3 "Object Created" events under their
prefix (``classified/``, ``digests/``), delivered by EventBridge itself or as the bodies of
SQS messages (render's FIFO queue). The stage call gets the item and the invocation's
``Resources`` and returns ``Done``.

The failure policy, the same for every stage:

* Each item runs inside ``work_item``: its log lines carry topic, date, run and correlation id.
* An item ends ``ok`` (it wrote ``Done.key``), ``empty`` (``Done(empty=reason)``: nothing to
  write, which a retry would not change), ``skipped`` or ``failed``.
* Skipped, logged with the reason and never retried, since a retry could never succeed: a
  message or an S3 key that is not the stage's (a stray upload such as
  ``digests/us-china/notes.txt``, a body that is not a topic message, a message for the other
  stage), and a topic that left the configuration since it was dispatched
  (``Resources.topic``, the one place that checks).
* A failed item is logged with its traceback and the other items go on.
* From SQS (the template sets ``ReportBatchItemFailures`` on the three queue mappings), each
  message is a record of Powertools' batch processing: a message with a failed item is
  listed in the response's ``batchItemFailures``, so SQS retries it alone and the others are
  deleted. Fetch and classify (BatchSize 1) fail the invocation when their message fails,
  since Powertools raises when a whole batch failed, and the function's Errors alarm sees it.
  From a FIFO queue (render) ``SqsFifoPartialProcessor`` keeps the order: it stops at the
  first failed message and reports it and every later one, which are retried in order.
  Renders are safe at once (the site's shared documents are updated by compare-and-swap),
  but one message group keeps a topic's days in order and never runs past a digest that
  failed.
* Otherwise (summarize's asynchronous invocation, a test or console event) every item runs,
  then a failure raises ``ItemsFailed`` naming the failed items: Lambda's asynchronous retry,
  then the dead-letter queue, applies. The retry repeats the items that succeeded, which the
  stages make harmless (each rewrites the same bytes, or fetch adds a run file). An event
  that names no work at all (no topic, no S3 object) raises ``ValueError``: a caller's
  mistake, shown to the caller.

Metrics, with the same names for every stage, under the dimensions ``service`` and
``stage`` (five values, so a handful of custom metrics, never one per topic): ``ItemsOk``,
``ItemsEmpty``, ``ItemsSkipped``, ``ItemsFailed``, ``StageSeconds`` (the invocation's work),
and the counts the stage calls return (``Done.counts``), summed over the invocation. They are
recorded even when the invocation fails.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from newsprism.aws._events import (
    STAGES,
    event_in_body,
    event_now,
    object_keys,
    object_version,
    read_message,
    sqs_bodies,
    topic_messages,
)
from newsprism.aws._observability import Powertools, work_item
from newsprism.aws._runtime import data_store, load_runtime_config, site_store
from newsprism.documents import CLASSIFIED, DIGESTS, parse_daily_key

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from newsprism.aws._events import TopicMessage
    from newsprism.config import Config, Topic
    from newsprism.store import Store

Event = dict[str, Any]
Response = dict[str, Any]

# The S3 objects that start the stages not fed by the dispatcher.
OBJECT_PREFIXES = {"summarize": CLASSIFIED, "render": DIGESTS}
METRICS = {"ok": "ItemsOk", "empty": "ItemsEmpty", "skipped": "ItemsSkipped",
           "failed": "ItemsFailed"}


class Skip(Exception):
    """Not this stage's work: logged with the reason, counted as skipped, never retried."""


class ItemsFailed(RuntimeError):
    """Items of a message or of an invocation failed; the message names them and why."""


@dataclass(frozen=True)
class WorkItem:
    """One topic on one day, as a stage is asked to do it."""

    topic: str
    date: str  # YYYY-MM-DD
    now: datetime  # the run's clock (a message's ``now``; an S3 event's time)
    run_id: str  # the scheduled run, or which write of the object (its version)
    correlation_id: str = ""  # the id of the event that started the run
    source: str = ""  # the SQS message id or the S3 key it came from


class Done:
    """What a stage call did with its item: ``key``, the object it wrote; ``counts``, the
    stage's own metrics (summed over the invocation); ``empty``, why there was nothing to
    write; ``details``, more fields for the item's log line."""

    def __init__(self, key: str = "", counts: Mapping[str, int] | None = None, *,
                 empty: str = "", **details: Any) -> None:
        self.key = key
        self.counts = dict(counts or {})
        self.empty = empty
        self.details = details


class Resources:
    """What the stage calls of one invocation share, each made on first use (a render never
    reads the topics file). Read per invocation, not at import: a bad configuration fails
    the items with its own message, and a topics file uploaded to S3 applies from the next
    invocation."""

    def __init__(self, context: LambdaContext, environ: Mapping[str, str] = os.environ) -> None:
        self.context = context
        self.environ = environ

    @cached_property
    def config(self) -> Config:
        return load_runtime_config(self.environ)

    @cached_property
    def data(self) -> Store:
        return data_store(self.environ)

    @cached_property
    def site(self) -> Store:
        return site_store(self.environ)

    def topic(self, item: WorkItem) -> Topic:
        """The item's topic as configured. One that left the configuration since it was
        dispatched is skipped: nothing would come of a retry."""
        for topic in self.config.topics:
            if topic.id == item.topic:
                return topic
        raise Skip("topic no longer configured")

    def seconds_left(self) -> float:
        """The time the invocation has left, for a stage that can stop early (fetch)."""
        return self.context.get_remaining_time_in_millis() / 1000


StageCall = Callable[[WorkItem, Resources], Done]


def run_stage(stage: str, event: Event, context: LambdaContext, call: StageCall,
              tools: Powertools) -> Response:
    """Run ``call`` on every item of ``event`` under the failure policy above; the response.

    From SQS: Powertools' partial batch response, ``{"batchItemFailures": [...]}``. Otherwise
    ``{"stage": ..., "items": [...]}``, one entry per item: ``topic``, ``date``, ``status``
    and ``key``, ``reason`` or ``error``; or ``ItemsFailed`` when an item failed.
    """
    run = _Run(stage, call, tools, Resources(context))
    started = time.monotonic()
    try:
        if sqs_bodies(event):
            return run.batch(event, context)
        return run.direct(event)
    finally:
        run.record_metrics(time.monotonic() - started)


class _Run:
    """One invocation of a stage: its items' outcomes, tallied."""

    def __init__(self, stage: str, call: StageCall, tools: Powertools, env: Resources) -> None:
        if stage not in STAGES and stage not in OBJECT_PREFIXES:
            raise ValueError(f"unknown stage {stage!r}")
        self.stage, self.call, self.env = stage, call, env
        self.logger, self.metrics, self.tracer = tools
        self.statuses: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self.report: list[dict[str, Any]] = []

    # -- where the items come from -------------------------------------------------------

    def batch(self, event: Event, context: LambdaContext) -> Response:
        # Imported with the first SQS event: its data classes stay out of every cold start.
        from aws_lambda_powertools.utilities.batch import (
            BatchProcessor,
            EventType,
            SqsFifoPartialProcessor,
            process_partial_response,
        )

        fifo = any(str(record.get("eventSourceARN", "")).endswith(".fifo")
                   for record in event["Records"])
        processor = SqsFifoPartialProcessor() if fifo else BatchProcessor(EventType.SQS)
        response = process_partial_response(event=event, record_handler=self.message,
                                            processor=processor, context=context)
        return {"batchItemFailures": list(response["batchItemFailures"])}

    def message(self, record: SQSRecord) -> None:
        """Powertools' record handler: one SQS message, failed if one of its items failed."""
        where = f"SQS message {record.message_id}"
        try:
            if self.stage in OBJECT_PREFIXES:
                items = self.objects(event_in_body(record.body, where=where), record.message_id)
            else:
                items = [_item(read_message(record.body, self.stage, where=where),
                               record.message_id)]
        except (ValueError, KeyError, TypeError) as exc:  # a body of another shape
            self.skipped(f"{where}: {exc!r}" if not isinstance(exc, ValueError) else str(exc),
                         source=record.message_id)
            return
        self.attempt_all(items, where)

    def direct(self, event: Event) -> Response:
        if self.stage in OBJECT_PREFIXES:
            items = self.objects(event, "")
        else:
            items = [_item(message, "") for message in topic_messages(event, self.stage)]
        self.attempt_all(items, "the event")
        return {"stage": self.stage, "items": self.report}

    def objects(self, event: Mapping[str, Any], source: str) -> list[WorkItem | Skip]:
        """The items of an S3 "Object Created" event (their source: the SQS message, else
        the key); a key of another shape is skipped."""
        items: list[WorkItem | Skip] = []
        for key in object_keys(event):
            try:
                topic, date = parse_daily_key(key, OBJECT_PREFIXES[self.stage])
            except ValueError as exc:
                items.append(Skip(str(exc)))
                continue
            items.append(WorkItem(topic, date, event_now(event), object_version(event),
                                  str(event.get("id", "")), source or key))
        return items

    # -- the items' runs -----------------------------------------------------------------

    def attempt_all(self, items: list[WorkItem | Skip], where: str) -> None:
        """Every item, whatever became of the others; ``ItemsFailed`` naming the failures."""
        errors = [error for item in items if (error := self.attempt(item))]
        if errors:
            raise ItemsFailed(f"{self.stage} failed in {where}: " + "; ".join(errors))

    def attempt(self, item: WorkItem | Skip) -> str:
        """Run one item; what went wrong, if it failed, else ``""``."""
        if isinstance(item, Skip):
            self.skipped(str(item))
            return ""
        with work_item(self.logger, self.tracer, topic=item.topic, date=item.date,
                       run_id=item.run_id, correlation_id=item.correlation_id):
            try:
                done = self.call(item, self.env)
            except Skip as skip:
                self.skipped(str(skip), item=item)
                return ""
            except Exception as exc:
                error = f"{item.topic}/{item.date}: {exc!r}"
                # Logged here, inside work_item, so the traceback carries the item's keys.
                self.logger.exception(f"{self.stage}: failed", extra={
                    "status": "failed", "source": item.source, "error": repr(exc)})
                self.tally("failed", item, error=repr(exc))
                return error
            self.counts.update(done.counts)
            status = "empty" if done.empty else "ok"
            fields = {"reason": done.empty} if done.empty else {"key": done.key}
            fields = {name: value for name, value in fields.items() if value}  # render: no key
            log = self.logger.info if status == "ok" else self.logger.warning
            log(f"{self.stage}: {status}", extra={"status": status, "source": item.source,
                                                  **fields, **done.counts, **done.details})
            self.tally(status, item, **fields)
        return ""

    def skipped(self, reason: str, *, item: WorkItem | None = None, source: str = "") -> None:
        source = item.source if item else source
        self.logger.warning(f"{self.stage}: skipped", extra={
            "status": "skipped", "reason": reason, "source": source})
        self.tally("skipped", item, reason=reason, **({"source": source} if source else {}))

    def tally(self, status: str, item: WorkItem | None, **fields: str) -> None:
        self.statuses[status] += 1
        named = {"topic": item.topic, "date": item.date} if item else {}
        self.report.append({**named, "status": status, **fields})

    def record_metrics(self, seconds: float) -> None:
        self.metrics.add_dimension(name="stage", value=self.stage)
        for status, name in METRICS.items():
            # CloudWatch bills each metric that receives data in an hour: the rare outcomes
            # are sent only when they happen, the ones alarms and dashboards watch always.
            if self.statuses[status] or status in ("ok", "failed"):
                self.metrics.add_metric(name=name, unit=MetricUnit.Count,
                                        value=self.statuses[status])
        for name, count in sorted(self.counts.items()):
            self.metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
        self.metrics.add_metric(name="StageSeconds", unit=MetricUnit.Seconds,
                                value=round(seconds, 3))


def _item(message: TopicMessage, source: str) -> WorkItem:
    return WorkItem(message.topic, message.date, message.now, message.run_id,
                    message.correlation_id, source)

