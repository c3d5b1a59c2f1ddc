"""True sides on the site (issue 19): every outlet with its country, the other countries'
outlets apart from the sides, unverified outlets marked and never counted as a side's
coverage, in the page, the Markdown and the feeds.

The digest is built here rather than classified, so that each case a reader relies on is
there exactly once: a side's own outlets, an unknown outlet and an aggregator on the US feed's
side, a story only China's outlets reported though an unverified US-side outlet leads it, a
story India's outlet leads that a US outlet also reported, and a thin side whose listed count
alone would hide it.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from newsprism.documents import OTHER
from newsprism.documents._digests import (
    Bullet,
    Classified,
    Coverage,
    Digest,
    Highlights,
    PerspectiveInfo,
)
from newsprism.render._markdown import UNVERIFIED_NOTE as MARKDOWN_NOTE
from newsprism.render._markdown import render_markdown
from newsprism.render._sources import UNVERIFIED_NOTE
from newsprism.render._stage import render_digest
from newsprism.store import FileStore
from tests.site_helpers import (
    BEIJING,
    DELHI,
    HARBOUR,
    NOW,
    PORTAL,
    TOKYO,
    UNKNOWN,
    WASHINGTON,
    Page,
    labels,
    listed,
    report,
    section,
    store_digest,
    story_rows,
)

ATOM = "{http://www.w3.org/2005/Atom}"
CURBS = "Washington weighs new chip curbs on China"
HACKERS = "Chinese hackers breach US telecom networks"
ANALYSTS = "Analysts split on US-China truce"
RARE_EARTHS = "China bans rare earth exports to US defence firms"
TALKS = "US and China agree to resume military talks"
RATES = "China's central bank holds rates"
EXPORTERS = "Hong Kong exporters brace for tariffs"
CHIP_RACE = "India watches the US-China chip race"
TRADE_MINISTER = "Japan's trade minister on US-China talks"


def sides_digest(attribution: str = "source") -> Digest:
    articles = (
        # The US side: two of its own outlets' stories, an unknown outlet's, an aggregator's.
        listed(CURBS, WASHINGTON, "us", covered=("us",)),
        listed(HACKERS, WASHINGTON, "us", covered=("us",), hours=2,
               related=(report(HACKERS, DELHI, OTHER),)),  # India is no side
        listed(ANALYSTS, UNKNOWN, "us", hours=3),
        listed(RARE_EARTHS, PORTAL, "us", covered=("china",), hours=4,
               related=(report(RARE_EARTHS, BEIJING, "china"),)),
        # China's side: both sides' own outlets reported the first.
        listed(TALKS, HARBOUR, "china", covered=("us", "china"),
               related=(report(TALKS, WASHINGTON, "us"),)),
        listed(RATES, BEIJING, "china", feed="china", covered=("china",), hours=2),
        listed(EXPORTERS, HARBOUR, "china", covered=("china",), hours=3,
               related=(report(EXPORTERS, UNKNOWN, "us"),)),
        # The other countries: India's report of a story a US outlet also covered.
        listed(CHIP_RACE, DELHI, OTHER, covered=("us",),
               related=(report(CHIP_RACE, WASHINGTON, "us"),)),
        listed(TRADE_MINISTER, TOKYO, OTHER, feed="china", hours=2),
    )
    ids = {a.article.title: a.article.id for a in articles}
    classified = Classified(
        topic="us-china", topic_name="US vs China", date="2026-02-12", generated_at=NOW,
        window_start=NOW - timedelta(hours=24),
        perspectives=(PerspectiveInfo("us", "United States", ("US",)),
                      PerspectiveInfo("china", "China", ("CN", "HK", "MO"))),
        articles=articles,
        # Four listed on the US side, two of them unverified: thin by its own outlets.
        coverage={"us": Coverage(fetched=9, in_window=8, on_topic=6, listed=4, unverified=2,
                                 thin=True),
                  "china": Coverage(fetched=5, in_window=5, on_topic=4, listed=3)},
        attribution=attribution,
    )
    highlights = Highlights(
        overall=(Bullet("Chip curbs and rare earths dominate.", (ids[CURBS], ids[RARE_EARTHS])),
                 Bullet("India and Japan watch.", (ids[CHIP_RACE],))),
        perspectives={"us": (Bullet("Washington weighs curbs.", (ids[CURBS],)),),
                      "china": (Bullet("Beijing holds rates.", (ids[RATES],)),)},
    )
    return Digest(classified=classified, highlights=highlights, summarizer="extractive")


@pytest.fixture
def site(tmp_path: Path) -> FileStore:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, sides_digest())  # through storage: the page reads what was stored
    render_digest(data, site, "us-china", "2026-02-12")
    return site


def digest_html(site: FileStore) -> str:
    return site.read("us-china/2026-02-12/index.html").decode()


def text(html: str) -> str:
    return " ".join("".join(Page(html).text).split())


def source_items(html: str) -> dict[str, str]:
    """Each listed article's <li> by its title."""
    items = re.findall(r'<li value="\d+"[^>]*>(.*?)</li>', html, re.DOTALL)
    return {re.findall(r'class="title"[^>]*>(.*?)</', item)[0]: item for item in items}


