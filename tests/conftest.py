"""Shared fixtures. Tests never touch the network: httpx goes through MockTransport or a
server on 127.0.0.1 that the test stops, and S3 goes through moto.

The topic configurations tests share are in ``tests/topics.py``; ``us_china_topic`` below
hands out its ``us-china`` topic as a fixture.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsprism.config import Topic
from tests import topics

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared"
SEED_MARKDOWN = DATA / "us-china-2026-02-12.md"
SEED_NOW = "2026-02-12T04:00:51.254Z"


def require_shared(path: str | Path) -> Path:
    """``path`` (relative to ``../shared``, or absolute) when it is present.

    When it is absent the calling test skips, saying so; under CI (``CI=true``), where
    ``../shared`` is checked out beside the repository, it fails instead: a test that must run
    there cannot pass by skipping (issue 18).
    """
    path = SHARED / path
    if path.exists():
        return path
    reason = f"{path} is absent (it sits beside the checkout in CI)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true, so a test that needs it fails instead of skipping")
    pytest.skip(reason)


@pytest.fixture
def shared_corpus() -> Path:
    """The earlier system's corpus beside the checkout: skipped where a user lacks it, a
    failure under CI (``require_shared``)."""
    return require_shared("corpus")


@pytest.fixture
def us_china_topic() -> Topic:
    """The ``us-china`` topic of two perspectives and two RSS feeds (``tests/topics.py``)."""
    return topics.us_china_topic()


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
