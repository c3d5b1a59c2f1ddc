"""Shared fixtures. Tests never touch the network: httpx goes through MockTransport or a
server on 127.0.0.1 that the test stops, and S3 goes through moto."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared"
SEED_MARKDOWN = DATA / "us-china-2026-02-12.md"
SEED_NOW = "2026-02-12T04:00:51.254Z"


@pytest.fixture
def shared_corpus() -> Path:
    """The earlier system's corpus beside the checkout; skipped where CI or a user lacks it."""
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent (it sits beside the checkout in CI)")
    return corpus


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials so boto3 under moto can never reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