# -- the page ----------------------------------------------------------------------------

def test_every_outlet_is_shown_with_its_stored_country(site: FileStore) -> None:
    items = source_items(digest_html(site))
    assert len(items) == 9
    for listed_article in sides_digest().classified.articles:
        item = items[listed_article.article.title.replace("'", "&#39;")]
        country = {"US": "United States", "CN": "China", "HK": "Hong Kong", "IN": "India",
                   "JP": "Japan", None: "country unknown"}[listed_article.outlet_country]
        outlet = listed_article.article.source.replace("'", "&#39;")
        assert f'<span class="outlet">{outlet}</span> · ' in item
        assert f">{country}</span>" in item, listed_article.article.title
    # The related reports too, with the side they count for where the country does not say.
    assert "Delhi Times</a> (India)" in items[HACKERS]
    assert "Beijing Herald</a> (China)" in items[RARE_EARTHS]
    assert "Harbour Post</a> (Hong Kong; China side)" not in items[TALKS]  # the same side
    assert "Washington Daily</a> (United States)" in items[TALKS]
    assert "Nowhere Known</a> (unverified; United States side)" in items[EXPORTERS]


def test_other_countries_are_a_section_after_the_sides_not_a_side(site: FileStore) -> None:
    html = digest_html(site)
    others = section(html, "others")
    assert "Other countries' outlets" in text(others)
    assert "(India, Japan)" in text(others) and "count for no side" in text(others)
    assert list(source_items(others)) == [CHIP_RACE, TRADE_MINISTER.replace("'", "&#39;")]
    assert html.index('aria-labelledby="others"') > html.index('aria-labelledby="p-china"')
    columns = re.findall(r'<section class="perspective .*?</section>', html, re.DOTALL)
    assert len(columns) == 2
    for column in columns:
        assert "Delhi Times" not in column.split("Also reported by")[0]
        assert "Tokyo Wire" not in column
    # No side's total, the bar or the legend counts them; the page says how many there are.
    assert "United States <span class=\"tally\">4 articles</span>" in html
    assert "China <span class=\"tally\">3 articles</span>" in html
    assert labels(re.findall(r'<svg class="balance".*?</svg>', html)[0]) == [
        "United States: 4 articles, China: 3 articles"]
    assert '9 articles (<a href="#others">2 from other countries</a>)' in html
    assert "Other" not in text(re.findall(r'<ul class="legend">.*?</ul>', html, re.DOTALL)[0])


def test_one_sided_events_count_only_the_sides_own_outlets(site: FileStore) -> None:
    html = digest_html(site)
    blindspots = section(html, "one-sided")
    us, china = section(blindspots, "b-us"), section(blindspots, "b-china")
    # Every one-sided story here has a single counted outlet: counted, never listed.
    # India's report of the hackers story does not make it China's, nor anyone's; only
    # China's outlet counts for the rare earths story, though an aggregator on the US feed's
    # side leads it.
    assert ("United States alone</h3>\n<p class=\"missing\">No event with several outlets, "
            "2 reported by a single outlet. Not reported by China outlets.</p>") in us
    assert ("No event with several outlets, 3 reported by a single outlet. "
            "Not reported by United States outlets.") in china
    assert "<ul>" not in blindspots
    for title in (CURBS, HACKERS, RARE_EARTHS, RATES, EXPORTERS, TALKS, ANALYSTS, CHIP_RACE):
        assert title not in blindspots, title
    assert '<a href="#one-sided">5 stories covered by one side only</a>' in html


def test_unverified_outlets_are_marked_and_explained(site: FileStore) -> None:
    html = digest_html(site)
    items = source_items(html)
    badge = f'<span class="badge unverified" title="{UNVERIFIED_NOTE.replace("'", "&#39;")}">'
    for title in (ANALYSTS, RARE_EARTHS):
        assert badge + "unverified</span>" in items[title], title
    for title in (CURBS, HACKERS, TALKS, CHIP_RACE):
        assert "badge unverified" not in items[title], title
    us = re.findall(r'<section class="perspective tone-1".*?</section>', html, re.DOTALL)[0]
    assert "Outlets from: United States · 2 unverified articles" in text(us)
    assert "does not count as that side's coverage" in text(us)
    china = re.findall(r'<section class="perspective tone-2".*?</section>', html, re.DOTALL)[0]
    assert "Outlets from: China, Hong Kong, Macao" in text(china)
    assert "unverified" not in china.split("Also reported by")[0]


