"""Every cache is keyed by the code that filled it: edit one module's bytes and each cache that
depends on it misses, through the real commands (a copy of the package, run as `python -m tracker`).

The caches: parsed plans (plan-*), remembered links (linkmemo-*), `tracker status` answers
(answer-*) and `tracker history` measures (history-*).  A hit writes nothing; a miss writes a new
entry or rewrites one.  So the test takes the cache folder's files and their bytes after a warm
run, checks that running again changes nothing, edits a module, runs again and sees each kind of
entry change.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tracker_env, wait_until_settled
from gitutil import make_repo

ROOT = Path(__file__).resolve().parent.parent
PLAN = """\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: complete
        files: [src/*.js]
        deliverables:
          - path: src/retry.js
      - id: 2
        title: Later
        status: in_progress
        steps:
          - title: Write it
"""
COMMANDS = [("status",), ("status", "--files"), ("history",)]
KINDS = ("plan", "linkmemo", "answer", "history")


def snapshot(cache: Path) -> dict[str, set[tuple[str, str]]]:
    """Per kind of entry: (file name, digest of its bytes) of each entry in the cache folder."""
    out: dict[str, set[tuple[str, str]]] = {kind: set() for kind in KINDS}
    for entry in cache.iterdir() if cache.is_dir() else ():
        kind = entry.name.split("-")[0]
        if kind in out:
            out[kind].add((entry.name, hashlib.sha256(entry.read_bytes()).hexdigest()))
    return out


@pytest.fixture
def setup(tmp_path: Path):
    repo = make_repo(tmp_path / "repo")
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry();\nagain();\n")
    repo.commit("First version")
    repo.write("data/phases.yaml", PLAN.replace("status: in_progress", "status: audit"))
    repo.commit("Later moves on")
    wait_until_settled()
    package = tmp_path / "copy" / "tracker"
    shutil.copytree(ROOT / "tracker", package, ignore=shutil.ignore_patterns("__pycache__"))
    env = tracker_env(tmp_path / "cache", PYTHONPATH=str(package.parent))
    return repo.root, package, env, tmp_path / "cache" / "tracker"


def run_all(where: Path, env: dict[str, str]) -> None:
    for command in COMMANDS:
        done = subprocess.run([sys.executable, "-m", "tracker", *command], cwd=where, env=env, capture_output=True)
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "module, kinds",
    [
        ("support/textsafe.py", KINDS),  # every cache depends on support/
        ("plan/model.py", KINDS),
        ("git/links.py", ("linkmemo", "answer", "history")),  # a parsed plan does not depend on git/
        ("cli/table.py", ("answer",)),
    ],
)
def test_a_module_edited_makes_each_cache_that_depends_on_it_miss(setup, module: str, kinds: tuple[str, ...]):
    where, package, env, cache = setup
    probe = subprocess.run(
        [sys.executable, "-c", "import tracker; print(tracker.__file__)"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
    )
    assert Path(probe.stdout.strip()).parent == package  # the copy runs, not the installed package

    run_all(where, env)
    warm = snapshot(cache)
    assert all(warm[kind] for kind in KINDS), warm  # each cache has an entry
    run_all(where, env)
    assert snapshot(cache) == warm  # nothing changed, nothing missed

    edited = package / module
    edited.write_bytes(edited.read_bytes() + b"\n# one more line: other bytes, other code\n")
    run_all(where, env)
    after = snapshot(cache)

    missed = {kind for kind in KINDS if not after[kind] <= warm[kind]}
    assert missed == set(kinds)
