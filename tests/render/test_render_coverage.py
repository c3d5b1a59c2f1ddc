"""What a digest page says about coverage: what one side alone reported, the coverage-health
warning and the pictures of articles per side and per story."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from newsprism.documents._digests import Digest, PerspectiveInfo, RelatedReport
from newsprism.render._stage import render_digest
from newsprism.store import FileStore
from tests.seed_digest import seed_digest, with_coverage
from tests.site_helpers import Page, labels, section, store_digest, story_rows


def rendered(tmp_path: Path, digest: Digest) -> tuple[str, FileStore]:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, digest)
    render_digest(data, site, digest.classified.topic, digest.classified.date)
    return site.read(f"{digest.classified.topic}/{digest.classified.date}/index.html").decode(), site


def test_stories_several_outlets_of_one_side_alone_reported_are_listed(tmp_path: Path) -> None:
    digest = with_coverage(seed_digest())
    html, _ = rendered(tmp_path, digest)

    one_sided: dict[str, list[str]] = {}
    seen: set[str] = set()
    for listed in digest.classified.articles:
        if listed.story not in seen and len(listed.covered_by) == 1:
            one_sided.setdefault(listed.covered_by[0], []).append(listed.article.id)
        seen.add(listed.story)
    assert sorted(one_sided) == ["china", "us"]
    blindspots = section(html, "one-sided")
    assert "Widely reported by one side only" in blindspots
    for perspective, name, other in (("us", "United States", "China"),
                                     ("china", "China", "United States")):
        group = section(blindspots, f"b-{perspective}")
        count = len(one_sided[perspective])
        # Each is the listed report and one more of the side's outlets: two outlets, listed.
        assert f"{name} alone</h3>" in group
        assert (f"{count} events with several outlets, 0 reported by a single outlet. "
                f"Not reported by {other} outlets.") in group
        assert re.findall(r'href="#a-([0-9a-f]+)"', group) == one_sided[perspective]
        assert group.count("2 outlets: ") == count
    total = sum(len(ids) for ids in one_sided.values())
    assert f'<a href="#one-sided">{total} stories covered by one side only</a>' in html


def test_no_comparison_without_coverage_data_or_a_second_side(tmp_path: Path) -> None:
    plain, _ = rendered(tmp_path / "plain", seed_digest())  # classify recorded no covered_by
    assert 'id="one-sided"' not in plain and "covered by one side only" not in plain
    # Nor does it claim that no event was reported by both sides: it cannot know.
    assert 'id="compared"' not in plain and "both sides reported" not in plain

    digest = with_coverage(seed_digest())
    only_us = dataclasses.replace(
        digest.classified, perspectives=(PerspectiveInfo("us", "United States"),),
        articles=tuple(dataclasses.replace(a, perspective="us", covered_by=("us",))
                       for a in digest.classified.articles))
    single, _ = rendered(tmp_path / "single", dataclasses.replace(digest, classified=only_us))
    assert 'id="one-sided"' not in single and 'id="compared"' not in single


def test_thin_side_gets_the_coverage_health_warning(tmp_path: Path) -> None:
    html, site = rendered(tmp_path / "thin", with_coverage(seed_digest(), thin=("china",)))
    warnings = re.findall(r'<aside class="warning"[^>]*>(.*?)</aside>', html, re.DOTALL)
    assert len(warnings) == 1
    text = "".join(Page(warnings[0]).text)
    assert "Thin China coverage today." in text
    assert "(40 fetched, 28 in the time window, 16 on topic)" in text
    assert '<tr class="thin"><th scope="row">China' in html
    # The archive and the index carry the warning on to the day.
    assert "thin: China" in site.read("us-china/index.html").decode()
    assert "thin coverage" in site.read("index.html").decode()

    healthy, _ = rendered(tmp_path / "healthy", with_coverage(seed_digest()))
    assert '<aside class="warning"' not in healthy and 'id="health"' in healthy
    bare, _ = rendered(tmp_path / "bare", seed_digest())  # no coverage recorded
    assert '<aside class="warning"' not in bare and 'id="health"' not in bare


def test_balance_bar_splits_by_articles_per_side(tmp_path: Path) -> None:
    digest = seed_digest()
    html, _ = rendered(tmp_path / "even", digest)
    bar = re.findall(r'<svg class="balance".*?</svg>', html)[0]
    assert labels(bar) == ["United States: 10 articles, China: 10 articles"]
    assert re.findall(r'width="([\d.]+)"', bar) == ["50.00", "50.00"]

    articles = digest.classified.articles
    lopsided = dataclasses.replace(digest.classified, articles=articles[:15])  # 10 US, 5 China
    html, _ = rendered(tmp_path / "lopsided",
                       dataclasses.replace(digest, classified=lopsided))
    bar = re.findall(r'<svg class="balance".*?</svg>', html)[0]
    assert labels(bar) == ["United States: 10 articles, China: 5 articles"]
    assert re.findall(r'width="([\d.]+)"', bar) == ["66.67", "33.33"]


def test_story_table_marks_every_report_by_side(tmp_path: Path) -> None:
    html, _ = rendered(tmp_path, with_coverage(seed_digest()))
    rows = story_rows(html)
    assert len(rows) == 18  # 20 listed, the three Westinghouse reports one story
    # Three US outlets listed it, one more US and two Chinese outlets also reported it.
    first = rows[0]
    assert labels(first) == ["United States: 4 reports", "China: 2 reports"]
    assert first.count("<rect") == 4 and first.count("<circle") == 2
    assert "Westinghouse" in first
    # Stories both sides reported come before the one-sided ones.
    sides = [len(labels(row)) for row in rows]
    assert sides == sorted(sides, reverse=True) and sides[-1] == 1
    assert '<span class="visually-hidden">none</span>' in rows[-1]


def test_many_reports_are_capped_with_a_count(tmp_path: Path) -> None:
    digest = seed_digest()
    first = digest.classified.articles[0]
    related = tuple(RelatedReport(f"Copy {i}", f"https://example.com/{i}", f"Wire {i}", "us")
                    for i in range(8))
    articles = (dataclasses.replace(first, related=related), *digest.classified.articles[1:])
    classified = dataclasses.replace(digest.classified, articles=articles)
    html, _ = rendered(tmp_path, dataclasses.replace(digest, classified=classified))
    row = story_rows(html)[0]
    assert labels(row) == ["United States: 9 reports"]
    assert row.count("<rect") == 6 and '<span class="more-marks">+3</span>' in row
