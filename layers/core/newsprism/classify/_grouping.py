"""Grouping reports into stories without comparing all pairs, whatever the input (issue 20).

Headlines with the same words in the same order are joined at once (syndicated copies);
the first of them stands for all. The others are compared only with candidates from an
inverted index of their tokens:

- a token indexes its first ``MAX_POSTING`` reports only, so a word that every report has
  ("China" in a US-China window; "trade talks update" in a feed repeating it thousands of
  times) costs each report a bounded number of look-ups, not one per other report;
- each report is compared with at most ``MAX_CANDIDATES`` earlier reports: those sharing
  the most token weight with it (rarer tokens weigh more), the earlier one on a tie.

The work therefore grows with the number of reports, not with its square. The price: when
more than ``MAX_CANDIDATES`` earlier reports share as much with a report, or a pair shares
only tokens that more than ``MAX_POSTING`` earlier reports have, that pair is not compared;
a story still forms through the earlier reports it is compared with.

A compared pair is one story by the copy rule (``_headlines.same_story``) or by the event
rule (``_events.judge``). The pairs the event rule is unsure of and the pairs in two
languages go to ``confirm`` in one call, at most ``MAX_CONFIRM`` of them, the best-scored
first, once the rest is decided; pairs already in one story are not asked about. Its answer
replaces the offline decision; None keeps it. Stories are the connected components of the
joined pairs (union-find); a join by the event rule also needs the two stories' first
reports to be linked (``_events.linked``), so that a chain of reports, each like the next,
does not make one story of several events.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

from newsprism.classify._events import (
    CROSS_ASK_FROM,
    OFFLINE,
    Confirm,
    Window,
    judge,
    linked,
)
from newsprism.classify._headlines import Headline, same_story
from newsprism.classify._reports import EventText

MAX_POSTING = 64  # reports a token indexes: its first ones
MAX_CANDIDATES = 16  # earlier reports a report is compared with, best first
MAX_CONFIRM = 200  # pairs given to the model per classification, best-scored first


class Forest:
    """Union-find over report indices; a component's root is its smallest index."""

    def __init__(self, size: int) -> None:
        self._parent = list(range(size))

    def root(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.root(i), self.root(j)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def groups(self) -> list[list[int]]:
        """Indices by component, each ascending, in the order of their first index."""
        groups: dict[int, list[int]] = {}
        for i in range(len(self._parent)):
            groups.setdefault(self.root(i), []).append(i)
        return list(groups.values())


def _twins(headlines: Sequence[Headline], forest: Forest) -> list[int]:
    """Join the reports whose headlines have the same words in the same order ("US
    sanctions China" and "China sanctions US" have the same words); the first of each kind,
    in order, to be compared."""
    first_of: dict[tuple[frozenset[str], tuple[str, ...]], int] = {}
    distinct = []
    for i, headline in enumerate(headlines):
        key = (headline.words, headline.sequence)
        if headline.words and (twin := first_of.get(key)) is not None:
            forest.join(i, twin)
        else:
            first_of[key] = i
            distinct.append(i)
    return distinct


def candidates(tokens: Sequence[Collection[str]], weight: Callable[[str], float],
               order: Callable[[str], tuple[int, str]]) -> Iterator[list[tuple[int, float]]]:
    """For each position in turn, the earlier positions to compare it with (module
    docstring) and the token weight they share. Tokens are visited in ``order``, so that
    sums of weights, and ties, are the same on every run."""
    postings: dict[str, list[int]] = {}
    for i, own in enumerate(tokens):
        shared: dict[int, float] = {}
        get = shared.get
        for token in sorted(own, key=order):
            listed = postings.get(token)
            if listed is None:
                postings[token] = [i]
                continue
            w = weight(token)
            for j in listed:
                shared[j] = get(j, 0.0) + w
            if len(listed) < MAX_POSTING:
                listed.append(i)
        # Most shared weight first, the earlier report on a tie (the sort is stable).
        best = sorted(sorted(shared), key=shared.__getitem__, reverse=True)[:MAX_CANDIDATES]
        yield [(j, shared[j]) for j in best]


@dataclass(frozen=True)
class _Open:
    """A pair decided offline that the model may decide otherwise."""

    score: float
    first: int
    second: int
    offline: bool


def group_reports(texts: Sequence[EventText], *,
                  confirm: Confirm | None = None) -> list[list[int]]:
    """Indices of ``texts`` grouped into stories (copies and reports of one event), each
    group ascending, groups in the order of their first member."""
    forest = Forest(len(texts))
    distinct = _twins([t.headline for t in texts], forest)
    reports = [texts[i] for i in distinct]
    window = Window(reports)
    open_pairs: list[_Open] = []
    found = candidates([t.tokens for t in reports], window.weight,
                       lambda t: (window.df[t], t))
    for i, earlier in enumerate(found):
        later = reports[i]
        total = window.total(later)
        for j, together in earlier:
            first, second = distinct[j], distinct[i]
            if forest.root(first) == forest.root(second):
                continue
            if same_story(later.headline, reports[j].headline):
                forest.join(first, second)
                continue
            # What they share over their headlines' weights bounds the score from above:
            # most candidates are too far apart to be worth judging.
            if together < CROSS_ASK_FROM * math.sqrt(total * window.total(reports[j])):
                continue
            verdict, score = judge(reports[j], later, window)
            if verdict == "same":
                _join_event(texts, forest, window, first, second)
            elif verdict != "apart":
                open_pairs.append(_Open(score, first, second, OFFLINE[verdict]))
    _settle(texts, open_pairs, forest, window, confirm)
    return forest.groups()


def _join_event(texts: Sequence[EventText], forest: Forest, window: Window, first: int,
                second: int) -> None:
    a, b = forest.root(first), forest.root(second)
    if a != b and ({a, b} == {first, second} or linked(texts[a], texts[b], window)):
        forest.join(a, b)


def _settle(texts: Sequence[EventText], open_pairs: list[_Open], forest: Forest,
            window: Window, confirm: Confirm | None) -> None:
    """Ask ``confirm`` once about the open pairs not yet in one story, then join each pair
    by its answer, or by the offline decision."""
    asked = sorted((p for p in open_pairs if forest.root(p.first) != forest.root(p.second)),
                   key=lambda p: (-p.score, p.first, p.second))
    answers: list[bool | None] = [None] * len(asked)
    if confirm is not None and asked:
        shown = [(texts[p.first].text, texts[p.second].text) for p in asked[:MAX_CONFIRM]]
        given = list(confirm(shown))
        if len(given) != len(shown):
            raise ValueError(f"confirm answered {len(given)} of {len(shown)} pairs")
        answers[:len(given)] = given
    for pair, answer in zip(asked, answers, strict=True):
        if pair.offline if answer is None else answer:
            _join_event(texts, forest, window, pair.first, pair.second)


def group_headlines(headlines: Sequence[Headline]) -> list[list[int]]:
    """Copies and near-copies only (``_headlines.same_story``), through the same bounded
    candidates, the headlines' content words weighing 1/(reports having them)."""
    forest = Forest(len(headlines))
    distinct = _twins(headlines, forest)
    content = [headlines[i].content for i in distinct]
    df = Counter(word for words in content for word in words)
    for i, earlier in enumerate(candidates(content, lambda w: 1 / df[w], lambda w: (df[w], w))):
        for j, _ in earlier:
            first, second = distinct[j], distinct[i]
            if (forest.root(first) != forest.root(second)
                    and same_story(headlines[second], headlines[first])):
                forest.join(first, second)
    return forest.groups()
