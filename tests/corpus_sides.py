"""The earlier system's digests rebuilt with the product defaults, to check the sides (issue 19).

Each digest's listed articles become the Google News feeds behind it (``tests/conformance.py``
builds them: a perspective's listings go to its first feed, its other feeds answer with an
empty channel), and newsprism classifies them with the bundled ``topics.toml``: outlets are
placed by the registry, not by the search that found them. What comes out is counted by
group: a side's verified outlets, its unverified ones (unknown outlets and aggregators, on
their feed's side), the other countries, and any listed article under a side whose outlet the
registry places in a country that side does not claim (which must never happen).

Used by ``tests/classify/test_corpus_sides.py`` and ``bench/corpus_sides.py``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from newsprism.classify._stage import NothingToList, classify_topic
from newsprism.config import Config, Topic, load_config
from newsprism.documents import OTHER, Classified
from newsprism.fetch._stage import fetch_topics_async
from newsprism.outlets import Registry, load_registry
from tests.conformance import MemoryStore, Unreproducible, feeds_for, read_case

EMPTY_CHANNEL = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                 b"<title>empty</title></channel></rss>")


@dataclass
class Tally:
    """Listed articles of the rebuilt digests, by group."""

    digests: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # why a digest was not rebuilt
    listed: Counter[str] = field(default_factory=Counter)  # verified, unverified, other
    misattributed: list[str] = field(default_factory=list)  # "digest: title (outlet, CC)"
    # Per topic and side: how many digests list at least this many verified articles.
    verified_per_side: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, name: str, classified: Classified, topic: Topic) -> None:
        self.digests += 1
        claimed = {p.id: set(p.countries) for p in topic.perspectives}
        per_side: Counter[str] = Counter()
        for listed in classified.articles:
            if listed.perspective == OTHER:
                self.listed["other"] += 1
            elif listed.verified:
                self.listed["verified"] += 1
                per_side[listed.perspective] += 1
            else:
                self.listed["unverified"] += 1
            country = listed.outlet_country
            if (listed.perspective != OTHER and country is not None
                    and country not in claimed[listed.perspective]):
                self.misattributed.append(f"{name}: {listed.article.title} "
                                          f"({listed.article.source}, {country})")
        for perspective in topic.perspectives:
            counts = self.verified_per_side.setdefault((topic.id, perspective.id), [])
            counts.append(per_side[perspective.id])


def rebuild(paths: Iterable[Path], config: Config | None = None,
            registry: Registry | None = None) -> Tally:
    """Classify every digest of ``paths`` with ``config`` (default: the bundled topics)."""
    config = config or load_config()
    registry = registry or load_registry()
    tally = Tally()
    with asyncio.Runner() as runner:
        for path in paths:
            name = f"{path.parent.name}/{path.stem}"
            try:
                classified, topic = _classify(path, config, runner)
            except Unreproducible:
                tally.skipped["unreproducible"] += 1
                continue
            except NothingToList:
                tally.skipped["nothing on topic"] += 1
                continue
            tally.add(name, classified, topic)
    return tally


def _classify(path: Path, config: Config, runner: asyncio.Runner) -> tuple[Classified, Topic]:
    case = read_case(path, config.settings.max_articles)
    topic = config.topic(case.topic)
    documents = feeds_for(case, topic, config.settings)
    data = MemoryStore()

    def answer(request: httpx.Request) -> httpx.Response:
        query = request.url.params.get("q", "")
        body = documents.get(query) or EMPTY_CHANNEL  # every other feed: nothing today
        return httpx.Response(200, content=body,
                              headers={"Content-Type": "application/rss+xml; charset=UTF-8"})

    runner.run(fetch_topics_async(config, [topic], data, case.now,
                                  transport=httpx.MockTransport(answer)))
    return classify_topic(config, topic, data, case.now), topic
