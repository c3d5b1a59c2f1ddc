"""A digest as its page shows it: numbered sources, resolved citations, outlets' countries,
stories with their coverage, blindspots and coverage health, precomputed so that the
templates only lay things out.

Feed text stays plain ``str`` here: the templates' autoescaping makes it safe. Only web links
(http, https) become links; anything else ("javascript:", "data:") is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date

from markupsafe import Markup

from newsprism.documents import Bullet, Coverage, Digest, ListedArticle, format_time
from newsprism.outlets import country_name, load_registry
from newsprism.render._svg import Segment, balance_bar, marks

WEB_URL = re.compile(r"^https?://", re.IGNORECASE)  # no "javascript:", "data:", " http:"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")
# Spelled out rather than strftime("%B"), which follows the process locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TONES = 4  # distinct perspective colours and shapes in the stylesheet


@dataclass(frozen=True)
class RelatedView:
    """Another outlet's report of the same story."""

    outlet: str
    title: str
    href: str | None
    side: str  # the report's perspective when it differs from the listed article's, else ""


@dataclass(frozen=True)
class SourceView:
    """One listed article as the page shows it."""

    number: int  # its number in the list, the same as in the Markdown
    anchor: str  # "a-{id}"; "" for a repeated id, so anchors stay unique
    title: str
    href: str | None  # None: not a web URL, shown as text
    outlet: str
    country: str  # the outlet's country by the source registry; "" when it does not know it
    state_affiliated: bool
    locale: str  # "en-US"
    language: str  # for the title's lang attribute; "" when unusable
    published: str  # "12 Feb 2026" (UTC)
    published_iso: str
    related: tuple[RelatedView, ...]


@dataclass(frozen=True)
class BulletView:
    text: str
    cites: tuple[SourceView, ...]  # only listed articles: every citation has its anchor


@dataclass(frozen=True)
class PerspectiveView:
    id: str
    name: str
    tone: int  # 1-4, the colour and mark shape; 0 for articles of no configured perspective
    count: int
    bullets: tuple[BulletView, ...]
    sources: tuple[SourceView, ...]
    health: Coverage | None  # classify's counts for this side; None when not recorded


@dataclass(frozen=True)
class StoryView:
    """One story the digest lists, with every report of it the classifier saw."""

    source: SourceView  # the listed article that represents it
    reports: int
    marks: tuple[Markup, ...]  # per perspective (the page's order): a mark per report; "" none
    sides: tuple[str, ...]  # names of the perspectives that covered it (empty: not recorded)


@dataclass(frozen=True)
class BlindspotGroup:
    """Stories that only one perspective's outlets covered."""

    covered_by: PerspectiveView
    missing: tuple[str, ...]  # the names of the perspectives that did not cover them
    stories: tuple[StoryView, ...]


@dataclass(frozen=True)
class DigestView:
    """Everything a page needs to show one digest."""

    topic: str
    topic_name: str
    date: str
    date_label: str  # "Thursday 12 February 2026"
    generated_at: str  # ISO 8601, for <time datetime>
    generated_label: str  # "2026-02-12 04:00 UTC"
    article_count: int
    overall: tuple[BulletView, ...]
    perspectives: tuple[PerspectiveView, ...]
    balance: Markup  # articles per perspective, as a bar
    stories: tuple[StoryView, ...]  # most widely covered first
    blindspots: tuple[BlindspotGroup, ...]
    thin: tuple[PerspectiveView, ...]  # sides with the coverage-health warning
    summarizer: str
    model: str

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(Segment(p.name, p.count, p.tone) for p in self.perspectives)

    @property
    def blindspot_count(self) -> int:
        return sum(len(group.stories) for group in self.blindspots)


def digest_view(digest: Digest) -> DigestView:
    """The digest as the templates show it."""
    classified = digest.classified
    registry = load_registry()
    listed_sources: list[tuple[ListedArticle, SourceView]] = []
    by_id: dict[str, SourceView] = {}
    names = {p.id: p.name for p in classified.perspectives}
    for number, listed in enumerate(classified.articles, 1):
        outlet = registry.lookup(listed.article.source, listed.article.source_url)
        view = _source_view(number, listed, names, first=listed.article.id not in by_id,
                            country=country_name(outlet.country) if outlet else "",
                            state=bool(outlet and outlet.state_affiliated))
        by_id.setdefault(listed.article.id, view)
        listed_sources.append((listed, view))

    def bullets(items: Sequence[Bullet]) -> tuple[BulletView, ...]:
        return tuple(
            BulletView(b.text, tuple(dict.fromkeys(by_id[s] for s in b.sources if s in by_id)))
            for b in items
        )

    perspectives = tuple(
        PerspectiveView(
            id=p.id, name=p.name, tone=tone(index), count=classified.count(p.id),
            bullets=bullets(digest.highlights.perspectives.get(p.id, ())),
            sources=tuple(view for listed, view in listed_sources if listed.perspective == p.id),
            health=classified.coverage.get(p.id),
        )
        for index, p in enumerate(classified.perspectives)
    )
    stray = tuple(view for listed, view in listed_sources if listed.perspective not in names)
    if stray:  # not produced by classify, but a listed article is never hidden
        perspectives += (PerspectiveView("other", "Other", 0, len(stray), (), stray, None),)
    stories = _stories(listed_sources, perspectives)
    generated = classified.generated_at.astimezone(UTC)
    return DigestView(
        topic=classified.topic, topic_name=classified.topic_name, date=classified.date,
        date_label=long_date(classified.date),
        generated_at=format_time(generated),
        generated_label=generated.strftime("%Y-%m-%d %H:%M UTC"),
        article_count=len(listed_sources),
        overall=bullets(digest.highlights.overall), perspectives=perspectives,
        balance=balance_bar([Segment(p.name, p.count, p.tone) for p in perspectives]),
        stories=tuple(story for story, _ in stories),
        blindspots=_blindspots(stories, perspectives),
        thin=tuple(p for p in perspectives if p.health and p.health.thin),
        summarizer=digest.summarizer, model=digest.model,
    )