def test_thin_warning_counts_the_sides_verified_articles(site: FileStore) -> None:
    warnings = re.findall(r'<aside class="warning"[^>]*>(.*?)</aside>', digest_html(site),
                          re.DOTALL)
    assert len(warnings) == 1
    assert text(warnings[0]).startswith(
        "Thin United States coverage today. Only 2 articles from this side's verified outlets "
        "(United States) made it into this digest, besides 2 articles from unverified outlets, "
        "which count for no side (9 fetched, 8 in the time window, 6 on topic).")


def test_story_table_keeps_reports_that_count_for_no_side_apart(site: FileStore) -> None:
    html = digest_html(site)
    header = re.findall(r'<table class="story-table".*?</thead>', html, re.DOTALL)[0]
    assert re.findall(r'<span class="side-name">(.*?)</span>', header) == [
        "United States", "China", "Other countries", "Unverified"]
    rows = {re.findall(r'<th scope="row" class="story">(?:<a [^>]*>)?(.*?)<', row)[0]: row
            for row in story_rows(html)}
    assert labels(rows[TALKS]) == ["United States: 1 report", "China: 1 report"]
    assert labels(rows[HACKERS]) == ["United States: 1 report", "Other countries: 1 report"]
    assert labels(rows[RARE_EARTHS]) == ["China: 1 report", "Unverified: 1 report"]
    assert next(iter(rows)) == TALKS  # the only story both sides' own outlets reported
    health = re.findall(r'<table class="health".*?</table>', html, re.DOTALL)[0]
    assert "Of those, unverified" in health and "<td>4</td><td>2</td>" in health


def test_index_archive_and_manifest_count_the_other_countries_apart(site: FileStore) -> None:
    index = site.read("index.html").decode()
    assert "9 articles (2 from other countries)" in text(index)
    assert labels(re.findall(r'<svg class="balance".*?</svg>', index)[0]) == [
        "United States: 4 articles, China: 3 articles"]
    archive = site.read("us-china/index.html").decode()
    assert "9 articles · United States 4 · China 3 · other countries 2" in text(archive)
    manifest = site.read("manifest/us-china.json").decode()
    assert '"counts":{"china":3,"other":2,"us":4}' in manifest


def test_atom_entry_lists_each_sides_outlets_and_the_other_countries(site: FileStore) -> None:
    feed = ET.fromstring(site.read("us-china/feed.xml"))
    content = str(feed.findtext(f"{ATOM}entry/{ATOM}content"))
    shown = " ".join(" ".join(Page(content).text).split())
    assert ("United States Washington weighs curbs. Outlets: Washington Daily (United States), "
            "Nowhere Known (country unknown, unverified), "
            "Everyone's Portal (country unknown, unverified).") in shown
    assert ("China Beijing holds rates. Outlets: Harbour Post (Hong Kong), "
            "Beijing Herald (China).") in shown
    assert "Other countries Outlets: Delhi Times (India), Tokyo Wire (Japan)." in shown
    assert f"Unverified: {UNVERIFIED_NOTE}" in shown
    assert ("9 articles (2 from other countries) · 1 event both sides reported · 5 stories "
            "covered by one side only") in shown
    assert "<h3>Other countries</h3><p>Outlets:" in content  # no "No highlights." for them


# -- the Markdown --------------------------------------------------------------------------

def source_lines(markdown: str) -> list[str]:
    return [re.sub(r"\]\([^)]*\)", "]", line)
            for line in re.findall(r"^\d+\. .*$", markdown, re.MULTILINE)]


