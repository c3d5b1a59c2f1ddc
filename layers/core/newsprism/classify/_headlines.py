"""Near-identical headlines: the rule of "the same story", and grouping without comparing
all pairs.

Two reports are one story (issue 5) when their headlines share their content: the words
left after ``text.headline_words`` (no wire prefixes or outlet tails; case, accents and
"U.S."/"US" folded) once function words, verbs of saying ("says", "dice", "asegura"),
labels ("LIVE", "Analysis") and numbers are set aside, each cut to its first five letters so
that "sanctions"/"sanctioned" or "confirma"/"confirmó" count as one. They are the same story
when

- most of that content is shared: at least 70 % of either's (Jaccard >= 0.7), or
- one headline's content, four words or more, is all in the other's and they share half
  of it ("US eases sanctions on Venezuela's central bank" ~ "... to aid oil revival"),

unless they differ in kind:

- a number: "8 de diciembre" / "9 de diciembre" are two days' live blogs;
- a negation: "will attend" / "will not attend";
- the mode of a shared verb: "Trump and Xi to meet" is the announcement, "Trump and Xi
  meet" the meeting; two stories, so yesterday's announcement never hides today's meeting
  as a repeat (the markers are English: to, will, would, could, may, might);
- the roles around a shared word: "US sanctions China" / "China sanctions US".

Headlines that differ in one name in a short frame ("Gold price in Pakistan today" /
"Silver price ...") stay below 70 %. Reports of one event written differently ("Beijing
sanctions 20 US defence firms" / "China hits US defence firms with sanctions") are the
event rule's (``_events.py``, issue 20): this is about copies and near-copies.

``HeadlineIndex`` finds every headline of a small listing that is the same story as a given
one (the previous digest's repeat check): a set-similarity join (Bayardo et al., "Scaling
up all pairs similarity search", WWW 2007), words ordered rarest first, where a pair above a
Jaccard threshold must share one of the few rarest words of each. Grouping a window's
reports uses the bounded candidates of ``_grouping.py`` instead, whose work stays linear
when thousands of headlines share most of their words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from newsprism.text import headline_words

SIMILAR = 0.7  # Jaccard similarity of two headlines' content
CONTAINED_MIN_JACCARD = 0.5  # ... when one headline's content is all in the other's
CONTAINED_MIN_WORDS = 4  # content words of the shorter headline, for the containment rule
STEM = 5  # letters kept of each word
MAX_INDEXED = 64  # headlines a word indexes in HeadlineIndex (see there)



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words of English and Spanish (the languages of the bundled topics), verbs of
# saying and labels: they do not make two headlines different stories, content words do.
STOPWORDS = _words("""
a an and are as at be been but by for from has have he her his how in into is it its of on or
our s she than that the their them they this to was we were what when where which who why
will with would you your
al como con de del el en es esta este la las lo los mas para pero por que se sin sobre su sus
tras un una uno y ya ante entre hasta hacia segun
says said say tells told confirms confirmed claims claimed according reports reported
dice dijo afirma afirmo asegura aseguro confirma confirmo declara declaro senala senalo
informa informo sostiene
live updates update video watch breaking urgent flash exclusive analysis opinion oped
editorial explainer vivo directo
""")
NEGATIONS = _words("not no never nor without nunca ni jamas sin")
# "to"/"will" before a verb mark a plan or a forecast, not an event (English headlines).
PLAN_MARKERS = _words("to will would could may might")


def _stem(word: str) -> str:
    return word[:STEM]


@dataclass(frozen=True, slots=True)  # many per window: no __dict__ each
class Headline:
    """What the grouping compares of one report's headline."""

    words: frozenset[str]  # every word: the same set is the same headline
    content: frozenset[str]  # stems of the content words
    sequence: tuple[str, ...]  # the content stems in headline order (first occurrences)
    numbers: frozenset[str]
    negated: bool
    planned: frozenset[str]  # stems right after a plan marker: "meet" in "to meet"

    @classmethod
    def of(cls, title: str) -> Headline:
        words = headline_words(title)
        sequence = tuple(dict.fromkeys(
            _stem(w) for w in words if w not in STOPWORDS and not w.isdigit()))
        planned: frozenset[str] = frozenset()
        if not PLAN_MARKERS.isdisjoint(words):
            planned = frozenset(_stem(after) for before, after in pairwise(words)
                                if before in PLAN_MARKERS)
        return cls(words=frozenset(words), content=frozenset(sequence), sequence=sequence,
                   numbers=frozenset(filter(str.isdigit, words)),
                   negated=not NEGATIONS.isdisjoint(words), planned=planned)


