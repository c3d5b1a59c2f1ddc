"""Headline text rules shared by classify (story keys, relevance) and summarize (bullets)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

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


def clean_headline(title: str) -> str:
    """The headline without wire prefixes ("UPDATE 1-", "Exclusive |", "WATCH:")."""
    previous = None
    while previous != title:  # prefixes stack: "UPDATE 2-EXCLUSIVE-..."
        previous = title
        title = _WIRE_PREFIX.sub("", title, count=1)
    return title.strip()


def story_key(title: str) -> str:
    """A key equal for headlines that differ only in prefixes, case, punctuation or spacing."""
    text = unicodedata.normalize("NFKC", clean_headline(title)).translate(_QUOTES).casefold()
    words = _NON_WORD.sub(" ", text).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


def as_sentence(headline: str) -> str:
    """A headline as a sentence: first letter capitalised, ending in a full stop."""
    text = clean_headline(headline).rstrip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def _term_pattern(term: str) -> re.Pattern[str]:
    # Short all-capital terms ("US", "EU", "PRC") are acronyms: matched case-sensitively so
    # that "us" and "bus" never count. Everything else matches case-insensitively.
    # Whole words only: no word character may touch the term on either side.
    flags = 0 if (term.isupper() and len(term.replace(".", "")) <= 4) else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", flags)


def keyword_matcher(groups: Sequence[Sequence[str]]) -> list[list[re.Pattern[str]]]:
    return [[_term_pattern(term) for term in group] for group in groups]


def matches_all_groups(text: str, matcher: list[list[re.Pattern[str]]]) -> bool:
    """True when ``text`` contains a term of every keyword group (no groups: always true)."""
    return all(any(pattern.search(text) for pattern in group) for group in matcher)
