"""Render benchmark (issue 7): rebuilding a big site, and what one daily render costs in S3.

1. ``render_all`` rebuilds a site of 873 digests (3 topics x 291 days, made from the earlier
   system's corpus where ../shared is present, else from the seed) on the local disk; the
   bound is 10 s.
2. One daily render against a moto S3 bucket, with 10 and then 800 digests already in the
   archive: the S3 requests of each, counted by operation through botocore's event hooks,
   must be the same.

Run: ``.venv/bin/python bench/render_bench.py`` (exit status 1 when a bound is missed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsprism.documents._digests import Digest  # noqa: E402
from newsprism.render._stage import render_all, render_digest  # noqa: E402
from newsprism.store import FileStore, S3Store, Store  # noqa: E402
from tests.seed_digest import seed_digest, with_coverage  # noqa: E402
from tests.site_helpers import shifted, store_digest  # noqa: E402

DIGESTS, TOPICS, BOUND_SECONDS = 873, 3, 10.0
CORPUS = REPO.parent / "shared" / "corpus" / "news-summarizer"


def digests(count: int, topics: int = TOPICS) -> Iterator[Digest]:
    """``count`` digests over ``topics`` topics, one a day per topic, newest first, the newest
    on the seed's day (2026-02-12); each with the coverage data classify adds."""
    sources = sorted(CORPUS.glob("*/*.md")) if CORPUS.is_dir() else []
    seed = seed_digest()
    newest = seed.classified.generated_at.date()
    for index in range(count):
        topic, day = index % topics, index // topics
        base = seed_digest(sources[index % len(sources)]) if sources else seed
        offset = (newest - timedelta(days=day) - base.classified.generated_at.date()).days
        yield with_coverage(shifted(base, offset, (f"bench-{topic}", f"Bench topic {topic}")))


def rebuild(tmp: Path) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of ``render_all`` over DIGESTS stored digests, and files."""
    data, site = FileStore(tmp / "data"), FileStore(tmp / "site")
    for digest in digests(DIGESTS):
        store_digest(data, digest)
    start, cpu = time.perf_counter(), time.process_time()
    files = render_all(data, site)
    return time.perf_counter() - start, time.process_time() - cpu, len(files)


@contextmanager
def s3_stores() -> Iterator[tuple[Any, Store, Store]]:
    """A moto S3 with the buckets "data" and "site": its client and the two stores."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        for bucket in ("data", "site"):
            client.create_bucket(Bucket=bucket)
        yield client, S3Store("data", _client=client), S3Store("site", _client=client)


@contextmanager
def counting(client: Any, requests: Counter[str]) -> Iterator[None]:
    """Count the client's S3 requests by bucket and operation while inside."""
    def count(model: Any, params: dict[str, Any], **_: Any) -> None:
        requests[f"{params.get('Bucket', '?')} {model.name}"] += 1

    # Emitted once per API call, with the caller's parameters (botocore event system).
    client.meta.events.register("before-parameter-build.s3", count)
    try:
        yield
    finally:
        client.meta.events.unregister("before-parameter-build.s3", count)


def daily_requests(archive: int) -> Counter[str]:
    """S3 requests, by bucket and operation, of publishing one new day over an archive."""
    with s3_stores() as (client, data, site):
        newest, *older = digests(archive + 1, topics=1)
        for digest in older:
            store_digest(data, digest)
        render_all(data, site)
        store_digest(data, newest)
        requests: Counter[str] = Counter()
        with counting(client, requests):
            render_digest(data, site, newest.classified.topic, newest.classified.date)
        return requests


def main() -> int:
    # moto must never meet real credentials or a real endpoint.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ[name] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    source = "the corpus" if CORPUS.is_dir() else "the seed (no ../shared corpus)"
    ok = True

    with tempfile.TemporaryDirectory() as tmp:
        seconds, cpu, files = rebuild(Path(tmp))
    verdict = "OK" if seconds < BOUND_SECONDS else "TOO SLOW"
    ok &= seconds < BOUND_SECONDS
    print(f"render --all: {DIGESTS} digests from {source} -> {files} files in {seconds:.2f} s "
          f"({seconds / BOUND_SECONDS:.2f} of the {BOUND_SECONDS:.0f} s bound; "
          f"{1000 * seconds / DIGESTS:.1f} ms a digest; CPU {cpu:.2f} s)  {verdict}")

    small, large = daily_requests(10), daily_requests(800)
    print("one daily render, S3 requests:")
    print(f"  {'bucket operation':<28}{'archive of 10':>15}{'archive of 800':>16}")
    for name in sorted(small.keys() | large.keys()):
        print(f"  {name:<28}{small[name]:>15}{large[name]:>16}")
    total_small, total_large = sum(small.values()), sum(large.values())
    same = small == large
    ok &= same
    print(f"  {'total':<28}{total_small:>15}{total_large:>16}  "
          f"{'same: OK' if same else 'DIFFERENT'} (ratio {total_large / total_small:.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
