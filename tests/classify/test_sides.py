"""True sides (issue 19): every listed article under the country its outlet is from.

A fixture day with outlets from both sides, from third countries, from nowhere the registry
knows and from an aggregator, classified against a registry of its own, so that additions to
the bundled registry cannot change what is asserted here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from newsprism.classify._select import select
from newsprism.config import Settings
from newsprism.documents import OTHER, Classified, ListedArticle, RawRun
from newsprism.outlets import parse_registry
from tests.classify.test_classify import NOW, TOPIC, article

REGISTRY = parse_registry("""
[[outlet]]
name = "Washington Daily"
country = "US"
domains = ["washingtondaily.example"]
[[outlet]]
name = "Harbour Post"
country = "HK"
domains = ["harbourpost.example"]
[[outlet]]
name = "Beijing Herald"
country = "CN"
domains = ["beijingherald.example"]
[[outlet]]
name = "Delhi Times"
country = "IN"
domains = ["delhitimes.example"]
[[outlet]]
name = "Tokyo Wire"
country = "JP"
domains = ["tokyowire.example"]
kind = "wire"
[[outlet]]
name = "Everyone's Portal"
country = "US"
domains = ["portal.example"]
kind = "aggregator"
""", name="fixture")

US = {"source": "Washington Daily", "source_url": "https://washingtondaily.example"}
HK = {"source": "Harbour Post", "source_url": "https://harbourpost.example"}
CN = {"source": "Beijing Herald", "source_url": "https://www.beijingherald.example"}
IN = {"source": "Delhi Times", "source_url": "https://delhitimes.example"}
JP = {"source": "Tokyo Wire", "source_url": "https://tokyowire.example"}
UNKNOWN = {"source": "Nowhere Known", "source_url": "https://nowhere.example"}
PORTAL = {"source": "Everyone's Portal", "source_url": "https://portal.example"}


def day() -> list[RawRun]:
    """One run: both feeds carry other countries' outlets, as Google News searches do."""
    articles = (
        article("Washington weighs new chip curbs on China", hours_ago=1, **US),
        article("Congress debates Taiwan arms package", hours_ago=2, **US),
        article("Pentagon report on PLA drills", hours_ago=3, **US),
        # found by the US search, from China and Hong Kong
        article("Beijing says US chip curbs will backfire", hours_ago=4, **CN),
        article("Hong Kong exporters brace for tariffs", hours_ago=5, **HK),
        # found by the US search, from India, Japan and nowhere known
        article("India watches the US-China chip race", hours_ago=6, **IN),
        article("Japan's trade minister on US-China talks", hours_ago=7, **JP),
        article("Analysts split on US-China truce", hours_ago=8, **UNKNOWN),
        article("US-China truce: what we know", hours_ago=9, **PORTAL),
        # found by the China search, from the US
        article("Xi meets US business leaders", hours_ago=1.5, perspective="china", **US),
        article("China's central bank holds rates", hours_ago=2.5, perspective="china", **CN),
        article("Indian pharma eyes Chinese market", hours_ago=3.5, perspective="china", **IN),
    )
    return [RawRun(topic="us-china", run_id="r1", fetched_at=NOW, feeds=(), articles=articles)]


def classify(runs: list[RawRun] | None = None, **settings: object) -> Classified:
    chosen = replace(Settings(), max_age=timedelta(days=1), **settings)  # type: ignore[arg-type]
    return select(day() if runs is None else runs, None, TOPIC, chosen, NOW, REGISTRY)


def by_title(result: Classified) -> dict[str, ListedArticle]:
    return {listed.article.title: listed for listed in result.articles}


def test_no_article_sits_under_a_side_its_outlet_is_not_from() -> None:
    result = classify()
    countries = {p.id: p.countries for p in TOPIC.perspectives}
    for report in result.articles:
        if report.verified and report.perspective != OTHER:
            assert report.outlet_country in countries[report.perspective], report.article.title
    listed = by_title(result)
    # The US search's Chinese outlets are China's, the China search's US outlet the US's.
    assert listed["Beijing says US chip curbs will backfire"].perspective == "china"
    assert listed["Hong Kong exporters brace for tariffs"].perspective == "china"
    assert listed["Xi meets US business leaders"].perspective == "us"