def _roles_swapped(a: Headline, b: Headline) -> bool:
    """Two shared words in opposite order around a third shared word that lies between
    them in both: "US sanctions China" / "China sanctions US"."""
    shared = a.content & b.content
    order_a = [w for w in a.sequence if w in shared]
    where_b = {w: i for i, w in enumerate(w for w in b.sequence if w in shared)}
    for i, first in enumerate(order_a):
        for j in range(i + 2, len(order_a)):
            last = order_a[j]
            if where_b[first] > where_b[last]:
                low, high = where_b[last], where_b[first]
                if any(low < where_b[w] < high for w in order_a[i + 1:j]):
                    return True
    return False


def _differ_in_kind(a: Headline, b: Headline) -> bool:
    """A number, a negation, the mode of a shared verb or the roles differ (see above)."""
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return True
    if a.negated != b.negated:
        return True
    if (a.planned & (b.content - b.planned)) or (b.planned & (a.content - a.planned)):
        return True
    return _roles_swapped(a, b)


def same_story(a: Headline, b: Headline) -> bool:
    """The rule of the module docstring."""
    if not a.content or not b.content:
        return a.words == b.words and bool(a.words)
    shared = len(a.content & b.content)
    jaccard = shared / (len(a.content) + len(b.content) - shared)
    if jaccard < SIMILAR:
        small = min(len(a.content), len(b.content))
        if not (small >= CONTAINED_MIN_WORDS and shared == small
                and jaccard >= CONTAINED_MIN_JACCARD):
            return False
    return not _differ_in_kind(a, b)


class HeadlineIndex:
    """Finds the indexed headlines that are the same story as a given one.

    ``rank`` orders content words rarest first; it must cover the indexed and the queried
    headlines (``word_ranks`` over all of them). Three inverted indexes give the candidates,
    each complete for one rule:

    - similar: Jaccard >= 0.7 needs ceil(0.7 n) shared words of an n-word content, so the
      shared words cannot all lie outside its n - ceil(0.7 n) + 1 rarest words;
    - contained, the new headline the shorter: its rarest word is in the longer, found among
      the headlines indexed under every one of their words;
    - contained, the new headline the longer: the shorter's rarest word is one of its words,
      found among the headlines indexed under their rarest word.

    A word indexes its first ``MAX_INDEXED`` headlines only: complete for a digest's
    listing, bounded when a runaway feed has put thousands of look-alike headlines in it
    (10,000 listed titles checked against 20,000 reports took 236 s; a headline that is the
    same story as one past the first ``MAX_INDEXED`` sharing each of its keys is missed).
    """

    def __init__(self, rank: dict[str, int]) -> None:
        self._rank = rank
        self._headlines: list[Headline] = []
        self._by_prefix: dict[str, list[int]] = {}
        self._by_content: dict[str, list[int]] = {}
        self._by_rarest: dict[str, list[int]] = {}

    def _keys(self, headline: Headline) -> tuple[list[str], str | None]:
        words = sorted(headline.content, key=self._rank.__getitem__)
        needed = -(-len(words) * 7 // 10)  # ceil(SIMILAR * n) for SIMILAR = 7/10
        rarest = words[0] if len(words) >= CONTAINED_MIN_WORDS else None
        return words[: len(words) - needed + 1], rarest

    def add(self, headline: Headline) -> int:
        position = len(self._headlines)
        self._headlines.append(headline)
        prefix, rarest = self._keys(headline)
        for index, words in ((self._by_prefix, prefix), (self._by_content, headline.content),
                             (self._by_rarest, () if rarest is None else (rarest,))):
            for word in words:
                positions = index.setdefault(word, [])
                if len(positions) < MAX_INDEXED:
                    positions.append(position)
        return position

    def candidates(self, headline: Headline) -> list[int]:
        """Positions of the indexed headlines that may be the same story, each once."""
        prefix, rarest = self._keys(headline)
        lists = [self._by_prefix.get(word, ()) for word in prefix]
        if rarest is not None:
            lists.append(self._by_content.get(rarest, ()))
        lists.extend(self._by_rarest.get(word, ()) for word in headline.content)
        found: dict[int, None] = {}
        size = len(headline.content)
        for positions in lists:
            for position in positions:
                if position not in found:
                    other = len(self._headlines[position].content)
                    # Every rule needs Jaccard >= 1/2: the smaller at least half the larger.
                    if 2 * min(size, other) >= max(size, other):
                        found[position] = None
        return list(found)

    def matches(self, headline: Headline) -> list[int]:
        return [p for p in self.candidates(headline)
                if same_story(headline, self._headlines[p])]


def word_ranks(headlines: Iterable[Headline]) -> dict[str, int]:
    """Every content word's rank, rarest first (ties alphabetical: a deterministic order)."""
    counts: Counter[str] = Counter()
    for headline in headlines:
        counts.update(headline.content)
    ordered = sorted(counts, key=lambda word: (counts[word], word))
    return {word: rank for rank, word in enumerate(ordered)}


class Headlines(dict[str, Headline]):
    """``Headline.of`` by title, each title once: syndicated copies share their title."""

    def __missing__(self, title: str) -> Headline:
        self[title] = headline = Headline.of(title)
        return headline
