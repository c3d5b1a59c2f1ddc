"""A listed article and its outlet as a reader sees them: the outlet's country from the stored
``outlet_country`` (what classify decided on, not a lookup now), and whether the outlet counts
as its side's coverage (docs/design.md, "Site").

Feed text stays plain ``str`` here: the templates' autoescaping makes it safe. Only web links
(http, https) become links; anything else ("javascript:", "data:") is shown as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date

from newsprism.documents import OTHER, Classified, ListedArticle, RelatedReport, format_time
from newsprism.outlets import country_name

WEB_URL = re.compile(r"^https?://", re.IGNORECASE)  # no "javascript:", "data:", " http:"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")
# Spelled out rather than strftime("%B"), which follows the process locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# The reader's explanation of the "unverified" mark, wherever it appears.
UNVERIFIED_NOTE = ("The source registry does not know the outlet, or it is an aggregator that "
                   "republishes others' reports, so its country says nothing of the report's: "
                   "the article stays under the side of the feed that found it and does not "
                   "count as that side's coverage.")

Report = ListedArticle | RelatedReport


@dataclass(frozen=True)
class OutletView:
    """An outlet: its name, its country and whether it counts as its side's coverage."""

    name: str
    country: str  # the country's name; "" when the registry does not place the outlet
    unverified: bool  # on its feed's side without counting as it (attribution "source")

    @property
    def label(self) -> str:
        """ "Washington Daily (United States)", "Nowhere Known (country unknown, unverified)" """
        where = self.country or "country unknown"
        return f"{self.name} ({where}{', unverified' if self.unverified else ''})"


@dataclass(frozen=True)
class RelatedView:
    """Another outlet's report of the same story."""

    outlet: str
    title: str
    href: str | None
    country: str  # as OutletView.country
    unverified: bool
    # The side it counts for, when that is not the listed article's and its name does not
    # already say it (a Hong Kong outlet's report counts for China); "" otherwise.
    side: str

    @property
    def detail(self) -> str:
        """What follows the outlet in parentheses: "Hong Kong; China side", "unverified"."""
        parts = [self.country] if self.country else []
        parts += ["unverified"] if self.unverified else []
        parts += [f"{self.side} side"] if self.side else []
        return "; ".join(parts)


@dataclass(frozen=True)
class SourceView:
    """One listed article as the page shows it."""

    number: int  # its number in the list, the same as in the Markdown
    anchor: str  # "a-{id}"; "" for a repeated id, so anchors stay unique
    title: str
    href: str | None  # None: not a web URL, shown as text
    outlet: str
    country: str  # as OutletView.country
    unverified: bool  # as OutletView.unverified
    state_affiliated: bool
    locale: str  # "en-US" (``locale_label``); "" when the feed gave neither
    language: str  # for the title's lang attribute; "" when unusable
    published: str  # "12 Feb 2026" (UTC)
    published_iso: str
    related: tuple[RelatedView, ...]

    @property
    def outlet_view(self) -> OutletView:
        return OutletView(self.outlet, self.country, self.unverified)


def country_of(code: str | None) -> str:
    return country_name(code) if code else ""


def is_unverified(classified: Classified, report: Report) -> bool:
    """Listed under a side without counting as its coverage; never so under "feed", where
    every article counts, nor for the other countries, which are no side."""
    return report.perspective != OTHER and not classified.counts(report)


def outlet_of(classified: Classified, report: Report) -> OutletView:
    name = report.article.source if isinstance(report, ListedArticle) else report.source
    return OutletView(name, country_of(report.outlet_country), is_unverified(classified, report))


def source_view(number: int, listed: ListedArticle, classified: Classified, *, first: bool,
                state: bool) -> SourceView:
    article = listed.article
    published = article.published.astimezone(UTC)
    names = {p.id: p.name for p in classified.perspectives}
    return SourceView(
        number=number,
        anchor=f"a-{article.id}" if first else "",
        title=article.title,
        href=article.url if WEB_URL.match(article.url) else None,
        outlet=article.source,
        country=country_of(listed.outlet_country),
        unverified=is_unverified(classified, listed),
        state_affiliated=state,
        locale=locale_label(article.language, article.region),
        language=lang_attribute(article.language),
        published=short_date(published.date()),
        published_iso=format_time(published),
        related=tuple(_related_view(classified, listed, report, names)
                      for report in listed.related),
    )


def _related_view(classified: Classified, listed: ListedArticle, report: RelatedReport,
                  names: dict[str, str]) -> RelatedView:
    outlet = outlet_of(classified, report)
    side = names.get(report.perspective, "") if report.perspective != listed.perspective else ""
    return RelatedView(outlet.name, report.title,
                       report.url if WEB_URL.match(report.url) else None,
                       outlet.country, outlet.unverified,
                       side if side != outlet.country else "")


def locale_label(language: str, region: str) -> str:
    """ "en-US"; "en" or "US" when the feed has only one of them; "" when it has neither, so
    that no line ends in a dangling "-" (issue 22)."""
    return "-".join(part for part in (language, region) if part)


def lang_attribute(language: str) -> str:
    """The language as an HTML lang attribute; "" when it is not a plausible code."""
    return language if _LANGUAGE.match(language) else ""


def country_list(codes: tuple[str, ...]) -> str:
    """ "China, Hong Kong, Macao" """
    return ", ".join(country_name(code) for code in codes)


def short_date(moment: date) -> str:
    """12 Feb 2026"""
    return f"{moment.day} {MONTHS[moment.month - 1][:3]} {moment.year}"
