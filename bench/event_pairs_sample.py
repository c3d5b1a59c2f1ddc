"""Draw the candidate pairs of ``tests/data/event_pairs.jsonl`` (issue 20).

    .venv/bin/python bench/event_pairs_sample.py [--out FILE] [--check FILE]

A pair is two reports listed in one digest of the earlier system's corpus
(``../shared/corpus/news-summarizer``; ``tests.conformance.read_case`` gives each listing's
perspective). The labelled set asks whether story grouping recognises "the same event", so it
needs both kinds of mistake to be measurable: pairs that are the same event written apart
(recall) and pairs that look alike but are not (precision). Random pairs of a digest are
almost all unrelated, so the pairs are drawn in strata, each from its own pool:

- ``es-en`` (35): a Spanish and an English report of a venezuela digest that share a name, a
  number or a word through a small Spanish-English glossary (``GLOSSARY``) that is not one
  of the topic's everyday words (``COMMON_DF``);
- ``look-alike`` (70): reports of one language that share two or more of the topic's
  frequent words (its actors: "Trump", "Xi", "Maduro", "Pakistan", "tariff") and at least
  three words in all, none of them rare, yet differ: their content overlaps by less than
  half, or by more with different numbers ("fifth" / "sixth tanker", "March 3" / "March 4").
  Same actors, perhaps a different event: the negatives that matter, and some paraphrases;
- ``cross-side`` (60): reports of one language from the two perspectives (us-china and
  india-pakistan: venezuela's sides differ in language) sharing three or more content words
  or one or two rare ones;
- ``shared-words`` (70): reports of one perspective sharing three or more content words;
- ``shared-names`` (65): reports of one perspective sharing one or two content words, at
  least one of them rare in the topic (a name, a place, an unusual noun).

"Content words" are this script's own (so that a change to the product's rules does not
change the sample): words folded to lower case without accents, "U.S." = "us", without the
English and Spanish function words, verbs of saying and labels of ``STOPWORDS``, numbers
apart, cut to their first five letters. A word's document frequency is the number of the
topic's distinct headlines holding it; "rare" is at most ``RARE_DF``, "frequent" at least
``COMMON_DF``. Headlines identical once folded (syndicated copies) are never paired: they
are trivially one story and ``tests/data/story_pairs.tsv`` covers near-copies.

The strata are drawn in the order above, a pair drawn once is never drawn again, each stratum
takes at most one pair of a digest and its size split evenly over its topics. Inside a pool
a pair's chance grows with the rarity of what the two headlines share (for look-alikes: with
how many words they share), by weighted sampling without replacement (Efraimidis-Spirakis
keys from ``random.Random(f"{SEED}:{stratum}")``), so that the pools' few same-event pairs are
not drowned by unrelated ones. Same corpus, same output.

The output lists the candidates as JSON lines with ``same_event`` null and an empty ``note``;
the labelled file is that output judged by hand. ``--check FILE`` says whether FILE holds
exactly the pairs this script draws, in its order (exit status 1 when not).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "layers" / "core"))
sys.path.insert(0, str(REPO))

# Needs the checkout on sys.path (above) first.
from tests.conformance import CORPUS, Case, corpus_config, corpus_paths, read_case  # noqa: E402

SEED = 20  # the number
RARE_DF = 12  # at most this many of a topic's ~3,500 distinct headlines: a rare word
COMMON_DF = 60  # at least this many: one of the topic's everyday words
STEM = 5
STRATA: tuple[tuple[str, int], ...] = (
    ("es-en", 35), ("look-alike", 70), ("cross-side", 60), ("shared-words", 70),
    ("shared-names", 65),
)

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words("""
a an and are as at be been but by for from has had have he her his how i in into is it its
of on or our out over s she so than that the their them then there these they this those to
up was we were what when where which who whom why will with would you your after amid about
against before between during under via new more most just also can could may might should
not no its it's all any some one ones per vs
al como con de del el en es esta este estos estas la las lo los mas para pero por que se
sin sobre su sus tras un una uno unos unas y ya ante entre hasta hacia segun le les nos
ha han fue ser son era muy tambien desde donde cuando otro otra otros otras mi
says said say saying tells told confirms confirmed claims claimed according reports reported
dice dijo afirma afirmo asegura aseguro confirma confirmo declara declaro senala senalo
informa informo sostiene revela revelo explica
live updates update video watch breaking urgent flash exclusive analysis opinion oped
editorial explainer vivo directo ultimas noticias news today hoy
""")

# Spanish words of the venezuela digests and the English words they translate to (as their
# first five letters), for drawing Spanish-English candidates. Names need none: they are
# spelled alike ("Machado", "Chevron", "Guyana") once accents are folded.
GLOSSARY: dict[str, str] = {
    "eeuu": "us", "estadounidense": "us", "estadounidenses": "us", "washington": "washi",
    "petrolero": "tanke", "petroleros": "tanke", "tanquero": "tanke", "tanqueros": "tanke",
    "buque": "ship", "buques": "ship", "barco": "boat", "barcos": "boat",
    "lancha": "boat", "lanchas": "boat", "petroleo": "oil", "crudo": "crude",
    "sanciones": "sanct", "sancion": "sanct", "licencia": "licen", "elecciones": "elect",
    "ataque": "attac", "ataques": "strik", "bombardeo": "strik", "presos": "priso",
    "prisioneros": "priso", "liberacion": "relea", "liberados": "relea", "excarcelados": "relea",
    "amnistia": "amnes", "embajada": "embas", "embajador": "ambas", "canciller": "forei",
    "fiscal": "prose", "juicio": "trial", "tribunal": "court", "corte": "court",
    "acusacion": "charg", "cargos": "charg", "narcotrafico": "drug", "droga": "drug",
    "drogas": "drug", "migrantes": "migra", "deportados": "depor", "deportacion": "depor",
    "vuelos": "fligh", "vuelo": "fligh", "aerolineas": "airli", "oposicion": "oppos",
    "premio": "prize", "nobel": "nobel", "militar": "milit", "militares": "milit",
    "despliegue": "deplo", "portaaviones": "carri", "caribe": "carib", "captura": "captu",
    "capturado": "captu", "detenido": "arres", "arresto": "arres", "presidenta": "presi",
    "presidente": "presi", "encargada": "actin", "interina": "inter", "reunion": "meeti",
    "acuerdo": "deal", "conversaciones": "talks", "negociaciones": "talks", "minerales": "miner",
    "oro": "gold", "gas": "gas", "electricidad": "power", "apagon": "black", "protesta": "prote",
    "protestas": "prote", "cuba": "cuba", "rusia": "russi", "china": "china", "iran": "iran",
    "colombia": "colom", "brasil": "brazi", "mexico": "mexic", "espana": "spain",
    "groenlandia": "green", "inversion": "inves", "inversiones": "inves", "deuda": "debt",
    "bonos": "bond", "exportaciones": "expor", "importaciones": "impor", "refineria": "refin",
    "senado": "senat", "congreso": "congr", "asamblea": "assem", "tropas": "troop",
    "guardacostas": "coast", "incautacion": "seize", "incauta": "seize", "incauto": "seize",
    "confiscado": "seize", "visita": "visit", "viaje": "trip", "secretario": "secre",
}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\bu\.\s?s\.(?:a\.)?", " us ", text)
    text = re.sub(r"\bee\.\s?uu\.?", " eeuu ", text)
    return re.sub(r"\bestados unidos\b", " eeuu ", text)


def words(title: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(title))


@dataclass(frozen=True)
class Report:
    number: int  # position in the digest's source list, from 1
    title: str
    outlet: str
    perspective: str
    language: str
    day: str
    key: tuple[str, ...]  # the folded words: equal for syndicated copies
    content: frozenset[str]  # content stems
    numbers: frozenset[str]
    signals: frozenset[str]  # for Spanish-English: names, numbers, glossary translations

    @classmethod
    def of(cls, number: int, title: str, outlet: str, perspective: str, language: str,
           day: str) -> Report:
        found = words(title)
        content = frozenset(w[:STEM] for w in found if w not in STOPWORDS and not w.isdigit()
                            and len(w) > 1)
        numbers = frozenset(w for w in found if w.isdigit())
        signals = set(content) | numbers
        if language == "es":
            signals |= {GLOSSARY[w] for w in found if w in GLOSSARY}
        return cls(number, title, outlet, perspective, language, day, tuple(found), content,
                   numbers, frozenset(signals))


@dataclass(frozen=True)
class Candidate:
    digest: str
    topic: str
    a: Report
    b: Report
    weight: float


def reports(case: Case) -> list[Report]:
    return [Report.of(n, listing.title, listing.outlet, listing.perspective, listing.language,
                      listing.day.isoformat())
            for n, listing in enumerate(case.listings, start=1)]


def frequencies(cases: list[Case]) -> dict[str, Counter[str]]:
    """Per topic, in how many distinct headlines each content stem (or signal) occurs."""
    seen: dict[str, set[tuple[str, ...]]] = {}
    counts: dict[str, Counter[str]] = {}
    for case in cases:
        for report in reports(case):
            if report.key in seen.setdefault(case.topic, set()):
                continue
            seen[case.topic].add(report.key)
            counts.setdefault(case.topic, Counter()).update(report.signals)
    return counts


def idf(df: Counter[str], word: str) -> float:
    return math.log(4000 / (1 + df[word]))


def pools(cases: list[Case], df: dict[str, Counter[str]]) -> dict[str, list[Candidate]]:
    """Every stratum's candidates: one pair can be in several pools."""
    found: dict[str, list[Candidate]] = {name: [] for name, _ in STRATA}
    for case in cases:
        counts = df[case.topic]
        for a, b in combinations(reports(case), 2):
            if a.key == b.key:
                continue
            for name in classify(a, b, counts):
                found[name].append(Candidate(case.name, case.topic, a, b,
                                             weight(name, a, b, counts)))
    return found


