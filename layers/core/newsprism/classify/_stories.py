"""Stories: the reports of one story listed once, and the previous digest's stories.

Which reports are one story is the copy rule of ``_headlines.py`` and the event rule of
``_events.py``, applied to the candidates ``_grouping.py`` finds. A story's lead, the
report the digest lists, is its earliest complete report; the others are kept with it as
related reports, and the perspectives of all of them say who covered it (a blindspot when
one side only). Against the topic's previous digest a story is a repeat unless a
perspective that did not cover it then covers it now (issue 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from newsprism.classify._events import Confirm
from newsprism.classify._grouping import group_reports
from newsprism.classify._headlines import HeadlineIndex, Headlines, word_ranks
from newsprism.classify._reports import EventText
from newsprism.documents import OTHER, ListedArticle, RelatedReport


@dataclass
class Story:
    """The reports of one story; the first is the lead, the report the digest lists."""

    reports: list[ListedArticle]
    # Whether unverified reports count as their side's coverage ("feed" attribution).
    everyone_counts: bool = True

    @property
    def lead(self) -> ListedArticle:
        return self.reports[0]

    def covered_by(self, order: Sequence[str]) -> tuple[str, ...]:
        """The perspectives its counted reports are from, in configuration order: an
        unverified outlet is not evidence that a side covered the story (issue 19)."""
        present = {report.perspective for report in self.reports
                   if report.verified or self.everyone_counts}
        return tuple(p for p in order if p in present)

    def listed(self, order: Sequence[str]) -> ListedArticle:
        """The lead as the digest lists it: the other outlets' reports kept with it."""
        related = tuple(
            RelatedReport(title=r.article.title, url=r.article.url, source=r.article.source,
                          perspective=r.perspective, id=r.article.id, reason=r.reason,
                          outlet_country=r.outlet_country, verified=r.verified)
            for r in self.reports[1:])
        return replace(self.lead, story=self.lead.article.id, related=related,
                       covered_by=self.covered_by(order))


def _lead_order(report: ListedArticle) -> tuple[bool, bool, bool, datetime]:
    # A side's report leads before another country's, and a verified one before one whose
    # outlet is unknown, so that a story is listed under the side whose own outlets covered
    # it. Then the earliest complete report: a headline Google News cut short ("...") only
    # when every report is cut. Ties keep feed order (the sort is stable). Under "feed"
    # attribution no report is verified, so only the last two count.
    return (report.perspective == OTHER, not report.verified,
            report.article.title.rstrip().endswith(("...", "…")), report.article.published)


def group_stories(articles: Sequence[ListedArticle], *, grouped: bool,
                  headlines: Headlines | None = None, everyone_counts: bool = True,
                  confirm: Confirm | None = None) -> list[Story]:
    """One story per article ("list" mode) or per group of reports of one story (copies and
    reports of one event, ``_grouping.group_reports``), in the order of each story's first
    article. ``confirm`` is asked once, at most, about the pairs the offline rule is unsure
    of (``_events.Confirm``)."""
    if not grouped:
        return [Story([article], everyone_counts) for article in articles]
    headlines = Headlines() if headlines is None else headlines
    texts: dict[tuple[str, str, str, str], EventText] = {}  # syndicated copies: read once
    reports = []
    for listed in articles:
        a = listed.article
        # The outlet's name only matters to tell a summary from the headline repeated.
        key = (a.title, a.summary, a.language, a.source if a.summary else "")
        if (text := texts.get(key)) is None:
            text = texts[key] = EventText.of(a.title, a.summary, a.language, a.source,
                                             headline=headlines[a.title])
        reports.append(text)
    groups = group_reports(reports, confirm=confirm)
    return [Story(sorted((articles[i] for i in group), key=_lead_order), everyone_counts)
            for group in groups]


@dataclass(frozen=True)
class Listing:
    """What the topic's previous digest listed, in its body and in its "Continuing" list:
    per story, its articles' ids, headlines, the perspectives that covered it and the day
    a digest first listed it."""

    date: str
    ids: dict[str, int]  # article id -> story number
    titles: list[tuple[str, int]]  # (headline, story number)
    covered: list[frozenset[str] | None]  # None: not recorded, so nothing counts as new
    first: list[str] = field(default_factory=list)  # story number -> YYYY-MM-DD


@dataclass(frozen=True)
class Repeat:
    listed_on: str
    new: tuple[str, ...]  # perspectives covering it now that did not then; () = a repeat
    first_listed: str = ""  # the day a digest first listed it


def read_listing(document: dict[str, Any], date: str) -> Listing:
    """The listing of a stored digest document; entries it cannot read are skipped."""
    listing = Listing(date, {}, [], [], [])
    for entry in _list(document.get("articles")):
        if isinstance(entry, dict):
            related = [r for r in _list(entry.get("related")) if isinstance(r, dict)]
            _add_story(listing, entry, [entry, *related], date)
    # A story that digest showed as continuing keeps the day it first appeared.
    for entry in _list(document.get("continuing")):
        if isinstance(entry, dict):
            _add_story(listing, entry, [entry], str(entry.get("first_listed") or date))
    return listing


def _add_story(listing: Listing, entry: dict[str, Any], reports: list[dict[str, Any]],
               first: str) -> None:
    number = len(listing.covered)
    for report in reports:
        if report.get("id"):
            listing.ids[str(report["id"])] = number
        if report.get("title"):
            listing.titles.append((str(report["title"]), number))
    # Who covered it is covered_by; a digest written before covered_by was stored has only
    # its reports' perspectives.
    perspectives = {str(p) for p in _list(entry.get("covered_by"))}
    if "covered_by" not in entry:
        perspectives = {str(r["perspective"]) for r in reports if r.get("perspective")}
    listing.covered.append(frozenset(perspectives) or None)
    listing.first.append(first)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def find_repeats(stories: Sequence[Story], listing: Listing, order: Sequence[str],
                 headlines: Headlines | None = None) -> list[Repeat | None]:
    """For each story, how it was listed before (None: it was not)."""
    headlines = Headlines() if headlines is None else headlines
    previous = [headlines[title] for title, _ in listing.titles]
    today = [[headlines[r.article.title] for r in story.reports] for story in stories]
    index = HeadlineIndex(word_ranks([*previous, *(h for hs in today for h in hs)]))
    for headline in previous:
        index.add(headline)
    found: list[Repeat | None] = []
    for story, reports in zip(stories, today, strict=True):
        numbers = {listing.ids[r.article.id] for r in story.reports if r.article.id in listing.ids}
        numbers.update(listing.titles[p][1] for h in reports for p in index.matches(h))
        if not numbers:
            found.append(None)
            continue
        coverages = [listing.covered[n] for n in numbers]
        if any(c is None for c in coverages):
            new: tuple[str, ...] = ()
        else:
            before = frozenset().union(*(c for c in coverages if c is not None))
            new = tuple(p for p in story.covered_by(order) if p not in before)
        found.append(Repeat(listing.date, new, min(listing.first[n] for n in numbers)))
    return found


def relist(story: Story, repeat: Repeat) -> Story:
    """A story with new coverage, led by the earliest report from a newly covering side."""
    fresh = [r for r in story.reports
             if r.perspective in repeat.new and (r.verified or story.everyone_counts)]
    others = [r for r in story.reports if r not in fresh]
    lead = replace(fresh[0], reason=f"{fresh[0].reason}; listed on {repeat.listed_on}, "
                                    f"relisted: new coverage from {', '.join(repeat.new)}")
    return Story([lead, *fresh[1:], *others], story.everyone_counts)