def tone(index: int) -> int:
    """The colour (and mark shape) of the perspective at ``index`` in configuration order."""
    return index % TONES + 1


def _stories(
    listed_sources: Sequence[tuple[ListedArticle, SourceView]],
    perspectives: Sequence[PerspectiveView],
) -> list[tuple[StoryView, tuple[str, ...]]]:
    """Each listed story once, with its reports by perspective and the ids that covered it
    (classify's ``covered_by``): reported by the most sides first, then by the most outlets,
    then in list order."""
    groups: dict[str, list[tuple[ListedArticle, SourceView]]] = {}
    for listed, view in listed_sources:
        groups.setdefault(listed.story, []).append((listed, view))
    names = {p.id: p.name for p in perspectives}
    stories: list[tuple[int, StoryView, tuple[str, ...]]] = []
    for group in groups.values():
        sides: list[str] = [listed.perspective for listed, _ in group]
        seen = {listed.article.url for listed, _ in group}
        for listed, _ in group:
            for report in listed.related:
                if report.url not in seen:
                    seen.add(report.url)
                    sides.append(report.perspective)
        segments = [Segment(p.name, sides.count(p.id), p.tone) for p in perspectives]
        covered = tuple(dict.fromkeys(p for listed, _ in group for p in listed.covered_by))
        story = StoryView(
            source=group[0][1], reports=len(sides),
            marks=tuple(marks(segment) if segment.count else Markup("") for segment in segments),
            sides=tuple(names.get(p, p) for p in covered),
        )
        spread = sum(1 for segment in segments if segment.count)
        stories.append((spread, story, covered))
    stories.sort(key=lambda item: (-item[0], -item[1].reports, item[1].source.number))
    return [(story, covered) for _, story, covered in stories]


def _blindspots(
    stories: Sequence[tuple[StoryView, tuple[str, ...]]],
    perspectives: Sequence[PerspectiveView],
) -> tuple[BlindspotGroup, ...]:
    """Stories that only one side covered, grouped by that side. A topic of one perspective
    has no blindspots, and a story whose coverage classify did not record is not one."""
    configured = [p for p in perspectives if p.tone]
    if len(configured) < 2:
        return ()
    groups = []
    for perspective in configured:
        only = tuple(story for story, covered in stories if covered == (perspective.id,))
        if only:
            missing = tuple(p.name for p in configured if p is not perspective)
            groups.append(BlindspotGroup(perspective, missing, only))
    return tuple(groups)


def _source_view(number: int, listed: ListedArticle, names: dict[str, str], *, first: bool,
                 country: str, state: bool) -> SourceView:
    article = listed.article
    published = article.published.astimezone(UTC)
    return SourceView(
        number=number,
        anchor=f"a-{article.id}" if first else "",
        title=article.title,
        href=article.url if WEB_URL.match(article.url) else None,
        outlet=article.source,
        country=country,
        state_affiliated=state,
        locale=f"{article.language}-{article.region}",
        language=article.language if _LANGUAGE.match(article.language) else "",
        published=short_date(published.date()),
        published_iso=format_time(published),
        related=tuple(
            RelatedView(r.source, r.title, r.url if WEB_URL.match(r.url) else None,
                        names.get(r.perspective, "") if r.perspective != listed.perspective
                        else "")
            for r in listed.related
        ),
    )


def long_date(day: str) -> str:
    """ "2026-02-12" -> "Thursday 12 February 2026" """
    moment = date.fromisoformat(day)
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def short_date(moment: date) -> str:
    """12 Feb 2026"""
    return f"{moment.day} {MONTHS[moment.month - 1][:3]} {moment.year}"


def month_label(key: str) -> str:
    """ "2026-02" -> "February 2026" """
    return f"{MONTHS[int(key[5:7]) - 1]} {key[:4]}"