def classify(a: Report, b: Report, df: Counter[str]) -> Iterator[str]:
    if a.language != b.language:
        signals = {w for w in a.signals & b.signals if df[w] < COMMON_DF}
        if {a.language, b.language} == {"es", "en"} and signals:
            yield "es-en"
        return
    shared = a.content & b.content
    if not shared:
        return
    rare = {w for w in shared if df[w] <= RARE_DF}
    frequent = {w for w in shared if df[w] >= COMMON_DF}
    jaccard = len(shared) / len(a.content | b.content)
    numbers_differ = bool(a.numbers) and bool(b.numbers) and a.numbers != b.numbers
    if (len(frequent) >= 2 and len(shared) >= 3 and not rare
            and (jaccard < 0.5 or numbers_differ)):
        yield "look-alike"
    kind = "shared-words" if len(shared) >= 3 else "shared-names" if rare else None
    if kind is None:
        return
    yield "cross-side" if a.perspective != b.perspective else kind


def weight(stratum: str, a: Report, b: Report, df: Counter[str]) -> float:
    """How likely the pair is to be drawn from its pool: the rarity of what is shared, or
    for look-alikes how much is shared (the more, the more alike they look)."""
    shared = a.signals & b.signals if stratum == "es-en" else a.content & b.content
    if stratum == "look-alike":
        return float(len(shared))
    return sum(idf(df, w) for w in shared if df[w] < COMMON_DF) + 1.0


