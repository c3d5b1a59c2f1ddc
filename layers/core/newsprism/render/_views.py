"""A digest as its page shows it: numbered sources, resolved citations, outlets' countries,
the events both sides reported side by side, those one side alone reported, the continuing
stories, the other countries' outlets and coverage health, precomputed so that the templates
only lay things out.

Feed text stays plain ``str`` here: the templates' autoescaping makes it safe.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date

from markupsafe import Markup

from newsprism.documents import OTHER, Bullet, Coverage, Digest, ListedArticle, format_time
from newsprism.outlets import load_registry
from newsprism.render._compare import ComparedEvent, compared_events
from newsprism.render._continuing import ContinuingView, continuing_views
from newsprism.render._sides import (
    BlindspotGroup,
    Side,
    StoryView,
    coverage,
    story_columns,
    tone,
)
from newsprism.render._sources import (
    MONTHS,
    UNVERIFIED_NOTE,
    SourceView,
    country_list,
    source_view,
)
from newsprism.render._svg import Segment, balance_bar

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The column of listed articles whose perspective the topic does not have (classify makes
# none; a listed article is never hidden). Not OTHER: those are no side.
_UNASSIGNED = Side("unassigned", "No side", 0)


@dataclass(frozen=True)
class BulletView:
    text: str
    cites: tuple[SourceView, ...]  # only listed articles: every citation has its anchor


@dataclass(frozen=True)
class PerspectiveView:
    id: str
    name: str
    tone: int  # 1-4, the colour and mark shape; 0 for articles of no configured perspective
    count: int  # listed under it, unverified outlets included
    bullets: tuple[BulletView, ...]
    sources: tuple[SourceView, ...]
    health: Coverage | None  # classify's counts for this side; None when not recorded
    counted: int = 0  # of ``count``, the articles that count as its coverage (verified)
    countries: str = ""  # "China, Hong Kong, Macao" under "source" attribution, else ""

    @property
    def unverified(self) -> int:
        return self.count - self.counted

    @property
    def side(self) -> Side:
        return Side(self.id, self.name, self.tone)


@dataclass(frozen=True)
class DigestView:
    """Everything a page needs to show one digest."""

    topic: str
    topic_name: str
    date: str
    date_label: str  # "Thursday 12 February 2026"
    generated_at: str  # ISO 8601, for <time datetime>
    generated_label: str  # "2026-02-12 04:00 UTC"
    article_count: int  # every listed article, the other countries' included
    overall: tuple[BulletView, ...]
    perspectives: tuple[PerspectiveView, ...]  # the sides' columns
    balance: Markup  # articles per side, as a bar (the other countries are no side)
    columns: tuple[Side, ...]  # of the story table: the sides, then "Other countries" etc.
    stories: tuple[StoryView, ...]  # most widely covered first
    blindspots: tuple[BlindspotGroup, ...]  # per side (two sides or more): what it alone reported
    thin: tuple[PerspectiveView, ...]  # sides with the coverage-health warning
    summarizer: str
    model: str
    by_source: bool = False  # attribution "source": outlets' countries decide the sides
    others: tuple[SourceView, ...] = ()  # the other countries' outlets, listed apart
    compared: tuple[ComparedEvent, ...] = ()  # events two sides or more reported
    # Whether classify recorded which sides covered each story (covered_by): a digest
    # written before it did cannot say which events both sides reported, so it does not.
    recorded: bool = False
    continuing: tuple[ContinuingView, ...] = ()

    @property
    def sides(self) -> int:
        """The topic's configured sides: with fewer than two there is nothing to compare."""
        return sum(1 for p in self.perspectives if p.tone)

    @property
    def compares(self) -> bool:
        """Whether the page compares the sides event by event."""
        return self.recorded and self.sides >= 2

    @property
    def both(self) -> str:
        """ "3 events both sides reported" """
        return "both sides" if self.sides == 2 else "more than one side"

    @property
    def both_own(self) -> str:
        """ "No event today was reported by both sides' own outlets." """
        return "both sides' own outlets" if self.sides == 2 else "more than one side's own outlets"

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(Segment(p.name, p.count, p.tone) for p in self.perspectives)

    @property
    def blindspot_count(self) -> int:
        """Events only one side reported, a single outlet's included."""
        return sum(group.events for group in self.blindspots)

    @property
    def unverified(self) -> int:
        return sum(p.unverified for p in self.perspectives)

    @property
    def unverified_note(self) -> str:
        return UNVERIFIED_NOTE

    @property
    def other_countries(self) -> str:
        """The other countries' names, in order of first listing: "India, South Korea"."""
        return ", ".join(dict.fromkeys(s.country or "country unknown" for s in self.others))


