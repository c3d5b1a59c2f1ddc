"""Parsing cost in machine instructions per article, counted by valgrind (issue #4).

Wall-clock figures of the parser drift by up to 2x from one minute to the next on a shared
VM (bench/fetch_bench.py pairs its rounds for that reason). An instruction count does not
drift: the same code on the same feeds counts the same to within a fraction of a per cent,
so a change to the parser can be judged on one run. valgrind's callgrind counts every
instruction of a Python process; the parsing's share is the count of a process that parses
``--feeds`` feeds minus that of one that only gets ready to.

    .venv/bin/python bench/parse_cost.py [--feeds 5] [--items 100]

Needs ``valgrind`` on PATH (``apt-get install -y valgrind``); takes about a minute.
Not run by ``make test``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess  # nosec B404
import sys
from collections.abc import Sequence
from pathlib import Path

from newsprism.config import Feed
from newsprism.fetch.parse import _feeds as feeds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Needs the checkout on sys.path (above) first.
from bench.fetch_bench import NOW, google_news_feed
from bench.fetch_invocation import clear_caches

# As a topics file configures them: a Google News search, and a publisher's own RSS URL.
FEEDS = {
    "google_news query feed": Feed(type="google_news", perspective="us",
                                   query="China US trade", language="en", region="US"),
    "rss url feed": Feed(type="rss", perspective="us", url="https://example.com/rss.xml",
                         language="en", region="US"),
}
CONTENT_TYPE = "application/rss+xml; charset=UTF-8"


def child(feed_count: int, items: int, feed_name: str, parse: bool) -> None:
    """The process valgrind counts: build the feeds (the same bytes every time), parse one
    (warming every cache and import), then parse them all if asked."""
    bodies = [google_news_feed(number, items) for number in range(5000, 5000 + feed_count)]
    feed = FEEDS[feed_name]
    feeds.parse_feed(bodies[0], feed, feed.fetch_url, NOW, content_type=CONTENT_TYPE)
    clear_caches()  # every link is new, as in a fetch (where the parser has caches at all)
    if parse:
        for body in bodies:
            feeds.parse_feed(body, feed, feed.fetch_url, NOW, content_type=CONTENT_TYPE)


def instructions(feed_count: int, items: int, feed_name: str, parse: bool) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, __file__, "--feeds", str(feed_count), "--items", str(items),
               "--child", feed_name, "parse" if parse else "ready"]
    # A fixed hash seed: set and dict layouts, and with them the count, repeat exactly.
    result = subprocess.run(command, capture_output=True, text=True, check=True,  # nosec B603
                            env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        sys.exit(f"parse_cost: no instruction count in valgrind's output:\n{result.stderr}")
    return int(found.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        feed_name, mode = args.child
        child(args.feeds, args.items, feed_name, mode == "parse")
        return 0
    if shutil.which("valgrind") is None:
        sys.exit("parse_cost: valgrind is not installed (apt-get install -y valgrind)")
    print(f"{args.feeds} Google-News-style feeds x {args.items} items, feeds.parse_feed")
    for name in FEEDS:
        cost = (instructions(args.feeds, args.items, name, parse=True)
                - instructions(args.feeds, args.items, name, parse=False))
        print(f"{name:<24} {cost / (args.feeds * args.items):9,.0f} instructions an article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
