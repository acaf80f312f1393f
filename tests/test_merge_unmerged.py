"""The merge driver `tracker git setup` writes outlives its install moving; `validate` warns of a driver that is
not there."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from conftest import run_tracker
from gitutil import ENV
from test_merge_driver import ISSUE_1, ISSUE_2, PLAN, clones, edit, git, status

GONE = "/old/venv/bin/tracker"
# What `tracker git setup` wrote before it fell back to the `tracker` on PATH, naming an install since moved.
OLD_DRIVER = f"{GONE} merge-file %O %A %B --path %P --marker-size %L --ours-label %X --theirs-label %Y"
THEIRS = edit(PLAN, status(ISSUE_1, "audit"))
OURS = edit(PLAN, status(ISSUE_2, "blocked"))
BOTH = edit(PLAN, status(ISSUE_1, "audit"), status(ISSUE_2, "blocked"))


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