def digest_view(digest: Digest, published: Collection[str] = ()) -> DigestView:
    """The digest as the templates show it; ``published`` holds the days the site has a page
    for (a continuing story links to the day it was first listed only then)."""
    classified = digest.classified
    registry = load_registry()
    listed_sources: list[tuple[ListedArticle, SourceView]] = []
    by_id: dict[str, SourceView] = {}
    for number, listed in enumerate(classified.articles, 1):
        # The registry only adds state affiliation: the country is the one classify stored.
        outlet = registry.lookup(listed.article.source, listed.article.source_url)
        view = source_view(number, listed, classified, first=listed.article.id not in by_id,
                           state=bool(outlet and outlet.state_affiliated))
        by_id.setdefault(listed.article.id, view)
        listed_sources.append((listed, view))

    def bullets(items: Sequence[Bullet]) -> tuple[BulletView, ...]:
        return tuple(
            BulletView(b.text, tuple(dict.fromkeys(by_id[s] for s in b.sources if s in by_id)))
            for b in items
        )

    def column(side: Side, in_it: list[tuple[ListedArticle, SourceView]],
               health: Coverage | None, countries: str) -> PerspectiveView:
        return PerspectiveView(
            id=side.id, name=side.name, tone=side.tone, count=len(in_it),
            bullets=bullets(digest.highlights.perspectives.get(side.id, ())),
            sources=tuple(view for _, view in in_it), health=health,
            counted=sum(1 for listed, _ in in_it if classified.counts(listed)),
            countries=countries,
        )

    by_source = classified.attribution == "source"
    perspectives = tuple(
        column(Side(p.id, p.name, tone(index)),
               [pair for pair in listed_sources if pair[0].perspective == p.id],
               classified.coverage.get(p.id), country_list(p.countries) if by_source else "")
        for index, p in enumerate(classified.perspectives)
    )
    known = {p.id for p in classified.perspectives} | {OTHER}
    stray = [pair for pair in listed_sources if pair[0].perspective not in known]
    if stray:
        perspectives += (column(_UNASSIGNED, stray, None, ""),)
    sides = [p.side for p in perspectives]
    stories, blindspots = coverage(classified, listed_sources, sides)
    generated = classified.generated_at.astimezone(UTC)
    return DigestView(
        topic=classified.topic, topic_name=classified.topic_name, date=classified.date,
        date_label=long_date(classified.date),
        generated_at=format_time(generated),
        generated_label=generated.strftime("%Y-%m-%d %H:%M UTC"),
        article_count=len(listed_sources),
        overall=bullets(digest.highlights.overall), perspectives=perspectives,
        balance=balance_bar([Segment(p.name, p.count, p.tone) for p in perspectives]),
        columns=story_columns(classified, sides),
        stories=stories, blindspots=blindspots,
        thin=tuple(p for p in perspectives if p.health and p.health.thin),
        summarizer=digest.summarizer, model=digest.model, by_source=by_source,
        others=tuple(view for listed, view in listed_sources if listed.perspective == OTHER),
        compared=compared_events(classified),
        recorded=any(listed.covered_by for listed in classified.articles),
        continuing=continuing_views(classified, published),
    )


def long_date(day: str) -> str:
    """ "2026-02-12" -> "Thursday 12 February 2026" """
    moment = date.fromisoformat(day)
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def month_label(key: str) -> str:
    """ "2026-02" -> "February 2026" """
    return f"{MONTHS[int(key[5:7]) - 1]} {key[:4]}"
