"""The classify stage: read the window's raw runs and the previous digest from the store,
decide with ``_select.select``, and write ``classified/{topic}/{date}.json``.

All the decisions are in ``_select.py``; this module holds what touches the store: which run
files are read (a damaged one is skipped, not fatal), where the previous digest is looked
for, and when an existing classification is kept rather than replaced; and the matcher
model (``_confirm.py``) that ``settings.matcher`` names, whose note is stored with the result.

A classification with exactly the stored bytes is not written again (issue 21): every S3 write
is an "Object Created" event, and a redelivered classify would otherwise start summarize (a
paid model call) and render for nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from newsprism import documents
from newsprism.classify._confirm import model_confirm
from newsprism.classify._select import NothingToList, select
from newsprism.classify._stories import Listing, read_listing
from newsprism.config import Config, Topic, model_from_environment
from newsprism.documents import Classified, RawRun
from newsprism.llm import ModelClient
from newsprism.outlets import load_registry
from newsprism.store import NotFound, Store

__all__ = ["NothingToList", "classify_topic", "from_environment", "load_runs",
           "previous_listing"]

log = logging.getLogger(__name__)

# How far back to look for "the topic's previous digest" (a paused schedule leaves gaps).
PREVIOUS_DIGEST_LOOKBACK_DAYS = 7


def classify_topic(config: Config, topic: Topic, data: Store, now: datetime,
                   matcher: ModelClient | None = None) -> Classified:
    """Classify one topic for the digest of ``now``'s UTC date and store the result; when
    the store holds exactly these bytes already, nothing is written and the result is marked
    ``unchanged``.

    ``matcher`` replaces the model client ``settings.matcher`` names (tests, other services).
    """
    settings = config.settings
    runs, run_keys, damaged = load_runs(data, topic.id, now - settings.max_age, now)
    # The previous digest only matters when repeats are dropped: otherwise it is not read.
    previous = (None if settings.repeat_stories
                else previous_listing(data, topic.id, now.date().isoformat()))
    confirm = model_confirm(config, matcher)
    classified = select(runs, previous, topic, settings, now, load_registry(),
                        run_keys=run_keys, damaged_runs=len(damaged), confirm=confirm)
    if confirm is not None and confirm.note:
        classified = replace(classified, matcher_note=confirm.note)
    if damaged:
        _keep_what_damaged_runs_built(data, classified.key, damaged)
    document = documents.dumps(classified.to_dict())
    if _stored_bytes(data, classified.key) == document:
        log.info("%s unchanged: the stored classification has these bytes, nothing written",
                 classified.key)
        return replace(classified, unchanged=True)
    data.write(classified.key, document)
    return classified


def from_environment(config: Config, environ: Mapping[str, str]) -> Config:
    """``config`` with the template's Matcher parameters applied (``NEWSPRISM_MATCHER``,
    ``NEWSPRISM_MATCHER_MODEL``, ``_BASE_URL``, ``_API_KEY_PARAMETER``): they also grant the
    classify function the model, so they win over the topics file."""
    return model_from_environment(config, environ, "matcher")


def _stored_bytes(data: Store, key: str) -> bytes | None:
    """The stored object's bytes; None when there is none or it cannot be read (logged), and
    then the classification is written, as it always was."""
    try:
        return data.read(key)
    except NotFound:
        return None
    except Exception as exc:  # e.g. no read access to classified/: write, which is safe
        log.warning("cannot read the stored classification %s: %s", key, exc)
        return None


def _keep_what_damaged_runs_built(data: Store, key: str, damaged: list[str]) -> None:
    """Raise NothingToList when the stored classification was built from a run that is now
    damaged: it holds articles a new one cannot (issue 9: never replace data with less)."""
    try:
        runs = documents.loads(data.read(key), name=key).get("runs")
    except (NotFound, documents.SchemaError):
        return
    lost = sorted(set(damaged) & set(map(str, runs if isinstance(runs, list) else [])))
    if lost:
        raise NothingToList(f"{key} kept: it was built from {lost[0]}, which is now damaged")
def load_runs(data: Store, topic_id: str, start: datetime,
              end: datetime) -> tuple[list[RawRun], list[str], list[str]]:
    """Every raw run of the topic fetched in ``(start, end]``, oldest first.

    A damaged run file is logged and skipped (returned in the third list): one bad object
    must not cost the whole digest.
    """
    runs: list[RawRun] = []
    keys: list[str] = []
    damaged: list[str] = []
    day = start.date()
    while day <= end.date():
        for key in data.list(documents.raw_day_prefix(topic_id, day)):
            if not key.endswith(".json"):
                continue
            try:
                run = RawRun.from_dict(documents.loads(data.read(key), name=key))
            except (documents.SchemaError, KeyError, TypeError, ValueError) as exc:
                log.warning("skipping damaged raw run %s: %s", key, exc)
                damaged.append(key)
                continue
            if start < run.fetched_at <= end:
                runs.append(run)
                keys.append(key)
        day += timedelta(days=1)
    order = sorted(range(len(runs)), key=lambda i: (runs[i].fetched_at, keys[i]))
    return [runs[i] for i in order], [keys[i] for i in order], damaged


def previous_listing(data: Store, topic_id: str, date: str) -> Listing | None:
    """What the topic's most recent digest before ``date`` listed (None: no digest)."""
    day = datetime.fromisoformat(date).date()
    for back in range(1, PREVIOUS_DIGEST_LOOKBACK_DAYS + 1):
        previous = (day - timedelta(days=back)).isoformat()
        key = documents.digest_key(topic_id, previous)
        try:
            document = documents.loads(data.read(key), name=key)
        except NotFound:
            continue
        except documents.SchemaError as exc:
            log.warning("cannot read previous digest %s: %s", key, exc)
            continue
        return read_listing(document, previous)
    return None
