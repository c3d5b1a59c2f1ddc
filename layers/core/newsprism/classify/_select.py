"""The classify decision: from the raw runs of a window to the balanced list a digest shows.

A function of its inputs only (issue 18): the runs, the previous digest's listing, the
topic, the settings, the clock and the outlets registry. ``_stage.py`` reads them from the
store and writes the result; nothing here touches a store, a file or the clock.

Steps, in order: drop exact duplicates (same canonical URL), attribute each article to a
perspective, drop entries outside the window and off-topic ones, group reports of one story
(``_headlines.py``, ``_stories.py``), drop stories the previous digest listed unless they
gained a perspective, and pick the balanced selection of docs/design.md ("Markdown": each
perspective's quota newest first, then the remaining slots round-robin).

The result says, per article, why it went where it went: every listed report and related
report carries its attribution ``reason``, every other article of the window is in
``excluded`` with the rule that dropped it, and ``coverage`` counts each perspective's
articles before and after every step.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from newsprism.classify._events import Confirm
from newsprism.classify._headlines import Headlines
from newsprism.classify._stories import Listing, Story, find_repeats, group_stories, relist
from newsprism.config import Settings, Topic
from newsprism.documents import (
    OTHER,
    Article,
    Classified,
    ContinuingStory,
    Coverage,
    ExcludedArticle,
    ListedArticle,
    PerspectiveInfo,
    RawRun,
)
from newsprism.outlets import Outlet, Registry
from newsprism.text import keyword_matcher, strip_tails

Lookup = Callable[[str, str], Outlet | None]  # Registry.lookup: (name, url) -> outlet

# A perspective with fewer listed articles is flagged as thin (issue 5): the site warns that
# the digest leans on the other sides, rather than letting the fill hide it.
THIN_BELOW = 3
# The record of excluded articles is published with the digest, so a runaway feed must not
# bloat it: beyond this many articles per rule only the count remains (a real day has a few
# hundred articles per topic).
EXCLUDED_RECORDED_PER_RULE = 500
# The "Continuing" list is a reminder, not a second digest (issue 20).
CONTINUING_LISTED = 10


class NothingToList(RuntimeError):
    """No article survived classification: no digest is written (an empty one would replace
    nothing useful and hide the failure)."""


def select(runs: Sequence[RawRun], previous: Listing | None, topic: Topic, settings: Settings,
           now: datetime, registry: Registry, *, run_keys: Sequence[str] | None = None,
           damaged_runs: int = 0, confirm: Confirm | None = None) -> Classified:
    """The classification of ``topic`` for the digest of ``now``'s UTC date.

    ``runs`` are the raw runs of the window, oldest first; ``previous`` is what the topic's
    previous digest listed (ignored when ``settings.repeat_stories``); ``run_keys`` are where
    the runs were read (default: each run's own key) and ``damaged_runs`` how many run files
    could not be read, both only recorded; ``confirm`` asks a model about the story pairs
    grouping is unsure of (``_confirm.model_confirm``; None: the offline rule decides alone).
    Raises NothingToList when no article can be listed.
    """
    order = [p.id for p in topic.perspectives]
    window_start = now - settings.max_age
    stats: Counter[str] = Counter(damaged_runs=damaged_runs)
    counts: dict[str, Counter[str]] = {pid: Counter() for pid in order}
    excluded: list[ExcludedArticle] = []

    articles = _unique(article for run in runs for article in run.articles)
    stats["fetched"] = sum(len(run.articles) for run in runs)
    stats["duplicates"] = stats["fetched"] - len(articles)

    # Outlets recur in every run: look each one up once.
    lookup = functools.lru_cache(maxsize=None)(registry.lookup)
    by_source = settings.attribution == "source"
    attributed = [_attribute(article, topic, lookup, by_source) for article in articles]
    if settings.others == "drop":
        attributed = _drop_others(attributed, excluded)
    _count(counts, "fetched", attributed)

    in_window = [a for a in attributed if window_start < a.article.published <= now]
    stats["out_of_window"] = len(attributed) - len(in_window)
    _count(counts, "in_window", in_window)

    on_topic = _on_topic(in_window, topic, lookup, excluded)
    stats["off_topic"] = len(in_window) - len(on_topic)
    _count(counts, "on_topic", on_topic)

    headlines = Headlines()
    stories = group_stories(on_topic, grouped=settings.stories == "group", headlines=headlines,
                            everyone_counts=not by_source, confirm=confirm)
    stats["grouped"] = len(on_topic) - len(stories)
    _count(counts, "stories", [story.lead for story in stories])

    continuing: list[ContinuingStory] = []
    if not settings.repeat_stories and previous is not None:
        stories = _drop_repeats(stories, previous, order, headlines, stats, excluded, continuing)
    _count(counts, "new_stories", [story.lead for story in stories])

    selection = balanced_selection(stories, order, settings.max_articles)
    # The other countries' stories are listed apart, up to one side's quota, and take no
    # side's slot (issue 19).
    others = sorted((s for s in stories if s.lead.perspective == OTHER),
                    key=lambda s: s.lead.article.published, reverse=True)
    selection += others[:settings.max_articles // len(order)]
    stats["listed"] = len(selection)
    chosen = {id(story) for story in selection}
    excluded.extend(_excluded(report, "not_selected", f"not among the {len(selection)} listed")
                    for story in stories if id(story) not in chosen for report in story.reports)
    if not selection:
        summary = ", ".join(f"{name} {count}" for name, count in sorted(stats.items()) if count)
        summary = summary or "no raw runs in the window"
        raise NothingToList(f"{topic.id}: no articles to list ({summary})")
    chosen_reports = tuple(story.listed(order) for story in selection)
    _count(counts, "listed", chosen_reports)
    _count(counts, "unverified", (r for r in chosen_reports if not r.verified))
    recorded = _capped(excluded, stats)
    return Classified(
        topic=topic.id,
        topic_name=topic.name,
        date=now.date().isoformat(),
        generated_at=now,
        window_start=window_start,
        perspectives=tuple(PerspectiveInfo(p.id, p.name, p.countries)
                           for p in topic.perspectives),
        articles=chosen_reports,
        stats=dict(sorted(stats.items())),
        runs=tuple(run.key for run in runs) if run_keys is None else tuple(run_keys),
        coverage={pid: _coverage(counts[pid], thin_counts=("listed" if not by_source
                                                           else "verified")) for pid in order},
        excluded=recorded,
        attribution=settings.attribution,
        continuing=_most_reported(continuing),
    )


def balanced_selection(stories: list[Story], perspective_ids: list[str],
                       max_articles: int) -> list[Story]:
    """Each perspective's quota newest first, in configuration order; then round-robin.

    The quota is ``max_articles`` divided evenly; slots a thin perspective leaves empty (and
    the remainder of the division) go round-robin to the perspectives that have more. That
    fill is the design's rule (docs/design.md, "Classify") and the earlier system's; it is
    never silent: the perspective is flagged ``thin`` in the coverage data, which the site
    shows.
    """
    queues: dict[str, list[Story]] = {pid: [] for pid in perspective_ids}
    for story in stories:
        if story.lead.perspective in queues:  # not OTHER
            queues[story.lead.perspective].append(story)
    for queue in queues.values():
        queue.sort(key=lambda s: s.lead.article.published, reverse=True)  # stable: feed order

    quota = max_articles // len(perspective_ids)
    selection: list[Story] = []
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


def _attribute(article: Article, topic: Topic, lookup: Lookup, by_source: bool) -> ListedArticle:
    """Under "source" attribution the outlet's country decides: the perspective that claims
    it (the feed's, when several do), or OTHER when none does. An outlet the registry does
    not know, or an aggregator, keeps its feed's perspective, unverified; so does every
    article under "feed" attribution. The outlet's country is recorded either way."""
    outlet = lookup(article.source, article.source_url)
    country = outlet.country if outlet is not None and outlet.attributable else None
    listed = ListedArticle(article=article, perspective=article.perspective, reason="feed",
                           story=article.id, outlet_country=country)
    if not by_source:
        return listed
    if outlet is None:
        return replace(listed, reason=f"feed: outlet {article.source!r} not in the registry")
    if country is None:
        what = "an aggregator" if outlet.kind == "aggregator" else "an international body"
        return replace(listed, reason=f"feed: {outlet.name} is {what}")
    claimed = [p.id for p in topic.perspectives if country in p.countries]
    if not claimed:
        return replace(listed, perspective=OTHER, verified=True,
                       reason=f"source: {outlet.name} ({country}), no side's country")
    side = article.perspective if article.perspective in claimed else claimed[0]
    return replace(listed, perspective=side, verified=True,
                   reason=f"source: {outlet.name} ({country})")


def _on_topic(articles: list[ListedArticle], topic: Topic, lookup: Lookup,
              excluded: list[ExcludedArticle]) -> list[ListedArticle]:
    """The articles that name a term of every keyword group; the others go to ``excluded``
    with the group they miss."""
    keywords = keyword_matcher(topic.keywords)
    # Syndicated copies share title, summary and so the answer: each text is read once.
    missing_of = functools.cache(keywords.missing)
    kept = []
    for listed in articles:
        missing = missing_of(*_topic_text(listed.article, lookup))
        if missing is None:
            kept.append(listed)
        else:
            excluded.append(_excluded(listed, "off_topic",
                                      f"names none of: {', '.join(missing.terms)}"))
    return kept


def _topic_text(article: Article, lookup: Lookup) -> tuple[str, str]:
    """Title and summary as the keywords see them: without the outlet's own name, which
    says nothing about the story ("... - China Daily" is not about China)."""
    def names_outlet(text: str) -> bool:
        return text.casefold() == article.source.casefold() or lookup(text, "") is not None

    summary = article.summary
    if len(article.source) > 3:
        summary = summary.replace(article.source, " ")
    return strip_tails(article.title, names_outlet), summary


def _drop_repeats(stories: list[Story], listing: Listing, order: list[str], headlines: Headlines,
                  stats: Counter[str], excluded: list[ExcludedArticle],
                  continuing: list[ContinuingStory]) -> list[Story]:
    """Stories the previous digest listed leave the digest's body for ``continuing``, unless
    a perspective that did not cover them then covers them now (new coverage): those are
    listed again, led by it."""
    kept: list[Story] = []
    repeats = find_repeats(stories, listing, order, headlines)
    for story, repeat in zip(stories, repeats, strict=True):
        if repeat is None:
            kept.append(story)
        elif repeat.new:
            kept.append(relist(story, repeat))
            stats["relisted"] += 1
        else:
            excluded.extend(_excluded(r, "repeat", f"listed on {repeat.listed_on}")
                            for r in story.reports)
            continuing.append(_continuing(story, repeat.first_listed or repeat.listed_on, order))
            stats["repeats"] += 1
    return kept


def _continuing(story: Story, first_listed: str, order: list[str]) -> ContinuingStory:
    lead = story.lead
    return ContinuingStory(id=lead.article.id, title=lead.article.title, url=lead.article.url,
                           source=lead.article.source, perspective=lead.perspective,
                           first_listed=first_listed, reports=len(story.reports),
                           covered_by=story.covered_by(order),
                           outlet_country=lead.outlet_country, verified=lead.verified)


def _most_reported(continuing: list[ContinuingStory]) -> tuple[ContinuingStory, ...]:
    """A short list: the most widely reported first, then the longest running."""
    ranked = sorted(continuing, key=lambda c: (-len(c.covered_by), -c.reports, c.first_listed,
                                               c.id))
    return tuple(ranked[:CONTINUING_LISTED])


def _excluded(listed: ListedArticle, dropped: str, detail: str) -> ExcludedArticle:
    article = listed.article
    return ExcludedArticle(id=article.id, title=article.title, source=article.source,
                           perspective=listed.perspective, reason=listed.reason,
                           dropped=dropped, detail=detail)


def _capped(excluded: list[ExcludedArticle], stats: Counter[str]) -> tuple[ExcludedArticle, ...]:
    recorded: Counter[str] = Counter()
    kept = []
    for article in excluded:
        recorded[article.dropped] += 1
        if recorded[article.dropped] <= EXCLUDED_RECORDED_PER_RULE:
            kept.append(article)
    if len(kept) < len(excluded):
        stats["excluded_not_recorded"] = len(excluded) - len(kept)
    return tuple(kept)


def _drop_others(articles: list[ListedArticle],
                 excluded: list[ExcludedArticle]) -> list[ListedArticle]:
    """``others = "drop"``: the other countries' articles are recorded as excluded only."""
    kept = []
    for listed in articles:
        if listed.perspective == OTHER:
            excluded.append(_excluded(listed, "other_country",
                                      f"outlet from {listed.outlet_country}"))
        else:
            kept.append(listed)
    return kept


def _count(counts: dict[str, Counter[str]], step: str, articles: Iterable[ListedArticle]) -> None:
    for listed in articles:
        if listed.perspective in counts:  # not OTHER: no side's coverage
            counts[listed.perspective][step] += 1


def _coverage(counts: Counter[str], thin_counts: str) -> Coverage:
    counts["verified"] = counts["listed"] - counts["unverified"]
    return Coverage(fetched=counts["fetched"], in_window=counts["in_window"],
                    on_topic=counts["on_topic"], stories=counts["stories"],
                    new_stories=counts["new_stories"], listed=counts["listed"],
                    unverified=counts["unverified"], thin=counts[thin_counts] < THIN_BELOW)
