"""Headlines that never become a highlight (issue 20), though their reports stay listed.

- An index or e-paper page ("Epaper 26-4-11 KHI: Latest News Highlights", "Top headlines",
  "News Live Updates") names no event: as a bullet it says nothing.
- A live blog ("LIVE: …", "… live updates", "as it happened", Spanish "en vivo") is the
  running page of a day, not a report of an event; its headline changes by the hour.
- A headline cut off mid-sentence: Google News shortens long titles to "…" or "...", and
  some feeds cut them at a word ("Beijing labels Taipei 'core interest'; All you need to").
  Written as a sentence it would put a full stop after "to".
"""

from __future__ import annotations

import re

from newsprism.text import clean_headline

INDEX_PAGE = "index page"
LIVE_BLOG = "live blog"
CUT_OFF = "cut off"

_INDEX = re.compile(
    r"\be-?paper\b"
    r"|\b(?:latest|top|today'?s|morning|evening|daily|breaking)\s+(?:news\s+)?"
    r"(?:headlines|highlights|news\s+updates|stories)\b"
    r"|\bnews\s+(?:live\s+)?(?:updates|headlines|highlights|bulletin)\b",
    re.IGNORECASE)
_LIVE = re.compile(
    r"^\s*live\b\s*[:|–—-]"
    r"|\blive[\s-]*(?:updates?|blog|coverage|news|stream)\b|\bas it happened\b"
    r"|\b(?:en vivo|en directo|minuto a minuto|al minuto)\b",
    re.IGNORECASE)
# All-caps LIVE in a headline that is not all caps: "Maduro trial LIVE", "LIVE | …".
_SHOUTED_LIVE = re.compile(r"\bLIVE\b")
# Words no headline ends on (articles, prepositions, conjunctions, possessives): after one
# of them the rest of the sentence was cut. "in", "on", "up", "out" can end one ("weighs
# in"), and "her" ("Trump defends her"), so they are not here; "a" only in lower case
# ("Group A").
_DANGLING_WORDS = """
an the of to and or but nor for with from at by as into onto than via amid versus vs among
between including despite toward towards upon per its their his our your my whose
de del la las el los y e o u en con por para al un una que su sus sobre tras entre desde
hasta hacia según ante bajo durante mediante
"""
_DANGLING = frozenset(_DANGLING_WORDS.split())
_LAST_WORD = re.compile(r"[^\W\d_]+$")


def unfit(title: str) -> str:
    """Why ``title`` (without the outlet's suffix) may not be a bullet; ``""`` when it may."""
    text = title.strip()
    if _INDEX.search(text):
        return INDEX_PAGE
    if _LIVE.search(text) or (_SHOUTED_LIVE.search(text) and not text.isupper()):
        return LIVE_BLOG
    text = clean_headline(text)
    if text.endswith(("...", "…")):
        return CUT_OFF
    # No closing punctuation, quote or bracket; or one full stop right after the word, which
    # some outlets put on the cut title ("close friend for.").
    text = text[:-1] if text.endswith(".") and not text.endswith("..") else text
    if text and text[-1].isalpha():
        last = _LAST_WORD.search(text)
        word = last.group() if last is not None else ""
        if word.casefold() in _DANGLING or word == "a":
            return CUT_OFF
    return ""
