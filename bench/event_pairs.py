"""How well story grouping recognises "the same event" (issue 20).

    .venv/bin/python bench/event_pairs.py [--code DIR] [--show N] [--pairs FILE] [--corpus DIR]

Reads the hand-labelled pairs of ``tests/data/event_pairs.jsonl`` (drawn by
``bench/event_pairs_sample.py``: two reports listed in one digest of the earlier system, and
whether they report the same concrete event). For every digest a pair comes from it builds a
``ListedArticle`` for each report the digest lists (all of them, so that word statistics are
the window's), with the listing's perspective (``tests.conformance.read_case``), and groups
them with ``group_stories(articles, grouped=True)``. A pair is predicted "same" when both of
its reports land in one story.

Prints precision (of the pairs grouped together, how many are one event), recall (of the
pairs that are one event, how many are grouped), F1 and the counts, overall and by the pair's
stratum (``kind``), by cross-side (the two reports listed under different perspectives) and by
languages; then ``--show`` pairs it rightly grouped, every false merge and ``--show``
misses of each kind.

``--code DIR`` measures another version of the grouping: ``DIR/layers/core`` goes first on
``sys.path`` before ``newsprism`` is imported for grouping (the digests are read with this
checkout's ``tests.conformance`` first). The baseline, the grouping as committed:

    rm -rf /tmp/baseline && mkdir -p /tmp/baseline
    git -C /work/main archive HEAD layers/core | tar -x -C /tmp/baseline
    .venv/bin/python bench/event_pairs.py --code /tmp/baseline

Exit status 0, or 2 when the labelled set or the corpus is missing.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PAIRS = REPO / "tests" / "data" / "event_pairs.jsonl"
CORPUS = REPO.parent / "shared" / "corpus" / "news-summarizer"


@dataclass(frozen=True)
class Pair:
    digest: str  # "us-china/2026-01-10"
    a: dict[str, Any]  # title, outlet, perspective, language, day, n (position, from 1)
    b: dict[str, Any]
    same_event: bool
    kind: str
    note: str

    @property
    def cross_side(self) -> bool:
        return bool(self.a["perspective"] != self.b["perspective"])

    @property
    def languages(self) -> str:
        return "-".join(sorted({str(self.a["language"]), str(self.b["language"])}))


@dataclass(frozen=True)
class Report:
    """One listed report of a digest, as read from the corpus."""

    title: str
    url: str
    outlet: str
    language: str
    region: str
    day: tuple[int, int, int]
    perspective: str


def load_pairs(path: Path = PAIRS) -> list[Pair]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            pairs.append(Pair(row["digest"], row["a"], row["b"], bool(row["same_event"]),
                              row["kind"], row.get("note", "")))
    return pairs


def read_digests(names: Iterable[str], corpus: Path) -> dict[str, list[Report]]:
    """Every listed report of the named digests, in listed order, with its perspective."""
    sys.path.insert(0, str(REPO))
    from tests.conformance import corpus_config, read_case

    max_articles = corpus_config(corpus).settings.max_articles
    digests = {}
    for name in sorted(set(names)):
        case = read_case(corpus / f"{name}.md", max_articles)
        digests[name] = [
            Report(listing.title, listing.url, listing.outlet, listing.language,
                   listing.region, (listing.day.year, listing.day.month, listing.day.day),
                   listing.perspective)
            for listing in case.listings]
    return digests


def use_code(code: Path) -> Path:
    """Import ``newsprism`` afresh from ``code/layers/core``; the package's directory."""
    for name in [n for n in sys.modules if n == "newsprism" or n.startswith("newsprism.")]:
        del sys.modules[name]
    sys.path.insert(0, str(code.resolve() / "layers" / "core"))
    importlib.invalidate_caches()
    package = importlib.import_module("newsprism")
    return Path(str(package.__file__)).parent


def grouper() -> Callable[[list[Report]], list[int]]:
    """A function giving each report of a digest its story's number, with the ``newsprism``
    imported now."""
    from newsprism.classify._stories import group_stories
    from newsprism.documents import Article, ListedArticle, article_id

    def stories(reports: list[Report]) -> list[int]:
        articles = []
        for report in reports:
            year, month, day = report.day
            article = Article(
                id=article_id(report.url), title=report.title, url=report.url,
                source=report.outlet, source_url="",
                published=datetime(year, month, day, 12, tzinfo=UTC),
                language=report.language, region=report.region, feed="",
                perspective=report.perspective)
            articles.append(ListedArticle(article, report.perspective, "feed", article.id))
        story_of = {}
        for number, story in enumerate(group_stories(articles, grouped=True)):
            for listed in story.reports:
                story_of[id(listed)] = number
        return [story_of[id(listed)] for listed in articles]

    return stories


