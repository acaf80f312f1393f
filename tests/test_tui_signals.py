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


def test_q_twice_during_a_write_says_in_the_terminal_that_it_finishes_the_write(repo):
    """`q` waits for the write under way, and a second `q` closes the screen at once: the process then waited
    for the write with nothing shown (30 s at 100,000 issues under load). It says what it waits for, and how
    the write ended."""
    plan = make_plan_repo(repo)
    before = plan.read_bytes()
    terminal = Terminal(plan.parent.parent, env={"TRACKER_TEST_PAUSE_BEFORE_RENAME": "8"})
    try:
        terminal.read_for(30, until=b"Video Checkpoints")
        terminal.read_for(1)
        terminal.down(5)  # issue 4
        terminal.type(b"n")
        deadline = time.monotonic() + 30
        while not list(plan.parent.glob(".phases.yaml.tracker-*.tmp")) and time.monotonic() < deadline:
            terminal.read_for(0.05)
        terminal.type(b"q")
        terminal.read_for(0.5)  # "Quitting once 1 write ends; press again to quit now."
        terminal.type(b"q")
        terminal.read_for(20, until=b"ends\xe2\x80\xa6\r\n")
        said = terminal.seen
    finally:
        code = terminal.end(30)
    # Said once the screen is gone, before the write ends (it is held 8 s), then how it ended.
    line = b"tracker: quitting once 1 write to phases.yaml ends\xe2\x80\xa6\r\n"
    assert said.endswith(line)
    assert terminal.seen.endswith(line + b"tracker: written\r\n")
    assert code == 0
    assert plan.read_bytes() != before
