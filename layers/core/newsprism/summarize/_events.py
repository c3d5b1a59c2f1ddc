"""The events a digest lists, as both summarizers see them (issue 20).

An event is a listed story: its lead and the other outlets' reports classify kept with it
(``related``), from any side. Two listed articles are one event when classify gave them one
story id or their cleaned headlines match (``story_key``): in ``stories = "list"`` mode the
same wire story is listed once per outlet.

Events rank by how widely they were reported: distinct outlets, then sides, then recency.
Only evidence counts, as for the site's blindspots (issue 19): a side is a side whose counted
reports (``Classified.counts``) cover the event, and an outlet widens it when its country is
known (verified, also another country's), or always under ``attribution = "feed"``: an
aggregator or an unknown outlet may be anyone's copy. An event only other countries' outlets
reported ranks after the sides' events: a bare headline there would read as the digest's own
news.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from newsprism.documents import OTHER, Classified, ListedArticle, RelatedReport
from newsprism.summarize._language import report_language
from newsprism.summarize._unfit import unfit
from newsprism.text import story_key

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


@dataclass(frozen=True)
class Report:
    """One outlet's report of an event: a listed article, or a related report of one."""

    id: str  # the article id
    title: str  # the headline without the outlet's name tacked on
    source: str
    perspective: str  # a side's id, OTHER, or a side no longer configured
    counted: bool  # evidence that its side covered the event (Classified.counts)
    evidence: bool  # its outlet widens the event (country known, or "feed" attribution)
    outlet_country: str | None
    language: str  # ISO 639-1, "" when unknown
    unfit: str  # why it may not be a bullet ("live blog"…), "" when it may
    listed: ListedArticle | None  # the listed article it is; None for a related report

    @classmethod
    def of(cls, report: ListedArticle | RelatedReport, classified: Classified) -> Report:
        if isinstance(report, ListedArticle):
            article = report.article
            article_id, title, source = article.id, article.title, article.source
            declared = _primary(article.language)
        else:
            article_id, title, source, declared = report.id, report.title, report.source, ""
        title = strip_outlet_suffix(title, source)
        return cls(id=article_id, title=title, source=source, perspective=report.perspective,
                   counted=classified.counts(report),
                   evidence=report.verified or classified.attribution == "feed",
                   outlet_country=report.outlet_country,
                   language=report_language(title, declared), unfit=unfit(title),
                   listed=report if isinstance(report, ListedArticle) else None)


@dataclass
class Event:
    """The listed articles of one event and every report of it, listed ones first."""

    listed: list[ListedArticle]
    reports: list[Report]
    first: int  # listing position of its first listed article, the last tie-breaker
    newest: datetime
    sides: tuple[str, ...] = ()  # the sides that covered it, in configuration order
    outlets: frozenset[str] = field(default_factory=frozenset)  # evidence, case-folded

    @property
    def other_only(self) -> bool:
        """Listed only in the "Other countries" group: no side reported it."""
        return all(listed.perspective == OTHER for listed in self.listed)

    def rank(self) -> tuple[bool, int, int, float, int]:
        return (self.other_only, -len(self.outlets), -len(self.sides),
                -self.newest.timestamp(), self.first)


def events(classified: Classified) -> list[Event]:
    """The digest's events, most widely reported first (see the module docstring)."""
    by_key: dict[str, Event] = {}
    ordered: list[Event] = []
    covered: dict[int, set[str]] = {}  # by the event's first position
    for position, listed in enumerate(classified.articles):
        lead = Report.of(listed, classified)
        keys = (f"story:{listed.story}", f"title:{story_key(lead.title)}")
        event = next((by_key[key] for key in keys if key in by_key), None)
        if event is None:
            event = Event([], [], position, listed.article.published)
            ordered.append(event)
            covered[position] = set()
        for key in keys:
            by_key.setdefault(key, event)
        event.listed.append(listed)
        # The listed reports first, in listing order: they are the ones a bullet can cite.
        event.reports.insert(len(event.listed) - 1, lead)
        event.reports.extend(Report.of(related, classified) for related in listed.related)
        event.newest = max(event.newest, listed.article.published)
        covered[event.first] |= set(listed.covered_by)
    for event in ordered:
        # A report listed in its own right is not shown again as another's related report.
        listed_ids = {listed.article.id for listed in event.listed}
        event.reports = [r for r in event.reports
                         if r.listed is not None or not r.id or r.id not in listed_ids]
        present = covered[event.first] | {r.perspective for r in event.reports if r.counted}
        event.sides = tuple(p.id for p in classified.perspectives if p.id in present)
        event.outlets = frozenset(r.source.strip().casefold() for r in event.reports
                                  if r.evidence and r.source.strip())
    return sorted(ordered, key=Event.rank)


def _primary(language: str) -> str:
    """"en" of "en-US", "en_us" or "EN"."""
    return language.strip().replace("_", "-").split("-")[0].casefold()
