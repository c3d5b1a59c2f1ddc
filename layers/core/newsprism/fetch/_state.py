"""Conditional GET state: each feed's validators, kept in the data store between runs.

A feed that sent ``ETag`` or ``Last-Modified`` with its last full answer is asked with
``If-None-Match`` / ``If-Modified-Since`` next time (RFC 9110 §13.1); a ``304 Not Modified``
costs the publisher and us no body. The state lives at
``state/feeds/{topic}/{sha256(url)[:16]}.json`` and is written only once the run holding that
answer's articles is stored, so a 304 never stands for articles that were lost. It is kept per
topic: a 304 says "nothing new since *this topic's* last full answer", and a feed that two
topics share must give each of them its articles once (issue 21).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from newsprism import documents
from newsprism.store import NotFound, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Validators:
    """What a feed's last full (200) answer said about its version."""

    url: str  # the configured feed URL
    etag: str = ""
    last_modified: str = ""

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "etag": self.etag, "last_modified": self.last_modified}


def from_response(url: str, headers: httpx.Headers) -> Validators:
    """The validators of a 200 response to the feed at ``url`` (empty when it sent none)."""
    return Validators(url=url, etag=headers.get("etag", "").strip(),
                      last_modified=headers.get("last-modified", "").strip())


def load(store: Store, topic: str, url: str) -> Validators | None:
    """The validators ``topic`` stored for ``url``, or None. A damaged or foreign state file
    is ignored (logged): the feed is then fetched in full, which is always safe."""
    key = documents.feed_state_key(topic, url)
    try:
        document = documents.loads(store.read(key), name=key)
        validators = Validators(url=str(document["url"]), etag=str(document.get("etag", "")),
                                last_modified=str(document.get("last_modified", "")))
    except NotFound:
        return None
    except (documents.SchemaError, KeyError, TypeError) as exc:
        log.warning("ignoring damaged feed state %s: %s", key, exc)
        return None
    except Exception as exc:  # the store is unreachable: ask in full, which is always safe
        log.warning("cannot read feed state %s: %s", key, exc)
        return None
    return validators if validators.url == url and validators else None


def save(store: Store, topic: str, validators: Validators) -> None:
    """Store the validators of a full answer to ``topic``'s run; an answer without any removes
    old ones (the server no longer supports conditional requests, so asking would be
    pointless).

    A failure is logged, not raised: the run is stored already, and an old or missing state
    only means a full download next time (an old ETag no longer matches a changed feed).
    """
    key = documents.feed_state_key(topic, validators.url)
    try:
        if validators:
            store.write(key, documents.dumps(validators.to_dict()))
        elif store.exists(key):
            store.delete(key)
    except Exception as exc:
        log.warning("cannot store feed state %s: %s", key, exc)
