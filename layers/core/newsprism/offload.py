"""The fetch stage's CPU work (parsing feeds, serializing runs), kept off the event loop.

That work is pure Python: in a thread it still holds the GIL, and the event loop driving
the downloads waits for it. So where the machine has more than one CPU and supports worker
processes, it goes to a small process pool; otherwise (one CPU; AWS Lambda, which lacks the
POSIX semaphores multiprocessing needs; a run too small to be worth starting workers) to a
thread. bench/fetch_bench.py measures both against the network.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Below this many jobs (feeds), starting workers costs more than it saves.
MIN_JOBS = 32
MAX_WORKERS = 4
# Imported once by the fork server, so that each worker starts ready to parse.
_PRELOAD = ["newsprism.feeds", "newsprism.models"]


def usable_cpus() -> int:
    """CPUs this process may run on (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Offload:
    """Runs functions away from the event loop; ``close`` when done."""

    def __init__(self, jobs: int) -> None:
        self.workers = 0  # worker processes (0: a thread does the work)
        self._pool: ProcessPoolExecutor | None = None
        if jobs >= MIN_JOBS:
            self.workers = min(MAX_WORKERS, usable_cpus() - 1)
            self._pool = _process_pool(self.workers)
            if self._pool is None:
                self.workers = 0

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` in a worker process or a thread. The function and
        its arguments must be picklable (module-level functions, dataclasses, bytes)."""
        pool = self._pool
        if pool is not None:
            loop = asyncio.get_running_loop()
            call = functools.partial(function, *args, **kwargs)
            try:
                return await loop.run_in_executor(pool, call)
            except BrokenProcessPool:
                # A worker died (killed for memory, or a crash on hostile input): this job
                # and the rest of the run go to a thread instead.
                if self._pool is pool:
                    log.warning("worker processes stopped; continuing in a thread")
                    self._pool, self.workers = None, 0
                    pool.shutdown(wait=False, cancel_futures=True)
        return await asyncio.to_thread(function, *args, **kwargs)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self.workers = None, 0


def _process_pool(workers: int) -> ProcessPoolExecutor | None:
    if workers < 1:
        return None  # one CPU: the event loop needs it
    try:
        # Not "fork": the process may have threads, and forking those is unsafe.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        pool.submit(int)  # starts a worker now, while the first requests are in flight
    except (OSError, ImportError, NotImplementedError, ValueError) as exc:
        log.info("no worker processes (%s); parsing in a thread", exc)
        return None
    return pool
