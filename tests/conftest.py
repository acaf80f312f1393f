from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gitutil import Repo, make_repo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_PLAN = ROOT / "data" / "phases.yaml"
NIST_PLAN = ROOT / "tests" / "data" / "nist-800-53-moderate.yaml"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's plan, cache or editor."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TRACKER_FILE", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty git repository with a fixed identity and clock."""
    return make_repo(tmp_path / "repo")


def run_tracker(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None):
    """The real command in a new process, as a user runs it."""
    import os
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )
