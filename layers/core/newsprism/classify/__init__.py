"""The classify stage: from the raw runs of a window to the balanced list a digest shows.

``select`` is the decision alone (no store, no I/O); ``classify_topic`` reads its inputs
from the store and writes its result.
"""

from newsprism.classify._select import NothingToList, select
from newsprism.classify._stage import classify_topic, from_environment
from newsprism.classify._stories import Listing, read_listing

__all__ = ["Listing", "NothingToList", "classify_topic", "from_environment", "read_listing",
           "select"]
