"""Feed text rules: the normalization every piece of feed text gets where it enters
(``plain_text``), and the headline rules shared by classify (relevance, story grouping) and
summarize (bullets)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Prefixes that wires and outlets put before a headline; they say nothing about the story.
# "UPDATE 1-" and "EXCLUSIVE-" are Reuters' style, "Exclusive |" SCMP's, "WATCH:" broadcasters'.
_WIRE_PREFIX = re.compile(
    r"^\s*(?:"
    r"(?:UPDATE|REFILE|CORRECTED|RPT|REPEAT)(?:\s+\d+)?\s*-"
    r"|(?:EXCLUSIVE|ANALYSIS|FACTBOX|EXPLAINER|INSIGHT|WRAPUP(?:\s+\d+)?)\s*-"
    r"|(?:exclusive|analysis|opinion|explainer|breaking|watch|live|video|editorial|update)"
    r"\s*[|:]"
    r")\s*",
    re.IGNORECASE,
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_NON_WORD = re.compile(r"[^\w]+")
# Latin-script accents after NFKD decomposition: "petróleo" -> "petroleo", "Ñ" -> "N".
_COMBINING = re.compile(r"[\u0300-\u036f]")
# Scripts written without spaces between words (CJK ideographs, kana) and Hangul, whose
# particles attach to the noun ("중국은"): a term in them matches anywhere, not on word edges.
_WORD = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# --- feed text at the edge (docs/design.md, "Markdown": how feed text is neutralized) --------

# Length caps (issue 22: a 100 KB title made a 321 KB page). No real headline or outlet comes
# near them: of the 10,500 listings of ../shared/corpus/news-summarizer the longest title has
# 262 characters (278 with the " - {outlet}" Google News appends, which the cap also covers,
# as it applies before that suffix is removed) and the longest outlet name 61 ("Institute for
# Energy Economics and Financial Analysis (IEEFA)"); the longest description of the bundled
# feeds (demo/feeds, tests/data) has 945.
TITLE_LIMIT = 300
OUTLET_LIMIT = 100
SUMMARY_LIMIT = 1000
# Invisible characters that only steer display: the bidirectional embeddings, overrides and
# isolates and the implicit marks (UAX #9 §2: U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
# U+061C; a U+202E in a headline reversed the text around it, issue 22), the word joiner and
# the invisible operators (U+2060-U+2064), the deprecated format characters (U+206A-U+206F),
# the byte order mark used as a zero-width no-break space (U+FEFF) and the soft hyphen
# (U+00AD). Removed wherever feed text enters. Not U+200B-U+200D: a zero-width non-joiner or
# joiner is spelling in Persian and Indic scripts and holds emoji sequences together, and the
# earlier system's digests carry U+200B in titles (india-pakistan/2026-03-16, which the
# conformance test reproduces byte for byte); those three are left out of matching instead
# (``fold_accents``, ``story_key``).
_INVISIBLE = re.compile("[\u00ad\u061c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
                        "\ufeff]")
# A run of C0/C1 control characters (Unicode category Cc), with the ASCII spaces around it.
# The lookbehind starts a match only at the first space of a run: without it, a long run of
# spaces before one control character is tried from every space (quadratic time).
_CONTROL_RUN = re.compile(r"(?<! ) *[\x00-\x1f\x7f-\x9f][\x00-\x1f\x7f-\x9f ]*")
# Invisible characters that split a word for matching: the above and U+200B-U+200D.
_SPLITTING = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
                        "\ufeff]")


def plain_text(text: str, limit: int) -> str:
    """Feed text as newsprism keeps it: each run of control characters (with the spaces beside
    it) one space, the invisible display controls (``_INVISIBLE``) removed, ASCII spaces at the
    ends stripped, at most ``limit`` characters (``capped``).

    The one normalization of feed text: the parsers apply it to what a feed says, and
    ``Article.from_dict`` to every stored article it reads, so runs stored before it get it
    too. Applying it again changes nothing. Other white space (U+2029, U+00A0) is kept: the
    earlier system's digests carry it, and the Markdown must match them.
    """
    if not text.isprintable():  # (ordinary text is printable: nothing to replace)
        text = _CONTROL_RUN.sub(" ", _INVISIBLE.sub("", text)).strip(" ")
    return capped(text, limit)


def capped(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def clean_headline(title: str) -> str:
    """The headline without wire prefixes ("UPDATE 1-", "Exclusive |", "WATCH:")."""
    while match := _WIRE_PREFIX.match(title):  # prefixes stack: "UPDATE 2-EXCLUSIVE-..."
        title = title[match.end():]
    return title.strip()


def story_key(title: str) -> str:
    """A key equal for headlines that differ only in prefixes, case, punctuation or spacing."""
    text = unicodedata.normalize("NFKC", clean_headline(title)).translate(_QUOTES).casefold()
    if not text.isascii():  # "Tar\u200biffs" is "Tariffs" (issue 22)
        text = _SPLITTING.sub("", text)
    words = _NON_WORD.sub(" ", text).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


def as_sentence(headline: str) -> str:
    """A headline as a sentence: first letter capitalised, ending in a full stop."""
    text = clean_headline(headline).rstrip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def fold_accents(text: str) -> str:
    """``text`` for matching: without Latin accents ("Rodríguez" -> "Rodriguez") nor the
    invisible characters that would split a word in two ("Tar\u200biffs" is "Tariffs":
    ``_SPLITTING``, issue 22); case is kept."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", _SPLITTING.sub("", text)))


