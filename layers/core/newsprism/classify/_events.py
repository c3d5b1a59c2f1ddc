"""Reports of one event: a similarity of two reports that weighs what is rare (issue 20).

``_headlines.py`` finds copies and near-copies of one headline; this finds reports of one
event written differently ("China Sanctions 20 US Firms Over Taiwan Arms Sales" / "Beijing
sanctions 20 US defence firms over Taiwan arms sales package"). ``_reports.py`` says how a
report is read (tokens, names, plans, language).

A token weighs its rarity among the window's distinct reports (IDF, scaled to 0..1, so that
a topic's own words, "China" in a US-China window, weigh little), times 1.5 for a name (a
country, an acronym, a word the window writes capitalised mid-headline more often than not)
or a number. The score of two reports is the geometric mean of two shares: how much of
each headline's weight the other report has, in its headline or, at 0.75, in its summary
(for two bare headlines: the Ochiai coefficient of their weighted tokens). A summary thus
helps a vague headline ("Taiwan's Lai delays Eswatini trip") meet a precise one, and never
dilutes a headline that shares enough on its own.

Two reports in one language are one event offline when they score 0.5 or more, share two
tokens or more, at least one of them neither a name nor a number, and nothing casts doubt
on it (below). A story joined so is kept from drifting: two stories are joined only if
their first reports score 0.3 or more and are not apart.

Evidence of two events keeps a pair apart whatever its score (the copy rule's vetoes, kept):

- numbers, neither set within the other: "8 de diciembre" / "9 de diciembre";
- a negation on one side only: "will attend" / "will not attend";
- a verb planned on one side and reported on the other: "Trump and Xi to meet" / "Trump
  and Xi meet";
- two names swapped close around a shared word: "China sanctions US defence firms" / "US
  sanctions Chinese firms".

Doubt keeps a pair scoring 0.25 or more apart offline and leaves it to the model
(``Confirm``, ``_grouping.py``): one word changed in a short frame ("Gold price in Pakistan
today" / "Silver ..."); one rare name in the place of another, or an acronym on each side
the other lacks ("Rockford protesters rally" / "Cleveland protesters condemn"; "ISB Epaper"
/ "KHI Epaper"); an announcement against no plan at all ("Maduro set to appear in US
court" / "Maduro back in US court"); an opinion, analysis, guide, press release, live blog
or question ("What it means ...?"); shared names only ("Trump and Xi to meet in April" /
"Trump and Xi spoke by phone"). The model is asked about every other pair scoring from
0.25 to 0.6 as well: offline, those from 0.5 are one event.

Across languages only names, numbers and cognates carry, and look-alikes share them as well
("Trump y Xi se reunirán en abril de 2026" / "Trump and Xi spoke in April 2026"): offline,
reports in two languages are never one event; the model is asked about those that share two
tokens and score 0.2 or more, different numbers excepted.

Limits: synonyms are different words ("seize" / "board", "trip" / "visit", "legal fees" /
"defence"), so many reports of one event stay apart offline; a window of 20 reports gives
rarity little to go on; names are read from capitals, which headlines in Title Case do not
give; the plan check takes "to" before a noun for a plan ("sentenced to prison").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Literal

from newsprism.classify._reports import COUNTRIES, EventText

# The model's hook: given ("title — summary", "title — summary") pairs, for each True (one
# event), False (two) or None (no answer: the offline decision stands).
Confirm = Callable[[Sequence[tuple[str, str]]], Sequence[bool | None]]

SAME_EVENT = 0.5  # score from which two reports are one event offline
SURE = 0.6  # ... and from which the model is not asked
ASK_FROM = 0.25  # below: two events, never asked
CROSS_ASK_FROM = 0.2  # the same for reports in two languages
LINK_FROM = 0.3  # score of two stories' first reports for the stories to be joined
NAME_BOOST = 1.5
SUMMARY_WEIGHT = 0.75
IDF_PRIOR = 10  # pseudo-reports: in a small window no word is very rare
ROLE_SPAN = 3  # tokens from one name to the other around the shared word
RARE = 2  # reports a rare word is in, at most
SHORT_FRAME = 4  # shared words of a frame in which one changed word is another item

Verdict = Literal["same", "likely", "unsure", "cross", "apart"]
# Whether each verdict joins the pair when the model is not asked or does not answer.
OFFLINE: dict[Verdict, bool] = {"same": True, "likely": True, "unsure": False,
                                "cross": False, "apart": False}


class Window:
    """What the window's reports say of each token: how many have it (its rarity), whether
    it is a name, whether any writes it in lower case."""

    def __init__(self, texts: Sequence[EventText]) -> None:
        self.df: Counter[str] = Counter()
        capital: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        for text in texts:
            self.df.update(text.title)
            self.df.update(text.summary)
            capital.update(text.capitalised)
            lower.update(text.lower)
        self.names = frozenset(t for t in capital if capital[t] > lower[t]) | COUNTRIES.keys()
        self.lower = frozenset(lower)
        self._size = len(texts) + IDF_PRIOR
        self._weights: dict[str, float] = {}
        # Each report's total, computed once (keyed by identity: the texts outlive this).
        self._totals: dict[int, float] = {}

    def weight(self, token: str) -> float:
        weight = self._weights.get(token)
        if weight is None:
            weight = math.log(self._size / max(1, self.df[token])) / math.log(self._size)
            if token.isdigit() or token in self.names:
                weight *= NAME_BOOST
            self._weights[token] = weight
        return weight

    def total(self, text: EventText) -> float:
        """The weight of the report's headline tokens."""
        found = self._totals.get(id(text))
        if found is None:
            found = self._totals[id(text)] = sum(map(self.weight, text.title))
        return found

    def is_name(self, text: EventText, token: str) -> bool:
        return token.isdigit() or token in self.names or token in text.acronyms

    def maybe_name(self, text: EventText, token: str) -> bool:
        """A name, or a word the window never writes in lower case ("Rockford" opening a
        headline; any word of a headline in Title Case)."""
        return self.is_name(text, token) or token not in self.lower


