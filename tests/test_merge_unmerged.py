"""A pull git could not merge the plan in: the merge driver it names is gone, so git leaves the plan unmerged, one
side alone and without conflict markers.  Every command says so and no writer writes; the driver `tracker git
setup` writes outlives its install moving; `validate` warns of a driver that is not there."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import ENV, Repo
from test_computed_answers import git_commands
from test_merge_driver import ISSUE_1, ISSUE_2, PLAN, clones, edit, git, status

GONE = "/old/venv/bin/tracker"
# What `tracker git setup` wrote before it fell back to the `tracker` on PATH, naming an install since moved.
OLD_DRIVER = f"{GONE} merge-file %O %A %B --path %P --marker-size %L --ours-label %X --theirs-label %Y"
THEIRS = edit(PLAN, status(ISSUE_1, "audit"))
OURS = edit(PLAN, status(ISSUE_2, "blocked"))
BOTH = edit(PLAN, status(ISSUE_1, "audit"), status(ISSUE_2, "blocked"))


def diverged(tmp_path: Path, driver: str | None = None) -> Repo:
    """Two clones; theirs pushes THEIRS, ours commits OURS (its merge driver set to `driver`) and has not pulled."""
    theirs, ours = clones(tmp_path, PLAN.encode())
    (theirs.root / "data/phases.yaml").write_text(THEIRS)
    theirs.commit("theirs", "data/phases.yaml")
    theirs.git("push", "-q", "origin", "main")
    if driver is not None:
        ours.git("config", "merge.tracker.driver", driver)
    (ours.root / "data/phases.yaml").write_text(OURS)
    ours.commit("ours", "data/phases.yaml")
    return ours


def test_a_plan_git_left_unmerged_is_an_error_for_every_command_and_no_writer_writes(tmp_path: Path):
    repo = diverged(tmp_path, OLD_DRIVER)
    pulled = git(repo, "pull", "--no-rebase", "-q", "origin", "main")
    assert pulled.returncode == 1
    assert git(repo, "status", "--short").stdout == "UU data/phases.yaml\n"
    plan = repo.root / "data/phases.yaml"
    assert plan.read_text() == OURS  # one side alone, no markers: it loads

    error = (
        f"data/phases.yaml:1:1: error: git has not merged this file (the merge driver could not run: {GONE} is not "
        "there): it holds HEAD's side (git's stage 2) alone, the other side's changes are only in git's index, and "
        "'git add' would drop them; resolve it: run 'tracker git setup', then 'git checkout --merge -- "
        "data/phases.yaml' to merge it again with tracker's driver, check it and 'git add' it (or 'git add' it as "
        "it is to keep this side alone)\n"
    )
    named = ("-f", "data/phases.yaml")
    for _ in range(2):  # the second would be a replay, were the first recorded
        checked = run_tracker(*named, "validate", cwd=repo.root, env=ENV)
        assert (checked.returncode, checked.stdout) == (1, "")
        assert checked.stderr == error + "data/phases.yaml: 1 error\n"
        for shown in (("status",), ("status", "--json"), ("export", "csv")):
            said = run_tracker(*named, *shown, cwd=repo.root, env=ENV)
            assert (said.returncode, said.stdout, said.stderr) == (1, "", error), shown
    template = repo.root.parent / "mine.j2"  # a template of the user's own: the note is made, never replayed
    template.write_text("{{ project }}\n")
    for reading in (("coverage",), ("history",), ("history", "--json"), ("summary", "--template", str(template))):
        refused = run_tracker(*named, *reading, cwd=repo.root, env=ENV)
        assert (refused.returncode, refused.stdout, refused.stderr) == (1, "", error), reading
    # Every writer says nothing was written: the quick `set` and `add issue` (cli/quickset.py, from the parse
    # cache), and the CLI's, which the others and any option take.
    for change in (
        ("set", "1", "complete"),
        ("set", "1", "complete", "--owner", "dana"),
        ("add", "issue", "P", "Third"),
        ("add", "issue", "P", "Third", "--owner", "dana"),
        ("add", "phase", "Later"),
        ("session", "start"),
        ("session", "start", "--end-open"),
        ("session", "end"),
    ):
        refused = run_tracker(*named, *change, cwd=repo.root, env=ENV)
        assert (refused.returncode, refused.stdout) == (1, ""), change
        assert refused.stderr == error + "data/phases.yaml: error: nothing was written\n", change
        assert plan.read_text() == OURS

    # The way out the message gives: the driver set up again, git merges the file again with it.
    assert run_tracker("git", "setup", cwd=repo.root, env=ENV).returncode == 0
    assert git(repo, "checkout", "--merge", "--", "data/phases.yaml").returncode == 0
    assert plan.read_text() == BOTH
    assert git(repo, "status", "--short").stdout == "UU data/phases.yaml\n"  # merged, for the user to add
    assert run_tracker(*named, "validate", cwd=repo.root, env=ENV).returncode == 0
    assert run_tracker(*named, "set", "1", "complete", cwd=repo.root, env=ENV).returncode == 0


def test_a_writing_command_asks_git_once_whether_it_left_the_plan_unmerged(tmp_path: Path):
    """The `git ls-files --unmerged` set going as the plan is read answers for the load and every write the
    command makes (cli/context.load_to_write); git's own trace counts the processes."""
    _, repo = clones(tmp_path, PLAN.encode())
    trace = tmp_path / "trace.json"
    for command in (
        ("set", "1", "complete", "--owner", "dana"),  # two writes
        ("add", "phase", "Later"),
        ("session", "start"),
        ("session", "start", "--end-open", "--leave-uncommitted"),  # the open one ended, a new one started
    ):
        trace.unlink(missing_ok=True)
        done = run_tracker(*command, cwd=repo.root, env={**ENV, "GIT_TRACE2_EVENT": str(trace)})
        assert done.returncode == 0, done.stderr
        asked = [argv for argv in git_commands(trace) if argv[:2] == ["ls-files", "--unmerged"]]
        assert len(asked) == 1, command


