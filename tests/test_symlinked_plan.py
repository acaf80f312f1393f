"""A plan that is a symlink to a file outside the repository: the repository is the one that holds the link (the
path the user named), for every command; git's history of the plan itself is then not there to read, said once."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_tracker, wait_until_settled
from gitutil import Repo, make_repo

PLAN = """project: P
phases:
  - id: P1
    title: Getting started
    issues:
      - id: 1
        title: Write the information security policy
        status: in_progress
        deliverables:
          - path: docs/security-policy.md
            type: doc
"""


def linked(tmp_path: Path) -> tuple[Repo, Path]:
    """A repository whose data/phases.yaml is a symlink to a plan outside it, with the deliverable committed."""
    outside = tmp_path / "elsewhere" / "phases.yaml"
    outside.parent.mkdir()
    outside.write_text(PLAN)
    repo = make_repo(tmp_path / "r")
    (repo.root / "data").mkdir()
    (repo.root / "data/phases.yaml").symlink_to(outside)
    repo.write("docs/security-policy.md", "x\n")
    repo.commit("The policy, and the plan through a symlink")
    return repo, outside


def test_status_and_validate_read_the_repository_that_holds_the_plan_s_link(tmp_path: Path):
    # Without the fix: `git: not available (not in a git repository)`, the committed policy `missing`, and
    # validate --strict failing on it, as if the repository were around the file the link leads to.
    repo, _ = linked(tmp_path)
    shown = run_tracker("status", "--files", cwd=repo.root)
    assert shown.returncode == 0, shown.stderr
    assert "not available" not in shown.stdout
    assert [line.split()[:3] for line in shown.stdout.splitlines() if "security-policy" in line] == [
        ["deliverable", "docs/security-policy.md", "committed"]
    ]
    data = json.loads(run_tracker("status", "--json", cwd=repo.root).stdout)
    assert data["repo"]["root"] == str(repo.root)
    checked = run_tracker("validate", "--strict", cwd=repo.root)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_set_writes_the_plan_through_the_link_and_status_still_reads_the_repository(tmp_path: Path):
    repo, outside = linked(tmp_path)
    done = run_tracker("set", "1", "complete", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert (repo.root / "data/phases.yaml").is_symlink()
    assert "status: complete" in outside.read_text()
    checked = run_tracker("validate", "--strict", cwd=repo.root)  # done, and its deliverable committed: no drift
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = run_tracker("status", "--files", cwd=repo.root)
    assert "!" not in shown.stdout and "committed" in shown.stdout, shown.stdout


def test_history_says_the_plan_s_file_is_outside_the_repository_and_what_to_do(tmp_path: Path):
    # Without the fix: `the plan is not inside the work tree at …/r`, which the user's plan seems to be.
    repo, outside = linked(tmp_path)
    done = run_tracker("history", cwd=repo.root)
    assert done.returncode == 1
    assert done.stderr == (
        f"tracker: error: no history for {repo.root / 'data/phases.yaml'}: the plan is a symlink to {outside}, "
        f"outside the work tree at {repo.root}: git keeps the link, not the plan; to have git keep the plan (its "
        "history, its merges), move it into the repository in place of the link\n"
    )


def test_two_repositories_linking_one_plan_each_get_their_own_answer(tmp_path: Path):
    # The answers kept for a replay were keyed by the file the link leads to: the second repository's status
    # replayed the first's (its policy `committed`, where it has none).
    repo, outside = linked(tmp_path)
    other = make_repo(tmp_path / "other")
    (other.root / "data").mkdir()
    (other.root / "data/phases.yaml").symlink_to(outside)
    other.commit("The plan through a symlink, no policy")
    wait_until_settled()  # else no answer is kept for a replay
    for where, state in ((repo, "committed"), (other, "missing"), (repo, "committed"), (other, "missing")):
        shown = run_tracker("status", "--files", cwd=where.root)
        assert [line.split()[:3] for line in shown.stdout.splitlines() if "security-policy" in line] == [
            ["deliverable", "docs/security-policy.md", state]
        ], shown.stdout


def test_the_dashboard_reads_the_repository_that_holds_the_plan_s_link(tmp_path: Path):
    # Without the fix its git line said there was no repository, as `status` did.
    from test_tui import app_for, dashboard, settle, synchronously, text_of

    from tracker.tui.widgets.header import PlanHeader

    repo, _ = linked(tmp_path)

    @synchronously
    async def shown() -> None:
        app = app_for(repo.root / "data/phases.yaml")
        async with app.run_test(size=(140, 30)) as pilot:
            await settle(pilot)
            header = text_of(dashboard(app).query_one(PlanHeader))
            assert "⎇ main · 0 changed files" in header, header

    shown()
