"""Logs, metrics and traces of the Lambda handlers (Powertools), set up one way for all five.

Every log line of a unit of work carries ``topic``, ``date`` and ``run_id`` (``work_item``)
and the correlation id of the event that started it: the scheduler's execution id, carried
in each topic message from the dispatcher to fetch and classify, or the EventBridge event id
of the S3 "Object Created" event that started summarize or render. CloudWatch Logs Insights
then follows one topic, one day or one run across the five functions:

    fields @timestamp, function_name, level, message
    | filter run_id = "classify-20260212T041000Z" and topic = "us-china"

The package's own loggers (``newsprism.*``, standard ``logging``) are routed through the same
JSON formatter, so their lines carry the keys too. Metrics go to one namespace with the
``service`` dimension (``POWERTOOLS_SERVICE_NAME``, the stack name) and, for the stages,
``stage`` (``_runner``), never a topic dimension: each dimension value is a billed custom
metric, and with hundreds of topics that would cost more than the pipeline. The tracer is
disabled unless the template's ``Tracing`` parameter turns it on
(``POWERTOOLS_TRACE_DISABLED``); then each work item is an X-Ray annotation.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

NAMESPACE = "newsprism"
WORK_KEYS = ("topic", "date", "run_id")
Handler = TypeVar("Handler", bound=Callable[..., Any])


class NoTracer:
    """Stands in for Powertools' Tracer while tracing is off. Even a disabled ``Tracer()``
    imports the X-Ray SDK (and botocore with it) and patches libraries: about half a second
    of every cold start, for traces nobody records (bench/cold_start.py)."""

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        return handler

    def put_annotation(self, key: str, value: str) -> None:
        pass


class XRayTracer(NoTracer):
    """Powertools' Tracer (X-Ray), with the two methods the handlers use typed."""

    def __init__(self) -> None:
        self.tracer = Tracer()  # patches boto3 and httpx: their calls become subsegments

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        return cast(Handler, self.tracer.capture_lambda_handler(handler))

    def put_annotation(self, key: str, value: str) -> None:
        self.tracer.put_annotation(key=key, value=value)


def tracing_disabled(environ: Mapping[str, str] = os.environ) -> bool:
    """``POWERTOOLS_TRACE_DISABLED`` as Powertools reads it (the template sets it)."""
    return environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() in ("1", "true", "yes",
                                                                          "on")


class Powertools(NamedTuple):
    """A handler's logger, metrics and tracer: made once per module, handed to the runner."""

    logger: Logger
    metrics: Metrics
    tracer: NoTracer


def powertools() -> Powertools:
    """The handler's logger, metrics and tracer, with the package's logs routed through it."""
    logger = Logger()
    metrics = Metrics(namespace=NAMESPACE)
    tracer = NoTracer() if tracing_disabled() else XRayTracer()
    # Registered now so that copy_config finds it; the stage modules imported later log
    # through its children (newsprism.fetch._stage, ...), which propagate to it.
    logging.getLogger("newsprism")
    copy_config_to_registered_loggers(source_logger=logger, include={"newsprism"})
    return Powertools(logger, metrics, tracer)


@contextmanager
def work_item(logger: Logger, tracer: NoTracer, *, topic: str, date: str, run_id: str,
              correlation_id: str = "") -> Iterator[None]:
    """Tag every log line inside with the topic, date and run (and correlation id, if any)."""
    logger.append_keys(topic=topic, date=date, run_id=run_id)
    if correlation_id:
        logger.set_correlation_id(correlation_id)
    tracer.put_annotation(key="topic", value=topic)
    tracer.put_annotation(key="run_id", value=run_id)
    try:
        yield
    finally:
        logger.remove_keys(list(WORK_KEYS))
