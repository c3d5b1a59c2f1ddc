"""The events both sides reported, each side's headlines side by side (issue 20; docs/design.md,
"Site"): the page's "How each side reported it", the product Markdown's section of that name
and the ``compared`` list of the published JSON all come from here, so they never disagree.

An event is a listed story with every report classify grouped into it. It is compared when
classify's ``covered_by`` holds two sides or more: outlets that count for each of them reported
it. Each side's column holds the reports listed under that side, the counted ones first and
then the unverified ones (marked, as everywhere); the other countries' reports are kept apart.

Feed text stays plain ``str`` here: the templates' autoescaping and the Markdown's escaping
make it safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.documents import OTHER, Classified, ListedArticle
from newsprism.render._sides import tone
from newsprism.render._sources import WEB_URL, OutletView, Report, lang_attribute, outlet_of
from newsprism.text import story_key

# Headlines a side's column shows for one event; the rest are counted ("and 4 more reports"),
# so that a story fifty outlets syndicated does not push every other event off the screen.
MAX_HEADLINES = 3


@dataclass(frozen=True)
class Headline:
    """One headline of an event and every outlet that ran it (copies share a headline)."""

    title: str
    href: str | None  # the first outlet's report; None when no report has a web URL
    language: str  # for the lang attribute; "" when unknown (a related report has none)
    outlets: tuple[OutletView, ...]


@dataclass(frozen=True)
class SideReports:
    """One side's reports of an event: its column."""

    id: str
    name: str
    tone: int
    headlines: tuple[Headline, ...]  # at most MAX_HEADLINES
    more: int  # reports not shown
    counted: int  # distinct outlets that count as this side's coverage


@dataclass(frozen=True)
class ComparedEvent:
    story: str  # the story id (its lead article's)
    anchor: str  # the lead article's entry in the source list
    sides: tuple[SideReports, ...]  # every configured side, in configuration order
    others: tuple[Headline, ...]  # the other countries' reports, at most MAX_HEADLINES
    more_others: int


@dataclass(frozen=True)
class _Event:
    lead: ListedArticle
    reports: tuple[Report, ...]  # the lead's first, each URL once
    covered: tuple[str, ...]
    position: int  # of its first listed article


def compared_events(classified: Classified) -> tuple[ComparedEvent, ...]:
    """The events two sides or more reported: the most sides first, then the most outlets
    that count, then in list order. None in a topic of one side."""
    found = []
    for event in _compared(classified):
        sides = []
        for index, perspective in enumerate(classified.perspectives):
            own = [r for r in event.reports if r.perspective == perspective.id]
            # The counted ones first: an unverified outlet never stands for a side.
            own.sort(key=lambda report: not classified.counts(report))
            headlines, more = _headlines(classified, own, event.lead)
            sides.append(SideReports(perspective.id, perspective.name, tone(index), headlines,
                                     more, len(_counted_outlets(classified, own))))
        others, more_others = _headlines(
            classified, [r for r in event.reports if r.perspective == OTHER], event.lead)
        found.append(ComparedEvent(event.lead.story, f"a-{event.lead.article.id}",
                                   tuple(sides), others, more_others))
    return tuple(found)


def compared_document(classified: Classified) -> list[dict[str, Any]]:
    """``compared`` in the published JSON: per event, its story id and every report of it by
    side (configuration order as in ``perspectives``) and of the other countries, uncut."""
    def entry(report: Report) -> dict[str, Any]:
        return {"id": _id(report), "title": _title(report), "url": _url(report),
                "source": _source(report), "outlet_country": report.outlet_country,
                "verified": report.verified}

    return [
        {"story": event.lead.story, "covered_by": list(event.covered),
         "sides": {p.id: [entry(r) for r in event.reports if r.perspective == p.id]
                   for p in classified.perspectives},
         "others": [entry(r) for r in event.reports if r.perspective == OTHER]}
        for event in _compared(classified)
    ]


def _compared(classified: Classified) -> list[_Event]:
    if len(classified.perspectives) < 2:
        return []
    events = [event for event in _events(classified) if len(event.covered) >= 2]
    events.sort(key=lambda event: (-len(event.covered),
                                   -len(_counted_outlets(classified, event.reports)),
                                   event.position))
    return events


def _events(classified: Classified) -> list[_Event]:
    """Each listed story once, with its reports, in list order."""
    groups: dict[str, list[tuple[int, ListedArticle]]] = {}
    for position, listed in enumerate(classified.articles):
        groups.setdefault(listed.story, []).append((position, listed))
    events = []
    for group in groups.values():
        reports: list[Report] = []
        seen: set[str] = set()
        for _, listed in group:
            own: tuple[Report, ...] = (listed, *listed.related)
            for report in own:
                if _url(report) not in seen:
                    seen.add(_url(report))
                    reports.append(report)
        covered = tuple(dict.fromkeys(p for _, listed in group for p in listed.covered_by))
        events.append(_Event(group[0][1], tuple(reports), covered, group[0][0]))
    return events


def _headlines(classified: Classified, reports: Sequence[Report],
               lead: ListedArticle) -> tuple[tuple[Headline, ...], int]:
    """The reports as headlines, copies of one headline (the same words once wire prefixes,
    case and punctuation are set aside) together; the first MAX_HEADLINES, and how many
    reports the others hold."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(story_key(_title(report)) or _title(report), []).append(report)
    headlines: list[Headline] = []
    more = 0
    for group in groups.values():
        if len(headlines) == MAX_HEADLINES:
            more += len(group)
            continue
        first = group[0]
        href = next((_url(r) for r in group if WEB_URL.match(_url(r))), None)
        language = lang_attribute(lead.article.language) if first is lead else ""
        outlets = tuple(dict.fromkeys(outlet_of(classified, r) for r in group))
        headlines.append(Headline(_title(first), href, language, outlets))
    return tuple(headlines), more


def _counted_outlets(classified: Classified, reports: Sequence[Report]) -> set[str]:
    return {_source(report) for report in reports if classified.counts(report)}


def _title(report: Report) -> str:
    return report.article.title if isinstance(report, ListedArticle) else report.title


def _url(report: Report) -> str:
    return report.article.url if isinstance(report, ListedArticle) else report.url


def _source(report: Report) -> str:
    return report.article.source if isinstance(report, ListedArticle) else report.source


def _id(report: Report) -> str:
    return report.article.id if isinstance(report, ListedArticle) else report.id
