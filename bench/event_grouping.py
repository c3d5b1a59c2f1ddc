"""How story grouping's time grows with the window, on real and adversarial headlines (issue 20).

    .venv/bin/python bench/event_grouping.py [--sizes 200 2000 20000] [--repeat 3] [--no-classify]

Times ``group_stories`` (the candidates, the copy rule and the event rule) and
``classify_topic`` end to end (the bundled us-china topic's product defaults, as in
``bench/classify_bench.py``) at each size, for:

- real: the earlier system's 10,498 listed headlines (``../shared/corpus``; synthetic ones
  without it) and copies of them as wires and aggregators make them ("UPDATE 1-", outlet
  tails, other outlets), as ``classify_bench.make_articles`` builds 20,000 of them, shuffled
  once: each size takes the first ones, so that every size has the same mix of topics and
  copies (in corpus order the first 2,000 would all be India-Pakistan headlines);
- adversarial: titles sharing most of their words, "China US trade talks update {n}" and
  three variants, each with its own number (so no two are one story), as one runaway feed
  would send them;
- adversarial-words: the same frames ending in a made-up word instead of a number ("... update
  qzkvxb"), which no veto separates. The copy rule makes two stories of them (five of seven
  content words shared: "US China trade talks latest {word}"), five thousand reports each at
  20,000 articles, which classify then lists with all their related reports.

Prints the best of ``--repeat`` times (more runs below 2,000 articles, whose times are
small enough for a busy machine's noise to show) in CPU seconds, not wall (a shared
machine's load does not count), each run after a garbage collection, and for each tenfold
size the ratio of the times measured in this run: the work is near-linear when it stays
below 15 (all pairs would be 100) from 2,000 articles up (``BOUND_FROM``). The RESULT lines
give the worst ratio of each: ``group_stories`` (the bound of issue 20) and
``classify_topic`` (which also reads the runs, attributes, matches keywords, selects and
writes the result).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "layers" / "core"))
sys.path.insert(0, str(REPO))

from bench.classify_bench import NOW, make_articles, store_runs  # noqa: E402
from newsprism.classify._stage import classify_topic  # noqa: E402
from newsprism.classify._stories import group_stories  # noqa: E402
from newsprism.config import load_config  # noqa: E402
from newsprism.documents import Article, ListedArticle, article_id  # noqa: E402
from newsprism.store import FileStore  # noqa: E402

FRAMES = ("China US trade talks update {x}", "US China trade talks latest {x}",
          "China and US trade talks: update {x}", "Trade talks between China and US, update {x}")
MAX_RATIO = 15  # tenfold the articles may cost at most this many times the time
REAL_POOL = 20_000
# The bound holds from this size: below it a window is too sparse for most reports to have
# MAX_CANDIDATES candidates, so the work per report still grows with the window (real
# headlines: 1.3 pairs judged per report at 200, 3.4 at 2,000, 3.3 at 20,000).
BOUND_FROM = 2000


def adversarial(count: int, words: bool) -> list[Article]:
    rng = random.Random(20)  # benchmark sampling  # nosec B311
    articles = []
    for n in range(count):
        mark = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(6)) if words else n
        title = FRAMES[n % len(FRAMES)].format(x=mark)
        url = f"https://runaway.example/{n}"
        articles.append(Article(id=article_id(url), title=title, url=url, source="Runaway",
                                source_url="", published=NOW - timedelta(minutes=n % 600),
                                language="en", region="US", feed="https://runaway.example/feed",
                                perspective="us" if n % 2 else "china"))
    return articles


def real(count: int) -> list[Article]:
    articles = make_articles(max(count, REAL_POOL))
    random.Random(20).shuffle(articles)  # benchmark sampling  # nosec B311
    return articles[:count]


CASES: dict[str, Callable[[int], list[Article]]] = {
    "real": real,
    "adversarial": lambda count: adversarial(count, words=False),
    "adversarial-words": lambda count: adversarial(count, words=True),
}


def best_cpu(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        # Building the articles leaves a full collection due: it would land in the timed
        # run, and scan the inputs rather than the grouping's work. The collector stays on.
        gc.collect()
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def runs(size: int, repeat: int) -> int:
    return repeat * max(1, min(10, 2000 // max(size, 1)))


def time_grouping(articles: list[Article], repeat: int) -> tuple[float, int]:
    listed = [ListedArticle(a, a.perspective, "feed", a.id) for a in articles]
    stories: list[object] = []

    def run() -> None:
        stories[:] = group_stories(listed, grouped=True)

    return best_cpu(run, runs(len(articles), repeat)), len(stories)


def time_classify(articles: list[Article], repeat: int) -> float:
    config = load_config(REPO / "layers" / "core" / "newsprism" / "data" / "topics.toml")
    topic = config.topic("us-china")
    with tempfile.TemporaryDirectory() as tmp:
        data = FileStore(Path(tmp))
        store_runs(data, articles)
        return best_cpu(lambda: classify_topic(config, topic, data, NOW),
                        runs(len(articles), repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-classify", action="store_true", help="time group_stories only")
    args = parser.parse_args()
    worst = {"group_stories": 0.0, "classify_topic": 0.0}
    for case, build in CASES.items():
        grouping: dict[int, float] = {}
        classify: dict[int, float] = {}
        for size in args.sizes:
            articles = build(size)
            grouping[size], stories = time_grouping(articles, args.repeat)
            line = (f"{case:<18} {size:>6} articles: group_stories {grouping[size]:7.3f} s CPU "
                    f"({stories} stories)")
            if not args.no_classify:
                classify[size] = time_classify(articles, args.repeat)
                line += f", classify_topic {classify[size]:7.3f} s CPU"
            print(line, flush=True)
        for what, times in (("group_stories", grouping), ("classify_topic", classify)):
            for small, large in zip(args.sizes, args.sizes[1:], strict=False):
                if large == 10 * small and times:
                    ratio = times[large] / max(times[small], 1e-6)
                    if small >= BOUND_FROM:
                        worst[what] = max(worst[what], ratio)
                    print(f"  {case} {what}: x{ratio:.1f} from {small} to {large} articles")
    for what, ratio in worst.items():
        if ratio:
            verdict = "near-linear" if ratio <= MAX_RATIO else "NOT near-linear"
            print(f"RESULT {what}: worst tenfold ratio from {BOUND_FROM} articles up "
                  f"x{ratio:.1f} (bound x{MAX_RATIO}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
