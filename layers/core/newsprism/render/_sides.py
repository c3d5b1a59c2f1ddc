"""Which reports count as a side's coverage, as the page shows it: the stories with their
reports by column, and the events one side alone reported (docs/design.md, "Site").

Under ``attribution = "source"`` only a report whose outlet's country decided its side counts
as that side's coverage (``Classified.counts``). The other countries' reports and the
unverified ones (an outlet the registry does not know, an aggregator) get columns of their
own in the story table, so that a side never looks as if it covered a story it did not, and
they never make a story a blindspot. Under "feed" every report counts: nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from newsprism.documents import OTHER, Classified, ListedArticle
from newsprism.render._sources import OutletView, Report, SourceView, outlet_of
from newsprism.render._svg import Segment, marks

TONES = 4  # distinct perspective colours and shapes in the stylesheet
# Column keys of the story table besides the perspectives' ids; config allows only letters,
# digits and "_" in an id, so these never collide with one.
OTHER_COLUMN, UNVERIFIED_COLUMN = "other-countries", "not-verified"
_EXTRA_COLUMNS = ((OTHER_COLUMN, "Other countries"), (UNVERIFIED_COLUMN, "Unverified"))


@dataclass(frozen=True)
class Side:
    """A column of the page: a perspective (tone 1-4), or articles of none (tone 0)."""

    id: str
    name: str
    tone: int


@dataclass(frozen=True)
class StoryView:
    """One story the digest lists, with every report of it the classifier saw."""

    source: SourceView  # the listed article that represents it
    reports: int
    marks: tuple[Markup, ...]  # per column of the story table: a mark per report; "" none
    sides: tuple[str, ...]  # names of the perspectives that covered it (empty: not recorded)


@dataclass(frozen=True)
class BlindspotStory:
    story: StoryView
    outlets: tuple[OutletView, ...]  # the outlets of the covering side that reported it


@dataclass(frozen=True)
class BlindspotGroup:
    """The events only one side's counted outlets reported (issue 20): those two or more of
    its outlets carried, listed, and how many a single outlet did, counted only. A lone
    report says little about what a side's press chose to cover; several outlets do."""

    covered_by: Side
    missing: tuple[str, ...]  # the names of the perspectives that did not cover them
    stories: tuple[BlindspotStory, ...]  # several outlets: the most outlets first
    singles: int = 0  # events a single outlet of the side reported

    @property
    def events(self) -> int:
        return len(self.stories) + self.singles


@dataclass(frozen=True)
class _Story:
    view: StoryView
    covered: tuple[str, ...]  # classify's covered_by: perspectives whose reports count
    lead: str  # the perspective of its listed article
    reports: tuple[Report, ...]


def tone(index: int) -> int:
    """The colour (and mark shape) of the perspective at ``index`` in configuration order."""
    return index % TONES + 1


def column_of(classified: Classified, report: Report) -> str:
    if classified.counts(report):
        return report.perspective
    return OTHER_COLUMN if report.perspective == OTHER else UNVERIFIED_COLUMN


def story_columns(classified: Classified, sides: Sequence[Side]) -> tuple[Side, ...]:
    """The story table's columns: the sides, then, where a report needs one, the other
    countries' and the unverified outlets' (never under "feed", where every report counts)."""
    reports: list[Report] = [*classified.articles]
    reports += [related for listed in classified.articles for related in listed.related]
    used = {column_of(classified, report) for report in reports}
    return (*sides, *(Side(key, label, 0) for key, label in _EXTRA_COLUMNS if key in used))


def coverage(classified: Classified, listed_sources: Sequence[tuple[ListedArticle, SourceView]],
             sides: Sequence[Side]) -> tuple[tuple[StoryView, ...], tuple[BlindspotGroup, ...]]:
    """The stories (most widely covered first) and the blindspots."""
    found = _stories(classified, listed_sources, sides)
    return tuple(story.view for story in found), _blindspots(classified, found, sides)


def _stories(classified: Classified,
             listed_sources: Sequence[tuple[ListedArticle, SourceView]],
             sides: Sequence[Side]) -> list[_Story]:
    """Each listed story once, with its reports by column and the ids that covered it
    (classify's ``covered_by``): reported by the most sides first, then by the most outlets,
    then in list order."""
    groups: dict[str, list[tuple[ListedArticle, SourceView]]] = {}
    for listed, source in listed_sources:
        groups.setdefault(listed.story, []).append((listed, source))
    names = {side.id: side.name for side in sides}
    columns = story_columns(classified, sides)
    found: list[tuple[int, _Story]] = []
    for group in groups.values():
        reports: list[Report] = [listed for listed, _ in group]
        seen = {listed.article.url for listed, _ in group}
        for listed, _ in group:
            for report in listed.related:
                if report.url not in seen:
                    seen.add(report.url)
                    reports.append(report)
        keys = [column_of(classified, report) for report in reports]
        segments = [Segment(column.name, keys.count(column.id), column.tone)
                    for column in columns]
        covered = tuple(dict.fromkeys(p for listed, _ in group for p in listed.covered_by))
        view = StoryView(
            source=group[0][1], reports=len(reports),
            marks=tuple(marks(segment) if segment.count else Markup("") for segment in segments),
            sides=tuple(names.get(p, p) for p in covered),
        )
        spread = sum(1 for segment in segments[: len(sides)] if segment.count)
        found.append((spread, _Story(view, covered, group[0][0].perspective, tuple(reports))))
    found.sort(key=lambda item: (-item[0], -item[1].view.reports, item[1].view.source.number))
    return [story for _, story in found]


def _blindspots(classified: Classified, stories: Sequence[_Story],
                sides: Sequence[Side]) -> tuple[BlindspotGroup, ...]:
    """For each side, the stories only its counted outlets covered. A topic of one
    perspective has none, nor a digest whose coverage classify did not record (written
    before it did); nor is a story one whose listed article is another country's (its story
    is not a side's)."""
    configured = [side for side in sides if side.tone]
    if len(configured) < 2 or not any(story.covered for story in stories):
        return ()
    groups = []
    for side in configured:
        only = [BlindspotStory(story.view, _outlets(classified, story.reports, side.id))
                for story in stories if story.covered == (side.id,) and story.lead != OTHER]
        several = [story for story in only if len(story.outlets) >= 2]
        several.sort(key=lambda story: -len(story.outlets))  # stable: story order otherwise
        missing = tuple(other.name for other in configured if other is not side)
        groups.append(BlindspotGroup(side, missing, tuple(several), len(only) - len(several)))
    return tuple(groups)


def _outlets(classified: Classified, reports: Sequence[Report],
             side: str) -> tuple[OutletView, ...]:
    """The outlets whose reports count for ``side``, once each, in report order."""
    return tuple(dict.fromkeys(outlet_of(classified, report) for report in reports
                               if report.perspective == side and classified.counts(report)))
