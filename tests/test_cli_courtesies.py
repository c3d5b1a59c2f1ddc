"""The command line's small courtesies (issue 22): an unknown topic lists the known ones, a
refusal names the setting that lifts it, ``--version``, every stage says what it wrote, plural
and zero forms are right, and the first ``make demo`` says what it installs."""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - make -n, a dry run
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pytest

import newsprism
import newsprism.fetch
from newsprism import cli
from tests.conftest import REPO, SEED_NOW
from tests.hardening_helpers import FeedServer, demo_config, demo_transport

REAL_FETCH = newsprism.fetch.fetch_topics
ONE_ITEM = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T'
            b'</title><link>https://a.example/</link><item><title>China and the US agree'
            b'</title><link>https://a.example/1</link><pubDate>Thu, 12 Feb 2026 03:00:00 GMT'
            b'</pubDate></item></channel></rss>')


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return demo_config(tmp_path, FeedServer(base="http://feeds.example"))


def offline(monkeypatch: pytest.MonkeyPatch,
            transport: httpx.MockTransport | None = None) -> None:
    def fetch(*args: Any, **kwargs: Any) -> Any:
        return REAL_FETCH(*args, **kwargs, transport=transport or demo_transport())

    monkeypatch.setattr(newsprism.fetch, "fetch_topics", fetch)


def stage(command: str, config: Path, root: Path, *extra: str) -> list[str]:
    return [command, "--config", str(config), "--now", SEED_NOW, "--data", str(root / "data"),
            "--site", str(root / "site"), *extra]


def test_an_unknown_topic_lists_the_known_ones(tmp_path: Path, config: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(stage("run", config, tmp_path, "--topic", "us-chna"))
    [line] = capsys.readouterr().err.splitlines()
    assert (status, line) == (2, f"newsprism: error: {config}: topics: no topic 'us-chna' "
                                 "(known: us-china)")


def test_a_refused_private_address_names_the_setting(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # An IP literal: refused by the guard before any socket is opened or name resolved.
    config = demo_config(tmp_path, FeedServer(base="http://127.0.0.1:9"))
    config.write_text(config.read_text().replace("allow_private_networks = true",
                                                 "allow_private_networks = false"))
    status = cli.main(stage("fetch", config, tmp_path))
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert status == 1 and len(lines) == 2
    for line in lines:
        assert "refused loopback address 127.0.0.1" in line
        assert "(fetch.allow_private_networks = true allows it)" in line


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    version = metadata.version("newsprism")
    assert capsys.readouterr().out == f"newsprism {version}\n"
    assert version == newsprism.__version__


def test_every_stage_says_what_it_wrote(tmp_path: Path, config: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    offline(monkeypatch)
    data, site = tmp_path / "data", tmp_path / "site"
    written = {
        "fetch": f"{data}/raw/us-china/2026-02-12/20260212T040051254Z.json",
        "classify": f"{data}/classified/us-china/2026-02-12.json",
        "summarize": f"{data}/digests/us-china/2026-02-12.json",
        "render": f"{site}/us-china/2026-02-12/index.html",
    }
    for command, path in written.items():
        assert cli.main(stage(command, config, tmp_path)) == 0
        err = capsys.readouterr().err
        assert path in err, (command, err)
        assert Path(path).is_file()


def test_one_is_singular(tmp_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    offline(monkeypatch, httpx.MockTransport(lambda request: httpx.Response(
        200, content=ONE_ITEM, headers={"Content-Type": "application/rss+xml"})))
    assert cli.main(stage("fetch", config, tmp_path)) == 0
    err = capsys.readouterr().err
    assert " 1 article " in err and "1 articles" not in err
    assert cli.main(stage("classify", config, tmp_path)) == 0  # both feeds had the one story
    err = capsys.readouterr().err
    assert "classified us-china 2026-02-12: 1 article (" in err


def test_the_first_make_demo_says_what_it_installs() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")

    def dry_run(target: str) -> list[str]:
        # -B: as on a fresh clone, where the virtual environment is still to be made.
        done = subprocess.run(["make", "-n", "-B", target], cwd=REPO, check=True,  # nosec
                              capture_output=True, text=True)
        return done.stdout.splitlines()

    demo = dry_run("demo")
    installs = [line for line in demo if "pip install" in line]
    assert installs and not [line for line in installs if "--quiet" in line]
    assert [line for line in demo if line.startswith("echo") and "install" in line.lower()]
    quiet = [line for line in dry_run("venv") if "pip install" in line]
    assert quiet and all("--quiet" in line for line in quiet)
