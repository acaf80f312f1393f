"""A `\\` in a plan path: the file of that very name when git has one (on POSIX a `\\` is a character of a
file name), else a `/` as a plan written on Windows means it. A committed file is never called missing."""

from __future__ import annotations

import json

import pytest
from conftest import run_tracker, tracker_env
from gitutil import Repo

SESSION = "2025-11-30"


def plan(status: str, path: str = "ev/back\\slash.md", session: str = "") -> str:
    quoted = path.replace("\\", "\\\\")
    return f"""\
project: Paths
phases:
  - id: P1
    title: Evidence
    issues:
      - id: 10
        title: Collect evidence
        status: in_progress
        deliverables:
          - path: "{quoted}"
            purpose: p
            status: {status}
sessions:
  - date: {SESSION}
    focus: Evidence
{session}"""


def tracker(repo: Repo, *args: str):
    done = run_tracker(*args, cwd=repo.root, env=tracker_env(TRACKER_NOW=f"{SESSION}T18:00:00"))
    assert "Traceback" not in done.stderr, done.stderr
    return done


def git_state(repo: Repo) -> dict:
    report = json.loads(tracker(repo, "status", "--json").stdout)
    return report["phases"][0]["issues"][0]["deliverables"][0]["git"]


@pytest.mark.parametrize("closed", [False, True], ids=["open session", "closed session"])
def test_a_committed_file_with_a_backslash_in_its_name_is_the_file_every_output_shows(repo: Repo, closed: bool):
    repo.write("data/phases.yaml", plan("not_started"))
    start = repo.commit("Plan", date=f"{SESSION}T08:00:00+00:00")
    repo.write("ev/back\\slash.md", "hi\n")
    repo.write("data/phases.yaml", plan("complete", session=f"    since: {start[:9]}\n"))
    end = repo.commit("Evidence", date=f"{SESSION}T10:00:00+00:00")
    if closed:
        repo.write("data/phases.yaml", plan("complete", session=f"    since: {start[:9]}\n    until: {end[:9]}\n"))
        repo.commit("End", date=f"{SESSION}T11:00:00+00:00")

    status = tracker(repo, "status")
    assert status.returncode == 0 and "does not exist" not in status.stdout + status.stderr
    assert git_state(repo)["state"] == "committed" and git_state(repo)["lines"] == 1
    validate = tracker(repo, "validate")
    assert validate.returncode == 0 and "warning" not in validate.stdout + validate.stderr
    note = tracker(repo, "summary").stdout
    assert "No deliverable was created" not in note and "| `ev/back\\slash.md` | 1 line | p |" in note
    assert "does not exist" not in note
    html = tracker(repo, "export", "html", "-o", "report.html")
    assert html.returncode == 0 and "does not exist" not in (repo.root / "report.html").read_text()


def test_a_backslash_written_on_windows_still_names_the_file_under_that_folder(repo: Repo):
    repo.write("ev/win.md", "one\ntwo\n")
    repo.write("data/phases.yaml", plan("complete", path="ev\\win.md"))
    repo.commit("Evidence")
    assert git_state(repo)["state"] == "committed" and git_state(repo)["lines"] == 2


def test_a_file_of_that_very_name_is_linked_once_git_has_it_though_the_links_were_kept(repo: Repo):
    repo.write("data/phases.yaml", plan("complete"))
    repo.commit("Plan")
    assert git_state(repo)["state"] == "missing"  # the links and the answer are kept for next time
    repo.write("ev/back\\slash.md", "hi\n")
    repo.git("add", "ev")
    assert git_state(repo)["state"] == "staged"
    repo.commit("Evidence")
    status = tracker(repo, "status")
    assert "does not exist" not in status.stdout and git_state(repo)["state"] == "committed"
