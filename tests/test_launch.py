"""The `tracker` program answers a plain repeated `tracker status` before importing the CLI, with the same bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import tracker_env, wait_until_settled
from gitutil import make_repo

from tracker.cli.discovery import DEFAULT_MAX_BYTES
from tracker.cli.launch import plain_status

PLAN = """\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: complete
        deliverables:
          - path: src/retry.js
"""

NO = {"json": False, "ascii": False, "files": False}


@pytest.mark.parametrize(
    "args, found",
    [
        (["status"], (None, DEFAULT_MAX_BYTES, NO)),
        (["--file", "p.yaml", "status", "--json"], ("p.yaml", DEFAULT_MAX_BYTES, {**NO, "json": True})),
        (
            ["-f", "p.yaml", "--max-bytes", "99", "status", "--files", "--ascii"],
            ("p.yaml", 99, {"json": False, "ascii": True, "files": True}),
        ),
        (["-f", "a", "-f", "b", "status"], ("b", DEFAULT_MAX_BYTES, NO)),  # the last one, as click takes it
        (["status", "p.yaml", "--json"], ("p.yaml", DEFAULT_MAX_BYTES, {**NO, "json": True})),
        (["status", "--file", "p.yaml", "--max-bytes", "99"], ("p.yaml", 99, NO)),
        (["-f", "p.yaml", "status", "p.yaml"], ("p.yaml", DEFAULT_MAX_BYTES, NO)),
        (["status", "-f", "a", "--files"], ("a", DEFAULT_MAX_BYTES, {**NO, "files": True})),
    ],
)
def test_plain_status_command_lines_are_recognised(args, found):
    assert plain_status(args) == found


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["validate"],
        ["status", "--help"],
        ["status", "-h"],
        ["--help", "status"],
        ["--version"],
        ["--file=p.yaml", "status"],
        ["-fp.yaml", "status"],
        ["--file", "status"],
        ["--file", "--json", "status"],
        ["--max-bytes", "0", "status"],
        ["--max-bytes", "1e3", "status"],
        ["--max-bytes", "٣", "status"],
        ["status", "--json", "a.yaml", "b.yaml"],
        ["-f", "a.yaml", "status", "b.yaml"],
        ["status", "--", "--json"],
        ["status", "--jso"],
        ["stat"],
        ["-f"],
        ["status", "--json", "--files"],
    ],
)
def test_anything_else_goes_to_the_cli(args):
    assert plain_status(args) is None


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A repository whose files are older than the answer cache's two-second guard."""
    root = tmp_path_factory.mktemp("launch")
    repo = make_repo(root / "repo")
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry();\n")
    repo.commit("First")
    wait_until_settled()
    env = tracker_env(root / "cache")
    env.pop("PYTHONUNBUFFERED", None)  # output waits in buffers, as on users' machines: main() must flush it
    return {"root": repo.root, "env": env}


def tracker(settled: dict, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "tracker", *args]
    return subprocess.run(command, cwd=settled["root"], env=settled["env"], capture_output=True)


WHICH_PATH = (
    "import sys\n"
    "sys.argv = ['tracker', *sys.argv[1:]]\n"
    "from tracker.cli.launch import run\n"
    "status = run()\n"
    "sys.stderr.write(' '.join(f'{name} {\"loaded\" if name in sys.modules else \"not loaded\"}'\n"
    "                          for name in ('click', 'tracker.git.links')))\n"
    "sys.exit(status)\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("status", "--json"),
        ("--file", "data/phases.yaml", "status", "--files"),
    ],
)
def test_a_status_is_answered_without_the_cli_and_replayed_without_linking(settled: dict, args: tuple[str, ...]):
    first = tracker(settled, *args, code=WHICH_PATH)
    assert first.returncode == 0 and first.stderr == b"click not loaded tracker.git.links loaded", first.stderr
    again = tracker(settled, *args, code=WHICH_PATH)
    assert again.returncode == 0 and again.stderr == b"click not loaded tracker.git.links not loaded"
    assert again.stdout == first.stdout == tracker(settled, *args).stdout
    # The CLI's own `status` answers with the same bytes.
    from_cli = tracker(settled, *args, code="import sys; from tracker.cli.commands import main; main(sys.argv[1:])")
    assert from_cli.returncode == 0 and from_cli.stdout == first.stdout


