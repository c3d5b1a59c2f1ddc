"""The extractive summarizer: offline, deterministic, nothing invented (issues 6, 20).

One bullet per event (``_events``), the most widely reported first, no event twice in a
section. A bullet is one report's headline, cleaned of wire prefixes ("UPDATE 1-") and of the
outlet's name tacked on at the end (" | Reuters"), written as a sentence; it cites the listed
articles of its event (a side's section: that side's only).

Which report speaks: one fit to (``_unfit``: no index page, live blog or headline cut off),
in the topic's language where the event has one (a Spanish lead of an event an English outlet
also reported reads in English on an English page), from a side's counted outlet rather than
one its search found or another country's, a listed one before a related one. No report in
the topic's language: the headline stays in its own, marked "(in Spanish)"; nothing is
machine-translated. No fit report: the event gets no bullet, though it stays listed.

An overall bullet of an event two sides or more covered says so ("Reported by both United
States and China: ..."); it cites the event's listed reports, each side's among them. A
side's section speaks only through its counted outlets, verified ones under "source"
attribution (issue 19). Under "feed" attribution every report counts and nothing is listed
apart.
"""

from __future__ import annotations

from collections import Counter

from newsprism.documents import OTHER, Bullet, Classified, Highlights, ListedArticle
from newsprism.summarize._events import Event, Report, events, strip_outlet_suffix
from newsprism.summarize._language import language_name
from newsprism.text import as_sentence

__all__ = ["bullet_text", "extractive_highlights", "strip_outlet_suffix"]


def bullet_text(listed: ListedArticle) -> str:
    """A listed headline as a highlight: no wire prefix, no outlet suffix, a sentence."""
    return as_sentence(strip_outlet_suffix(listed.article.title, listed.article.source))


def extractive_highlights(classified: Classified, count: int,
                          language: str = "en") -> Highlights:
    """Overall: the most widely reported events, turn about between the sides among equally
    reported ones, the other countries' after the sides'. Per perspective: the events its
    counted outlets reported, in their words. ``language``: the topic's (ISO 639-1)."""
    ranked = events(classified)
    names = {info.id: info.name for info in classified.perspectives}
    perspectives = {}
    for info in classified.perspectives:
        mine = [e for e in ranked if any(listed.perspective == info.id for listed in e.listed)]
        # Stable: under "feed" attribution every report counts and the order is the rank's.
        mine.sort(key=lambda e: not any(r.listed is not None and r.perspective == info.id
                                        and r.counted for r in e.reports))
        bullets = (_bullet(e, info.id, language, names) for e in mine)
        perspectives[info.id] = tuple(b for b in bullets if b is not None)[:count]
    fit = [e for e in ranked if _voice(e, None, language) is not None]
    overall = tuple(_bullet(e, None, language, names) for e in _balanced(fit, count))
    return Highlights(overall=tuple(b for b in overall if b is not None),
                      perspectives=perspectives)


def _balanced(ranked: list[Event], count: int) -> list[Event]:
    """The best ``count`` events, where among equally reported events the one from the
    perspective with fewest bullets so far goes first: the overall section of a "US vs China"
    digest should not read as one side's news only."""
    chosen: list[Event] = []
    used: Counter[str] = Counter()
    remaining = list(ranked)
    while remaining and len(chosen) < count:
        tier_of = remaining[0].rank()[:3]
        tier = [event for event in remaining if event.rank()[:3] == tier_of]
        pick = min(tier, key=lambda event: (used[event.listed[0].perspective], event.rank()))
        remaining.remove(pick)
        chosen.append(pick)
        used[pick.listed[0].perspective] += 1
    return chosen


def _voice(event: Event, perspective: str | None, language: str) -> Report | None:
    """The report whose headline the event's bullet in a section shows (module docstring);
    in a side's section, one of that side's counted outlets: a side's highlights must not
    speak with a voice the registry cannot place in that side's countries."""
    pool = [(position, r) for position, r in enumerate(event.reports) if not r.unfit
            and (perspective is None or (r.perspective == perspective and r.counted))]
    if not pool:
        return None
    return min(pool, key=lambda item: (
        _language_rank(item[1].language, language), item[1].perspective == OTHER,
        not item[1].counted, item[1].listed is None, item[0]))[1]


def _language_rank(report: str, topic: str) -> int:
    """The topic's language first. A headline whose language is unknown ("Estados Unidos
    retoma lazos con Venezuela": "con" is Italian too) is no likelier to be in it than one
    known to be in another: it does not outrank a side's own report."""
    return 0 if report == topic else 1


def _bullet(event: Event, perspective: str | None, language: str,
            names: dict[str, str]) -> Bullet | None:
    voice = _voice(event, perspective, language)
    if voice is None:
        return None
    text = as_sentence(voice.title)
    if voice.language and voice.language != language:
        text = f"(in {language_name(voice.language)}) {text}"
    if perspective is None and len(event.sides) >= 2:
        text = f"{reported_by([names[side] for side in event.sides])}: {text}"
    cited = [listed for listed in event.listed
             if perspective is None or listed.perspective == perspective]
    return Bullet(text=text, sources=tuple(dict.fromkeys(c.article.id for c in cited)))


def reported_by(sides: list[str]) -> str:
    """"Reported by both United States and China"; three sides or more are listed."""
    if len(sides) == 2:
        return f"Reported by both {sides[0]} and {sides[1]}"
    return f"Reported by {', '.join(sides[:-1])} and {sides[-1]}"
