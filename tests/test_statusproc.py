"""The `git status` a replayed answer starts (git/statusproc.py, posix_spawn): git gets no descriptor
tracker's own parent left open, as linking's git (subprocess, close_fds) gets none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tracker_env
from gitutil import Repo
from test_replayed_verdicts import PLAN, PROGRAM, TODAY


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists a process's descriptors through /proc")
def test_git_gets_no_descriptor_left_open_by_trackers_parent(repo: Repo, tmp_path: Path):
    repo.write("data/phases.yaml", PLAN)
    repo.commit("The plan")
    seen = tmp_path / "seen"
    wrapper = tmp_path / "bin" / "git"  # first on PATH: lists what git would be given, then runs it
    wrapper.parent.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True).stdout.strip()
    wrapper.write_text(f'#!/bin/sh\necho "$* :: $(ls /proc/$$/fd | tr "\\n" " ")" >> {seen}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    env = tracker_env(TRACKER_NOW=TODAY, PATH=f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    left_open = os.open(tmp_path / "secret", os.O_RDWR | os.O_CREAT)  # what a parent may leave behind
    try:
        for _ in range(2):  # computed (the recorder's status and linking's processes), then replayed
            done = subprocess.run(
                [sys.executable, "-c", PROGRAM, "status"],
                cwd=repo.root,
                env=env,
                capture_output=True,
                pass_fds=(left_open,),
            )
            assert done.returncode == 0, done.stderr
    finally:
        os.close(left_open)
    calls = seen.read_text().splitlines()
    statuses = [call for call in calls if " status --porcelain=v2" in call]
    assert len(statuses) >= 3, calls  # the computed run's two and the replay's one
    for call in calls:
        assert str(left_open) not in call.split(" :: ")[1].split(), call
