"""SIGTERM and SIGHUP reach the dashboard while a worker thread writes the plan: it cleans up first."""

from __future__ import annotations

import os
import signal
import time

import pytest
from terminal import Terminal
from tuiplan import make_plan_repo


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_dashboard_writes_leaves_no_temporary_file_and_no_lock(repo, signum):
    plan = make_plan_repo(repo)
    before = plan.read_bytes()
    names = sorted(p.name for p in plan.parent.iterdir())
    # The worker writes its temporary file, then waits there, holding the lock.
    terminal = Terminal(plan.parent.parent, env={"TRACKER_TEST_PAUSE_AFTER_TEMP": "60"})
    try:
        terminal.read_for(30, until=b"Video Checkpoints")  # the first frame, down to the last phase
        terminal.read_for(1)
        terminal.down(5)  # P1, 1, 2, 3, P2, then issue 4
        terminal.type(b"n")
        deadline = time.monotonic() + 30
        while not list(plan.parent.glob(".phases.yaml.tracker-*.tmp")) and time.monotonic() < deadline:
            terminal.read_for(0.05)
        assert list(plan.parent.glob(".phases.yaml.tracker-*.tmp")), "the write never began"
        assert (plan.parent / "phases.yaml.lock").exists()
        os.kill(terminal.pid, signum)
    finally:
        code = terminal.end(30)
    assert code == -signum  # ended by the signal, as without a write under way
    assert plan.read_bytes() == before
    assert sorted(p.name for p in plan.parent.iterdir()) == names  # no temporary file, no lock
