"""What the Lambda handlers share: their events, the run of a stage per item, logs and metrics."""

from newsprism.aws._events import (
    event_now,
    event_topics,
    object_events,
    object_keys,
    object_version,
    scheduled_run_id,
    topic_messages,
)
from newsprism.aws._fanout import dispatch
from newsprism.aws._observability import Powertools, powertools, work_item
from newsprism.aws._runner import (
    Done,
    Event,
    ItemsFailed,
    Resources,
    Response,
    Skip,
    WorkItem,
    run_stage,
)
from newsprism.aws._runtime import data_store, load_runtime_config, site_store

__all__ = [
    "Done", "Event", "ItemsFailed", "Powertools", "Resources", "Response", "Skip", "WorkItem",
    "data_store", "dispatch", "event_now", "event_topics", "load_runtime_config", "object_events",
    "object_keys", "object_version", "powertools", "run_stage",
    "scheduled_run_id", "site_store", "topic_messages", "work_item",
]
