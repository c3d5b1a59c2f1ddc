"""The shared corpus rebuilt with the product defaults: no article under a side its outlet is
not from (issue 19). Figures: ``bench/corpus_sides.py``."""

from __future__ import annotations

from tests.conformance import corpus_paths
from tests.conftest import require_shared
from tests.corpus_sides import rebuild


def test_no_listed_article_sits_under_a_side_the_registry_says_it_is_not_from() -> None:
    corpus = require_shared("corpus/news-summarizer")
    tally = rebuild(corpus_paths(corpus))
    assert tally.digests > 400  # the rest list days outside the product's 24-hour window
    assert tally.misattributed == []
    # The third countries' reports are there, apart, not dropped.
    assert tally.listed["other"] > 1000
