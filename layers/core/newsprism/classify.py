"""The classify stage: from the raw runs of a window to the balanced list a digest shows.

Steps, in order: gather the raw runs of the window, drop exact duplicates (same canonical
URL), drop entries outside the window and off-topic ones, attribute each article to a
perspective, group reports of one story, drop stories the previous digest listed, and pick
the balanced selection of DESIGN ("The Markdown format": each perspective's quota newest
first, then the remaining slots round-robin).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import models
from .config import Config, Topic
from .models import Article, Classified, ListedArticle, PerspectiveInfo, RawRun, RelatedReport
from .registry import Registry, load_registry
from .store import NotFound, Store
from .text import keyword_matcher, matches_all_groups, story_key

log = logging.getLogger(__name__)


class NothingToList(RuntimeError):
    """No article survived classification: no digest is written (an empty one would replace
    nothing useful and hide the failure)."""

# How far back to look for "the topic's previous digest" (a paused schedule leaves gaps).
PREVIOUS_DIGEST_LOOKBACK_DAYS = 7


@dataclass
class _Story:
    key: str
    reports: list[ListedArticle] = field(default_factory=list)

    @property
    def lead(self) -> ListedArticle:
        return self.reports[0]


def classify_topic(config: Config, topic: Topic, data: Store, now: datetime) -> Classified:
    """Classify one topic for the digest of ``now``'s UTC date and store the result."""
    window_start = now - config.settings.max_age
    runs, run_keys, damaged = load_runs(data, topic.id, window_start, now)
    stats: Counter[str] = Counter(damaged_runs=len(damaged))

    articles = _unique(article for run in runs for article in run.articles)
    stats["fetched"] = sum(len(run.articles) for run in runs)
    stats["duplicates"] = stats["fetched"] - len(articles)

    in_window = [a for a in articles if window_start < a.published <= now]
    stats["out_of_window"] = len(articles) - len(in_window)

    matcher = keyword_matcher(topic.keywords)
    on_topic = [a for a in in_window if matches_all_groups(a.title, matcher)]
    stats["off_topic"] = len(in_window) - len(on_topic)

    registry = load_registry() if config.settings.attribution == "source" else None
    attributed = [_attribute(article, topic, registry) for article in on_topic]

    stories = _group(attributed, grouped=config.settings.stories == "group")
    stats["grouped"] = len(attributed) - len(stories)

    if not config.settings.repeat_stories:
        listed_before = previous_listing(data, topic.id, now.date().isoformat())
        fresh = [s for s in stories if not _listed_before(s, listed_before)]
        stats["repeats"] = len(stories) - len(fresh)
        stories = fresh

    selection = balanced_selection(stories, [p.id for p in topic.perspectives],
                                   config.settings.max_articles)
    stats["listed"] = len(selection)
    if not selection:
        summary = ", ".join(f"{name} {count}" for name, count in sorted(stats.items()) if count)
        summary = summary or "no raw runs in the window"
        raise NothingToList(f"{topic.id}: no articles to list ({summary})")
    classified = Classified(
        topic=topic.id,
        topic_name=topic.name,
        date=now.date().isoformat(),
        generated_at=now,
        window_start=window_start,
        perspectives=tuple(PerspectiveInfo(p.id, p.name) for p in topic.perspectives),
        articles=tuple(_with_related(story) for story in selection),
        stats=dict(sorted(stats.items())),
        runs=tuple(run_keys),
    )
    data.write(classified.key, models.dumps(classified.to_dict()))
    return classified


def load_runs(data: Store, topic_id: str, start: datetime,
              end: datetime) -> tuple[list[RawRun], list[str], list[str]]:
    """Every raw run of the topic fetched in ``(start, end]``, oldest first.

    A damaged run file is logged and skipped (returned in the third list): one bad object
    must not cost the whole digest.
    """
    runs: list[RawRun] = []
    keys: list[str] = []
    damaged: list[str] = []
    day = start.date()
    while day <= end.date():
        for key in data.list(f"raw/{topic_id}/{day.isoformat()}/"):
            if not key.endswith(".json"):
                continue
            try:
                run = RawRun.from_dict(models.loads(data.read(key), name=key))
            except (models.SchemaError, KeyError, TypeError, ValueError) as exc:
                log.warning("skipping damaged raw run %s: %s", key, exc)
                damaged.append(key)
                continue
            if start < run.fetched_at <= end:
                runs.append(run)
                keys.append(key)
        day += timedelta(days=1)
    order = sorted(range(len(runs)), key=lambda i: (runs[i].fetched_at, keys[i]))
    return [runs[i] for i in order], [keys[i] for i in order], damaged


