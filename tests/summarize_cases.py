"""Shared material for the summarizer tests: the seed's selection, model answers, and the check
that a digest went all the way to the published site with every bullet citing real articles.

In the seed's selection articles 1-10 are listed under "us" and 11-20 under "china". The
sided selection (``sided_classified``) is placed by outlet country (issue 19): see ``SIDED``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsprism.config import Config, SummarizerKind, SummarizerSettings, load_config
from newsprism.documents import _raw as models
from newsprism.documents._digests import (
    OTHER,
    Classified,
    Digest,
    ListedArticle,
    PerspectiveInfo,
    RelatedReport,
)
from newsprism.render._markdown import escape_text
from newsprism.render._stage import render_digest
from newsprism.store import FileStore, Store
from tests.seed_digest import seed_digest

TOPIC, DATE = "us-china", "2026-02-12"


def seed_classified() -> Classified:
    return seed_digest().classified


# US vs China, as classify places articles by their outlet's country. (title, outlet, outlet
# country or None when unknown, feed's side, listed side, hours ago, other outlets' reports).
# [2] is an unknown outlet kept on its feed's side; [6] is an Indian outlet that the US search
# found, the newest story and the best covered: it must neither speak for the US nor lead.
SIDED: tuple[tuple[str, str, str | None, str, str, int, tuple[str, ...]], ...] = (
    ("US warns Beijing over Taiwan drills", "The New York Times", "US", "us", "us", 9, ()),
    ("Pentagon budget targets China", "Yahoo News", None, "us", "us", 2, ("MSN",)),
    ("US lawmakers press chip curbs", "The Wall Street Journal", "US", "us", "us", 8, ()),
    ("Beijing rejects US accusations", "Global Times", "CN", "china", "china", 5, ()),
    ("Hong Kong traders weigh tariffs", "South China Morning Post", "HK", "china", "china", 6,
     ()),
    ("China's military threats worry the US", "The Hindu", "IN", "us", OTHER, 1,
     ("The Times of India", "Hindustan Times")),
    ("Tokyo watches US-China talks", "The Japan Times", "JP", "china", OTHER, 3, ()),
)
SIDED_NOW = datetime(2026, 2, 12, 4, 0, tzinfo=UTC)


def sided_listed(title: str, outlet: str, country: str | None, feed_side: str, side: str,
                 hours_ago: float, also: tuple[str, ...] = ()) -> ListedArticle:
    url = f"https://news.example/{len(title)}/{title.replace(' ', '-')}"
    reason = (f"source: {outlet} ({country})" if country
              else f"feed: outlet {outlet!r} not in the registry")
    related = tuple(RelatedReport(title=title, url=f"{url}/{i}", source=name, perspective=side,
                                  id=f"{i:016x}", reason=reason, outlet_country=country,
                                  verified=country is not None)
                    for i, name in enumerate(also, 1))
    return ListedArticle(
        article=models.Article(id=models.article_id(url), title=title, url=url, source=outlet,
                               source_url="", published=SIDED_NOW - timedelta(hours=hours_ago),
                               language="en", region="US", feed="", perspective=feed_side),
        perspective=side, reason=reason, story=models.article_id(url), related=related,
        covered_by=(side,) if country and side != OTHER else (), outlet_country=country,
        verified=country is not None)


def sided_classified(attribution: str = "source") -> Classified:
    """``SIDED`` listed as classify lists it: the sides' articles, then the other countries'.
    Under "feed" attribution nothing is verified and every article stays on its feed's side
    (the countries are still recorded)."""
    articles = [sided_listed(*case) for case in SIDED]
    if attribution == "feed":
        articles = [replace(a, perspective=a.article.perspective, verified=False,
                            reason="feed", covered_by=(a.article.perspective,),
                            related=tuple(replace(r, perspective=a.article.perspective,
                                                  verified=False) for r in a.related))
                    for a in articles]
        articles.sort(key=lambda a: ["us", "china"].index(a.perspective))  # stable
    return Classified(topic=TOPIC, topic_name="US vs China", date=DATE,
                      generated_at=SIDED_NOW, window_start=SIDED_NOW - timedelta(days=1),
                      perspectives=(PerspectiveInfo("us", "United States", ("US",)),
                                    PerspectiveInfo("china", "China", ("CN", "HK"))),
                      articles=tuple(articles), attribution=attribution)


# Events (issue 20): a listed report and the other outlets' reports of the same event.

def related(title: str, outlet: str, country: str | None, side: str) -> RelatedReport:
    """Another outlet's report of a listed article's event, placed as classify places it."""
    url = f"https://news.example/related/{outlet.replace(' ', '-')}/{title.replace(' ', '-')}"
    return RelatedReport(title=title, url=url, source=outlet, perspective=side,
                         id=models.article_id(url),
                         reason=f"source: {outlet} ({country})" if country else "feed",
                         outlet_country=country, verified=country is not None)


def event(title: str, outlet: str, country: str | None, side: str, hours_ago: float = 1, *,
          language: str = "en", also: tuple[RelatedReport, ...] = (), story: str = "",
          ) -> ListedArticle:
    """A listed report (``side`` its listed side, OTHER for another country's outlet) with
    ``also`` kept as its related reports; ``covered_by`` as classify records it: the sides of
    its verified reports. ``story``: another listed article's id, to list it in that one's
    event."""
    listed = sided_listed(title, outlet, country, "us" if side == OTHER else side, side,
                          hours_ago)
    reports: list[ListedArticle | RelatedReport] = [listed, *also]
    present = {r.perspective for r in reports if r.verified and r.perspective != OTHER}
    return replace(listed, article=replace(listed.article, language=language), related=also,
                   story=story or listed.story,
                   covered_by=tuple(p for p in ("us", "china") if p in present))


def events_classified(*articles: ListedArticle) -> Classified:
    """US vs China under "source" attribution, listing ``articles`` in the order given."""
    return replace(sided_classified(), articles=articles)


def config_for(kind: SummarizerKind = "extractive", **summarizer: Any) -> Config:
    config = load_config()
    return replace(config, settings=replace(config.settings, summarizer=kind),
                   summarizer=replace(SummarizerSettings(), **summarizer))


def answer(overall: list[list[int]] | None = None, us: list[list[int]] | None = None,
           china: list[list[int]] | None = None) -> dict[str, Any]:
    """A model answer citing the given article numbers, one list per bullet."""
    def bullets(cited: list[list[int]], section: str) -> list[dict[str, Any]]:
        return [{"text": f"{section} highlight {i} citing {numbers}.", "sources": numbers}
                for i, numbers in enumerate(cited, 1)]
    return {"overall": bullets(overall or [[1, 11], [2], [12]], "Overall"),
            "perspectives": {"us": bullets(us or [[1], [2, 3]], "US"),
                             "china": bullets(china or [[11], [12]], "China")}}


def answer_text(document: dict[str, Any] | None = None) -> str:
    return json.dumps(document or answer())


def stores(tmp_path: Path, classified: Classified | None = None) -> tuple[Store, Store]:
    """A data store holding the classified selection, and an empty site store."""
    data, site = FileStore(tmp_path / "data"), FileStore(tmp_path / "site")
    classified = classified or seed_classified()
    data.write(classified.key, models.dumps(classified.to_dict()))
    return data, site


def published(data: Store, site: Store) -> tuple[dict[str, Any], str]:
    """Render the stored digest; return the site's digest JSON and Markdown, after checking
    that every bullet cites listed articles (a perspective's, that perspective's) and that the
    Markdown shows exactly the stored bullets."""
    render_digest(data, site, TOPIC, DATE)
    document = json.loads(site.read(f"{TOPIC}/{DATE}.json"))
    markdown = site.read(f"{TOPIC}/{DATE}.md").decode()
    digest = Digest.from_dict(document)
    perspective_of = {a.article.id: a.perspective for a in digest.classified.articles}
    highlights = digest.highlights
    assert highlights.overall, "a digest with articles has overall highlights"
    for bullet in highlights.overall:
        assert bullet.sources and set(bullet.sources) <= set(perspective_of)
    for pid, bullets in highlights.perspectives.items():
        for bullet in bullets:
            assert bullet.sources and {perspective_of.get(s) for s in bullet.sources} == {pid}
    shown = [line[2:] for line in markdown.split("\n") if line.startswith("- ")]
    stored = [b.text for b in highlights.overall] + [
        b.text for p in digest.classified.perspectives
        for b in highlights.perspectives.get(p.id, ())]
    assert shown == [escape_text(text) for text in stored]
    return document, markdown
