"""The plan's merge driver in real repositories: two clones of one origin each commit, one pulls."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import ENV, Repo, make_repo

PLAN = """project: X
phases:
  - id: P
    title: T
    issues:
      - id: 1
        title: one  # the first
        status: not_started
        steps:
          - {title: a, status: todo}
          - {title: b, status: todo}
      - id: 2
        title: two
        status: not_started
"""


def clones(tmp_path: Path, plan: bytes) -> tuple[Repo, Repo]:
    """Two clones of one origin holding `plan`, both set up with `tracker git setup`."""
    origin = make_repo(tmp_path / "origin")
    (origin.root / "data").mkdir()
    (origin.root / "data/phases.yaml").write_bytes(plan)
    assert run_tracker("git", "setup", cwd=origin.root, env=ENV).returncode == 0
    origin.commit("plan")
    origin.git("config", "receive.denyCurrentBranch", "ignore")
    made = []
    for name in ("theirs", "ours"):
        repo = Repo(tmp_path / name)
        Repo(tmp_path).git("clone", "-q", str(origin.root), name)
        done = run_tracker("git", "setup", cwd=repo.root, env=ENV)
        assert done.returncode == 0, done.stderr
        made.append(repo)
    return made[0], made[1]


def pull(tmp_path: Path, plan: bytes, theirs: bytes, ours: bytes) -> tuple[Repo, subprocess.CompletedProcess]:
    """Theirs commits and pushes `theirs`, ours commits `ours` and pulls (a merge)."""
    their_repo, our_repo = clones(tmp_path, plan)
    (their_repo.root / "data/phases.yaml").write_bytes(theirs)
    their_repo.commit("theirs", "data/phases.yaml")
    their_repo.git("push", "-q", "origin", "main")
    (our_repo.root / "data/phases.yaml").write_bytes(ours)
    our_repo.commit("ours", "data/phases.yaml")
    done = subprocess.run(
        ["git", "pull", "--no-rebase", "-q", "origin", "main"],
        cwd=our_repo.root,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
    )
    return our_repo, done


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


ISSUE_1 = "title: one  # the first\n        status: not_started"
ISSUE_2 = "title: two\n        status: not_started"

CASES = {
    "a adjacent issues' statuses": (
        [(ISSUE_1, ISSUE_1.replace("not_started", "complete"))],
        [(ISSUE_2, ISSUE_2.replace("not_started", "audit"))],
        [(ISSUE_1, ISSUE_1.replace("not_started", "complete")), (ISSUE_2, ISSUE_2.replace("not_started", "audit"))],
    ),
    "b two steps of one issue": (
        [("{title: a, status: todo}", "{title: a, status: done}")],
        [("{title: b, status: todo}", "{title: b, status: done}")],
        [
            ("{title: a, status: todo}", "{title: a, status: done}"),
            ("{title: b, status: todo}", "{title: b, status: done}"),
        ],
    ),
    "f a comment on one side, a status on the other": (
        [("# the first", "# the first, and the hardest")],
        [(ISSUE_1, ISSUE_1.replace("not_started", "in_progress"))],
        [("# the first\n        status: not_started", "# the first, and the hardest\n        status: in_progress")],
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("form", ["plain", "crlf-bom"])
def test_changes_of_both_sides_combine(tmp_path: Path, case: str, form: str):
    theirs, ours, both = CASES[case]

    def encoded(text: str) -> bytes:
        return ("\ufeff" + text.replace("\n", "\r\n")).encode() if form == "crlf-bom" else text.encode()

    repo, done = pull(tmp_path, encoded(PLAN), encoded(edit(PLAN, *theirs)), encoded(edit(PLAN, *ours)))
    assert done.returncode == 0, done.stderr
    assert (repo.root / "data/phases.yaml").read_bytes() == encoded(edit(PLAN, *both))
    assert run_tracker("validate", cwd=repo.root).returncode == 0
    assert repo.git("status", "--porcelain") == ""


SESSION = "  - date: {date}\n    focus: {focus}\n"


def test_a_session_appended_on_each_side_gives_both_in_date_order(tmp_path: Path):
    plan = PLAN + "sessions:\n" + SESSION.format(date="2026-01-10", focus="start")
    theirs = edit(plan, (ISSUE_2, ISSUE_2.replace("not_started", "audit"))) + SESSION.format(
        date="2026-01-12", focus="b"
    )
    ours = plan + SESSION.format(date="2026-01-14", focus="a")
    repo, done = pull(tmp_path, plan.encode(), theirs.encode(), ours.encode())
    assert done.returncode == 0, done.stderr
    assert (repo.root / "data/phases.yaml").read_text() == (
        edit(plan, (ISSUE_2, ISSUE_2.replace("not_started", "audit")))
        + SESSION.format(date="2026-01-12", focus="b")
        + SESSION.format(date="2026-01-14", focus="a")
    )
    assert run_tracker("validate", cwd=repo.root).returncode == 0
    assert repo.git("status", "--porcelain") == ""


def test_the_same_status_set_differently_is_a_conflict_on_that_line_alone(tmp_path: Path):
    theirs = edit(
        PLAN, (ISSUE_1, ISSUE_1.replace("not_started", "audit")), (ISSUE_2, ISSUE_2.replace("not_started", "blocked"))
    )
    ours = edit(PLAN, (ISSUE_1, ISSUE_1.replace("not_started", "complete")))
    repo, done = pull(tmp_path, PLAN.encode(), theirs.encode(), ours.encode())
    assert done.returncode != 0
    expected = edit(
        PLAN,
        (
            "# the first\n        status: not_started\n",
            "# the first\n<<<<<<< ours\n        status: complete\n=======\n        status: audit\n>>>>>>> theirs\n",
        ),
        (ISSUE_2, ISSUE_2.replace("not_started", "blocked")),
    )
    assert (repo.root / "data/phases.yaml").read_text() == expected
    assert repo.git("status", "--porcelain") == "UU data/phases.yaml"
    assert "unresolved merge conflict" in run_tracker("validate", cwd=repo.root).stderr


def test_a_side_that_does_not_load_falls_back_to_the_line_merge(tmp_path: Path):
    theirs = edit(PLAN, ("title: one  # the first", 'title: "one  # the first'))
    ours = edit(PLAN, (ISSUE_1, ISSUE_1.replace("not_started", "complete")))
    repo, done = pull(tmp_path, PLAN.encode(), theirs.encode(), ours.encode())
    assert done.returncode != 0
    assert "merged line by line with git merge-file: theirs does not load" in done.stderr + done.stdout
    text = (repo.root / "data/phases.yaml").read_text()
    assert text.count("<<<<<<< ours") == 1 and 'title: "one' in text and "status: complete" in text
    assert repo.git("status", "--porcelain") == "UU data/phases.yaml"


def test_setup_is_idempotent_and_undo_reverses_it(tmp_path: Path):
    repo = make_repo(tmp_path / "repo")
    (repo.root / "data").mkdir()
    (repo.root / "data/phases.yaml").write_text(PLAN)
    first = run_tracker("git", "setup", cwd=repo.root, env=ENV)
    assert first.returncode == 0, first.stderr
    assert (repo.root / ".gitattributes").read_text() == "/data/phases.yaml merge=tracker\n"
    assert "merge-file %O %A %B --path %P --marker-size %L" in repo.git("config", "merge.tracker.driver")
    assert repo.git("config", "merge.tracker.driver").startswith(sys.executable)
    again = run_tracker("git", "setup", cwd=repo.root, env=ENV)
    assert again.stdout == "nothing to change: already set up\n"
    undone = run_tracker("git", "setup", "--undo", cwd=repo.root, env=ENV)
    assert len(undone.stdout.splitlines()) == 2
    assert (repo.root / ".gitattributes").read_text() == ""
    assert repo.git("config", "--list", "--local").count("merge.tracker") == 0
