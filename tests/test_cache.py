"""The parse cache is used when its entry is valid, and ignored otherwise.

Each test plants a recognisable entry (a project called FROM CACHE) or a broken
one under the exact name the loader will look for, so what `load` returns
shows which way it went.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import BUNDLED_PLAN, run_tracker
from gitutil import make_repo

from tracker.plan import parsecache
from tracker.plan.loader import load, load_text
from tracker.plan.model import Phase, Project
from tracker.support import cachefiles

PLAN = """\
project: Cached
phases:
  - id: P1
    title: First
    issues:
      - id: 1
        title: One
        status: complete
        deliverables:
          - path: src/one.py
sessions:
  - date: 2025-11-30
  - date: 2025-11-30
    started: "10:00"
    ended: "09:00"
"""


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def planted() -> Project:
    return Project(project="FROM CACHE", phases=[Phase(id="X", title="planted")])


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "phases.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_a_loaded_plan_is_stored_and_the_next_load_reads_the_entry(plan: Path):
    first = load(plan)
    assert first.ok and first.project.project == "Cached"
    assert parsecache.entry_path(digest_of(plan)).is_file()

    again = load(plan)
    assert again.project == first.project  # positions (`at`) included
    assert again.problems == first.problems
    assert again.text == first.text and again.digest == first.digest

    parsecache.store(digest_of(plan), planted(), [])
    assert load(plan).project.project == "FROM CACHE"


def test_a_plan_from_the_cache_gives_its_text_as_a_parsed_one_does(tmp_path: Path):
    path = tmp_path / "phases.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + PLAN.replace("One", "One \u2014 \U0001f680").encode("utf-8"))
    first = load(path)
    again = load(path)
    assert isinstance(again.source, bytes)  # from the cache: not decoded until asked for
    assert again.text == first.text == PLAN.replace("One", "One \u2014 \U0001f680")  # no BOM
    assert again.source == first.text


def test_cached_problems_carry_the_path_the_plan_is_read_from(plan: Path, tmp_path: Path):
    plan.write_text(PLAN.replace("status: complete\n", "status: complete\n        depends_on: [7]\n"), encoding="utf-8")
    first = load(plan)
    assert [p.severity for p in first.problems] == ["error"]  # a dependency not in the plan
    assert isinstance(load(plan).source, bytes)  # a plan with problems is cached too
    copy = tmp_path / "elsewhere" / "plan.yaml"
    copy.parent.mkdir()
    shutil.copy(plan, copy)
    moved = load(copy)
    assert [str(p) for p in moved.problems] == [str(p).replace(str(plan), str(copy)) for p in first.problems]


def test_plan_with_errors_loads_the_same_from_the_cache(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(PLAN.replace("status: complete", "status: finished"), encoding="utf-8")
    first = load(path)
    assert not first.ok and first.project is not None
    again = load(path)
    assert again.problems == first.problems and not again.ok


def test_unreadable_plan_is_not_stored(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("project: [unclosed\n", encoding="utf-8")
    assert load(path).project is None
    assert not parsecache.entry_path(digest_of(path)).exists()


def test_a_changed_file_is_parsed_again(plan: Path):
    parsecache.store(digest_of(plan), planted(), [])
    plan.write_text(PLAN.replace("title: One", "title: Uno"), encoding="utf-8")
    loaded = load(plan)
    assert loaded.project.project == "Cached"
    assert loaded.project.phases[0].issues[0].title == "Uno"


def test_another_tracker_version_does_not_read_the_entry(plan: Path, monkeypatch: pytest.MonkeyPatch):
    parsecache.store(digest_of(plan), planted(), [])
    monkeypatch.setattr(cachefiles, "__version__", "999.0")
    assert load(plan).project.project == "Cached"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "pickle", "json"])
def test_a_corrupt_entry_is_ignored_and_replaced(plan: Path, damage: str):
    entry = parsecache.entry_path(digest_of(plan))
    parsecache.store(digest_of(plan), planted(), [])
    good = entry.read_bytes()
    entry.write_bytes(
        {
            "garbage": b"\x93\xff\x00not msgpack at all",
            "truncated": good[: len(good) // 2],
            "empty": b"",
            "pickle": b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.",
            "json": b'{"project": "FROM CACHE", "phases": []}',
        }[damage]
    )
    assert load(plan).project.project == "Cached"
    assert load_text(PLAN, plan).project == load(plan).project  # the entry was rewritten, and is right


def test_an_entry_of_another_file_is_ignored(plan: Path, tmp_path: Path):
    other = tmp_path / "other.yaml"
    other.write_text(PLAN.replace("project: Cached", "project: Other"), encoding="utf-8")
    load(other)
    shutil.copy(parsecache.entry_path(digest_of(other)), parsecache.entry_path(digest_of(plan)))
    assert load(plan).project.project == "Cached"


def test_a_cache_folder_that_cannot_be_created_means_parsing_every_time(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load(plan).ok
    assert load(plan).project.project == "Cached"
    assert blocker.read_text() == "a file where the cache folder would go"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_cache_folder_means_parsing_every_time(plan: Path):
    folder = parsecache.cache_dir()
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        assert load(plan).ok and load(plan).ok
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_only_the_most_recent_entries_are_kept(tmp_path: Path):
    for n in range(parsecache.KEEP + 3):
        path = tmp_path / f"plan{n}.yaml"
        path.write_text(PLAN.replace("title: One", f"title: One {n}"), encoding="utf-8")
        load(path)
        entry = parsecache.entry_path(digest_of(path))
        os.utime(entry, ns=(n * 10**9, n * 10**9))  # creation order, whatever the clock's resolution
    kept = sorted(parsecache.cache_dir().glob("plan-*.msgpack"))
    assert len(kept) == parsecache.KEEP
    newest = tmp_path / f"plan{parsecache.KEEP + 2}.yaml"
    assert parsecache.entry_path(digest_of(newest)) in kept


def test_the_cli_answers_the_same_from_the_cache(tmp_path: Path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cli-cache")}
    first = run_tracker("--file", str(BUNDLED_PLAN), "status", "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert list((tmp_path / "cli-cache" / "tracker").glob("plan-*.msgpack"))
    second = run_tracker("--file", str(BUNDLED_PLAN), "status", "--json", env=env)
    assert (second.returncode, second.stdout, second.stderr) == (0, first.stdout, first.stderr)


def test_a_plan_the_writer_wrote_is_stored_for_the_next_command(plan: Path):
    from tracker.edit.writer import SetIssueStatus, apply

    written = apply(load(plan), SetIssueStatus(1, "in_progress"))
    assert written.digest == digest_of(plan)
    # Stored by the writer, not by a load: one issue's lines edited, a delta on the entry it was read from.
    assert parsecache.entry_path(digest_of(plan), kind="plandelta").is_file()
    assert load(plan).project == written.project


def test_plan_bytes_from_elsewhere_go_through_the_cache_too(plan: Path):
    from tracker.plan.loader import LoadError, load_data

    data = plan.read_bytes().replace(b"status: complete\n", b"status: complete\n        depends_on: [7]\n")
    first = load_data(data, "abc1234:data/phases.yaml")
    assert str(first.problems[0]).startswith("abc1234:data/phases.yaml:9:")  # located in the plan so named
    parsecache.store(hashlib.sha256(data).hexdigest(), planted(), [])
    assert load_data(data, "abc1234:data/phases.yaml").project.project == "FROM CACHE"
    with pytest.raises(LoadError):
        load_data(b"project: \xff\n", "abc1234:data/phases.yaml")


def test_a_relative_cache_home_is_ignored_not_made_in_the_repository(tmp_path):
    """As the XDG spec says; else the cache folder lands in whatever repository a command runs in."""
    repo = make_repo(tmp_path / "r")
    repo.write("data/phases.yaml", "project: P\nphases:\n  - id: P1\n    title: One\n    issues: []\n")
    repo.commit("init")
    env = {"XDG_CACHE_HOME": "cache", "HOME": str(tmp_path / "home")}
    for command in (["status"], ["add", "issue", "P1", "Two"]):
        done = run_tracker(*command, cwd=repo.root, env=env)
        assert done.returncode == 0, done.stderr
    assert not (repo.root / "cache").exists()
    assert (tmp_path / "home" / ".cache" / "tracker").is_dir()
