"""Key/value storage for the data and the site: a local directory or ``s3://bucket/prefix``.

Keys are ``/``-separated relative paths and identical on both backends. Every write is atomic
per object: a local write goes to a temporary file in the same directory and is renamed over
the target (POSIX rename is atomic), and an S3 PUT is atomic by nature.

Documents that several writers update (the site's manifests) are read with their version
(``read_tagged``) and written back only if that version is still current (``replace``):
compare-and-swap, with S3's conditional writes (``If-Match`` with the ETag read,
``If-None-Match: *`` for a new object) or, on a directory, a lock held only around the
version check and the rename.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/atom+xml",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


class NotFound(KeyError):
    """The key does not exist in the store."""


@dataclass(frozen=True)
class Tagged:
    """An object's bytes and the version they were read at: what ``replace`` compares."""

    body: bytes
    tag: str


def content_type(key: str) -> str:
    if PurePosixPath(key).name == "sitemap.xml":  # the one .xml file that is not an Atom feed
        return "application/xml"
    return CONTENT_TYPES.get(PurePosixPath(key).suffix, "application/octet-stream")


def _check_key(key: str) -> str:
    parts = PurePosixPath(key).parts
    if not key or key.startswith("/") or ".." in parts or "\\" in key:
        raise ValueError(f"invalid store key: {key!r}")
    return key


class Store(Protocol):
    @property
    def uri(self) -> str: ...

    def read(self, key: str) -> bytes: ...

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None: ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> list[str]:
        """Every key under ``prefix``, sorted."""
        ...

    def delete(self, key: str) -> None: ...