def predict(pairs: Sequence[Pair], digests: dict[str, list[Report]],
            stories: Callable[[list[Report]], list[int]]) -> list[bool]:
    """For each pair, whether its two reports are grouped into one story."""
    numbers = {name: stories(reports) for name, reports in digests.items()}
    predicted = []
    for pair in pairs:
        reports = digests[pair.digest]
        for side in (pair.a, pair.b):
            listed = reports[int(side["n"]) - 1]
            if (listed.title, listed.outlet) != (side["title"], side["outlet"]):
                raise SystemExit(f"{pair.digest} #{side['n']}: the corpus lists "
                                 f"{listed.title!r}, the pair says {side['title']!r}")
        story = numbers[pair.digest]
        predicted.append(story[int(pair.a["n"]) - 1] == story[int(pair.b["n"]) - 1])
    return predicted


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, labels: Iterable[tuple[bool, bool]]) -> Score:
        counts = {(True, True): 0, (False, True): 0, (True, False): 0, (False, False): 0}
        for truth, predicted in labels:
            counts[truth, predicted] += 1
        return cls(counts[True, True], counts[False, True], counts[True, False],
                   counts[False, False])

    @property
    def precision(self) -> float:
        """Of the pairs grouped together, the share that are one event (1.0 when none is)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def line(self, label: str) -> str:
        return (f"  {label:<22} {self.tp + self.fp + self.fn + self.tn:>4} "
                f"{self.tp + self.fn:>5} {self.fp + self.tn:>5} {self.tp:>4} {self.fp:>4} "
                f"{self.fn:>4} {self.precision:>7.1%} {self.recall:>7.1%} {self.f1:>6.3f}")


HEADER = (f"  {'':<22} {'pairs':>4} {'same':>5} {'diff':>5} {'TP':>4} {'FP':>4} {'FN':>4} "
          f"{'prec':>7} {'recall':>7} {'F1':>6}")


def describe(pair: Pair) -> str:
    def side(report: dict[str, Any]) -> str:
        return (f"      [{report['perspective']}, {report['language']}] {report['title']}"
                f" -- {report['outlet']} {report['day']}")
    note = f" ({pair.note})" if pair.note else ""
    return f"    {pair.digest} [{pair.kind}]{note}\n{side(pair.a)}\n{side(pair.b)}"


def report(pairs: Sequence[Pair], predicted: Sequence[bool], show: int) -> None:
    labelled = list(zip((p.same_event for p in pairs), predicted, strict=True))
    print(HEADER)
    print(Score.of(labelled).line("all"))
    groups: list[tuple[str, Callable[[Pair], str]]] = [
        ("kind", lambda p: p.kind),
        ("sides", lambda p: "cross-side" if p.cross_side else "same side"),
        ("languages", lambda p: p.languages),
        ("topic", lambda p: p.digest.split("/")[0]),
    ]
    for title, key in groups:
        print(f" by {title}:")
        for value in sorted({key(p) for p in pairs}):
            print(Score.of(pair for p, pair in zip(pairs, labelled, strict=True)
                           if key(p) == value).line(value))
    hits = [p for p, (truth, guess) in zip(pairs, labelled, strict=True) if guess and truth]
    merges = [p for p, (truth, guess) in zip(pairs, labelled, strict=True) if guess and not truth]
    print(f"\ngrouped and one event: {len(hits)}; the first {min(show, len(hits))}")
    for pair in hits[:show]:
        print(describe(pair))
    misses = [p for p, (truth, guess) in zip(pairs, labelled, strict=True) if truth and not guess]
    print(f"\nfalse merges (grouped, but not one event): {len(merges)}")
    for pair in merges:
        print(describe(pair))
    print(f"\nmisses (one event, not grouped): {len(misses)}; the first {show} of each kind")
    for kind in sorted({p.kind for p in misses}):
        for pair in [p for p in misses if p.kind == kind][:show]:
            print(describe(pair))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--code", type=Path, default=REPO,
                        help="a checkout whose layers/core holds the grouping (default this one)")
    parser.add_argument("--show", type=int, default=3,
                        help="pairs rightly grouped to list, and misses of each kind (default 3)")
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    if not args.pairs.is_file() or not args.corpus.is_dir():
        missing = args.pairs if not args.pairs.is_file() else args.corpus
        print(f"event_pairs: {missing} is missing", file=sys.stderr)
        return 2
    if not (args.code / "layers" / "core" / "newsprism").is_dir():
        print(f"event_pairs: {args.code}/layers/core/newsprism is missing", file=sys.stderr)
        return 2
    pairs = load_pairs(args.pairs)
    digests = read_digests((p.digest for p in pairs), args.corpus)
    package = use_code(args.code)
    predicted = predict(pairs, digests, grouper())
    print(f"grouping: {package}")
    print(f"{len(pairs)} labelled pairs from {len(digests)} digests "
          f"({sum(len(r) for r in digests.values())} listed reports): "
          f"{sum(p.same_event for p in pairs)} one event, "
          f"{sum(not p.same_event for p in pairs)} not; "
          f"{sum(p.cross_side for p in pairs)} cross-side, "
          f"{sum(p.languages == 'en-es' for p in pairs)} Spanish-English\n")
    report(pairs, predicted, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
