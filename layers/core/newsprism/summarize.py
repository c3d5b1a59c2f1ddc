"""The summarize stage: highlights for the digest, overall and per perspective.

The default summarizer is extractive and offline: every bullet is a listed article's own
headline (cleaned of wire prefixes, as a sentence) and cites that article, so nothing is
invented and the same classified input always gives the same digest.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import models
from .config import Config
from .models import Bullet, Classified, Digest, Highlights, ListedArticle
from .store import Store
from .text import as_sentence, story_key


def summarize_topic(config: Config, topic_id: str, date: str, data: Store) -> Digest:
    """Summarize ``classified/{topic}/{date}.json`` into ``digests/{topic}/{date}.json``."""
    key = f"classified/{topic_id}/{date}.json"
    classified = Classified.from_dict(models.loads(data.read(key), name=key))
    digest = Digest(
        classified=classified,
        highlights=extractive_highlights(classified, config.settings.highlights),
        summarizer="extractive",
    )
    data.write(digest.key, models.dumps(digest.to_dict()))
    return digest


def extractive_highlights(classified: Classified, count: int) -> Highlights:
    """Overall: the stories most perspectives and outlets covered. Per perspective: its own
    best-covered stories. Ties go to the newer story, then to listing order."""
    listed = list(classified.articles)
    overall = _bullets(sorted(listed, key=_coverage_rank), count)
    perspectives = {
        info.id: _bullets(
            sorted((a for a in listed if a.perspective == info.id), key=_coverage_rank), count)
        for info in classified.perspectives
    }
    return Highlights(overall=overall, perspectives=perspectives)


def _coverage_rank(listed: ListedArticle) -> tuple[int, int, float]:
    perspectives = {listed.perspective} | {r.perspective for r in listed.related}
    outlets = {listed.article.source} | {r.source for r in listed.related}
    return (-len(perspectives), -len(outlets), -listed.article.published.timestamp())


def _bullets(ranked: Iterable[ListedArticle], count: int) -> tuple[Bullet, ...]:
    bullets: list[Bullet] = []
    seen_stories: set[str] = set()
    for listed in ranked:
        # In "list" mode one story can be listed several times; a section names it once.
        key = story_key(listed.article.title)
        if key in seen_stories:
            continue
        seen_stories.add(key)
        bullets.append(Bullet(text=as_sentence(listed.article.title), sources=(listed.article.id,)))
        if len(bullets) == count:
            break
    return tuple(bullets)
