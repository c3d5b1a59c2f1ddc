"""The classify stage: from the raw runs of a window to the balanced list a digest shows."""

from newsprism.classify._stage import NothingToList, classify_topic

__all__ = ["NothingToList", "classify_topic"]