# --- relevance: the topic's keyword groups ---------------------------------------------------


def _is_acronym(term: str) -> bool:
    # "US", "U.S.", "EU", "PRC", "LoC" is not (mixed case): matched case-sensitively so that
    # "us" and "bus" never count as "US" (issue 5). Longer all-caps terms ("NATO", "OPEC")
    # are ordinary words, shouted or not.
    return term.isupper() and len(term.replace(".", "")) <= 4


def _words_key(words: Sequence[str]) -> str:
    """Words between single spaces (" U S says "): a term of several words is a whole-word
    match exactly when its key is a substring of the text's key."""
    return f" {' '.join(words)} "


@dataclass(frozen=True)
class _Text:
    """A text prepared once for every keyword group: accents folded, split into words."""

    words: frozenset[str]  # as written
    folded: frozenset[str]  # case-folded
    exact: str  # the key of the words as written
    loose: str  # the key of the words case-folded
    unspaced: str  # the whole text case-folded, for terms in unspaced scripts

    @classmethod
    def of(cls, text: str) -> _Text:
        text = fold_accents(text)
        words = _WORD.findall(text)
        exact = _words_key(words)
        loose = exact.casefold()
        unspaced = text.casefold() if not text.isascii() and _UNSPACED.search(text) else ""
        return cls(frozenset(words), frozenset(loose.split()), exact, loose, unspaced)


@dataclass(frozen=True)
class KeywordGroup:
    terms: tuple[str, ...]  # as configured
    # One-word terms are looked up in the text's set of words; longer ones ("Xi Jinping",
    # "U.S.") by their key. Acronyms keep their case, everything else is case-folded.
    exact_words: frozenset[str]
    loose_words: frozenset[str]
    exact_keys: tuple[str, ...]
    loose_keys: tuple[str, ...]
    unspaced: tuple[str, ...]  # CJK, kana or Hangul terms: found anywhere, not on word edges

    def found_in(self, text: _Text) -> bool:
        return (not self.exact_words.isdisjoint(text.words)
                or not self.loose_words.isdisjoint(text.folded)
                or any(key in text.exact for key in self.exact_keys)
                or any(key in text.loose for key in self.loose_keys)
                or any(term in text.unspaced for term in self.unspaced))

    @classmethod
    def of(cls, terms: Sequence[str]) -> KeywordGroup:
        exact_words, loose_words, exact_keys, loose_keys, unspaced = [], [], [], [], []
        for term in terms:
            folded = fold_accents(term.strip())
            words = _WORD.findall(folded)
            if _UNSPACED.search(folded):
                unspaced.append(folded.casefold())
            elif _is_acronym(folded):
                (exact_words.append(words[0]) if len(words) == 1
                 else exact_keys.append(_words_key(words)))
            elif len(words) == 1:
                loose_words.append(words[0].casefold())
            elif words:  # (a term without a word character can match no word)
                loose_keys.append(_words_key(words).casefold())
        return cls(tuple(terms), frozenset(exact_words), frozenset(loose_words),
                   tuple(exact_keys), tuple(loose_keys), tuple(unspaced))


@dataclass(frozen=True)
class Keywords:
    """A topic's keyword groups: on topic when the text has a term of every group.

    Matching is on whole words (a term of several words matches them in sequence, whatever
    the spaces or punctuation between them), ignores accents on both sides ("petroleo" finds
    "petróleo" and the other way round: feeds and users drop accents, upper-case headlines
    most of all) and case, except for short acronyms. No groups: everything is on topic.
    """

    groups: tuple[KeywordGroup, ...]

    def missing(self, *texts: str) -> KeywordGroup | None:
        """The first group none of whose terms occurs in ``texts``; None when on topic."""
        if not self.groups:
            return None
        text = _Text.of("\n".join(texts))
        return next((group for group in self.groups if not group.found_in(text)), None)


