"""``require_shared``: a test that needs ``../shared`` skips where it is absent, except under
CI (``CI=true``), where it must run and so fails (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED, require_shared


def test_a_present_path_is_returned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    assert require_shared(tmp_path) == tmp_path


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_a_missing_path_skips_with_its_reason_outside_ci(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    missing = tmp_path / "corpus"
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_shared(missing)
    assert str(skipped.value) == f"{missing} is absent (it sits beside the checkout in CI)"


def test_a_missing_path_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    missing = tmp_path / "corpus"
    with pytest.raises(pytest.fail.Exception) as failed:
        require_shared(missing)
    assert str(failed.value).startswith(f"{missing} is absent")
    assert "CI=true" in str(failed.value)


def test_a_relative_path_is_read_beside_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is absent") as skipped:
        require_shared("no-such-corpus")
    assert str(skipped.value).startswith(str(SHARED / "no-such-corpus"))
