"""How the extractive overall highlights read on the earlier system's corpus (issue 20).

    .venv/bin/python bench/highlight_quality.py [--corpus DIR] [--code DIR] [--examples N]

Rebuilds every digest of the shared corpus with the product defaults, as
``tests/corpus_sides.py`` does (the listed articles served as the Google News feeds behind
them, classified with the bundled topics and registry), summarizes it with the extractive
summarizer, and counts in the overall sections:

- bullets that repeat an event a bullet above already names: they cite an article of the
  same story, or their reports' headlines are one event by this bench's own judge (below);
- bullets made of an index or e-paper page, a live blog or a headline cut off mid-sentence;
- the Venezuela topic's bullets that are not in English (its page is English), with and
  without the "(in Spanish)" mark.

``--code DIR`` also measures another version of the package, ``DIR/layers/core`` (for the
code at HEAD: ``git -C /work/main archive HEAD layers/core | tar -x -C /tmp/h_baseline``),
in a child process, and prints it as "before" beside this checkout's "after" (given more than
once, each version is a column named after its directory). All are judged by this checkout's
rules, so the figures compare. ``--max-age 5d`` rebuilds with the earlier system's window:
under the product's 24 hours 78 of the 525 digests list days their window cannot hold.

The event judge is deliberately independent of classify's grouping (which is what is being
measured): two bullets are one event when their reports' headlines share most of their
distinctive words: stems of five letters, without function words, numbers, and the words in
at least 40 % of the digest's headlines (the topic's own: "Venezuela", "Estados Unidos").
It cannot match an event across languages; the examples it prints are there to be read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess  # runs this interpreter on this script only  # nosec B404
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
_BOTH = re.compile(r"^Reported by [^:]{1,120}: ")
_MARK = re.compile(r"^\(in ([A-Z][\w ]+)\) ")
_STOP_WORDS = """
a an and are as at be been but by for from has have he her his how in into is it its of on or
our s she than that the their them they this to was we were what when where which who why will
with would you your after over amid says said new not no up out about more
al como con de del el en es esta este la las lo los mas para pero por que se sin sobre su sus
tras un una uno y ya ante entre hasta hacia segun dice ha han fue le muy
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+")


def _setup(code: Path | None) -> None:
    """``code``'s package first on the path (or this checkout's), then the checkout's tests."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str((code or REPO) / "layers" / "core"))


# -- rebuilding and summarizing (runs on whichever package is first on the path) -------------

def dump(corpus: Path, max_age: str = "") -> list[dict[str, Any]]:
    """Every rebuilt digest's overall bullets and the reports they cite, as plain data."""
    import httpx

    from newsprism.classify._stage import NothingToList, classify_topic
    from newsprism.config import load_config
    from newsprism.fetch._stage import fetch_topics_async
    from newsprism.summarize import summarize
    from tests.conformance import MemoryStore, Unreproducible, corpus_paths, feeds_for, read_case
    from tests.corpus_sides import EMPTY_CHANNEL

    config = load_config()
    if max_age:
        amount, unit = int(max_age[:-1]), {"d": "days", "h": "hours"}[max_age[-1]]
        config = replace(config, settings=replace(config.settings,
                                                  max_age=timedelta(**{unit: amount})))
    digests: list[dict[str, Any]] = []
    with asyncio.Runner() as runner:
        for path in corpus_paths(corpus):
            try:
                case = read_case(path, config.settings.max_articles)
                topic = config.topic(case.topic)
                documents = feeds_for(case, topic, config.settings)

                def answer(request: httpx.Request, documents: dict[str, bytes] = documents
                           ) -> httpx.Response:
                    body = documents.get(request.url.params.get("q", "")) or EMPTY_CHANNEL
                    return httpx.Response(200, content=body, headers={
                        "Content-Type": "application/rss+xml; charset=UTF-8"})

                data = MemoryStore()
                runner.run(fetch_topics_async(config, [topic], data, case.now,
                                              transport=httpx.MockTransport(answer)))
                classified = classify_topic(config, topic, data, case.now)
            except (Unreproducible, NothingToList):
                continue
            digest = summarize(config, classified)
            digests.append({
                "name": f"{path.parent.name}/{path.stem}", "topic": classified.topic,
                "overall": [{"text": b.text, "sources": list(b.sources)}
                            for b in digest.highlights.overall],
                "articles": {a.article.id: {"story": a.story, "titles": [
                    a.article.title, *(r.title for r in a.related)]}
                    for a in classified.articles},
            })
    return digests


# -- judging (always this checkout's rules) ---------------------------------------------------

@dataclass
class Figures:
    digests: int = 0
    bullets: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, example: str, limit: int) -> None:
        self.counts[kind] += 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < limit:
            shown.append(example)


def _stems(title: str) -> frozenset[str]:
    from newsprism.text import clean_headline, fold_accents

    words = _WORD.findall(fold_accents(clean_headline(title)).casefold())
    return frozenset(w[:5] for w in words if w not in _STOP and len(w) > 1)


def _one_event(a: frozenset[str], b: frozenset[str]) -> bool:
    shared = len(a & b)
    if shared < 2:
        return False
    return shared / len(a | b) >= 0.5 or (shared >= 3 and shared / min(len(a), len(b)) >= 0.6)


