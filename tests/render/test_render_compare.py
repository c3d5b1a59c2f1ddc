"""The page compares the sides event by event (issue 20): each event both sides' own outlets
reported, with each side's headlines side by side (page, Markdown, JSON); the events one side
alone reported with several outlets, the single reports only counted; and the continuing
stories with the day each was first listed.

The digest is tests/render/compare_cases.py's.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from newsprism.documents._digests import Digest
from newsprism.render._compare import MAX_HEADLINES
from newsprism.render._markdown import render_markdown
from newsprism.render._stage import render_digest
from newsprism.store import FileStore
from tests.hardening_helpers import hostile_markup
from tests.render.compare_cases import (
    ANALYSTS,
    CAPITOL,
    CURBS,
    HACKERS,
    QUOTAS,
    TALKS,
    TALKS_CN,
    TALKS_HK,
    TALKS_IN,
    TALKS_US2,
    TRUCE,
    events_digest,
    hostile_digest,
)
from tests.seed_digest import SEED, seed_digest, with_coverage
from tests.site_helpers import (
    BEIJING,
    DELHI,
    EVIL_TITLE,
    HARBOUR,
    Page,
    report,
    section,
    shifted,
    store_digest,
)

ATOM = "{http://www.w3.org/2005/Atom}"


def publish(tmp_path: Path, digest: Digest) -> FileStore:
    """The site after publishing 10 February (an earlier day) and then the digest."""
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, shifted(digest, -2))
    store_digest(data, digest)
    render_digest(data, site, "us-china", "2026-02-10")
    render_digest(data, site, "us-china", digest.classified.date)
    return site


@pytest.fixture
def site(tmp_path: Path) -> FileStore:
    return publish(tmp_path, events_digest())


def digest_html(site: FileStore) -> str:
    return site.read("us-china/2026-02-12/index.html").decode()


def text(html: str) -> str:
    return " ".join("".join(Page(html).text).split())


def columns(event: str) -> list[str]:
    return re.findall(r'<div class="event-side .*?</div>', event, re.DOTALL)


# -- How each side reported it -------------------------------------------------------------

def test_an_event_both_sides_reported_in_different_words_is_shown_side_by_side(
        site: FileStore) -> None:
    html = digest_html(site)
    compared = section(html, "compared")
    events = re.findall(r'<li class="event">.*?</ol>', compared, re.DOTALL)
    assert len(events) == 1 and compared.count('<li class="event">') == 1
    us, china = columns(events[0])
    assert 'tone-1' in us and 'tone-2' in china  # configuration order
    # Each side's own headlines, with their outlets and countries; the unverified copy joins
    # the headline it repeats, marked.
    assert text(us) == (f"United States 2 outlets {TALKS} Washington Daily, United States; "
                        "Nowhere Known, country unknown unverified "
                        f"{TALKS_US2} Capitol Times, United States")
    assert text(china) == (f"China 2 outlets {TALKS_CN} Beijing Herald, China "
                           f"{TALKS_HK} Harbour Post, Hong Kong")
    assert '<a class="headline" href="https://beijingherald.example/copy-' in china
    # Other countries' reports of it apart, small, below the sides.
    others = re.findall(r'<p class="event-others">.*?</p>', events[0], re.DOTALL)[0]
    assert text(others) == f"Other countries: {TALKS_IN} (Delhi Times, India)"
    assert TALKS_IN not in us + china
    # The centre of the page: after the highlights, before the sides' columns.
    assert (html.index('id="overall"') < html.index('id="compared"')
            < html.index('id="one-sided"') < html.index('id="p-us"'))
    assert '<a href="#compared">1 event both sides reported</a>' in html


def test_an_event_with_many_headlines_shows_a_few_and_counts_the_rest(tmp_path: Path) -> None:
    digest = events_digest()
    first = digest.classified.articles[0]
    many = tuple(report(f"Take {'number ' * n}{n} on the talks", CAPITOL, "us")
                 for n in range(5))
    articles = (dataclasses.replace(first, related=first.related + many),
                *digest.classified.articles[1:])
    digest = dataclasses.replace(digest, classified=dataclasses.replace(
        digest.classified, articles=articles))
    us = columns(section(digest_html(publish(tmp_path, digest)), "compared"))[0]
    assert us.count("<li>") == MAX_HEADLINES == 3
    assert "and 4 more reports" in text(us)  # seven headlines, a report each but the first


def test_no_event_both_sides_reported_is_said_in_one_line(tmp_path: Path) -> None:
    digest = events_digest()
    articles = (dataclasses.replace(digest.classified.articles[0], covered_by=("us",)),
                *digest.classified.articles[1:])
    digest = dataclasses.replace(digest, classified=dataclasses.replace(
        digest.classified, articles=articles))
    html = digest_html(publish(tmp_path, digest))
    compared = section(html, "compared")
    assert text(compared).endswith("How each side reported it No event today was reported by "
                                   "both sides' own outlets. <")
    assert '<a href="#compared">no event both sides reported</a>' in html
    markdown = render_markdown(digest)
    assert ("## How Each Side Reported It\n\nNo event today was reported by both sides' own "
            "outlets.\n\n## United States Perspective") in markdown


def test_markdown_lists_each_sides_headlines_per_event() -> None:
    markdown = render_markdown(events_digest())
    block = markdown.split("## How Each Side Reported It\n\n", 1)[1].split("\n\n## ", 1)[0]
    cn, hk, us2, india = (f"{home}/copy-{len(title)}" for title, (_, home, _) in (
        (TALKS_CN, BEIJING), (TALKS_HK, HARBOUR), (TALKS_US2, CAPITOL), (TALKS_IN, DELHI)))
    talks = "https://washingtondaily.example/us-and-china-agree-to-resume-military-talks"
    assert block == (
        f"- United States: [{TALKS}]({talks}) - Washington Daily, United States; "
        f"Nowhere Known, unverified · [{TALKS_US2}]({us2}) - Capitol Times, United States\\\n"
        f"  China: [{TALKS_CN}]({cn}) - Beijing Herald, China · "
        f"[{TALKS_HK}]({hk}) - Harbour Post, Hong Kong\\\n"
        f"  Other countries: [{TALKS_IN}]({india}) - Delhi Times, India")
    # After the overall highlights, before the perspectives; one list item, a line per side.
    assert markdown.index("<!--more-->") < markdown.index("## How Each Side Reported It") < (
        markdown.index("## United States Perspective"))
    html = str(MarkdownIt("commonmark").render(markdown.split("---\n", 2)[2]))
    item = re.findall(r"<h2>How Each Side Reported It</h2>\n<ul>\n<li>(.*?)</li>", html,
                      re.DOTALL)[0]
    assert item.count("<br />") == 2 and item.startswith("United States: <a href=")


def test_published_json_carries_the_compared_events(site: FileStore) -> None:
    document = json.loads(site.read("us-china/2026-02-12.json"))
    digest = events_digest()
    lead = digest.classified.articles[0]
    (event,) = document["compared"]
    assert event["story"] == lead.story and event["covered_by"] == ["us", "china"]
    assert list(event["sides"]) == ["china", "us"]  # keys sorted, as in every stored document
    assert [(r["title"], r["source"], r["outlet_country"], r["verified"])
            for r in event["sides"]["us"]] == [
        (TALKS, "Washington Daily", "US", True), (TALKS_US2, "Capitol Times", "US", True),
        (TALKS, "Nowhere Known", None, False)]
    assert [r["title"] for r in event["sides"]["china"]] == [TALKS_CN, TALKS_HK]
    assert [r["source"] for r in event["others"]] == ["Delhi Times"]
    assert event["sides"]["us"][0]["id"] == lead.article.id
    assert event["sides"]["china"][0]["id"] == lead.related[0].id
    # Besides "compared" it is the stored digest, field for field.
    stored = json.loads(json.dumps(digest.to_dict()))
    assert {k: v for k, v in document.items() if k not in ("compared", "schema")} == stored


# -- Widely reported by one side only --------------------------------------------------------

def test_one_sided_events_with_several_outlets_are_listed_and_singles_counted(
        site: FileStore) -> None:
    html = digest_html(site)
    one_sided = section(html, "one-sided")
    assert "<h2 id=\"one-sided\">Widely reported by one side only</h2>" in one_sided
    us, china = section(one_sided, "b-us"), section(one_sided, "b-china")
    assert ("2 events with several outlets, 1 reported by a single outlet. Not reported by "
            "China outlets.") in text(us)
    items = re.findall(r"<li>(.*?)</li>", us, re.DOTALL)
    assert [text(item) for item in items] == [
        f"{HACKERS} 3 outlets: Washington Daily, United States; Capitol Times, United States; "
        "Gulf Herald, United States",
        f"{CURBS} 2 outlets: Capitol Times, United States; Gulf Herald, United States"]
    assert ANALYSTS not in one_sided  # a single outlet's: counted only
    assert ("China alone No event with several outlets, 2 reported by a single outlet. "
            "Not reported by United States outlets.") in text(china)
    assert "<ul>" not in china
    assert '<a href="#one-sided">5 stories covered by one side only</a>' in html
    # The manifest's count is unchanged in meaning: every story one side alone reported.
    manifest = json.loads(site.read("manifest/us-china.json"))
    assert manifest["entries"][-1]["blindspots"] == 5


# -- Continuing ------------------------------------------------------------------------------

def test_continuing_stories_link_the_day_they_were_first_listed(site: FileStore) -> None:
    html = digest_html(site)
    continuing = section(html, "continuing")
    items = [text(item) for item in re.findall(r"<li>(.*?)</li>", continuing, re.DOTALL)]
    assert items == [
        f"{TRUCE} Washington Daily, United States · first listed 10 Feb · 4 reports today",
        f"{QUOTAS} Nowhere Known, country unknown unverified · first listed 1 Feb"]
    # Linked where the site has the day's page; the other day was never published here.
    assert '<a href="../2026-02-10/index.html"><time datetime="2026-02-10">10 Feb</time></a>' \
        in continuing
    assert '<time datetime="2026-02-01">1 Feb</time>' in continuing
    assert "2026-02-01/index.html" not in continuing
    assert site.exists("us-china/2026-02-10/index.html")
    assert html.index('id="overall"') < html.index('id="continuing"') < html.index('id="p-us"')


def test_continuing_stories_in_the_markdown_and_the_feed(site: FileStore) -> None:
    markdown = site.read("us-china/2026-02-12.md").decode()
    block = markdown.split("## Continuing\n\n", 1)[1].split("\n\n## Sources", 1)[0]
    assert block == (
        f"- [{TRUCE}](https://washingtondaily.example/truce) - Washington Daily, United States "
        "(first listed 2/10/2026; 4 reports today)\n"
        f"- [{QUOTAS}](https://nowhere.example/quotas) - Nowhere Known, unverified "
        "(first listed 2/1/2026; 1 report today)")
    feed = ET.fromstring(site.read("us-china/feed.xml"))
    content = str(feed.findtext(f"{ATOM}entry/{ATOM}content"))
    assert "1 event both sides reported" in content and "· 2 continuing stories." in content
    assert json.loads(site.read("manifest/us-china.json"))["entries"][-1]["continuing"] == 2


# -- the earlier format and hostile text -----------------------------------------------------

def test_the_earlier_format_has_none_of_it() -> None:
    seed = with_coverage(seed_digest())
    seed = dataclasses.replace(seed, classified=dataclasses.replace(
        seed.classified, continuing=events_digest().classified.continuing))
    assert render_markdown(seed) == SEED.read_text(encoding="utf-8")
    markdown = render_markdown(events_digest("feed"))
    for absent in ("How Each Side", "## Continuing", TRUCE, TALKS_CN):
        assert absent not in markdown, absent


def test_hostile_text_in_the_new_sections_stays_text(tmp_path: Path) -> None:
    site = publish(tmp_path, hostile_digest())
    html = digest_html(site)
    assert hostile_markup(html) == []
    shown = text(html)
    for plain in (EVIL_TITLE, "<b>Herald</b>", "*[x](javascript:alert(2))*",
                  "<script>alert(3)</script>", "# <i>Truce</i>", "`Wire`",
                  "first listed <script>alert(5)</script>"):
        assert plain in shown, plain
    china = columns(section(html, "compared"))[1]
    assert '<span class="headline">&lt;script&gt;' in china  # not a web URL: no link
    document = json.loads(site.read("us-china/2026-02-12.json"))
    assert document["compared"][0]["sides"]["china"][0]["title"] == EVIL_TITLE

    markdown = site.read("us-china/2026-02-12.md").decode()
    rendered = str(MarkdownIt("commonmark").render(markdown.split("---\n", 2)[2]))
    for markup in ("<script", "<b>", "<i>", "<em>", "<code>", 'href="javascript:', "<h1>"):
        assert markup not in rendered, markup
    reader = Page(rendered)
    shown = " ".join("".join(reader.text).split())
    for plain in (EVIL_TITLE, "<b>Herald</b>", "*[x](javascript:alert(2))*", "Delhi_Times_",
                  "# <i>Truce</i> - `Wire`, United States (first listed "
                  "<script>alert(5)</script>; 4 reports today)"):
        assert plain in shown, plain
