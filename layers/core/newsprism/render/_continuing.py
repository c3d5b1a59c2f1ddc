"""The continuing stories as the page shows them (issue 20; docs/design.md, "Site"): stories
an earlier digest listed that outlets still report today, each with the day it was first
listed, linked to that day's page when the site has published it.

Feed text stays plain ``str`` here: the templates' autoescaping makes it safe.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from newsprism.documents import OTHER, Classified, ContinuingStory
from newsprism.render._sources import WEB_URL, OutletView, country_of, short_date


@dataclass(frozen=True)
class ContinuingView:
    title: str
    href: str | None  # None: not a web URL, shown as text
    outlet: OutletView
    first_listed: str  # YYYY-MM-DD
    first_label: str  # "10 Feb", or "28 Dec 2025" in another year than the digest's
    # The first digest's page, relative to this one; None when the site has not published
    # it (a fresh site, a day rendered elsewhere): a link must never lead nowhere.
    first_href: str | None
    reports: int  # today's


def continuing_views(classified: Classified,
                     published: Collection[str]) -> tuple[ContinuingView, ...]:
    """``classified.continuing`` in its stored order (the most widely covered first);
    ``published`` holds the days the site has a page for."""
    return tuple(_view(classified, story, published) for story in classified.continuing)


def unverified(classified: Classified, story: ContinuingStory) -> bool:
    """As ``Classified.counts`` says of a report: a side's outlet that does not count."""
    return story.perspective != OTHER and not (story.verified
                                               or classified.attribution == "feed")


def _view(classified: Classified, story: ContinuingStory,
          published: Collection[str]) -> ContinuingView:
    try:
        first = date.fromisoformat(story.first_listed)
    except ValueError:  # a damaged document's date: shown as stored, never linked
        label, href = story.first_listed, None
    else:
        label = short_date(first)
        if label.endswith(classified.date[:4]):
            label = label.rsplit(" ", 1)[0]
        day = first.isoformat()
        href = f"../{day}/index.html" if day in published and day != classified.date else None
    return ContinuingView(
        title=story.title, href=story.url if WEB_URL.match(story.url) else None,
        outlet=OutletView(story.source, country_of(story.outlet_country),
                          unverified(classified, story)),
        first_listed=story.first_listed, first_label=label, first_href=href,
        reports=story.reports,
    )
