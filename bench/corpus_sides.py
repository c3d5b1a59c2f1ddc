"""Where the earlier system's listed articles go with the product defaults (issue 19).

    .venv/bin/python bench/corpus_sides.py [--corpus DIR]

Rebuilds the feeds behind every digest of the shared corpus (``tests/corpus_sides.py``),
classifies them with the bundled topics and registry, and prints the listed articles by group
(a side's verified outlets, its unverified ones, the other countries), the articles under a
side whose outlet the registry places elsewhere (must be 0), and per topic and side how many
digests list at least 3 and 8 verified articles. Exit status 1 when an article is
misattributed, 2 when there is no corpus.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Needs the checkout on sys.path (above) first.
from tests.conformance import CORPUS, corpus_paths
from tests.corpus_sides import rebuild


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help=f"the earlier system's digests (default {CORPUS})")
    args = parser.parse_args(argv)
    paths = corpus_paths(args.corpus)
    if not paths:
        print(f"corpus_sides: {args.corpus}: no digests here", file=sys.stderr)
        return 2
    started = time.perf_counter()
    tally = rebuild(paths)
    elapsed = time.perf_counter() - started

    total = sum(tally.listed.values())
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(tally.skipped.items())) or "none"
    print(f"{tally.digests} of {len(paths)} digests rebuilt (skipped: {skipped}); "
          f"{total} listed articles")
    for group in ("verified", "unverified", "other"):
        print(f"  {group:<11} {tally.listed[group]:>6}  {tally.listed[group] / total:6.1%}")
    print(f"under a side the registry says they are not from: {len(tally.misattributed)}")
    for line in tally.misattributed[:10]:
        print(f"  {line}")
    print("\ndigests listing at least 3 / 8 verified articles of the side:")
    for (topic, side), counts in sorted(tally.verified_per_side.items()):
        three = sum(1 for n in counts if n >= 3)
        eight = sum(1 for n in counts if n >= 8)
        print(f"  {topic:<15} {side:<11} {three:>4} / {eight:>4} of {len(counts)}")
    print(f"\n{elapsed:.1f} s")
    return 1 if tally.misattributed else 0


if __name__ == "__main__":
    sys.exit(main())
