"""The command line's stores (issue 22): every store problem is found before the first
request, in one line and exit 2; a store failing mid-run is one line and exit 1, with
nothing partial left and the previous files intact."""

from __future__ import annotations

import errno
import os
import tempfile
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

import newsprism.fetch
import newsprism.store
from newsprism import cli
from newsprism.store import FileStore
from tests.conftest import SEED_NOW
from tests.hardening_helpers import FeedServer, demo_config, demo_transport, snapshot

REAL_FETCH = newsprism.fetch.fetch_topics


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return demo_config(tmp_path, FeedServer(base="http://feeds.example"))


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fetches started: the demo's feeds, without a socket."""
    started: list[str] = []

    def offline(*args: Any, **kwargs: Any) -> Any:
        started.append("fetch")
        return REAL_FETCH(*args, **kwargs, transport=demo_transport())

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", offline)
    return started


def run(config: Path, data: str, site: str, *extra: str, command: str = "run") -> list[str]:
    return [command, "--config", str(config), "--now", SEED_NOW, "--data", data,
            "--site", site, *extra]


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    [line] = capsys.readouterr().err.splitlines()
    return line


# -- found before the first request --------------------------------------------------------


def test_an_s3_uri_without_a_bucket(tmp_path: Path, config: Path, requests: list[str],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(run(config, "s3://", str(tmp_path / "site")))
    assert (status, one_line(capsys)) == (
        2, "newsprism: error: --data: store URI has no bucket: 's3://'")
    assert requests == []


@pytest.mark.parametrize("where", ["file", "file/under"])
def test_a_directory_store_that_is_a_file_or_under_one(
        tmp_path: Path, config: Path, requests: list[str], capsys: pytest.CaptureFixture[str],
        where: str) -> None:
    (tmp_path / "file").write_text("not a directory")
    status = cli.main(run(config, str(tmp_path / where), str(tmp_path / "site")))
    assert (status, one_line(capsys)) == (
        2, f"newsprism: error: --data: {tmp_path / 'file'} is not a directory")
    assert requests == [] and not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", ["fetch", "classify", "summarize"])
def test_every_stage_probes_its_data_store(tmp_path: Path, config: Path, requests: list[str],
                                           capsys: pytest.CaptureFixture[str],
                                           command: str) -> None:
    (tmp_path / "file").write_text("")
    status = cli.main(run(config, str(tmp_path / "file"), str(tmp_path / "site"),
                          command=command))
    assert (status, one_line(capsys)) == (
        2, f"newsprism: error: --data: {tmp_path / 'file'} is not a directory")


def test_render_probes_its_site_store(tmp_path: Path, config: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    status = cli.main(run(config, str(tmp_path / "data"), str(tmp_path / "file" / "site"),
                          command="render"))
    assert (status, one_line(capsys)) == (
        2, f"newsprism: error: --site: {tmp_path / 'file'} is not a directory")


def test_a_read_only_directory(tmp_path: Path, config: Path, requests: list[str],
                               monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: the file system says no instead
        def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
            raise PermissionError(errno.EROFS, "Read-only file system")
        monkeypatch.setattr(tempfile, "mkstemp", read_only)
    try:
        status = cli.main(run(config, str(data), str(tmp_path / "site")))
    finally:
        data.chmod(0o755)
    line = one_line(capsys)
    assert status == 2 and requests == []
    assert line.startswith(f"newsprism: error: --data: {data}: cannot write (")


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="site")
        yield client


def test_a_bucket_that_does_not_exist(aws: Any, config: Path, requests: list[str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(run(config, "s3://no-such-bucket/data", "s3://site"))
    assert (status, one_line(capsys)) == (
        2, "newsprism: error: --data: s3://no-such-bucket/data: no such bucket")
    assert requests == []


def test_a_writable_bucket_passes_and_keeps_no_probe(aws: Any, tmp_path: Path, config: Path,
                                                     requests: list[str]) -> None:
    aws.create_bucket(Bucket="data")
    assert cli.main(run(config, "s3://data/prefix", "s3://site")) == 0
    assert requests == ["fetch"]
    keys = [item["Key"] for bucket in ("data", "site")
            for item in aws.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys and not [key for key in keys if "probe" in key]


def test_missing_aws_credentials(tmp_path: Path, config: Path, requests: list[str],
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CREDENTIAL_PROCESS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance metadata service
    # boto3's default session keeps the credentials an earlier test's client found: a
    # command-line run starts without one.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # Were a request ever sent, it would meet a closed port on this machine.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    status = cli.main(run(config, "s3://data", str(tmp_path / "site")))
    line = one_line(capsys)
    assert status == 2 and requests == []
    assert line.startswith("newsprism: error: --data: s3://data: ")
    assert "credentials" in line


# -- failing mid-run -----------------------------------------------------------------------


class _FullDisk:
    """``os.fdopen`` whose files take half of what is written, then the disk is full."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


def files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("command", ["run", "classify", "render"])
def test_a_full_disk_mid_run_is_one_line_exit_1_and_nothing_partial(
        tmp_path: Path, config: Path, requests: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], command: str) -> None:
    data, site = tmp_path / "data", tmp_path / "site"
    assert cli.main(run(config, str(data), str(site))) == 0
    before = files(tmp_path)
    capsys.readouterr()
    full = types.SimpleNamespace(**vars(os))
    full.fdopen = lambda fd, mode: _FullDisk(os.fdopen(fd, mode))
    monkeypatch.setattr(newsprism.store, "os", full)
    # An hour later, so that what classify and render would write differs from what is there.
    later = "2026-02-12T05:00:00Z"
    args = run(config, str(data), str(site), command=command)
    args[args.index("--now") + 1] = later
    status = cli.main(args)
    lines = capsys.readouterr().err.splitlines()  # run's fetch says first how each feed went
    [line] = [line for line in lines if line.startswith("newsprism: error: ")]
    assert status == 1 and line == lines[-1] and "Traceback" not in lines
    assert "No space left on device" in line
    assert files(tmp_path) == before  # no partial file, no temporary file, nothing replaced
    assert snapshot(FileStore(data)) and snapshot(FileStore(site))