def test_third_countries_go_to_other_countries_with_their_country() -> None:
    result = classify()
    assert {(a.article.source, a.outlet_country, a.verified) for a in result.others} == {
        ("Delhi Times", "IN", True), ("Tokyo Wire", "JP", True)}
    assert result.count("other") == 3  # India twice (one from each feed), Japan's wire once
    # Listed after the sides, and never in a side's count.
    first_other = next(i for i, a in enumerate(result.articles) if a.perspective == OTHER)
    assert all(a.perspective == OTHER for a in result.articles[first_other:])
    assert [p.id for p in result.perspectives] == ["us", "china"]
    assert set(result.coverage) == {"us", "china"}


def test_unknown_outlets_and_aggregators_keep_their_feeds_side_unverified() -> None:
    listed = by_title(classify())
    unknown = listed["Analysts split on US-China truce"]
    portal = listed["US-China truce: what we know"]
    assert (unknown.perspective, unknown.outlet_country, unknown.verified) == ("us", None, False)
    assert (portal.perspective, portal.outlet_country, portal.verified) == ("us", None, False)
    assert portal.reason == "feed: Everyone's Portal is an aggregator"


def test_thin_side_warning_counts_verified_outlets_only() -> None:
    runs = day()
    # The US search now finds one US outlet and two it cannot vouch for.
    kept = tuple(a for a in runs[0].articles
                 if a.source != "Washington Daily" or a.title.startswith("Washington"))
    result = classify([replace(runs[0], articles=kept)])
    us = result.coverage["us"]
    assert (us.listed, us.unverified, us.thin) == (3, 2, True)
    assert not result.coverage["china"].thin


def test_blindspots_count_verified_outlets_only() -> None:
    runs = [RawRun(topic="us-china", run_id="r1", fetched_at=NOW, feeds=(), articles=(
        # China's outlet and an unknown one on the US feed: China alone covered it
        article("China bans rare earth exports to US defence firms", hours_ago=1, **CN),
        article("China bans rare earth exports to US defence firms", hours_ago=2, **UNKNOWN),
        # both sides' own outlets: covered by both
        article("US and China agree to resume military talks", hours_ago=3, **US),
        article("US and China agree to resume military talks", hours_ago=4, **HK),
        # a US outlet and India's: the US alone (India is no side)
        article("Chinese hackers breach US telecom networks", hours_ago=5, **US),
        article("Chinese hackers breach US telecom networks", hours_ago=6, **IN),
    ))]
    listed = by_title(classify(runs))
    assert listed["China bans rare earth exports to US defence firms"].covered_by == ("china",)
    assert listed["US and China agree to resume military talks"].covered_by == ("us", "china")
    hackers = listed["Chinese hackers breach US telecom networks"]
    assert hackers.covered_by == ("us",) and hackers.perspective == "us"
    assert [(r.perspective, r.outlet_country) for r in hackers.related] == [(OTHER, "IN")]


def test_other_countries_take_no_sides_slot() -> None:
    # Quota 2 per side: the sides' selection is what it would be without the others, who are
    # listed apart up to one side's quota.
    result = classify(max_articles=4)
    sides = [a for a in result.articles if a.perspective != OTHER]
    assert [a.perspective for a in sides] == ["us", "us", "china", "china"]
    assert len(result.others) == 2


def test_others_drop_records_them_as_excluded() -> None:
    result = classify(others="drop")
    assert not result.others
    dropped = [e for e in result.excluded if e.dropped == "other_country"]
    assert sorted((e.source, e.detail) for e in dropped) == [
        ("Delhi Times", "outlet from IN"), ("Delhi Times", "outlet from IN"),
        ("Tokyo Wire", "outlet from JP")]


def test_feed_attribution_keeps_every_article_on_its_feeds_side() -> None:
    result = classify(attribution="feed")
    assert not result.others
    assert {a.perspective for a in result.articles if a.article.perspective == "us"} == {"us"}
    # Countries are still recorded for the reader; every report counts under "feed".
    delhi = by_title(result)["India watches the US-China chip race"]
    assert (delhi.perspective, delhi.outlet_country, delhi.verified) == ("us", "IN", False)
    assert result.counts(delhi)


def test_the_stored_contract_round_trips() -> None:
    result = classify()
    again = Classified.from_dict(result.to_dict())
    assert again == result
    entry = result.to_dict()["articles"][0]
    assert {"perspective", "outlet_country", "verified"} <= set(entry)
