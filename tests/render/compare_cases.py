"""The digest that tests/render/test_render_compare.py and test_hugo.py read (issue 20): an
event both sides reported in different words (and another country's outlet, and an unverified
copy on the US side), two events several US outlets alone reported (listed in the opposite
order to their size), single reports on both sides, and two continuing stories, one first
listed on a day the site has; and the same digest with hostile text in every new place."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from newsprism.documents import OTHER
from newsprism.documents._digests import (
    Bullet,
    Classified,
    ContinuingStory,
    Digest,
    Highlights,
    PerspectiveInfo,
)
from tests.site_helpers import (
    BEIJING,
    DELHI,
    EVIL_TITLE,
    HARBOUR,
    NOW,
    UNKNOWN,
    WASHINGTON,
    listed,
    report,
)

CAPITOL = ("Capitol Times", "https://capitoltimes.example", "US")
GULF = ("Gulf Herald", "https://gulfherald.example", "US")

TALKS = "US and China agree to resume military talks"
TALKS_CN = "China, US to restart military dialogue, defence ministry says"
TALKS_HK = "中美恢复两军对话"
TALKS_US2 = "Pentagon welcomes renewed military channel with Beijing"
TALKS_IN = "Delhi watches the US-China military thaw"
HACKERS = "Chinese hackers breach US telecom networks"
CURBS = "Washington weighs new chip curbs on China"
ANALYSTS = "Analysts split on US-China truce"
RATES = "China's central bank holds rates"
EXPORTERS = "Hong Kong exporters brace for tariffs"
CHIP_RACE = "India watches the US-China chip race"
TRUCE = "Trade truce holds for a second week"
QUOTAS = "Rare earth quotas tighten again"


def events_digest(attribution: str = "source") -> Digest:
    articles = (
        listed(TALKS, WASHINGTON, "us", covered=("us", "china"), related=(
            report(TALKS_CN, BEIJING, "china"),
            report(TALKS_US2, CAPITOL, "us"),
            report(TALKS, UNKNOWN, "us"),  # an unverified copy in the same words
            report(TALKS_HK, HARBOUR, "china"),
            report(TALKS_IN, DELHI, OTHER),
        )),
        # Two outlets only: listed before the bigger one, ranked after it.
        listed(CURBS, CAPITOL, "us", covered=("us",), hours=2,
               related=(report("US readies chip export limits", GULF, "us"),)),
        listed(HACKERS, WASHINGTON, "us", covered=("us",), hours=3, related=(
            report("Telecom breach blamed on Chinese state hackers", CAPITOL, "us"),
            report("Hackers tied to Beijing hit US carriers", GULF, "us"),
            report("China hackers in US networks", UNKNOWN, "us"),  # does not count
        )),
        listed(ANALYSTS, WASHINGTON, "us", covered=("us",), hours=4),
        listed(RATES, BEIJING, "china", feed="china", covered=("china",), hours=2),
        listed(EXPORTERS, HARBOUR, "china", covered=("china",), hours=3),
        listed(CHIP_RACE, DELHI, OTHER, hours=2),
    )
    continuing = (
        ContinuingStory("c1", TRUCE, "https://washingtondaily.example/truce", "Washington Daily",
                        "us", "2026-02-10", reports=4, covered_by=("us", "china"),
                        outlet_country="US", verified=True),
        ContinuingStory("c2", QUOTAS, "https://nowhere.example/quotas", "Nowhere Known", "us",
                        "2026-02-01"),
    )
    classified = Classified(
        topic="us-china", topic_name="US vs China", date="2026-02-12", generated_at=NOW,
        window_start=NOW - timedelta(hours=24),
        perspectives=(PerspectiveInfo("us", "United States", ("US",)),
                      PerspectiveInfo("china", "China", ("CN", "HK", "MO"))),
        articles=articles, attribution=attribution, continuing=continuing,
    )
    lead = articles[0].article.id
    highlights = Highlights(overall=(Bullet("Military talks resume.", (lead,)),),
                            perspectives={"us": (Bullet("Talks resume.", (lead,)),)})
    return Digest(classified=classified, highlights=highlights, summarizer="extractive")


def hostile_digest() -> Digest:
    """Hostile text in every new place: a compared headline and outlet on each side and the
    other countries', a one-sided event's outlet, a continuing story's every field."""
    digest = events_digest()
    articles = list(digest.classified.articles)
    talks = articles[0]
    related = list(talks.related)
    related[0] = dataclasses.replace(related[0], title=EVIL_TITLE, source="<b>Herald</b>",
                                     url="javascript:alert(1)")
    related[4] = dataclasses.replace(related[4], title="*[x](javascript:alert(2))*",
                                     source="Delhi_Times_")
    articles[0] = dataclasses.replace(talks, related=tuple(related))
    hackers = articles[2]
    articles[2] = dataclasses.replace(hackers, related=(
        dataclasses.replace(hackers.related[0], source="<script>alert(3)</script>"),
        *hackers.related[1:]))
    continuing = (dataclasses.replace(digest.classified.continuing[0], title="# <i>Truce</i>",
                                      source="`Wire`", url="javascript:alert(4)",
                                      first_listed="<script>alert(5)</script>"),)
    return dataclasses.replace(digest, classified=dataclasses.replace(
        digest.classified, articles=tuple(articles), continuing=continuing))