def draw(found: dict[str, list[Candidate]], seed: int = SEED) -> list[tuple[str, Candidate]]:
    taken: set[tuple[str, int, int]] = set()
    drawn: list[tuple[str, Candidate]] = []
    for name, size in STRATA:
        rng = random.Random(f"{seed}:{name}")  # reproducible sampling  # nosec B311
        pool = found[name]
        # Efraimidis-Spirakis: the largest u ** (1 / weight) are a weighted sample.
        keyed = sorted(pool, key=lambda c: rng.random() ** (1 / c.weight), reverse=True)
        topics = sorted({c.topic for c in pool})
        quotas = {t: size // len(topics) + (i < size % len(topics)) for i, t in enumerate(topics)}
        digests: set[str] = set()
        for candidate in keyed:
            ident = (candidate.digest, candidate.a.number, candidate.b.number)
            if ident in taken or candidate.digest in digests or not quotas[candidate.topic]:
                continue
            taken.add(ident)
            digests.add(candidate.digest)
            quotas[candidate.topic] -= 1
            drawn.append((name, candidate))
        missing = {t: q for t, q in quotas.items() if q}
        if missing:
            raise SystemExit(f"stratum {name}: pool too small, short of {missing}")
    return drawn


def side(report: Report) -> dict[str, object]:
    return {"title": report.title, "outlet": report.outlet, "perspective": report.perspective,
            "language": report.language, "day": report.day, "n": report.number}


def record(stratum: str, candidate: Candidate) -> dict[str, object]:
    return {"digest": candidate.digest, "a": side(candidate.a), "b": side(candidate.b),
            "same_event": None, "kind": stratum, "note": ""}


def identity(row: dict[str, Any]) -> tuple[object, ...]:
    a, b = row["a"], row["b"]
    return (row["digest"], row["kind"], a["n"], a["title"], b["n"], b["title"])


def sample(corpus: Path = CORPUS) -> list[dict[str, object]]:
    config = corpus_config(corpus)
    cases = [read_case(path, config.settings.max_articles) for path in corpus_paths(corpus)]
    found = pools(cases, frequencies(cases))
    return [record(name, candidate) for name, candidate in draw(found)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, help="write the candidates here (default stdout)")
    parser.add_argument("--check", type=Path,
                        help="compare a labelled file's pairs with the drawn ones")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"event_pairs_sample: {args.corpus}: no corpus here", file=sys.stderr)
        return 2
    rows = sample(args.corpus)
    if args.check is not None:
        lines = args.check.read_text(encoding="utf-8").splitlines()
        labelled = [json.loads(line) for line in lines if line.strip()]
        same = [identity(r) for r in labelled] == [identity(r) for r in rows]
        print(f"{args.check}: {len(labelled)} pairs, "
              f"{'the pairs drawn' if same else 'NOT the pairs drawn'} ({len(rows)})")
        return 0 if same else 1
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    write: Callable[[str], object] = (
        sys.stdout.write if args.out is None else args.out.write_text)
    write(text)
    counts = Counter(str(row["kind"]) for row in rows)
    print(f"{len(rows)} pairs: " + ", ".join(f"{k} {n}" for k, n in counts.items()),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