def test_a_closed_pipe_ends_quietly(settled: dict):
    tracker(settled, "status", "--json")
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "status", "--json"],
        cwd=settled["root"],
        env=settled["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # before the answer is written
    stderr = process.stderr.read()
    assert process.wait() == 1 and b"Traceback" not in stderr, stderr


@pytest.mark.parametrize("text, code", [(PLAN.replace("Fixes", "Größen"), 0), ("project: X\nphäses: []\n", 1)])
def test_an_ascii_stream_gets_utf_8_as_from_the_cli(tmp_path: Path, text: str, code: int):
    plan = tmp_path / "phases.yaml"
    plan.write_text(text)
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    answered = subprocess.run(
        [sys.executable, "-m", "tracker", "--file", str(plan), "status"], env=env, capture_output=True
    )
    through_click = subprocess.run(
        [sys.executable, "-c", "from tracker.cli.commands import main; main()", "--file", str(plan), "status"],
        env=env,
        capture_output=True,
    )
    assert answered.returncode == through_click.returncode == code, answered.stderr
    assert (answered.stdout, answered.stderr) == (through_click.stdout, through_click.stderr)
    assert "Größen".encode() in answered.stdout or "phäses".encode() in answered.stderr


def test_a_closed_pipe_while_an_answer_is_computed_leaves_no_half_entry(tmp_path: Path):
    repo = make_repo(tmp_path / "repo")
    issues = "".join(f"      - {{id: {n}, title: Issue {n}, status: complete}}\n" for n in range(1, 301))
    repo.write("data/phases.yaml", "project: Big\nphases:\n  - id: P1\n    title: All\n    issues:\n" + issues)
    repo.commit("plan")
    env = tracker_env(tmp_path / "cache")
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "status", "--json"],
        cwd=repo.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the answer (60 kB) fails on its first full buffer
    stderr = process.stderr.read()
    assert process.wait() == 1 and b"Traceback" not in stderr, stderr
    assert (tmp_path / "cache" / "tracker").is_dir()  # it got as far as the answer
    assert [p.name for p in (tmp_path / "cache" / "tracker").iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("command", ["status", "validate"])
def test_ctrl_c_while_a_status_is_computed_says_only_that_it_was_interrupted(tmp_path: Path, command: str):
    """Neither command writes a file: it used to say "nothing was written" as a writer does, as if it might have.
    tracker is held inside git, whose fsmonitor hook says it was called and then waits (60 s at most) for
    the test to let it go: Ctrl+C comes while the answer is being computed, for sure."""
    repo = make_repo(tmp_path / "repo")
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry()\n")
    repo.commit("plan")
    called, release = tmp_path / "called", tmp_path / "release"
    hook = tmp_path / "hook.sh"
    hook.write_text(
        f"#!/bin/sh\n: > '{called}'\nfor _ in $(seq 600); do [ -e '{release}' ] && exit 0; sleep 0.1; done\n"
    )
    hook.chmod(0o755)
    subprocess.run(["git", "config", "core.fsmonitor", str(hook)], cwd=repo.root, check=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", command],
        cwd=repo.root,
        env=tracker_env(tmp_path / "cache"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        while not called.exists():
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        release.touch()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and stderr == b"tracker: interrupted\n", stderr


def test_a_plan_that_is_not_found_is_the_cli_s_error(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "status"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert done.returncode == 1 and "no data/phases.yaml" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [("--version",), ("validate",), ("status",), ("status", "--json")])
def test_output_that_cannot_be_written_is_one_error_line_and_status_1(settled: dict, args):
    tracker(settled, *args)  # a status is then replayed: written without click, flushed at the end only
    with open("/dev/full", "wb") as full:  # every write fails: No space left on device
        done = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            cwd=settled["root"],
            env=settled["env"],
            stdout=full,
            stderr=subprocess.PIPE,
        )
    assert done.returncode == 1, done.stderr
    assert done.stderr.endswith(b"tracker: error: cannot write the output: No space left on device\n"), done.stderr


@pytest.mark.parametrize(
    "args, code", [(("--version",), 0), (("status",), 0), (("status",), 0), (("no-such-command",), 2)]
)
def test_a_closed_stdout_is_no_traceback(settled: dict, args, code):
    # Started with descriptor 1 closed (as from cron or a daemon): sys.stdout is None.
    done = subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=settled["root"],
        env=settled["env"],
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == code and b"Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    "args, code, out, err",
    [
        (("--version",), 0, b"tracker", b""),
        (("no-such-command",), 2, b"", b"No such command"),
        (("--file", "missing.yaml", "validate"), 1, b"", b"missing.yaml"),
        (("status", "--json", "--files"), 2, b"", b"use one of --json and --files"),
        (("status",), 0, b"Fixes", b""),  # replayed after the first: written by tracker, not click, then flushed
        (("status",), 0, b"Fixes", b""),
    ],
)
def test_the_program_ends_with_the_command_s_status_and_all_its_output(settled: dict, args, code, out, err):
    done = tracker(settled, *args)  # main() ends the process with os._exit: the streams must be flushed first
    assert done.returncode == code and out in done.stdout and err in done.stderr, done
    assert b"Traceback" not in done.stderr


GC_AFTER = (
    "import gc, sys\n"
    "sys.argv = ['tracker', *sys.argv[1:]]\n"
    "from tracker.cli.launch import run\n"
    "gc.disable()\n"  # as main() starts
    "status = run()\n"
    "sys.stderr.write(f'gc on: {gc.isenabled()}, frozen: {gc.get_freeze_count() > 0}')\n"
    "sys.exit(status)\n"
)


@pytest.mark.parametrize(
    "args", [("-f", "data/phases.yaml", "validate", "--strict"), ("status", "--ascii")]
)  # no other test records these
def test_a_command_turns_the_cyclic_gc_back_on_once_the_plan_is_loaded_and_frozen(settled: dict, args):
    done = tracker(settled, *args, code=GC_AFTER)
    assert done.returncode == 0 and done.stderr.endswith(b"gc on: True, frozen: True"), done.stderr


def test_a_plan_named_with_a_trailing_slash_is_the_plan_as_path_spells_it(monkeypatch: pytest.MonkeyPatch):
    from tracker.cli.discovery import find_plan, find_plan_name

    assert find_plan_name("data/phases.yaml/") == "data/phases.yaml" == str(find_plan("data/phases.yaml/"))
    monkeypatch.setenv("TRACKER_FILE", "/srv/plan.yaml/")
    assert find_plan_name() == "/srv/plan.yaml" == str(find_plan())


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root looks into any folder")
def test_a_nearer_plan_folder_that_cannot_be_looked_into_is_an_error_not_skipped(tmp_path: Path):
    """Else `tracker status` in sub/ would quietly show the plan of the folder above."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "phases.yaml").write_text(PLAN)
    locked = tmp_path / "sub" / "data"
    locked.mkdir(parents=True)
    locked.chmod(0)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "status"], cwd=tmp_path / "sub", capture_output=True, text=True
        )
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1 and "Permission denied" in done.stderr and "Shop" not in done.stdout


@pytest.mark.parametrize(
    "kind, said", [("folder", "this is a folder"), ("fifo", "this is a FIFO"), ("loop", "symbolic links")]
)
def test_a_nearer_plan_name_that_is_not_a_file_is_reported_not_skipped(tmp_path: Path, kind: str, said: str):
    """Else `tracker set` in sub/ would quietly change the plan of the folder above."""
    make_repo(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "phases.yaml").write_text(PLAN)
    nearer = tmp_path / "sub" / "data" / "phases.yaml"
    nearer.parent.mkdir(parents=True)
    if kind == "folder":
        nearer.mkdir()
    elif kind == "fifo":
        os.mkfifo(nearer)
    else:
        nearer.symlink_to("phases.yaml")
    for args in (["status"], ["set", "1", "todo"]):
        done = subprocess.run(
            [sys.executable, "-m", "tracker", *args], cwd=tmp_path / "sub", capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(f"{nearer}: error: ") and said in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert (tmp_path / "data" / "phases.yaml").read_text() == PLAN