def test_product_markdown_shows_countries_and_lists_other_countries_apart() -> None:
    markdown = render_markdown(sides_digest())
    assert "## United States Perspective (Outlets: United States)\n" in markdown
    assert "## China Perspective (Outlets: China, Hong Kong, Macao)\n" in markdown
    sources = markdown.split("## Sources\n\n", 1)[1]
    sides, others = sources.split("\n\n### Other Countries\n\n", 1)
    assert source_lines(sides) == [
        f"1. [en-US] [{CURBS}] - Washington Daily, United States (2/12/2026)",
        f"2. [en-US] [{HACKERS}] - Washington Daily, United States (2/12/2026)",
        f"3. [en-US] [{ANALYSTS}] - Nowhere Known, unverified (2/12/2026)",
        f"4. [en-US] [{RARE_EARTHS}] - Everyone's Portal, unverified (2/12/2026)",
        f"5. [en-US] [{TALKS}] - Harbour Post, Hong Kong (2/12/2026)",
        f"6. [en-US] [{RATES}] - Beijing Herald, China (2/12/2026)",
        f"7. [en-US] [{EXPORTERS}] - Harbour Post, Hong Kong (2/12/2026)",
    ]
    assert sides.startswith("This summary is based on 9 articles from the following sources:")
    assert MARKDOWN_NOTE in sides
    assert source_lines(others) == [
        f"8. [en-US] [{CHIP_RACE}] - Delhi Times, India (2/12/2026)",
        f"9. [en-US] [{TRADE_MINISTER}] - Tokyo Wire, Japan (2/12/2026)",
    ]
    html = str(MarkdownIt("commonmark").render(markdown.split("---\n", 2)[2]))
    assert '<h3>Other Countries</h3>' in html and '<ol start="8">' in html
    assert markdown.endswith("Tokyo Wire, Japan (2/12/2026)\n")


def test_product_front_matter_is_yaml_with_countries_and_the_other_count() -> None:
    markdown = render_markdown(sides_digest())
    front = yaml.safe_load(markdown.split("---\n")[1])
    assert front["articleCount"] == 9
    assert front["perspectives"] == [
        {"id": "us", "name": "United States", "count": 4, "countries": ["US"]},
        {"id": "china", "name": "China", "count": 3, "countries": ["CN", "HK", "MO"]},
    ]
    assert (front["usSources"], front["chinaSources"], front["otherCountries"]) == (4, 3, 2)
    assert front["sources"] == ["Washington Daily", "Nowhere Known", "Everyone's Portal",
                                "Harbour Post", "Beijing Herald", "Delhi Times", "Tokyo Wire"]
    assert render_markdown(sides_digest()) == markdown  # deterministic


def test_product_markdown_escapes_outlets_and_countries_like_any_feed_text() -> None:
    digest = sides_digest()
    articles = list(digest.classified.articles)
    hostile = dataclasses.replace(articles[-1].article, source="Evil *Wire* <b>")
    articles[-1] = dataclasses.replace(articles[-1], article=hostile, outlet_country="Z*")
    classified = dataclasses.replace(digest.classified, articles=tuple(articles))
    markdown = render_markdown(dataclasses.replace(digest, classified=classified))
    assert source_lines(markdown)[-1] == (
        rf"9. [en-US] [{TRADE_MINISTER}] - Evil \*Wire\* \<b\>, Z\* (2/12/2026)")
    html = str(MarkdownIt("commonmark").render(markdown.split("---\n", 2)[2]))
    assert "<b>" not in html and "<em>" not in html


def test_feed_attribution_keeps_the_earlier_format_and_marks_nothing(tmp_path: Path) -> None:
    digest = sides_digest("feed")
    # Under "feed" classify makes no other countries' group: India's related report is the
    # US feed's, like every report of it.
    sides = tuple(
        dataclasses.replace(a, related=tuple(dataclasses.replace(r, perspective="us")
                                             if r.perspective == OTHER else r
                                             for r in a.related))
        for a in digest.classified.articles if a.perspective != OTHER)
    digest = dataclasses.replace(
        digest, classified=dataclasses.replace(digest.classified, articles=sides))
    markdown = render_markdown(digest)
    assert "## United States Perspective (United States Sources)\n" in markdown
    assert "## China Perspective (China Sources)\n" in markdown
    assert f"1. [en-US] [{CURBS}] - Washington Daily (2/12/2026)" in source_lines(markdown)
    assert f"3. [en-US] [{ANALYSTS}] - Nowhere Known (2/12/2026)" in source_lines(markdown)
    for absent in ("countries:", "otherCountries", "unverified", "Unverified", "Other Countries",
                   ", United States (", "Outlets:"):
        assert absent not in markdown, absent

    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, digest)
    render_digest(data, site, "us-china", "2026-02-12")
    html = digest_html(site)
    assert "unverified" not in html.lower() and 'id="others"' not in html
    assert "Outlets from:" not in html
    # Every article counts under "feed": the unknown outlet's story is the US side's.
    header = re.findall(r'<table class="story-table".*?</thead>', html, re.DOTALL)[0]
    assert re.findall(r'<span class="side-name">(.*?)</span>', header) == [
        "United States", "China"]
    assert "Sources and coverage" in site.read("us-china/feed.xml").decode()
    assert "Outlets:" not in site.read("us-china/feed.xml").decode()
