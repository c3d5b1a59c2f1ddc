"""The summarize stage: highlights for the digest, overall and per perspective."""

from newsprism.summarize._stage import from_environment, summarize, summarize_topic

__all__ = ["from_environment", "summarize", "summarize_topic"]
