"""The fetch stage: every feed of the chosen topics into ``raw/{topic}/{date}/{run}.json``."""

from newsprism.fetch._stage import fetch_topics, run_id

__all__ = ["fetch_topics", "run_id"]
