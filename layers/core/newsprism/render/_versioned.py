"""Documents several renders update, and the pages built from them, kept right when renders
run at once (eight dates of one topic rendered together keep eight days).

A shared document (a topic's manifest, the site summary, a directory group) is changed by
compare-and-swap (``store.replace``): read it with its version, apply the change, write it
back only if nobody wrote in between, else read again and retry. The pages built from it
are written after, and then the document's version is looked at again: if another render
changed it meanwhile, this render may just have overwritten that render's newer pages with
older ones, so it builds them again from the newer version, until the version it built from
is still the current one. The last pages written therefore always come from the last
version of the document.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from newsprism.store import Store, current_tag, read_tagged, replace

ATTEMPTS = 50  # renders of one site at once are a handful; 50 lost races means a fault


class Contended(RuntimeError):
    """A shared document kept changing under this render."""


def update(site: Store, key: str, change: Callable[[bytes | None], bytes], *,
           cache_control: str | None = None) -> tuple[bytes, str | None]:
    """Apply ``change`` (old bytes, None for none -> new bytes) to ``key`` atomically; the
    bytes stored and their version. ``change`` may run more than once: it must be a pure
    function of the bytes it is given."""
    for attempt in range(ATTEMPTS):
        found = read_tagged(site, key)
        old, tag = (found.body, found.tag) if found else (None, None)
        new = change(old)
        if new == old:  # nothing to write: a rerun of the same day
            return new, tag
        written = replace(site, key, new, tag, cache_control=cache_control)
        if written is not None:
            return new, written
        _pause(attempt)
    raise Contended(f"{key}: changed by other renders {ATTEMPTS} times in a row")


def settle(site: Store, key: str, version: tuple[bytes, str | None],
           publish: Callable[[bytes], list[str]]) -> list[str]:
    """``publish`` the pages of ``key``'s document at ``version``; again from the newer
    document for as long as another render changed it in the meantime. The keys written."""
    body, tag = version
    written: set[str] = set()
    for attempt in range(ATTEMPTS):
        written.update(publish(body))
        now = current_tag(site, key)
        if now == tag:
            return sorted(written)
        found = read_tagged(site, key)
        if found is None:  # removed by a rebuild of the site: nothing newer to show
            return sorted(written)
        body, tag = found.body, found.tag
        _pause(attempt)
    raise Contended(f"{key}: changed by other renders {ATTEMPTS} times in a row")


def _pause(attempt: int) -> None:
    # Jitter keeps racing renders from colliding again in lockstep.
    time.sleep(random.uniform(0, 0.005 * min(attempt + 1, 10)))  # nosec B311