def test_keeping_the_one_side_with_git_add_is_the_users_choice(tmp_path: Path):
    repo = diverged(tmp_path, OLD_DRIVER)
    assert git(repo, "pull", "--no-rebase", "-q", "origin", "main").returncode == 1
    assert run_tracker("validate", cwd=repo.root, env=ENV).returncode == 1
    repo.git("add", "data/phases.yaml")
    checked = run_tracker("validate", cwd=repo.root, env=ENV)
    assert checked.returncode == 0
    assert checked.stderr.endswith(
        f"warning: merge.tracker.driver runs {GONE}, which is not there (moved or removed): "
        "a pull that changes the plan on both sides leaves it unmerged; run 'tracker git setup' again to name this "
        "tracker\n"
    )


def test_in_a_rebase_the_file_is_named_as_the_side_being_merged_in_or_heads(tmp_path: Path):
    repo = diverged(tmp_path, OLD_DRIVER)
    assert git(repo, "pull", "--rebase", "-q", "origin", "main").returncode == 1
    assert (repo.root / "data/phases.yaml").read_text() == THEIRS  # the upstream side: yours is not in it
    checked = run_tracker("validate", cwd=repo.root, env=ENV)
    assert checked.returncode == 1
    assert "error: git has not merged this file" in checked.stderr
    assert "it holds HEAD's side (git's stage 2) alone" in checked.stderr


def test_the_driver_setup_writes_runs_the_tracker_on_path_once_its_install_has_moved(tmp_path: Path):
    # Set up by this tracker (`python -m tracker` here), whose interpreter then moved away.
    theirs, ours = clones(tmp_path, PLAN.encode())
    written = ours.git("config", "merge.tracker.driver")
    assert written.startswith(f"set -- {sys.executable} -m tracker;")
    moved = written.replace(sys.executable, "/old/venv/bin/python", 1)
    (theirs.root / "data/phases.yaml").write_text(THEIRS)
    theirs.commit("theirs", "data/phases.yaml")
    theirs.git("push", "-q", "origin", "main")
    ours.git("config", "merge.tracker.driver", moved)
    (ours.root / "data/phases.yaml").write_text(OURS)
    ours.commit("ours", "data/phases.yaml")
    on_path = Path(sys.executable).parent / "tracker"  # the console script of the same install
    assert on_path.is_file()
    env = {**os.environ, **ENV, "PATH": f"{on_path.parent}{os.pathsep}{os.environ['PATH']}"}
    import subprocess

    pulled = subprocess.run(
        ["git", "pull", "--no-rebase", "-q", "origin", "main"], cwd=ours.root, env=env, capture_output=True, text=True
    )
    assert pulled.returncode == 0, pulled.stderr
    assert (ours.root / "data/phases.yaml").read_text() == BOTH
    assert git(ours, "status", "--short").stdout == ""