def previous_listing(data: Store, topic_id: str, date: str) -> set[str]:
    """Story keys and article ids listed by the topic's most recent digest before ``date``."""
    day = datetime.fromisoformat(date).date()
    for back in range(1, PREVIOUS_DIGEST_LOOKBACK_DAYS + 1):
        key = f"digests/{topic_id}/{(day - timedelta(days=back)).isoformat()}.json"
        try:
            document = models.loads(data.read(key), name=key)
        except NotFound:
            continue
        except models.SchemaError as exc:
            log.warning("cannot read previous digest %s: %s", key, exc)
            continue
        listed: set[str] = set()
        for entry in document.get("articles", []):
            listed.update({str(entry.get("id")), str(entry.get("story")),
                           story_key(str(entry.get("title", "")))})
        return listed
    return set()


def balanced_selection(stories: list[_Story], perspective_ids: list[str],
                       max_articles: int) -> list[_Story]:
    """Each perspective's quota newest first, in configuration order; then round-robin.

    The quota is ``max_articles`` divided evenly; slots a thin perspective leaves empty (and
    the remainder of the division) go round-robin to the perspectives that have more.
    """
    queues: dict[str, list[_Story]] = {pid: [] for pid in perspective_ids}
    for story in stories:
        queues[story.lead.perspective].append(story)
    for queue in queues.values():
        queue.sort(key=lambda s: s.lead.article.published, reverse=True)  # stable: feed order

    quota = max_articles // len(perspective_ids)
    selection: list[_Story] = []
    for pid in perspective_ids:
        selection.extend(queues[pid][:quota])
        del queues[pid][:quota]
    while len(selection) < max_articles and any(queues.values()):
        for pid in perspective_ids:
            if queues[pid] and len(selection) < max_articles:
                selection.append(queues[pid].pop(0))
    return selection


def _unique(articles: Iterable[Article]) -> list[Article]:
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.id not in seen:
            seen.add(article.id)
            unique.append(article)
    return unique


def _attribute(article: Article, topic: Topic, registry: Registry | None) -> ListedArticle:
    """Under "source" attribution the outlet's country decides when exactly one perspective
    claims it; otherwise (and under "feed") the article keeps its feed's perspective."""
    perspective, reason = article.perspective, "feed"
    if registry is not None:
        outlet = registry.lookup(article.source, article.source_url)
        if outlet is None:
            reason = f"feed: outlet {article.source!r} not in the registry"
        else:
            claimed = [p.id for p in topic.perspectives if outlet.country in p.countries]
            if len(claimed) == 1:
                perspective = claimed[0]
                reason = f"source: {outlet.name} ({outlet.country})"
            else:
                reason = f"feed: {outlet.name} ({outlet.country}) matches no single perspective"
    return ListedArticle(article=article, perspective=perspective, reason=reason,
                         story=article.id)


def _group(articles: list[ListedArticle], *, grouped: bool) -> list[_Story]:
    """One story per headline key (in "group" mode) or per article ("list" mode).

    Linear: one dictionary pass. The lead report is the earliest; ties keep feed order.
    """
    stories: dict[str, _Story] = {}
    for listed in articles:
        key = story_key(listed.article.title) if grouped else listed.article.id
        stories.setdefault(key, _Story(key=key)).reports.append(listed)
    for story in stories.values():
        story.reports.sort(key=lambda r: r.article.published)
    return list(stories.values())


def _listed_before(story: _Story, listed: set[str]) -> bool:
    return story.key in listed or any(r.article.id in listed for r in story.reports)


def _with_related(story: _Story) -> ListedArticle:
    lead = story.lead
    related = tuple(
        RelatedReport(title=r.article.title, url=r.article.url, source=r.article.source,
                      perspective=r.perspective)
        for r in story.reports[1:]
    )
    return ListedArticle(article=lead.article, perspective=lead.perspective, reason=lead.reason,
                         story=story.key, related=related)