def judge(digests: list[dict[str, Any]], examples: int) -> Figures:
    from newsprism.summarize._language import guess_language
    from newsprism.summarize._unfit import unfit

    figures = Figures(digests=len(digests))
    for digest in digests:
        articles = digest["articles"]
        every = [_stems(t) for a in articles.values() for t in a["titles"]]
        common = {s for s, n in Counter(s for stems in every for s in stems).items()
                  if n >= 0.4 * len(every)}
        seen: list[tuple[set[str], list[frozenset[str]], str]] = []
        for bullet in digest["overall"]:
            figures.bullets += 1
            text = _BOTH.sub("", bullet["text"])
            marked = _MARK.match(text)
            text = _MARK.sub("", text)
            where = f"{digest['name']}: {bullet['text']}"
            headline = text[:-1] if re.search(r"[^\W\d_]\.$", text) else text  # as_sentence's
            reason = unfit(headline)
            if reason:
                figures.note(reason, where, examples)
            stories = {articles[s]["story"] for s in bullet["sources"]}
            heads = [_stems(t) - common for s in bullet["sources"] for t in articles[s]["titles"]]
            for earlier_stories, earlier_heads, earlier in seen:
                if stories & earlier_stories:
                    figures.note("repeat: same story", f"{where}  <-  {earlier}", examples)
                    break
                if any(_one_event(a, b) for a in heads for b in earlier_heads):
                    figures.note("repeat: same event", f"{where}  <-  {earlier}", examples)
                    break
            seen.append((stories, heads, bullet["text"]))
            if _BOTH.match(bullet["text"]):
                figures.counts["reported by both"] += 1
            if digest["topic"] == "venezuela":
                figures.counts["venezuela"] += 1
                language, _ = guess_language(text)
                kind = ("marked" if marked else "english" if language == "en"
                        else "unknown" if not language else "not english")
                figures.note(f"venezuela: {kind}", where, examples)
    return figures


def _percent(part: int, whole: int) -> str:
    return f"{part:>5} {part / whole:6.1%}" if whole else f"{part:>5}       "


def report(columns: dict[str, Figures], examples: int) -> None:
    names = list(columns)
    print(f"{'':44}" + "".join(f"{name:>18}" for name in names))

    def row(label: str, value: Any) -> None:
        print(f"{label:44}" + "".join(f"{value(columns[n]):>18}" for n in names))

    row("digests rebuilt", lambda f: f.digests)
    row("overall bullets", lambda f: f.bullets)
    row("  repeating an event bulleted above", lambda f: _percent(
        f.counts["repeat: same story"] + f.counts["repeat: same event"], f.bullets))
    row("    same story (cite one story)", lambda f: f.counts["repeat: same story"])
    row("    same event (the headline judge)", lambda f: f.counts["repeat: same event"])
    for kind, label in (("index page", "an index page"), ("live blog", "a live blog"),
                        ("cut off", "a headline cut off")):
        row(f"  from {label}", lambda f, kind=kind: _percent(f.counts[kind], f.bullets))
    row('  "Reported by both ..."', lambda f: _percent(f.counts["reported by both"], f.bullets))
    row("venezuela overall bullets", lambda f: f.counts["venezuela"])
    for kind, label in (("not english", "not in English, unmarked"),
                        ("marked", 'marked "(in Spanish)"'), ("english", "English"),
                        ("unknown", "language unknown")):
        row(f"  {label}", lambda f, kind=kind: _percent(f.counts[f"venezuela: {kind}"],
                                                       f.counts["venezuela"]))
    after = columns[names[-1]]
    for kind in ("repeat: same story", "repeat: same event", "index page", "live blog",
                 "cut off", "venezuela: not english", "venezuela: marked"):
        if after.examples.get(kind) and examples:
            print(f"\n{names[-1]}, {kind}:")
            for line in after.examples[kind]:
                print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus"
                        / "news-summarizer", help="the earlier system's digests")
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="another copy of the package to compare (DIR/layers/core), shown "
                        "as 'before' (repeat the option for more: each column is named after "
                        "its DIR)")
    parser.add_argument("--examples", type=int, default=5, help="examples printed per finding")
    parser.add_argument("--max-age", default="", metavar="5d",
                        help="another digest window than the product's 24h (\"5d\", the "
                        "earlier system's, rebuilds the whole corpus)")
    parser.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)  # the child
    args = parser.parse_args(argv)
    if args.max_age and not re.fullmatch(r"[1-9]\d*[dh]", args.max_age):
        parser.error(f"--max-age: expected e.g. 5d or 36h, got {args.max_age!r}")
    _setup(args.code[0] if args.dump else None)
    if args.dump:
        json.dump(dump(args.corpus, args.max_age), sys.stdout)
        return 0
    if not any(args.corpus.glob("*/*.md")):
        print(f"highlight_quality: {args.corpus}: no digests here", file=sys.stderr)
        return 2
    started = time.perf_counter()
    columns: dict[str, Figures] = {}
    for code in args.code:
        # The same script, by the same interpreter, on a directory the user named: no shell.
        argv = [sys.executable, __file__, "--dump", "--code", str(code.resolve()),
                "--corpus", str(args.corpus), "--max-age", args.max_age]
        child = subprocess.run(argv, capture_output=True, text=True, check=False)  # nosec B603
        if child.returncode:
            print(child.stderr, file=sys.stderr)
            return 1
        name = "before" if len(args.code) == 1 else code.name
        columns[name] = judge(json.loads(child.stdout), args.examples)
    after = dump(args.corpus, args.max_age)
    columns["after" if args.code else "this checkout"] = judge(after, args.examples)
    report(columns, args.examples)
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