@dataclass
class FileStore:
    root: Path

    @property
    def uri(self) -> str:
        return str(self.root)

    def path(self, key: str) -> Path:
        return self.root / _check_key(key)

    def read(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise NotFound(key) from exc

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None:
        target = self.path(key)
        tmp = _temporary(target, data)
        try:
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def create(self, key: str, data: bytes) -> bool:
        """Write ``key`` only where no object has it; False (nothing written) where one does.

        The complete file is hard-linked into place: a link fails where the name exists, so
        of two writers racing for one key exactly one succeeds, and no reader ever sees a
        partial file.
        """
        target = self.path(key)
        tmp = _temporary(target, data)
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)
        return True

    def read_tagged(self, key: str) -> Tagged:
        try:
            with self.path(key).open("rb") as handle:
                # The version of the file opened, not of whatever the name points to by now.
                return Tagged(handle.read(), _file_tag(os.fstat(handle.fileno())))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise NotFound(key) from exc

    def tag(self, key: str) -> str | None:
        try:
            return _file_tag(os.stat(self.path(key)))
        except (FileNotFoundError, NotADirectoryError):
            return None

    def replace(self, key: str, data: bytes, tag: str | None, *,
                cache_control: str | None = None) -> str | None:
        """Write ``key`` if its version is still ``tag`` (None: if there is no such object);
        the new version, or None (nothing written) when another writer came first.

        Every file is renamed into place, so a version is the file's inode with its time
        and size: the temporary file's own, known before the rename makes it visible.
        """
        target = self.path(key)
        tmp = _temporary(target, data)
        try:
            with _locked(target.parent):
                if self.tag(key) != tag:
                    return None
                written = _file_tag(os.stat(tmp))
                os.replace(tmp, target)
                return written
        finally:
            tmp.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def list(self, prefix: str) -> list[str]:
        base = self.root / prefix if prefix else self.root
        # The prefix may end in a partial name ("raw/us-china/2026-02"), so walk its directory
        # (never above the root: a missing root holds no keys).
        directory = base if base.is_dir() or base == self.root else base.parent
        if not directory.is_dir():
            return []
        keys = []
        for path in directory.rglob("*"):
            if path.is_file() and not path.name.endswith(".tmp"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def _file_tag(stat: os.stat_result) -> str:
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on ``directory`` among the writers on this machine (flock(2) on
    the directory itself: no lock file is left in the site)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _temporary(target: Path, data: bytes) -> Path:
    """``data`` in a new temporary file beside ``target`` (same file system: it can be
    renamed or linked into place atomically)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(name, 0o644)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


@dataclass
class S3Store:
    bucket: str
    prefix: str = ""
    _client: Any = field(default=None, repr=False)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    @property
    def client(self) -> S3Client:
        if self._client is None:
            import boto3  # imported lazily: local runs and cold starts that never touch S3

            # boto3 honours AWS_ENDPOINT_URL itself, so MinIO or a moto server work unchanged.
            self._client = boto3.client("s3")
        return self._client  # type: ignore[no-any-return]

    def _full(self, key: str) -> str:
        _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._full(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise NotFound(key) from exc
        return response["Body"].read()

    def write(self, key: str, data: bytes, *, cache_control: str | None = None) -> None:
        extra: dict[str, str] = {}
        if cache_control:
            extra["CacheControl"] = cache_control
        self.client.put_object(
            Bucket=self.bucket, Key=self._full(key), Body=data, ContentType=content_type(key),
            **extra,  # type: ignore[arg-type]
        )

    def create(self, key: str, data: bytes) -> bool:
        """Write ``key`` only where no object has it; False (nothing written) where one does.
        S3 checks ``If-None-Match: *`` atomically: of two racing writers one gets 412."""
        from botocore.exceptions import ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self._full(key), Body=data,
                                   ContentType=content_type(key), IfNoneMatch="*")
        except ClientError as exc:
            # 409 ConditionalRequestConflict: a concurrent write to the key is under way.
            if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed",
                                                             "ConditionalRequestConflict"):
                return False
            raise
        return True

    def read_tagged(self, key: str) -> Tagged:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._full(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise NotFound(key) from exc
        return Tagged(response["Body"].read(), str(response["ETag"]))

    def tag(self, key: str) -> str | None:
        from botocore.exceptions import ClientError

        try:
            return str(self.client.head_object(Bucket=self.bucket, Key=self._full(key))["ETag"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def replace(self, key: str, data: bytes, tag: str | None, *,
                cache_control: str | None = None) -> str | None:
        """Write ``key`` if its ETag is still ``tag`` (None: if there is no such object);
        the new ETag, or None (nothing written) when another writer came first."""
        from botocore.exceptions import ClientError

        extra: dict[str, str] = {"IfMatch": tag} if tag else {"IfNoneMatch": "*"}
        if cache_control:
            extra["CacheControl"] = cache_control
        try:
            response = self.client.put_object(
                Bucket=self.bucket, Key=self._full(key), Body=data,
                ContentType=content_type(key), **extra,  # type: ignore[arg-type]
            )
        except ClientError as exc:
            # 412: the version changed; 409: a concurrent conditional write is under way;
            # NoSuchKey: the object was deleted since it was read.
            if exc.response.get("Error", {}).get("Code") in (
                    "PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey"):
                return None
            raise
        return str(response["ETag"])

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._full(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def list(self, prefix: str) -> list[str]:
        full_prefix = self._full(prefix) if prefix else (f"{self.prefix}/" if self.prefix else "")
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full_prefix):
            keys.extend(item["Key"][strip:] for item in page.get("Contents", []))
        return sorted(keys)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._full(key))


def create(store: Store, key: str, data: bytes) -> bool:
    """Store ``data`` at ``key`` unless an object is there already; False when one is.

    Atomic on the file system and on S3 (see ``FileStore.create``, ``S3Store.create``), so
    two writers racing for one key never both succeed; any other store (a test's in-memory
    one) checks, then writes.
    """
    if isinstance(store, FileStore | S3Store):
        return store.create(key, data)
    if store.exists(key):
        return False
    store.write(key, data)
    return True


def read_tagged(store: Store, key: str) -> Tagged | None:
    """``key``'s bytes with their version, None when there is no such object."""
    try:
        if isinstance(store, FileStore | S3Store):
            return store.read_tagged(key)
        body = store.read(key)
    except NotFound:
        return None
    return Tagged(body, hashlib.sha256(body).hexdigest())


def current_tag(store: Store, key: str) -> str | None:
    """The version ``key`` has now (None: no such object), without reading it."""
    if isinstance(store, FileStore | S3Store):
        return store.tag(key)
    found = read_tagged(store, key)
    return found.tag if found else None


def replace(store: Store, key: str, data: bytes, tag: str | None, *,
            cache_control: str | None = None) -> str | None:
    """Compare-and-swap: store ``data`` at ``key`` if its version is still ``tag`` (None: if
    there is none); the new version, or None when another writer came first. Atomic on the
    file system and on S3; any other store (a test's in-memory one) checks, then writes."""
    if isinstance(store, FileStore | S3Store):
        return store.replace(key, data, tag, cache_control=cache_control)
    if current_tag(store, key) != tag:
        return None
    store.write(key, data, cache_control=cache_control)
    return hashlib.sha256(data).hexdigest()


def open_store(uri: str) -> Store:
    """``s3://bucket/prefix`` gives an S3 store; anything else is a local directory."""
    if uri.startswith("s3://"):
        bucket, _, prefix = uri[len("s3://"):].partition("/")
        if not bucket:
            raise ValueError(f"store URI has no bucket: {uri!r}")
        return S3Store(bucket=bucket, prefix=prefix.strip("/"))
    return FileStore(Path(uri))
