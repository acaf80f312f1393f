"""The cache folder stays within a few times the size of the plans it serves (issue 17).

Entries are pruned by size, least recently used first, whatever their kind;
an entry pruned is a cache miss for the next command, never an error, and the
answer is the same bytes as with no cache at all.  The floor that lets a small
plan keep its caches of a big repository's history is set to zero here, so a
plan of a few dozen kilobytes shows the rule.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from answerutil import run_cli, run_fresh
from gitutil import ENV, Repo

from tracker.cli import replay
from tracker.cli.discovery import DEFAULT_MAX_BYTES
from tracker.support import cachefiles


def plan_text(issues: int, status: str = "in_progress") -> str:
    lines = ["project: Sized", "phases:", "  - id: P1", "    title: Everything", "    issues:"]
    for n in range(1, issues + 1):
        lines += [
            f"      - id: {n}",
            f"        title: Issue {n}, with a title of a usual length",
            f"        status: {status if n % 2 else 'not_started'}",
            "        deliverables:",
            f"          - path: src/file{n % 40}.py",
            f"          - path: docs/later{n}.md",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def sized(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(replay, "RACY_NS", 0)
    monkeypatch.setattr(cachefiles, "SIZE_FLOOR", 0)
    repo.write("data/phases.yaml", plan_text(200))
    for n in range(40):
        repo.write(f"src/file{n}.py", "print('x')\n" * (n + 1))
    repo.commit("First version")
    return repo


def run(repo: Repo, *args: str) -> bytes:
    return run_cli(repo.root, *args)


def fresh(repo: Repo, *args: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    return run_fresh(repo.root, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)


def folder_bytes() -> int:
    return sum(entry.stat().st_size for entry in cachefiles.cache_dir().iterdir())


def test_the_folder_stays_within_three_times_the_plan(sized: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    plan = sized.root / "data" / "phases.yaml"
    for version, status in enumerate(("in_progress", "audit", "blocked", "complete", "verified")):
        if version:
            sized.write("data/phases.yaml", plan_text(200, status))  # a new version: a new parse entry
        for args in (("status",), ("status", "--json"), ("status", "--files"), ("validate",)):
            answer = run(sized, *args)
            assert folder_bytes() <= cachefiles.SIZE_FACTOR * plan.stat().st_size
            assert answer == fresh(sized, *args, tmp_path=tmp_path, monkeypatch=monkeypatch)
    # Without pruning by size, the entries of the five versions would not fit: the rule did the work.
    kinds = {entry.name.split("-")[0] for entry in cachefiles.cache_dir().iterdir()}
    assert "plan" in kinds and "answer" in kinds


def test_a_json_answer_is_kept_compressed(sized: Repo):
    answer = run(sized, "status", "--json")
    (entry,) = [e for e in cachefiles.cache_dir().glob("answer-*.bin")]
    assert entry.stat().st_size < len(answer) / 3


def test_an_entry_pruned_is_a_miss_not_an_error(sized: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    first = run(sized, "status", "--json")
    monkeypatch.setattr(cachefiles, "SIZE_FACTOR", 0)  # no room at all: each new entry pushes all others out
    run(sized, "status")
    assert [e.name.split("-")[0] for e in cachefiles.cache_dir().glob("*-*") if e.name != "served-plans.json"] == [
        "answer"
    ]
    assert (
        run(sized, "status", "--json")
        == first
        == fresh(sized, "status", "--json", tmp_path=tmp_path, monkeypatch=monkeypatch)
    )


def test_the_least_recently_used_entry_goes_first(sized: Repo, monkeypatch: pytest.MonkeyPatch):
    run(sized, "status", "--json")
    run(sized, "status")
    folder = cachefiles.cache_dir()
    plan = sized.root / "data" / "phases.yaml"
    json_entry, plain_entry = (
        Path(replay._entry_path(replay._key(plan, replay.status_command(as_json, False, False, DEFAULT_MAX_BYTES))))
        for as_json in (True, False)
    )
    assert json_entry.exists() and plain_entry.exists()
    for n, entry in enumerate(sorted(folder.iterdir())):  # all old, the JSON answer written first
        os.utime(entry, ns=(10**9 * (n + 2), 10**9 * (n + 2)))
    os.utime(json_entry, ns=(10**9, 10**9))
    run(sized, "status", "--json")  # replayed: now the most recently used
    budget = sum(e.stat().st_size for e in folder.glob("*-*") if e.name != "served-plans.json") - 1  # one must go
    monkeypatch.setattr(cachefiles, "size_budget", lambda _folder: budget)
    cachefiles.prune_by_size(folder)
    assert json_entry.exists()
