"""How many of the earlier system's digests newsprism reproduces (issue #3).

    .venv/bin/python bench/conformance.py [--corpus DIR] [--show N]      (or: make conformance)

Rebuilds the Google News feeds behind every digest of the corpus, runs newsprism on them with
the earlier system's topics.json at the digest's clock, and prints
``N/525 identical outside the bullet lines``, the first differences, the named exceptions,
and the time taken against the one-minute bound the test suite allows. Exit status 1 when a
digest differs that is not a named exception, 2 when there is no corpus.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Needs the checkout on sys.path (above) first.
from tests.conformance import (
    CORPUS,
    KNOWN_EXCEPTIONS,
    check,
    corpus_config,
    corpus_paths,
)

BOUND_SECONDS = 60.0  # issue #3: the conformance test runs in under a minute


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help=f"the earlier system's digests and topics.json (default {CORPUS})")
    parser.add_argument("--show", type=int, default=5, help="differences to print (default 5)")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not (corpus / "topics.json").is_file():
        print(f"conformance: {corpus}: no corpus here (topics.json is missing)", file=sys.stderr)
        return 2

    paths = corpus_paths(corpus)
    started = time.perf_counter()
    outcomes = check(paths, corpus_config(corpus))
    elapsed = time.perf_counter() - started

    identical = sum(1 for outcome in outcomes if outcome.difference is None)
    print(f"{identical}/{len(outcomes)} identical outside the bullet lines")
    unexpected = [outcome for outcome in outcomes
                  if outcome.difference is not None and outcome.case not in KNOWN_EXCEPTIONS]
    for outcome in unexpected[: args.show]:
        print(f"\n{outcome.case}: {outcome.difference}")
    if len(unexpected) > args.show:
        print(f"\n... and {len(unexpected) - args.show} more")
    for name, reason in KNOWN_EXCEPTIONS.items():
        print(f"named exception {name}: {reason}")
    each = 1000 * elapsed / max(len(outcomes), 1)
    print(f"\n{elapsed:.1f} s for {len(outcomes)} digests ({each:.0f} ms each); "
          f"bound {BOUND_SECONDS:.0f} s: {elapsed / BOUND_SECONDS:.2f} of it")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
