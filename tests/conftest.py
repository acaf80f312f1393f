from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gitutil import ENV, Repo, make_repo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_PLAN = ROOT / "data" / "phases.yaml"
NIST_PLAN = ROOT / "tests" / "data" / "nist-800-53-moderate.yaml"


@pytest.fixture(scope="session", autouse=True)
def bytecode_compiled_once() -> None:
    """The tracker commands the tests start (hundreds) load the package's bytecode, compiled here once, instead
    of each compiling its 24,000 lines again, a third of a second of CPU apiece: where PYTHONDONTWRITEBYTECODE
    is set, as on the shared machine, no Python process keeps what it compiled. Hash-checked bytecode, so a
    module edited since is compiled from its source, never served stale."""
    import compileall
    import py_compile

    compileall.compile_dir(
        ROOT / "tracker", quiet=1, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH, workers=1
    )


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's plan, cache or editor."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TRACKER_FILE", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process and the commands it starts: git's fixed identity and no user or system git config
    (gitutil.ENV), and the answer cache trusting files however fresh, as if each had settled."""
    from tracker.cli import replay

    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(replay, "RACY_NS", 0)


def tracker_env(cache: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a tracker command a test starts: this process's (isolated_env: the test's cache
    folder, no TRACKER_FILE), git's fixed identity and no user or system git config (gitutil.ENV), `cache`
    as the cache folder if given, then `extra`."""
    import os

    env = {**os.environ, **ENV, **({"XDG_CACHE_HOME": str(cache)} if cache is not None else {}), **extra}
    env.pop("TRACKER_FILE", None)
    return env


def wait_until_settled() -> None:
    """Wait until the files written so far are older than the caches' two-second guard: a file changed
    within it is never trusted by the answer and link caches, and change times cannot be set back."""
    import time

    from tracker.support.cachefiles import RACY_NS

    time.sleep(RACY_NS / 1e9 + 0.2)


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
