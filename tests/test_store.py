"""Both store backends keep the same keys and write atomically."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from newsprism.store import FileStore, NotFound, S3Store, Store, open_store


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path, aws_credentials: None) -> Iterator[Store]:
    if request.param == "file":
        yield open_store(str(tmp_path / "data"))
        return
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="data")
        yield open_store("s3://data/prefix")


def test_keys_round_trip_and_list_sorted(store: Store) -> None:
    store.write("raw/us-china/2026-02-12/b.json", b"B")
    store.write("raw/us-china/2026-02-12/a.json", b"A")
    store.write("raw/us-china/2026-02-13/c.json", b"C")
    store.write("digests/us-china/2026-02-12.json", b"D")
    assert store.read("raw/us-china/2026-02-12/a.json") == b"A"
    assert store.list("raw/us-china/2026-02-12/") == [
        "raw/us-china/2026-02-12/a.json", "raw/us-china/2026-02-12/b.json"]
    assert store.list("raw/us-china/2026-02") == [
        "raw/us-china/2026-02-12/a.json", "raw/us-china/2026-02-12/b.json",
        "raw/us-china/2026-02-13/c.json"]
    assert store.list("nothing/") == []
    assert store.exists("digests/us-china/2026-02-12.json")
    assert not store.exists("digests/us-china/2026-02-11.json")
    store.write("raw/us-china/2026-02-12/a.json", b"A2")
    assert store.read("raw/us-china/2026-02-12/a.json") == b"A2"
    store.delete("raw/us-china/2026-02-12/a.json")
    with pytest.raises(NotFound):
        store.read("raw/us-china/2026-02-12/a.json")


@pytest.mark.parametrize("key", ["../escape.json", "/abs.json", "a/../../b", ""])
def test_keys_cannot_leave_the_store(store: Store, key: str) -> None:
    with pytest.raises(ValueError, match="invalid store key"):
        store.write(key, b"x")


def test_s3_objects_carry_content_type_and_cache_control(aws_credentials: None) -> None:
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="site")
        site = open_store("s3://site")
        assert isinstance(site, S3Store)
        site.write("us-china/2026-02-12/index.html", b"<html>", cache_control="max-age=60")
        site.write("us-china/2026-02-12.md", b"# md")
        head = client.head_object(Bucket="site", Key="us-china/2026-02-12/index.html")
        assert head["ContentType"] == "text/html; charset=utf-8"
        assert head["CacheControl"] == "max-age=60"
        md = client.head_object(Bucket="site", Key="us-china/2026-02-12.md")
        assert md["ContentType"] == "text/markdown; charset=utf-8"


def test_local_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileStore(tmp_path)
    store.write("a/b.json", b"old")

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.write("a/b.json", b"new")
    assert store.read("a/b.json") == b"old"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b.json"]


def test_listing_a_store_that_does_not_exist_yet_is_empty(tmp_path: Path) -> None:
    assert FileStore(tmp_path / "not-yet").list("") == []
    assert FileStore(tmp_path / "not-yet").list("raw/") == []


def test_compare_and_swap_writes_only_over_the_version_read(store: Store) -> None:
    from newsprism.store import current_tag, read_tagged, replace

    key = "manifest/us-china.json"
    assert read_tagged(store, key) is None
    assert replace(store, key, b"one", "a-version-that-never-was") is None  # nothing to match
    first = replace(store, key, b"one", None)  # None: only where there is no object yet
    assert first is not None and replace(store, key, b"again", None) is None
    found = read_tagged(store, key)
    assert found is not None and (found.body, found.tag) == (b"one", first)
    assert current_tag(store, key) == first
    second = replace(store, key, b"two", first)
    assert second is not None and second != first
    # A writer still holding the first version loses, and the second stays.
    assert replace(store, key, b"stale", first) is None
    assert store.read(key) == b"two" and current_tag(store, key) == second


def test_racing_compare_and_swap_loses_no_update(tmp_path: Path) -> None:
    """Eight threads appending to one file document through read, change, replace: all
    eight appends survive (a plain read-modify-write keeps about one)."""
    import threading

    from newsprism.render._versioned import update

    store = FileStore(tmp_path / "site")
    start = threading.Barrier(8)

    def append(n: int) -> None:
        start.wait()
        update(store, "counter.txt", lambda old: (old or b"") + b"%d," % n)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(store.read("counter.txt").decode().strip(",").split(",")) == [
        str(n) for n in range(8)]
    assert os.listdir(tmp_path / "site") == ["counter.txt"]  # no lock or temporary file left
