"""Render at scale (issue 21): what publishing one digest costs on a site of 5 or 500 topics
with 10 or 365 days each, in S3 requests and in CPU.

For each shape the site is set up as the render stage leaves it (every topic's manifest, the
directory documents, the site summary and the pages built from them, through the same code
as ``render --all``; the topics' own digest pages are not needed and not written), then
``SAMPLES`` topics each publish the next day:

- S3 requests: against a moto S3 bucket, counted by operation through botocore's event
  hooks (one hook call per API call), per digest;
- CPU: the CPU time (``time.thread_time``) of ``render_digest`` on the local disk (moto's
  own CPU would swamp the figure), the best of the ``--samples`` digests, each a different
  topic doing the same work: on a shared machine the median swings by a third from run to
  run, the best by a few per cent.

Prints both per shape and ratios measured in this run. Two pages grow with the site up to a
bound and no further: the home page shows up to 24 topics (``RECENT_TOPICS``), a topic's
archive page up to 31 days (``ARCHIVE_DAYS``). So from 5 topics of 10 days the CPU grows a
little until both are full, and past them it is flat: the bench's bound (1.25, for a noisy
machine) applies to the ratios beyond them, 50 -> 500 topics and 40 -> 365 days; the old
render read every topic's manifest (x100 in requests from 5 to 500 topics). The requests
must be the same for every shape.

Run: ``.venv/bin/python bench/render_scale.py [--samples 8]`` (exit status 1 when the
requests differ or a CPU ratio exceeds the bound).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.render_bench import counting, s3_stores  # noqa: E402
from newsprism.documents import format_time  # noqa: E402
from newsprism.render._manifest import (  # noqa: E402
    FEED_ENTRIES,
    PARSED,
    TopicManifest,
    entry_of,
)
from newsprism.render._pages import writer  # noqa: E402
from newsprism.render._stage import _write_site, render_digest  # noqa: E402
from newsprism.render._views import digest_view  # noqa: E402
from newsprism.store import FileStore, Store  # noqa: E402
from tests.seed_digest import seed_digest  # noqa: E402
from tests.site_helpers import shifted, store_digest  # noqa: E402

# (topics, days): the smallest site; then both sides of the home page's and the archive's
# bounds, up to 500 topics of a year.
SHAPES = [(5, 10), (50, 40), (500, 40), (50, 365), (500, 365)]
BASE = "https://news.example.org/"
CPU_BOUND = 1.25


def topic_ids(count: int) -> list[str]:
    # Spread over initials as real ids are ("us-china", "india-pakistan", ...).
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [f"{letters[i % 26]}{i:03d}-topic" for i in range(count)]


def build_site(data: Store, site: Store, topics: int, days: int) -> list[str]:
    """A site of ``topics`` topics x ``days`` days as renders leave it; the new day's and
    the day before's digests stored for the topics that will publish. The topic ids."""
    seed = seed_digest()
    view = digest_view(seed, published=[])
    template = entry_of(view)
    newest = seed.classified.generated_at
    ids = topic_ids(topics)
    manifests = {}
    for topic in ids:
        entries = []
        for back in range(days, 0, -1):
            moment = newest - timedelta(days=back)
            entry = dataclasses.replace(template, date=moment.date().isoformat(),
                                        generated_at=moment)
            entries.append(entry if back <= FEED_ENTRIES else
                           dataclasses.replace(entry, sections=()))
        manifest = TopicManifest(topic, f"Topic {topic}", tuple(
            p for p in seed.classified.perspectives), tuple(entries[-PARSED:]),
            tuple(entry.to_dict() for entry in entries[:-PARSED]))
        manifests[topic] = manifest
        site.write(manifest.key, manifest.to_bytes())
    _write_site(site, writer(site), manifests, BASE)
    for topic in ids:
        for back in (1, 0):
            store_digest(data, shifted(seed, -back, (topic, f"Topic {topic}")))
    return ids


def cpu_per_digest(topics: int, days: int, samples: int) -> float:
    """The best CPU time of one render, measured in a process of its own: what earlier
    shapes left in memory (moto's buckets, a large heap for the collector to walk) must not
    weigh on this one, as nothing else weighs on a render in Lambda."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return float(pool.apply(_cpu_per_digest, (topics, days, samples)))


def _cpu_per_digest(topics: int, days: int, samples: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        data, site = FileStore(Path(tmp, "data")), FileStore(Path(tmp, "site"))
        ids = build_site(data, site, topics, days)
        date = seed_digest().classified.date
        times = []
        for topic in ids[:: max(1, len(ids) // samples)][:samples]:
            gc.collect()  # the setup's garbage is not this render's
            start = time.thread_time()
            render_digest(data, site, topic, date, base_url=BASE)
            times.append(time.thread_time() - start)
        return min(times)


def requests_per_digest(topics: int, days: int, samples: int) -> Counter[str]:
    with s3_stores() as (client, data, site):
        ids = build_site(data, site, topics, days)
        date = seed_digest().classified.date
        chosen = ids[:: max(1, len(ids) // samples)][:samples]
        requests: Counter[str] = Counter()
        with counting(client, requests):
            for topic in chosen:
                render_digest(data, site, topic, date, base_url=BASE)
        return Counter({name: n // len(chosen) for name, n in requests.items()
                        if n % len(chosen) == 0} |
                       {f"{name} (uneven)": n for name, n in requests.items()
                        if n % len(chosen)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=8)
    args = parser.parse_args()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ[name] = "testing"  # moto must never meet real credentials
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)

    cpu, requests = {}, {}
    for topics, days in SHAPES:
        cpu[topics, days] = cpu_per_digest(topics, days, args.samples)
        requests[topics, days] = requests_per_digest(topics, days, args.samples)
        total = sum(requests[topics, days].values())
        print(f"{topics:>4} topics x {days:>3} days: {total} S3 requests a digest "
              f"({', '.join(f'{k} {v}' for k, v in sorted(requests[topics, days].items()))}); "
              f"CPU {1000 * cpu[topics, days]:.1f} ms a digest", flush=True)
    smallest, largest = SHAPES[0], SHAPES[-1]
    same = all(requests[shape] == requests[smallest] for shape in SHAPES)
    bounded = {
        "topics (50 -> 500, 40 days)": cpu[500, 40] / cpu[50, 40],
        "days (40 -> 365, 500 topics)": cpu[500, 365] / cpu[500, 40],
        "both (50 x 40 -> 500 x 365)": cpu[500, 365] / cpu[50, 40],
    }
    print(f"RESULT requests: {'the same for every shape' if same else 'DIFFERENT'}")
    for name, ratio in bounded.items():
        print(f"RESULT CPU ratio, {name}: x{ratio:.2f}"
              f"{'' if ratio <= CPU_BOUND else f'  ABOVE {CPU_BOUND}'}")
    print(f"RESULT CPU ratio, from the smallest site (5 x 10 -> 500 x 365, the home page and "
          f"the archive filling up): x{cpu[largest] / cpu[smallest]:.2f}")
    print(f"(measured {format_time(seed_digest().classified.generated_at)[:10]} seed, "
          f"{args.samples} digests per shape)")
    return 0 if same and all(r <= CPU_BOUND for r in bounded.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
