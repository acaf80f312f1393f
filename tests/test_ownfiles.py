"""tracker's own files beside the plan, a write's lock and temporary file, are never the user's changes.

They exist while a write is under way (the dashboard's, while the user reads git or ends a session) or after a
writer was killed; in a repository without the .gitignore lines `tracker init` offers, git lists them as untracked.
"""

from __future__ import annotations

from pathlib import Path

from conftest import run_tracker, tracker_env
from gitutil import Repo

from tracker.support import ownfiles


def test_a_lock_and_temporary_files_are_not_counted_listed_or_warned_of(repo: Repo):
    env = tracker_env(TRACKER_NOW="2026-01-14T10:00")
    assert run_tracker("init", "--template", "blank", "--no-git-lines", cwd=repo.root, env=env).returncode == 0
    repo.commit("Plan", date="2026-01-13T08:00:00+00:00")
    assert run_tracker("session", "start", cwd=repo.root, env=env).returncode == 0
    repo.commit("Session", date="2026-01-14T09:00:00+00:00")
    data = repo.root / "data"
    mine = data / "notes.md"  # the user's own untracked file: still counted, listed and warned of
    mine.write_text("# Notes\n")

    def leave_own_files() -> None:  # as a write under way has them (each write here removes them as it ends)
        (data / "phases.yaml.lock").write_text("12 host\n")
        (data / ownfiles.temp_name("phases.yaml", 12, "abcd0123")).write_text("half a plan")
        (data / ownfiles.temp_name("notes.md", 34, "0123abcd")).write_text("half a note")

    leave_own_files()
    status = run_tracker("status", "--files", cwd=repo.root, env=env)
    assert "0 changed, 1 untracked" in status.stdout, status.stdout
    summary = run_tracker("summary", cwd=repo.root, env=env)
    assert "notes.md" in summary.stdout and ".tmp" not in summary.stdout and ".lock" not in summary.stdout
    ended = run_tracker("session", "end", cwd=repo.root, env=env)
    assert ended.returncode == 0, ended.stderr
    assert "1 file not committed (data/notes.md) is not part of the session" in ended.stderr, ended.stderr


def test_own_files_are_known_by_name_and_a_lock_only_beside_a_plan():
    locks = ownfiles.plan_locks(Path("/r"), Path("/r/data/phases.yaml"))
    assert locks == {"data/phases.yaml.lock"}
    assert ownfiles.is_own("data/phases.yaml.lock", locks)
    assert not ownfiles.is_own("Gemfile.lock", locks)  # the user's
    assert ownfiles.is_own("docs/.report.html.tracker-4242-0a1b2c3d.tmp")
    assert not ownfiles.is_own("docs/.report.tracker-notes.tmp")  # named alike, not by a writer
    assert ownfiles.plan_locks(Path("/r"), Path("/elsewhere/phases.yaml")) == frozenset()