def keyword_matcher(groups: Sequence[Sequence[str]]) -> Keywords:
    return Keywords(tuple(KeywordGroup.of(group) for group in groups))


def matches_all_groups(text: str, matcher: Keywords) -> bool:
    """True when ``text`` contains a term of every keyword group (no groups: always true)."""
    return matcher.missing(text) is None


# --- story grouping: the words of a headline --------------------------------------------------

# A trailing " - Outlet" / " | Outlet" that outlets and aggregators leave on headlines
# ("... - China Daily", "... | National | dailygazette.com | The Daily Gazette", "... Por EFE").
_TAIL = re.compile(r"\s+(?:[-|–—]\s+|(?:by|por)\s+)(?P<tail>[^-|–—]+)$", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s(?:[-|–—]|by|por)\s", re.IGNORECASE)
_HEAD = re.compile(r"^(?P<head>[^-|–—:]+)\s+\|\s+")  # "Xinhua News | ..."
_TAIL_WORD = re.compile(r"^(?:[A-Z0-9][\w'’.&]*|[a-z0-9-]+(?:\.[a-z]{2,})+|de|del|la|el|of|the)$")
# "U.S." -> "US", "EE. UU." -> "EEUU": abbreviations written with and without stops.
_ABBREVIATION = re.compile(r"\b([a-z])\.\s?([a-z])\.(?:\s?([a-z])\.)?")
_EEUU = re.compile(r"\bee\.?\s?uu\b\.?")
_NOT = re.compile(r"n['’]t\b")
_NUMBER = re.compile(r"^(\d+)(?:st|nd|rd|th|º|ª)$")
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th|º|ª)\b")
_PLAIN_QUOTES = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"))
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK_SPLIT = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+)")


def _is_tail(segment: str) -> bool:
    """A segment that names an outlet or section: at most five capitalised words or a host."""
    words = segment.split()
    return 0 < len(words) <= 5 and all(_TAIL_WORD.match(word) for word in words)


def strip_tails(title: str, is_tail: Callable[[str], bool] = _is_tail) -> str:
    """``title`` without the trailing segments (" - X", " | X", " By X") that ``is_tail``
    accepts; what remains keeps at least three words, so "China - US" stays whole."""
    if not _SEPARATOR.search(title):  # (most headlines: skip the slower tail pattern)
        return title
    while (match := _TAIL.search(title)) and is_tail(match.group("tail").strip()):
        head = title[: match.start()]
        if len(head.split()) < 3:
            break
        title = head
    return title


def strip_outlet_tails(title: str) -> str:
    """``title`` without the outlet or section names tacked on at either end.

    Only for comparing headlines (a stripped word is never shown): the rest must keep at
    least three words, so "China - US" or "Venezuela US Sanctions" stay whole.
    """
    title = strip_tails(title)
    if (match := _HEAD.match(title)) and _is_tail(match.group("head")):
        rest = title[match.end():]
        if len(rest.split()) >= 3:
            title = rest
    return title


def headline_words(title: str) -> list[str]:
    """The words of a headline for comparing stories: no prefixes or outlet tails, case and
    accents folded, abbreviations joined ("U.S." = "US"), "n't" read as "not", ordinals as
    their number ("11th" = "11"), and runs of Chinese or Japanese characters split into
    overlapping pairs (they have no spaces)."""
    text = strip_outlet_tails(clean_headline(title))
    if not text.isascii():  # (str.translate is slow: a few replaces are not)
        for quote, plain in _PLAIN_QUOTES:
            text = text.replace(quote, plain)
        text = fold_accents(text)
    text = text.casefold()
    if "." in text:
        text = _EEUU.sub(" eeuu ", _ABBREVIATION.sub(r"\1\2\3", text))
    if "'" in text:
        text = _NOT.sub(" not", text)
    words = _NON_WORD.sub(" ", text).replace("_", " ").split()
    if not text.isascii() and _CJK_RUN.search(text):
        words = [pair for word in words for pair in _cjk_pairs(word)]
    if _ORDINAL.search(text):
        words = [number.group(1) if (number := _NUMBER.match(w)) else w for w in words]
    return words


def _cjk_pairs(word: str) -> list[str]:
    if not _CJK_RUN.search(word):
        return [word]
    pairs: list[str] = []
    for part in _CJK_SPLIT.split(word):
        if _CJK_RUN.fullmatch(part):
            pairs.extend(part[i:i + 2] for i in range(max(1, len(part) - 1)))
        elif part:
            pairs.append(part)
    return pairs
