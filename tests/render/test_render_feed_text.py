"""Feed text on the pages (issue 22): a headline, outlet or highlight written right to left is
isolated from the text around it, and no sentence has a dangling separator or a zero count."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from newsprism.documents._digests import Bullet, Digest
from newsprism.render._stage import render_digest
from newsprism.store import FileStore
from tests.seed_digest import seed_digest, with_coverage
from tests.site_helpers import Page, store_digest

ARABIC_TITLE = "الصين والولايات المتحدة تستأنفان المحادثات 2026"
HEBREW_OUTLET = "הארץ 24"
ARABIC_BULLET = "استئناف المحادثات العسكرية 3"


def rendered(tmp_path: Path, digest: Digest) -> tuple[str, FileStore]:
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    store_digest(data, digest)
    render_digest(data, site, digest.classified.topic, digest.classified.date)
    return site.read(f"{digest.classified.topic}/{digest.classified.date}/index.html").decode(), site


def right_to_left_digest() -> Digest:
    """The seed with coverage data, an Arabic headline from a Hebrew-named outlet first, that
    outlet as a related report's too, and an Arabic overall highlight first."""
    digest = with_coverage(seed_digest())
    articles = list(digest.classified.articles)
    first = articles[0]
    related = (dataclasses.replace(first.related[0], source=HEBREW_OUTLET),
               *first.related[1:])
    articles[0] = dataclasses.replace(first, related=related, article=dataclasses.replace(
        first.article, title=ARABIC_TITLE, source=HEBREW_OUTLET))
    overall = (Bullet(ARABIC_BULLET, (first.article.id,)), *digest.highlights.overall[1:])
    return dataclasses.replace(
        digest, classified=dataclasses.replace(digest.classified, articles=tuple(articles)),
        highlights=dataclasses.replace(digest.highlights, overall=overall))


def test_right_to_left_feed_text_is_isolated_from_what_is_around_it(tmp_path: Path) -> None:
    html, site = rendered(tmp_path, right_to_left_digest())

    # Each is an isolate (<bdi>, or an element of its own with dir="auto"), so that the cite
    # numbers after a highlight or the next outlet after a related one keep their place.
    assert re.search(rf'<li><bdi>{ARABIC_BULLET}</bdi> <span class="cites">', html)
    assert re.search(rf'<bdi><a class="title" [^>]*>{ARABIC_TITLE}</a></bdi>', html)
    assert re.search(rf'<a href="[^"]+" rel="noopener noreferrer" title="[^"]*" dir="auto">'
                     rf"{HEBREW_OUTLET}</a>", html)
    # The outlet of a listed article is followed by its country, left-to-right text.
    assert re.search(rf'<span class="outlet">{HEBREW_OUTLET}</span> · <span class="country', html)
    archive = site.read("us-china/index.html").decode()
    assert f'<p class="lead"><bdi>{ARABIC_BULLET}</bdi></p>' in archive


def test_a_feed_without_language_leaves_no_dangling_separator(tmp_path: Path) -> None:
    digest = seed_digest()
    articles = list(digest.classified.articles)
    for index, (language, region) in enumerate([("", ""), ("en", ""), ("", "US")]):
        articles[index] = dataclasses.replace(articles[index], article=dataclasses.replace(
            articles[index].article, language=language, region=region))
    digest = dataclasses.replace(
        digest, classified=dataclasses.replace(digest.classified, articles=tuple(articles)))
    html, _ = rendered(tmp_path, digest)

    metas = re.findall(r'<span class="meta">(.*?)</span>\n', html)
    assert [re.findall(r'<span class="locale">(.*?)</span>', meta) for meta in metas[:4]] == [
        [], ["en"], ["US"], ["en-US"]]
    assert metas[0].endswith("</time>")
    text = " ".join("".join(Page(html).text).split())
    assert "· -" not in text and "- ·" not in text


@pytest.mark.parametrize(("attribution", "said"), [
    ("feed", "No articles from China outlets made it into this digest"),
    ("source", "No articles from this side's verified outlets"),
])
def test_a_thin_side_without_articles_is_not_counted_as_only_zero(
        tmp_path: Path, attribution: str, said: str) -> None:
    digest = seed_digest()
    only_us = tuple(a for a in digest.classified.articles if a.perspective == "us")
    digest = dataclasses.replace(digest, classified=dataclasses.replace(
        digest.classified, articles=only_us, attribution=attribution))
    html, _ = rendered(tmp_path, with_coverage(digest, thin=("china",)))

    [warning] = re.findall(r'<aside class="warning"[^>]*>(.*?)</aside>', html, re.DOTALL)
    text = " ".join("".join(Page(warning).text).split())
    assert "Only 0" not in text and "0 articles" not in text
    assert said in text
