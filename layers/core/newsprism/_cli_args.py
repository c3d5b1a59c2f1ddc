"""The command line's checks of its arguments (docs/design.md, "Command line"): each mistake
is one ``UsageError`` line, found before a stage does any work, its first request included.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .store import FileStore, S3Store, Store, open_store

# The clocks and days a run may have: wide of any news there is, and narrow enough that the
# stages' date arithmetic (a window back, the days around a page) stays within datetime's.
FIRST = datetime(2000, 1, 1, tzinfo=UTC)
LAST = datetime(2999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
_RANGE = f"({FIRST:%Y-%m-%d} to {LAST:%Y-%m-%d})"
PROBE = ".probe"  # the key the write probe of a bucket puts and deletes


class UsageError(Exception):
    """Bad arguments: reported in one line, exit status 2."""


def parse_now(text: str | None) -> datetime:
    """``--now``: an ISO 8601 time (UTC without a zone) in range; the current time if None."""
    if not text:
        now = datetime.now(UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(f"--now: not an ISO 8601 time: {text!r}") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        utc: datetime | None = moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-01:00 is past datetime's last year
        utc = None
    if utc is None or not FIRST <= utc <= LAST:
        raise UsageError(f"--now: {text} is out of range {_RANGE}")
    return utc


def parse_date(text: str) -> datetime:
    """``--date``: a day, ``YYYY-MM-DD``, in range."""
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError as exc:
        raise UsageError(f"--date: expected YYYY-MM-DD, got {text!r}") from exc
    if not FIRST.date() <= day.date() <= LAST.date():
        raise UsageError(f"--date: {text} is out of range {_RANGE}")
    return day


def check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise UsageError(f"--port: {port} is not a port (0 to 65535)")
    return port


def checked_store(uri: str, option: str, *, write: bool = True) -> Store:
    """The store ``uri`` names, once ``store_problem`` found nothing wrong with it."""
    try:
        store = open_store(uri)
    except ValueError as exc:  # "s3://" without a bucket
        raise UsageError(f"{option}: {exc}") from exc
    if problem := store_problem(store, write=write):
        raise UsageError(f"{option}: {problem}")
    return store


def store_problem(store: Store, *, write: bool = True) -> str | None:
    """Why a stage could not use ``store`` (and ``write`` to it), found before its first
    request, or None. A directory store: what exists of its path is a directory, and a file
    can be made and removed there (no directory is made: a run that produces nothing leaves
    none). A bucket: it exists and the credentials at hand reach it (HeadBucket, which needs
    ``s3:ListBucket``, as the stages' listings do); to write, an empty ``.probe`` object is
    put and deleted (``s3:PutObject``, ``s3:DeleteObject``; without the latter it stays)."""
    if isinstance(store, FileStore):
        return _directory_problem(store.root, write=write)
    if isinstance(store, S3Store):
        return _bucket_problem(store, write=write)
    return None  # a test's in-memory store


def _directory_problem(root: Path, *, write: bool) -> str | None:
    existing = root
    try:
        # The stages make the missing part of the path: what is already there must allow it.
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        if not existing.is_dir():
            return f"{existing} is not a directory"
        if write:
            descriptor, name = tempfile.mkstemp(dir=existing, prefix=".probe-", suffix=".tmp")
            os.close(descriptor)
            os.unlink(name)
    except OSError as exc:
        return f"{existing}: cannot write ({exc.strerror or exc})"
    return None


def _bucket_problem(store: S3Store, *, write: bool) -> str | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client: Any = store.client
        client.head_bucket(Bucket=store.bucket)
        if write:
            key = f"{store.prefix}/{PROBE}" if store.prefix else PROBE
            client.put_object(Bucket=store.bucket, Key=key, Body=b"")
            # May write but not delete: the empty object stays, and the run may go on.
            with contextlib.suppress(ClientError):
                client.delete_object(Bucket=store.bucket, Key=key)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        if code in ("404", "NoSuchBucket", "NotFound"):
            return f"{store.uri}: no such bucket"
        if code in ("403", "AccessDenied", "Forbidden"):
            what = "write to" if exc.operation_name == "PutObject" else "reach"
            return f"{store.uri}: access denied (the credentials at hand may not {what} it)"
        return f"{store.uri}: {code} {error.get('Message', '')}".rstrip()
    except BotoCoreError as exc:  # no credentials, no region, no connection
        return f"{store.uri}: {exc}"
    return None


def describe_failure(exc: BaseException) -> str | None:
    """One line for a store failing mid-run (a full disk, a bucket gone), or None for
    anything else, which stays a traceback: it is a bug to fix."""
    if isinstance(exc, OSError):
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "") or str(exc)
        return f"{reason}: {exc.filename}" if exc.filename else reason
    botocore = sys.modules.get("botocore.exceptions")  # imported if a bucket was used
    if botocore is not None and isinstance(exc, botocore.ClientError | botocore.BotoCoreError):
        return str(exc)
    return None


def version() -> str:
    """The installed distribution's version (its metadata), else the package's own."""
    try:
        return metadata.version("newsprism")
    except metadata.PackageNotFoundError:  # run from a source tree (the Lambda layer's copy)
        return __version__


class VersionAction(argparse.Action):
    """``--version``, reading the metadata only when asked."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(f"newsprism {version()}")
        parser.exit()