def _covered(a: EventText, b: EventText, window: Window) -> tuple[float, list[str]]:
    """The share of ``a``'s headline weight that ``b`` has, in its headline or, at
    ``SUMMARY_WEIGHT``, in its summary; and those tokens."""
    total = window.total(a)
    found = [t for t in a.title if t in b.tokens]
    weight = window.weight
    together = sum(weight(t) * (1.0 if t in b.title_set else SUMMARY_WEIGHT) for t in found)
    return (together / total if total else 0.0), found


def score(a: EventText, b: EventText, window: Window) -> tuple[float, list[str]]:
    """The similarity of the module docstring, and the tokens it found shared."""
    a_in_b, found = _covered(a, b, window)
    if not found:
        return 0.0, found
    b_in_a, more = _covered(b, a, window)
    return math.sqrt(a_in_b * b_in_a), list(dict.fromkeys([*found, *more]))


def _roles_swapped(a: Sequence[str], b: Sequence[str], is_name: Callable[[str], bool]) -> bool:
    """Two shared names at most ``ROLE_SPAN`` tokens apart around a shared word, the other
    way round in the other headline; further apart, as in "Afghanistan brands China talks
    with Pakistan useful" / "Afghanistan, Pakistan hold useful talks in China", they are a
    rephrasing."""
    where = {w: i for i, w in enumerate(b)}
    for i, first in enumerate(a):
        if first not in where or not is_name(first):
            continue
        for j in range(i + 2, min(len(a), i + ROLE_SPAN + 1)):
            last = a[j]
            if last in where and is_name(last) and 0 < where[first] - where[last] <= ROLE_SPAN:
                low, high = where[last], where[first]
                if any(low < where.get(w, -1) < high for w in a[i + 1:j]):
                    return True
    return False


def _numbers_differ(a: EventText, b: EventText) -> bool:
    return bool(a.numbers and b.numbers
                and not (a.numbers <= b.numbers or b.numbers <= a.numbers))


def _two_languages(a: EventText, b: EventText) -> bool:
    return bool(a.language and b.language and a.language != b.language)  # "": unknown


def two_events(a: EventText, b: EventText, window: Window) -> bool:
    """Evidence of two events: numbers, a negation, a plan, the roles (module docstring)."""
    if _numbers_differ(a, b):
        return True
    if _two_languages(a, b):  # negations and word order are each language's own
        return False
    if a.headline.negated != b.headline.negated:
        return True
    if (a.planned & b.title_set) - b.planned or (b.planned & a.title_set) - a.planned:
        return True
    return _roles_swapped(a.title, b.title, lambda t: t in window.names or t in a.acronyms
                          or t in b.acronyms)


def _substituted_name(a: EventText, b: EventText, window: Window) -> bool:
    """One rare name of one headline where the other has another, or an acronym on each
    side that the other lacks (module docstring)."""
    if (a.acronyms - b.title_set) and (b.acronyms - a.title_set):
        return True
    matcher = SequenceMatcher(None, a.title, b.title, autojunk=False)
    for tag, i, j, k, m in matcher.get_opcodes():
        if tag == "replace" and j - i == 1 and m - k == 1:
            x, y = a.title[i], b.title[k]
            if (window.df[x] <= RARE and window.df[y] <= RARE and not x.isdigit()
                    and not y.isdigit() and window.maybe_name(a, x)
                    and window.maybe_name(b, y)):
                return True
    return False


def _doubt(a: EventText, b: EventText, shared: Sequence[str], window: Window) -> bool:
    """What keeps a pair apart offline but may be one event (module docstring)."""
    if a.commentary or b.commentary or len(shared) < 2:
        return True
    if all(window.is_name(a, t) or window.is_name(b, t) for t in shared):
        return True
    only_a, only_b = a.title_set - b.title_set, b.title_set - a.title_set
    if (len(only_a) == 1 and len(only_b) == 1
            and sum(not t.isdigit() for t in shared) <= SHORT_FRAME):
        return True
    if (a.announced and not b.planned) or (b.announced and not a.planned):
        return True
    return _substituted_name(a, b, window)


def judge(a: EventText, b: EventText, window: Window) -> tuple[Verdict, float]:
    """The verdict on two reports and their score: "same" (one event), "likely" (one event
    unless the model says otherwise), "unsure" (two unless the model says otherwise),
    "cross" (two languages: two unless the model says otherwise) or "apart" (two, and the
    model is not asked)."""
    if _numbers_differ(a, b):  # (the cheap veto first: most pairs end here or below)
        return "apart", 0.0
    found, shared = score(a, b, window)
    if _two_languages(a, b):
        return ("cross" if found >= CROSS_ASK_FROM and len(shared) >= 2 else "apart"), found
    if found < ASK_FROM or two_events(a, b, window):
        return "apart", found
    if found < SAME_EVENT or _doubt(a, b, shared, window):
        return "unsure", found
    return ("same" if found >= SURE else "likely"), found


def linked(a: EventText, b: EventText, window: Window) -> bool:
    """Whether two stories whose first reports are ``a`` and ``b`` may be joined."""
    verdict, found = judge(a, b, window)
    return verdict != "apart" and found >= LINK_FROM
