"""How the event rule reads one report (issue 20): its tokens, names, plans, language.

A report's tokens are the words of ``text.headline_words`` less function words, each cut to
five letters after a light suffix strip ("eases", "eased" and "ease" meet), a country's
names folded into one token ("Chinese", "Beijing", "中国": china; "Estados Unidos", "EE.
UU.", "Washington": us), each once, in headline order. A summary adds the tokens of its
first 40 words that neither the headline nor the outlet's name has, when there are more
than two: a Google News description only repeats the headline and the outlet.

The case of the headline as written says which tokens are names (capitalised after the
first word, or acronyms), unless (nearly) every word is capitalised, as in Title Case; the
language is the one whose function words the headline has most, the feed's on a tie.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.classify._headlines import PLAN_MARKERS, STOPWORDS, Headline, _words
from newsprism.text import clean_headline, fold_accents, headline_words, strip_outlet_tails

SUMMARY_WORDS = 40  # words of a summary read: its lead, not the whole article
STEM = 5  # letters kept of each word, as the copy rule does

EVENT_STOPWORDS = STOPWORDS | _words("""
about after against again all also amid among any back before being between both can did do
does during each even here just last like made make makes many more most much must new now
off only other out over own same should so some still such than then there these those
through today under up very via while year years day days week weeks
otra otro otros otras muy tambien aun hoy ahora cuando donde solo dos tres nuevo nueva
le les des du et un une pour dans sur avec au aux est qui par ce cette son ses
""")
ADVERBS = _words("soon also then now likely probably finally formally officially again "
                 "still first")
ANNOUNCING = _words("set expected expects due poised slated scheduled plans planning")
# Opinions, analyses, guides, statements and live blogs: about events, not a report of one.
COMMENTARY = _words("opinion analysis editorial commentary column explainer oped analysts "
                    "deconstructing explained takeaways columna analisis tribuna")
GUIDES = re.compile(
    r"\b(?:press release|how to|what to know|where to watch|what it means|one year on"
    r"|donde ver|como ver|en vivo|en directo|minuto a minuto|ultima hora|lo ultimo"
    r"|live updates|live blog)\b|^live\b|\?")

# A country's names as one token: "Beijing sanctions US firms" and "Chinese sanctions on US
# firms" name one actor, and the roles check must see it.
COUNTRIES = {
    "china": "china chinese chino chinos beijing pekin 中国",
    "us": "us usa american americans washington eeuu estadounidense estadounidenses 美国",
    "iran": "iran iranian iranians tehran irani",
    "russia": "russia russian rusia ruso rusos moscow moscu 俄罗",
    "japan": "japan japanese japon japones japonesa tokyo 日本",
    "taiwan": "taiwan taiwanese taipei 台湾",
    "venezuela": "venezuela venezuelan venezolano venezolanos venezolana caracas",
    "pakistan": "pakistan pakistani pak islamabad", "india": "india indian delhi",
    "ukraine": "ukraine ukrainian ucrania kyiv", "israel": "israel israeli",
}
ALIASES = {name: country for country, names in COUNTRIES.items() for name in names.split()}
BIGRAMS = {("estados", "unidos"): "us", ("united", "states"): "us", ("new", "delhi"): "india",
           ("white", "house"): "whitehouse", ("casa", "blanca"): "whitehouse"}

# Function words each of these languages alone writes so: the most found names a headline's.
_LANGUAGES = {
    "en": _words("the of and on for with at by from is after over says amid its will be are "
                 "has have to in as was were this that"),
    "es": _words("el los las del y por para con una se su sus al tras ante es lo como hacia "
                 "desde entre ha fue son hoy segun pero mas sin"),
    "fr": _words("le les des du et pour dans sur avec au aux est qui par une ce cette ses"),
    "pt": _words("o os do da dos das em na um uma com ao pelo pela nao"),
    "de": _words("der die das und mit von zu den fur auf ist im dem nicht ein eine"),
}
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1 << 16)  # a window's words recur: most are stemmed once
def _stem(word: str) -> str:
    word = ALIASES.get(word, word)
    if len(word) < 4 or word.isdigit() or word in COUNTRIES:
        return word
    if word[-1] == "s" and word[-2] != "s":
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word[-1] == "e":
        word = word[:-1]
    return ALIASES.get(word[:STEM], word[:STEM])


def token_list(words: Sequence[str]) -> list[str]:
    """The tokens of ``headline_words``, each once, in order."""
    found: list[str] = []
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
        elif i + 1 < len(words) and (word, words[i + 1]) in BIGRAMS:
            found.append(BIGRAMS[word, words[i + 1]])
            skip = True
        elif word not in EVENT_STOPWORDS:
            found.append(_stem(word))
    return list(dict.fromkeys(found))


def language_of(text: str, hint: str) -> str:
    """The language whose function words the text has most; ``hint`` (the feed's) on a
    tie it is part of, or when the text has none."""
    if _UNSPACED.search(text):
        return "ja" if _KANA.search(text) else "ko" if _HANGUL.search(text) else "zh"
    words = _WORD.findall(fold_accents(text).casefold())
    hits = {language: sum(w in marks for w in words) for language, marks in _LANGUAGES.items()}
    best = max(hits.values())
    found = [language for language, count in hits.items() if count == best]
    hint = hint.split("-")[0].casefold()
    if best == 0 or (len(found) > 1 and hint in found):
        return hint
    return found[0]


def _planned(words: Sequence[str], names: frozenset[str]) -> tuple[frozenset[str], bool]:
    """Stems of the verbs a plan marker announces ("meet" in "to meet", "will soon meet";
    "to Pakistan" and "to the" announce nothing), and whether the headline is an
    announcement ("set to appear", "expected to meet")."""
    planned = []
    announced = False
    for i, word in enumerate(words[:-1]):
        if word in PLAN_MARKERS:
            after = next((w for w in words[i + 1:i + 3] if w not in ADVERBS), "")
            stem = _stem(after) if after else ""
            if stem and not (after in STOPWORDS or after.isdigit() or stem in names):
                planned.append(stem)
                before = words[i - 1] if i else ""
                announced = announced or before in ANNOUNCING
    return frozenset(planned), announced


def _is_commentary(title: str) -> bool:
    text = fold_accents(title).casefold()
    return not COMMENTARY.isdisjoint(_WORD.findall(text)) or bool(GUIDES.search(text))


@dataclass(frozen=True, slots=True)  # many per window: no __dict__ each
class EventText:
    """What the event rule reads of one report."""

    headline: Headline  # the copy rule's reading of the title
    title: tuple[str, ...]  # tokens of the title, in order
    numbers: frozenset[str]  # the title's
    summary: tuple[str, ...]  # tokens of an informative summary not in the title
    title_set: frozenset[str]
    tokens: frozenset[str]  # the title's and the summary's
    capitalised: frozenset[str]  # tokens written capitalised after the first word
    lower: frozenset[str]  # tokens written in lower case
    acronyms: frozenset[str]
    title_case: bool  # (nearly) every word capitalised: the case says nothing
    planned: frozenset[str]
    announced: bool  # a plan is the headline's news: "Maduro set to appear in court"
    language: str
    commentary: bool  # an opinion, analysis or editorial, not a report of an event
    text: str  # what the model is shown: "title — summary"

    @classmethod
    def of(cls, title: str, summary: str = "", language: str = "", outlet: str = "",
           headline: Headline | None = None) -> EventText:
        words = headline_words(title)
        title_tokens = tuple(token_list(words))
        extra: tuple[str, ...] = ()
        if summary:
            known = {*title_tokens, *token_list(headline_words(outlet))}
            extra = tuple(t for t in token_list(headline_words(summary)[:SUMMARY_WORDS])
                          if t not in known)
            extra = extra if len(extra) > 2 else ()  # Google News: the title and outlet again
        cased = _WORD.findall(fold_accents(strip_outlet_tails(clean_headline(title))))
        long = [w for w in cased if len(w) > 3 and w.isalpha()]
        title_case = sum(w[0].isupper() for w in long) >= 0.8 * len(long) if long else False
        acronyms = frozenset(_stem(w.casefold()) for w in cased
                             if 2 <= len(w) <= 5 and w.isalpha() and w.isupper())
        capitalised = lower = frozenset[str]()
        if not title_case:
            capitalised = frozenset(_stem(w.casefold()) for w in cased[1:] if w[0].isupper())
            lower = frozenset(_stem(w.casefold()) for w in cased if w[0].islower())
        acronyms &= set(title_tokens)  # not "EE" of "EE.UU.", which is "us"
        if acronyms and all(w.isupper() for w in long):  # shouted: capitals say nothing
            acronyms = frozenset()
        planned, announced = _planned(words, acronyms | capitalised | COUNTRIES.keys())
        return cls(
            headline=Headline.of(title) if headline is None else headline,
            title=title_tokens, numbers=frozenset(filter(str.isdigit, title_tokens)),
            summary=extra, title_set=frozenset(title_tokens),
            tokens=frozenset((*title_tokens, *extra)), capitalised=capitalised, lower=lower,
            acronyms=acronyms, title_case=title_case,
            planned=planned, announced=announced,
            language=language_of(title, language),
            commentary=_is_commentary(title),
            text=f"{title} — {summary}" if extra else title)
