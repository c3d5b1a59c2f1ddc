"""Grouping without comparing all pairs (issue 20): the bounded candidates, and the same
groups on every run (_grouping.py)."""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404: runs this checkout's Python on a fixed script
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from newsprism.classify import _grouping
from newsprism.classify._grouping import MAX_CANDIDATES, MAX_POSTING, candidates, group_reports
from newsprism.classify._headlines import Headline, same_story
from newsprism.classify._reports import EventText
from tests.conftest import DATA, REPO


def flat(tokens: Sequence[Sequence[str]]) -> list[list[int]]:
    """``candidates`` with every token weighing 1, positions only."""
    return [[j for j, _ in found]
            for found in candidates(tokens, lambda t: 1.0, lambda t: (0, t))]


def test_each_report_is_compared_with_at_most_max_candidates_the_best_first() -> None:
    # Forty reports share "common"; the last also shares "rare" with report 30: that one
    # comes first, then the earliest of the others, MAX_CANDIDATES in all.
    tokens: list[tuple[str, ...]] = [("common", f"own{i}") for i in range(40)]
    tokens[30] = ("common", "rare")
    tokens.append(("common", "rare", "last"))
    found = flat(tokens)
    assert found[-1] == [30, *range(MAX_CANDIDATES - 1)]
    assert all(len(earlier) == min(i, MAX_CANDIDATES) for i, earlier in enumerate(found[:40]))


def test_a_token_indexes_only_its_first_max_posting_reports() -> None:
    # A word every report has costs each report MAX_POSTING look-ups at most: a report sharing
    # only it with reports past the first MAX_POSTING is not compared with those.
    tokens: list[tuple[str, ...]] = [("everywhere",) for _ in range(MAX_POSTING + 10)]
    tokens.append(("everywhere", "late"))
    found = list(candidates(tokens, lambda t: 1.0, lambda t: (0, t)))
    assert found[-1] == [(j, 1.0) for j in range(MAX_CANDIDATES)]
    assert max(j for earlier in found for j, _ in earlier) < MAX_POSTING


def test_runaway_feeds_of_look_alike_titles_stay_apart_at_bounded_cost(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Titles sharing most words: each is compared with MAX_CANDIDATES earlier ones at most,
    # and their numbers keep them apart.
    titles = [f"China US trade talks update {n}" for n in range(500)]
    compared: list[int] = []

    def counting(a: Headline, b: Headline) -> bool:
        compared.append(1)
        return same_story(a, b)

    monkeypatch.setattr(_grouping, "same_story", counting)
    assert group_reports([EventText.of(t) for t in titles]) == [[i] for i in range(500)]
    assert len(compared) == sum(min(i, MAX_CANDIDATES) for i in range(500))


SCRIPT = """
import json, sys
from newsprism.classify._grouping import group_reports
from newsprism.classify._reports import EventText
titles = json.load(sys.stdin)
print(json.dumps(group_reports([EventText.of(t, language="en") for t in titles])))
"""


def test_the_same_reports_make_the_same_groups_whatever_the_hash_seed() -> None:
    # Sets of words iterate in an order that changes with PYTHONHASHSEED: grouping must not
    # depend on it (sums of weights, ties between candidates).
    titles = [line.split("\t")[i] for line in (DATA / "story_pairs.tsv").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith("#") for i in (3, 4)]
    results = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed,
               "PYTHONPATH": os.pathsep.join([str(REPO / "layers" / "core"), str(REPO)])}
        done = subprocess.run([sys.executable, "-c", SCRIPT], input=json.dumps(titles),  # nosec B603
                              capture_output=True, text=True, env=env, check=True,
                              cwd=Path(REPO))
        results.add(done.stdout)
    assert len(results) == 1
    groups = json.loads(results.pop())
    assert sum(len(g) > 1 for g in groups) > 100  # (the sample is mostly pairs of one story)
