"""What the Lambda handlers share: their events, the run of a stage per topic, logs and metrics."""

from newsprism.aws._events import (
    event_now,
    event_topics,
    object_events,
    object_keys,
    object_version,
    parse_stage_key,
    scheduled_run_id,
    topic_messages,
)
from newsprism.aws._observability import powertools, work_item
from newsprism.aws._runtime import data_store, load_runtime_config, site_store

__all__ = [
    "data_store", "event_now", "event_topics", "load_runtime_config", "object_events",
    "object_keys", "object_version", "parse_stage_key", "powertools", "scheduled_run_id",
    "site_store", "topic_messages", "work_item",
]
