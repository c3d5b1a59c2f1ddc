"""The extractive summarizer: offline, deterministic, nothing invented (issue 6).

Every bullet is a listed headline, cleaned of wire prefixes ("UPDATE 1-") and of the outlet's
name tacked on at the end (" | Reuters"), written as a sentence, and it cites the listed
articles that report that story. Stories rank by coverage — how many perspectives, then how
many outlets reported them — and then by recency; a section never names one story twice.

Only reports that count as a side's coverage (``Classified.counts``) make a story wider, as
for the site's blindspots: under "source" attribution an outlet a side's search found but
whose country is unknown is no evidence that the side covered it, and the other countries'
outlets are no side at all (issue 19). A story only other countries' outlets reported comes
after the sides' stories in the overall section: a bare headline there would read as the
digest's own news. A side's section takes its verified outlets' stories first. Under "feed"
attribution every report counts and nothing is listed apart, so the bullets are as before.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from newsprism.documents import (
    OTHER,
    Bullet,
    Classified,
    Highlights,
    ListedArticle,
    RelatedReport,
)
from newsprism.text import as_sentence, story_key

# " - Reuters", " | Reuters", " — Reuters": the separators outlets put before their own name.
_SUFFIX_SEPARATOR = re.compile(r"\s+[-|–—]\s*$")


def strip_outlet_suffix(title: str, outlet: str) -> str:
    """``title`` without a trailing `` - {outlet}`` / `` | {outlet}`` (any case).

    Only the article's own outlet is stripped, so "Talks in Geneva - Analysis" or
    "China - US" keep their dash.
    """
    name = outlet.strip()
    if not name or len(title) <= len(name) or not title.casefold().endswith(name.casefold()):
        return title
    head = title[: -len(name)]
    separator = _SUFFIX_SEPARATOR.search(head)
    if separator is None or separator.start() == 0:
        return title
    return head[: separator.start()].rstrip()


def bullet_text(listed: ListedArticle) -> str:
    """A listed headline as a highlight: no wire prefix, no outlet suffix, a sentence."""
    return as_sentence(strip_outlet_suffix(listed.article.title, listed.article.source))


@dataclass
class _Story:
    """The listed reports of one story (several in "list" mode) and who covered it."""

    reports: list[ListedArticle]
    perspectives: set[str]  # the sides whose counted reports cover it (never OTHER)
    outlets: set[str]
    newest: datetime
    first: int  # listing position of its first report, the last tie-breaker
    counted: list[ListedArticle]  # its reports that count as their side's coverage

    @property
    def other_only(self) -> bool:
        """Listed only in the "Other countries" group: no side reported it."""
        return all(report.perspective == OTHER for report in self.reports)

    def rank(self) -> tuple[int, bool, int, float, int]:
        return (-len(self.perspectives), self.other_only, -len(self.outlets),
                -self.newest.timestamp(), self.first)


def stories(classified: Classified) -> list[_Story]:
    """The listed articles grouped by story, best covered first.

    Two listed articles are one story when classify gave them the same story id or their
    cleaned headlines match (``story_key``): in ``stories = "list"`` mode the same wire story
    is listed once per outlet.
    """
    by_key: dict[str, _Story] = {}
    ordered: list[_Story] = []
    for position, listed in enumerate(classified.articles):
        keys = (f"story:{listed.story}", f"title:{story_key(bullet_text(listed))}")
        story = next((by_key[key] for key in keys if key in by_key), None)
        if story is None:
            story = _Story([], set(), set(), listed.article.published, position, [])
            ordered.append(story)
        for key in keys:
            by_key.setdefault(key, story)
        story.reports.append(listed)
        if classified.counts(listed):
            story.counted.append(listed)
        story.perspectives |= {p for p in listed.covered_by if p != OTHER}
        reports: list[ListedArticle | RelatedReport] = [listed, *listed.related]
        story.perspectives |= {r.perspective for r in reports
                               if r.perspective and classified.counts(r)}
        story.outlets |= {listed.article.source, *(r.source for r in listed.related)}
        story.newest = max(story.newest, listed.article.published)
    return sorted(ordered, key=_Story.rank)


def extractive_highlights(classified: Classified, count: int) -> Highlights:
    """Overall: the stories most perspectives and outlets covered, turn about between
    perspectives among equally covered ones, the other countries' after the sides'. Per
    perspective: its own best-covered stories, those its verified outlets reported first."""
    ranked = stories(classified)
    perspectives = {}
    for info in classified.perspectives:
        mine = [s for s in ranked if any(r.perspective == info.id for r in s.reports)]
        # Stable: under "feed" attribution every report counts and the order is the rank's.
        mine.sort(key=lambda s: not any(r.perspective == info.id for r in s.counted))
        perspectives[info.id] = tuple(_bullet(story, info.id) for story in mine[:count])
    return Highlights(overall=tuple(_bullet(s, None) for s in _balanced(ranked, count)),
                      perspectives=perspectives)


def _balanced(ranked: list[_Story], count: int) -> list[_Story]:
    """The best ``count`` stories, where among stories that as many perspectives covered the
    one from the perspective with fewest bullets so far goes first: the overall section of a
    "US vs China" digest should not read as one side's news only, nor open with a story only
    a third country's outlets reported."""
    chosen: list[_Story] = []
    used: Counter[str] = Counter()
    remaining = list(ranked)
    while remaining and len(chosen) < count:
        tier_of = remaining[0].rank()[:2]
        tier = [story for story in remaining if story.rank()[:2] == tier_of]
        pick = min(tier, key=lambda story: (used[story.reports[0].perspective], story.rank()))
        remaining.remove(pick)
        chosen.append(pick)
        used[pick.reports[0].perspective] += 1
    return chosen


def _bullet(story: _Story, perspective: str | None) -> Bullet:
    """The story's bullet in a section: its first report there gives the text (a counted one
    when there is one: a side's own outlet rather than one its search found), and it cites
    every report of the story listed there (all of them in the overall section)."""
    reports = [r for r in story.reports if perspective is None or r.perspective == perspective]
    voice = next((r for r in story.counted if r in reports), reports[0])
    return Bullet(text=bullet_text(voice),
                  sources=tuple(dict.fromkeys(r.article.id for r in reports)))