def test_validate_warns_of_a_merge_driver_that_is_not_there_until_it_is_set_up_again(tmp_path: Path):
    _, repo = clones(tmp_path, PLAN.encode())
    config = repo.root / ".git/config"
    assert run_tracker("validate", cwd=repo.root, env=ENV).stderr == ""
    repo.git("config", "merge.tracker.driver", OLD_DRIVER)
    warned = run_tracker("validate", cwd=repo.root, env=ENV)
    assert warned.returncode == 0
    assert warned.stderr == (
        f"{config}: warning: merge.tracker.driver runs {GONE}, which is not there (moved or removed): a pull that "
        "changes the plan on both sides leaves it unmerged; run 'tracker git setup' again to name this tracker\n"
    )
    assert warned.stdout.endswith(": ok (1 warning)\n")
    assert run_tracker("validate", cwd=repo.root, env=ENV).stderr == warned.stderr  # replayed alike
    assert run_tracker("git", "setup", cwd=repo.root, env=ENV).returncode == 0
    assert run_tracker("validate", cwd=repo.root, env=ENV).stderr == ""

    # The program the driver names is watched too: its going is no replay of the verdict without it.
    program = tmp_path / "bin/tracker"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    repo.git(
        "config",
        "merge.tracker.driver",
        repo.git("config", "merge.tracker.driver").replace(sys.executable, str(program)),
    )
    assert run_tracker("validate", cwd=repo.root, env=ENV).stderr == ""
    program.unlink()
    warned = run_tracker("validate", cwd=repo.root, env=ENV)
    assert f"warning: merge.tracker.driver runs {program}, which is not there" in warned.stderr
    assert "a pull runs the 'tracker' on PATH instead, if there is one" in warned.stderr


def test_a_dashboard_reads_word_spares_the_write_asking_git_until_the_index_changes(tmp_path: Path):
    """The dashboard's writes take its git read's answer (git.Unmerged) while git's index (and, were sides of the
    plan in it, the plan) is as it was when asked: no `git ls-files --unmerged` for the write.  A merge since
    wrote a new index: the write asks git again, and the plan git left unmerged is refused."""
    from tracker.edit import SetIssueStatus, WriteRefused, apply
    from tracker.git import GitRepo, Unmerged
    from tracker.plan import load

    repo = diverged(tmp_path, OLD_DRIVER)
    plan = repo.root / "data/phases.yaml"
    with GitRepo.open(plan) as opened:
        index = opened.index_file
    time.sleep(0.05)  # the index, written by the commit, older than the racy window when git is asked
    asked = Unmerged(plan, index)
    assert asked.problem(str(plan)) is None and asked.holds(plan)
    trace = tmp_path / "trace.json"
    os.environ["GIT_TRACE2_EVENT"] = str(trace)
    try:
        apply(load(plan), SetIssueStatus("1", "audit"), unmerged=asked)  # the plan changed: git's word is the index's
        assert not trace.exists() or not git_commands(trace)  # no git at all for the write
        assert asked.holds(plan)
        repo.git("checkout", "--", "data/phases.yaml")  # the change undone, for the pull
        assert git(repo, "pull", "--no-rebase", "-q", "origin", "main").returncode == 1  # unmerged, a new index
        assert not asked.holds(plan)
        with pytest.raises(WriteRefused, match="git has not merged this file"):
            apply(load(plan), SetIssueStatus("1", "complete"), unmerged=asked)
        assert [argv[:2] for argv in git_commands(trace)].count(["ls-files", "--unmerged"]) == 1
    finally:
        del os.environ["GIT_TRACE2_EVENT"]
    assert plan.read_text() == OURS
