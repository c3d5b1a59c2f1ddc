"""Shared material for the summarizer tests: the seed's selection, model answers, and the check
that a digest went all the way to the published site with every bullet citing real articles.

In the seed's selection articles 1-10 are listed under "us" and 11-20 under "china".
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsprism.config import Config, SummarizerKind, SummarizerSettings, load_config
from newsprism.documents import _raw as models
from newsprism.documents._digests import Classified, Digest
from newsprism.render._markdown import escape_text
from newsprism.render._stage import render_digest
from newsprism.store import FileStore, Store
from tests.seed_digest import seed_digest

TOPIC, DATE = "us-china", "2026-02-12"


def seed_classified() -> Classified:
    return seed_digest().classified


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
