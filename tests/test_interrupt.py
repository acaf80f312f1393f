"""Ctrl+C (SIGINT) at any moment of a `tracker set`: status 130 and one line saying whether the change was
written, never a traceback and never a temporary file, the plan the old one or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import tracker_env

SCRIPT = Path(sys.executable).parent / "tracker"  # the console script pyproject.toml defines, as a user runs it
NOTHING = "tracker: interrupted; nothing was written\n"
WRITTEN = "tracker: interrupted; the change above was written\n"
STARTING = "tracker: interrupted while starting; nothing was written\n"


def big_plan(folder: Path, issues: int) -> Path:
    """A plan big enough that a `set` takes a while: a Ctrl+C at a random moment lands in every part of it."""
    path = folder / "data" / "phases.yaml"
    path.parent.mkdir(parents=True)
    lines = ["project: Big", "phases:", "  - id: P1", "    title: One", "    issues:"]
    for n in range(1, issues + 1):
        lines += [
            f"      - id: {n}",
            f"        title: Issue {n}",
            "        status: not_started",
            "        steps:",
            f"          - {{title: Step of {n}, estimate: 30m, status: todo}}",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def interrupted_after(args: list[str], delay: float, env: dict) -> subprocess.CompletedProcess:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def test_ctrl_c_at_any_moment_of_a_set_says_what_it_left(tmp_path):
    """The user trial's loop: `kill -INT` at delays across the whole command, from its imports to its end."""
    path = big_plan(tmp_path, 3000)
    env = tracker_env(tmp_path / "cache", PYTHONFAULTHANDLER="1")  # a crash says where it was
    seen = set()
    for delay in (d / 100 for d in range(0, 200, 7)):
        before = path.read_bytes()
        now = "complete" if b"status: complete" in before else "not_started"
        wanted = "not_started" if now == "complete" else "complete"
        done = interrupted_after([str(SCRIPT), "--file", str(path), "set", "1", wanted], delay, env)
        after = path.read_bytes()
        if "init_import_site" in done.stderr or "<frozen site>" in done.stderr:
            # Python's own start (its site module, a virtualenv's .pth files), before tracker's first line
            seen.add("python")
            assert after == before
            continue
        assert "Traceback" not in done.stderr, (delay, done.stderr)
        assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"], delay  # no temporary, no lock
        assert after in (before, before.replace(f"status: {now}".encode(), f"status: {wanted}".encode(), 1))
        said = f"{path}: the status of issue #1: '{now}' -> '{wanted}'\n"
        if done.returncode == 0:
            seen.add("done")
            assert (done.stdout, done.stderr) == (said, "") and after != before, (delay, done)
        elif done.returncode == -signal.SIGINT:  # before Python set its handler: ended by the signal, silent
            seen.add("python")
            assert (done.stdout, done.stderr) == ("", "") and after == before, (delay, done)
        elif done.stderr == WRITTEN:
            seen.add("written")
            assert done.returncode == 130 and done.stdout == said and after != before, (delay, done)
        else:
            seen.add("nothing")
            assert done.returncode == 130, (delay, done)
            assert done.stderr in (NOTHING, STARTING) and done.stdout == "" and after == before, (delay, done)
    assert {"nothing", "done"} <= seen, seen


# Each a module first imported at a different moment: while the entry point loads the rest of the program,
# while the quick path (cli/quickset.py) starts, while it loads the writer, and while the click CLI loads.
@pytest.mark.parametrize(
    ("module", "args", "said"),
    [
        ("tracker.cli.launch", ["set", "4", "complete"], STARTING),
        ("tracker.cli.quickset", ["set", "4", "complete"], NOTHING),
        ("tracker.edit.writer", ["set", "4", "complete"], NOTHING),
        ("click", ["set", "4", "--owner", "eve"], NOTHING),
        ("tracker.edit.writer", ["set", "4", "--owner", "eve"], NOTHING),
    ],
)
def test_ctrl_c_while_a_module_is_imported_is_one_line_not_a_traceback(tmp_path, module, args, said):
    path = tmp_path / "data" / "phases.yaml"
    path.parent.mkdir()
    path.write_bytes((Path(__file__).parent.parent / "data" / "phases.yaml").read_bytes())
    before = path.read_bytes()
    # The console script's two lines, with a finder that sends SIGINT as `module` is first looked for.
    program = (
        "import os, signal, sys\n"
        "class Interrupting:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Interrupting())\n"
        "from tracker.__main__ import main\n"
        "sys.exit(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, "--file", str(path), *args],
        capture_output=True,
        text=True,
        env=tracker_env(tmp_path / "cache"),
        timeout=120,
    )
    assert (done.returncode, done.stderr, done.stdout) == (130, said, "")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


def test_ctrl_c_while_the_new_plan_waits_to_be_renamed_leaves_the_old_one(tmp_path):
    path = big_plan(tmp_path, 3)
    before = path.read_bytes()
    process = subprocess.Popen(
        [str(SCRIPT), "--file", str(path), "set", "1", "complete"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=tracker_env(tmp_path / "cache", TRACKER_TEST_PAUSE_AFTER_TEMP="60"),
    )
    deadline = time.monotonic() + 60
    while not list(path.parent.glob(".phases.yaml.tracker-*.tmp")) and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr, stdout) == (130, NOTHING, "")
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == ["phases.yaml"]
