"""SIGTERM and SIGHUP while an output the user named is written (`summary -o`, `export -o`, the
dashboard's export): the temporary file beside it goes, and the process still ends by the signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import tracker_env
from terminal import Terminal
from tuiplan import make_plan_repo

PAUSE = {"TRACKER_TEST_PAUSE_AFTER_TEMP": "60", "TRACKER_NOW": "2026-01-15T09:30"}


def wait_for_temp(folder: Path, name: str, alive) -> None:
    deadline = time.monotonic() + 60
    while not list(folder.glob(f".{name}.tracker-*.tmp")):
        assert alive(), "the writer ended before it wrote its temporary file"
        assert time.monotonic() < deadline, "the writer never wrote its temporary file"
        time.sleep(0.02)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize(
    "args, name",
    [(("summary", "-o"), "out.md"), (("export", "html", "-o"), "out.html"), (("export", "csv", "-o"), "out.csv")],
)
def test_an_output_file_interrupted_by_a_signal_leaves_no_temporary_file(repo, signum, args, name):
    make_plan_repo(repo)
    out = repo.root / "out"
    out.mkdir()
    # A note replaces only its session's note, an export only an earlier export: made before (the note without
    # front matter, so that the one interrupted differs from it).
    again = ["--no-front-matter"] if name.endswith(".md") else []
    before = [sys.executable, "-m", "tracker", *args[:-1], *again, "-o", f"out/{name}"]
    subprocess.run(before, cwd=repo.root, env=tracker_env(TRACKER_NOW=PAUSE["TRACKER_NOW"]), check=True)
    previous = (out / name).read_bytes()
    writer = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args, f"out/{name}"],
        cwd=repo.root,
        env=tracker_env(**PAUSE),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_temp(out, name, lambda: writer.poll() is None)
        writer.send_signal(signum)
        assert writer.wait(timeout=30) == -signum, writer.communicate()
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert sorted(p.name for p in out.iterdir()) == [name]  # no temporary file
    assert (out / name).read_bytes() == previous


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_output_interrupted_takes_the_folders_made_for_it_away(repo, signum):
    make_plan_repo(repo)
    (repo.root / "notes").mkdir()  # there before: stays
    writer = subprocess.Popen(
        [sys.executable, "-m", "tracker", "summary", "-o", "notes/new/2026/out.md"],
        cwd=repo.root,
        env=tracker_env(**PAUSE),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_temp(repo.root / "notes" / "new" / "2026", "out.md", lambda: writer.poll() is None)
        writer.send_signal(signum)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert list((repo.root / "notes").iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_dashboard_exports_leaves_no_temporary_file(repo, signum):
    plan = make_plan_repo(repo)
    out = repo.root / "out"
    out.mkdir()
    terminal = Terminal(out, env={**PAUSE, "TRACKER_FILE": str(plan)})
    try:
        terminal.read_for(30, until=b"Video Checkpoints")  # the first frame, down to the last phase
        terminal.read_for(1)
        terminal.type(b"\x10")  # ctrl+p: the command palette
        terminal.read_for(5, until=b"Search")
        terminal.type(b"Export CSV")
        terminal.read_for(5, until=b"Export CSV")
        terminal.read_for(0.5)
        terminal.type(b"\r")
        terminal.read_for(10, until=b"Escape cancels")
        terminal.type(b"\r")  # the name offered: plan.csv
        deadline = time.monotonic() + 60
        while not list(out.glob(".plan.csv.tracker-*.tmp")) and time.monotonic() < deadline:
            terminal.read_for(0.05)
        assert list(out.glob(".plan.csv.tracker-*.tmp")), "the export never began"
        os.kill(terminal.pid, signum)
    finally:
        code = terminal.end(30)
    assert code == -signum  # ended by the signal, as without a write under way
    assert list(out.iterdir()) == []


def test_a_ctrl_c_held_through_a_step_is_raised_after_it_unless_the_step_is_already_ending_otherwise():
    from tracker.support.signals import Terminated, interrupt_held

    with pytest.raises(KeyboardInterrupt):  # held back, then raised once the step is done
        with interrupt_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)  # Python runs the handler between bytecodes: nothing raised here
    with pytest.raises(Terminated):  # a SIGTERM ending the step keeps its way out: not turned into a Ctrl+C
        with interrupt_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)
            raise Terminated(signal.SIGTERM)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize(
    "args, name, what",
    [
        (("summary", "-o"), "out.md", "the summary"),
        (("export", "html", "-o"), "out.html", "the html export"),
        (("export", "csv", "-o"), "out.csv", "the csv export"),
    ],
)
@pytest.mark.parametrize("moment", ["TRACKER_TEST_PAUSE_AFTER_TEMP", "TRACKER_TEST_PAUSE_AFTER_OUTPUT"])
def test_ctrl_c_says_whether_the_output_file_was_written(repo, args, name, what, moment):
    """Ctrl+C before the temporary file is renamed to the output's name, and in the moment after: the first
    leaves no file and says nothing was written; the second used to say so too, the file written. (The rename
    is made with Ctrl+C held, so no moment is between the two.)"""
    make_plan_repo(repo)
    out = repo.root / "out"
    out.mkdir()
    writer = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args, f"out/{name}"],
        cwd=repo.root,
        # The pause after the rename holds Ctrl+C as the rename does: it ends, then the Ctrl+C is raised.
        env=tracker_env(**{moment: "60" if moment.endswith("TEMP") else "3", "TRACKER_NOW": PAUSE["TRACKER_NOW"]}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        if moment == "TRACKER_TEST_PAUSE_AFTER_TEMP":
            wait_for_temp(out, name, lambda: writer.poll() is None)
        else:
            deadline = time.monotonic() + 60
            while not (out / name).exists():
                assert writer.poll() is None, writer.communicate()
                assert time.monotonic() < deadline, "the output was never replaced"
                time.sleep(0.02)
        writer.send_signal(signal.SIGINT)
        stdout, stderr = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    written = moment == "TRACKER_TEST_PAUSE_AFTER_OUTPUT"
    said = f"{what} was written to out/{name}" if written else "nothing was written"
    assert (writer.returncode, stderr, stdout) == (130, f"tracker: interrupted; {said}\n", "")
    assert sorted(p.name for p in out.iterdir()) == ([name] if written else [])
