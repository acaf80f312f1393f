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
from conftest import BUNDLED_PLAN, tracker_env
from gitutil import make_repo

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
            # done: an issue marked done with a step open is said on stderr, which is not what this is about
            f"          - {{title: Step of {n}, estimate: 30m, status: done}}",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def interrupted_after(args: list[str], delay: float, env: dict) -> subprocess.CompletedProcess:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def signal_delays():
    """Every 70 ms over two seconds, a set's whole run here; then longer ones, which the loop below takes only
    until a set has ended before its signal: on a loaded machine (a parallel test run) the set can outlast them."""
    yield from (d / 100 for d in range(0, 200, 7))
    delay = 2.0
    while delay < 30:
        delay *= 1.5
        yield delay


def test_ctrl_c_at_any_moment_of_a_set_says_what_it_left(tmp_path):
    """The user trial's loop: `kill -INT` at delays across the whole command, from its imports to its end."""
    path = big_plan(tmp_path, 3000)
    env = tracker_env(tmp_path / "cache", PYTHONFAULTHANDLER="1")  # a crash says where it was
    seen = set()
    for delay in signal_delays():
        if delay > 2 and "done" in seen:
            break
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


# The console script's two lines, with a profiler that sends SIGINT as the function named first is first called
# (its qualified name: a Python function's, or a builtin's such as os._exit), from the function named after an @
# if one is.
AT_THE_CALL_OF = (
    "import os, signal, sys\n"
    "callee, _, caller = sys.argv.pop(1).partition('@')\n"
    "def profile(frame, event, arg):\n"
    "    called = frame.f_code.co_qualname if event == 'call' else getattr(arg, '__qualname__', '')\n"
    "    calling = (frame if event == 'c_call' else frame.f_back).f_code.co_qualname\n"
    "    if event in ('call', 'c_call') and called == callee and caller in ('', calling):\n"
    "        sys.setprofile(None)\n"
    "        os.kill(os.getpid(), signal.SIGINT)\n"
    "sys.setprofile(profile)\n"
    "from tracker.__main__ import main\n"
    "sys.exit(main())\n"
)
# The same, with the SIGINT sent as the function named returns: it is raised in its caller's next bytecodes.
AT_THE_RETURN_OF = AT_THE_CALL_OF.replace(
    "    if event in ('call', 'c_call') and called == callee and caller in ('', calling):\n",
    "    if event == 'return' and frame.f_code.co_qualname == callee and caller in ('', calling):\n",
)
# Where a Ctrl+C used to reach click's own handling (`Aborted!`, status 1) or the entry point's ("while starting;
# nothing was written", after the change was): click parsing the command line, before the command; click ending,
# after it; the process's end, after launch.py's run.
BEFORE = "Command.make_context"
AFTER = ("Context.exit", "_exit")
CLICKS = [
    # The quick path, falling back to the CLI: the plan is not in the parse cache yet.  (Not `complete`: an issue
    # marked done with steps open, as #4 has, is said on stderr after the change, which is not what these are about.)
    ("set", "4", "verified"),
    ("add", "issue", "P1", "New one"),  # the same
    ("set", "4", "--owner", "eve"),
    ("session", "start"),
    ("session", "end"),
    ("summary", "-o", "out.md"),
    ("export", "csv", "-o", "out.csv"),
]


def _interrupted_at(moment: str, folder: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess:
    return _interrupting(AT_THE_CALL_OF, folder, (moment, *args))


def _interrupting(program: str, folder: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess:
    """`program` (the console script's two lines, with what sends the SIGINT) run in `folder` with `args`."""
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=tracker_env(folder.parent / "cache"),
        timeout=120,
    )


def _repo_with_plan(folder: Path, args: tuple[str, ...]) -> Path:
    """A repository with the bundled plan committed (and a session open for `session end`); the plan's path."""
    repo = make_repo(folder)
    path = repo.write("data/phases.yaml", BUNDLED_PLAN.read_text(encoding="utf-8"))
    repo.commit("plan")
    if args[:2] == ("session", "end"):
        started = subprocess.run(
            [str(SCRIPT), "session", "start"], cwd=folder, capture_output=True, env=tracker_env(folder.parent / "cache")
        )
        assert started.returncode == 0, started
        repo.commit("session")
    return path


@pytest.mark.parametrize("args", CLICKS, ids=" ".join)
def test_ctrl_c_while_click_parses_says_nothing_was_written(tmp_path, args):
    path = _repo_with_plan(tmp_path / "repo", args)
    before = path.read_bytes()
    done = _interrupted_at(BEFORE, tmp_path / "repo", args)
    # summary and export -o FILE too, though click has not yet read their -o (it said only "interrupted")
    assert (done.returncode, done.stderr, done.stdout) == (130, NOTHING, "")
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path / "repo")) == [".git", "data"]  # no output file either
    assert sorted(os.listdir(path.parent)) == ["phases.yaml"]


@pytest.mark.parametrize("args", [("summary",), ("export", "csv", "-o", "-"), ("summary", "-o", "x.md", "-o", "-")])
def test_ctrl_c_while_click_parses_a_command_writing_to_stdout_says_only_interrupted(tmp_path, args):
    """A command that writes no file says nothing of what was written (launch._writes_a_file)."""
    _repo_with_plan(tmp_path / "repo", args)
    done = _interrupted_at(BEFORE, tmp_path / "repo", args)
    assert (done.returncode, done.stderr, done.stdout) == (130, "tracker: interrupted\n", "")


@pytest.mark.parametrize("moment", AFTER)
@pytest.mark.parametrize("args", CLICKS, ids=" ".join)
def test_ctrl_c_once_the_command_has_ended_leaves_it_done(tmp_path, args, moment):
    """Too late to stop anything: the command ends as it would have, its status and its words, nothing more."""
    path = _repo_with_plan(tmp_path / "repo", args)
    before = path.read_bytes()
    done = _interrupted_at(moment, tmp_path / "repo", args)
    assert (done.returncode, done.stderr) == (0, ""), done
    if args[0] in ("summary", "export"):
        assert done.stdout == "" and path.read_bytes() == before
        assert (tmp_path / "repo" / args[-1]).stat().st_size > 0
    else:
        assert done.stdout.startswith(f"{path}: ") and done.stdout.count("\n") == 1, done
        assert path.read_bytes() != before


@pytest.mark.parametrize("moment", ("TextIOWrapper.flush", "_exit"))
@pytest.mark.parametrize("args", [("set", "4", "verified"), ("add", "issue", "P1", "New one")], ids=" ".join)
def test_ctrl_c_as_the_quick_path_ends_says_the_change_was_written(tmp_path, args, moment):
    """cli/quickset.py's answer, its line flushed as the process ends: the change was made."""
    path = _repo_with_plan(tmp_path / "repo", args)
    warmed = subprocess.run([str(SCRIPT), "status"], cwd=path.parent.parent, env=tracker_env(tmp_path / "cache"))
    assert warmed.returncode == 0  # the plan now in the parse cache: the quick path answers
    before = path.read_bytes()
    done = _interrupted_at(moment, tmp_path / "repo", args)
    assert done.stdout.startswith(f"{path}: ") and done.stdout.count("\n") == 1, done
    assert (done.returncode, done.stderr) in ((0, ""), (130, WRITTEN)), done
    assert path.read_bytes() != before
    assert sorted(os.listdir(path.parent)) == ["phases.yaml"]


@pytest.mark.parametrize("args", [("set", "4", "complete"), ("export", "csv", "-o", "out.csv")], ids=" ".join)
def test_ctrl_c_as_a_temporary_file_is_closed_removes_it(tmp_path, args):
    """After write_temp's own `try` and before its caller's: signals.made noted the file, and it goes."""
    path = _repo_with_plan(tmp_path / "repo", args)
    before = path.read_bytes()
    done = _interrupted_at("close@write_temp", tmp_path / "repo", args)
    assert (done.returncode, done.stderr, done.stdout) == (130, NOTHING, "")
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path / "repo")) == [".git", "data"]
    assert sorted(os.listdir(path.parent)) == ["phases.yaml"]


# A Ctrl+C inside a module's import, mid-way through its code: as the standard library's platform (which msgspec
# loads through uuid) builds a class, Python reports it as a RuntimeError with a traceback, status 1; in
# msgspec's own start it crashed the process (SIGSEGV). faces holds it until the import is done.
IN_AN_IMPORT = (
    "import os, signal, sys\n"
    "def profile(frame, event, arg):\n"
    "    if event == 'call' and frame.f_code.co_name == '__set_name__' and frame.f_back is not None\\\n"
    "            and frame.f_back.f_globals.get('__name__') == 'platform':\n"
    "        sys.setprofile(None)\n"
    "        os.write(2, b'interrupting\\n')\n"
    "        os.kill(os.getpid(), signal.SIGINT)\n"
    "sys.setprofile(profile)\n"
    "from tracker.__main__ import main\n"
    "sys.exit(main())\n"
)


@pytest.mark.parametrize("args", [("set", "4", "complete"), ("set", "4", "--owner", "eve")], ids=" ".join)
def test_ctrl_c_in_the_middle_of_an_import_is_said_once_the_import_is_done(tmp_path, args):
    path = _repo_with_plan(tmp_path / "repo", args)
    before = path.read_bytes()
    done = _interrupting(IN_AN_IMPORT, tmp_path / "repo", args)
    # "interrupting": the moment came (platform was imported by this command), else the test proves nothing
    assert (done.returncode, done.stderr, done.stdout) == (130, "interrupting\n" + NOTHING, "")
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == ["phases.yaml"]


@pytest.mark.parametrize("quick", [True, False], ids=["quick path", "click"])
@pytest.mark.parametrize(
    "args", [("set", "4", "complete"), ("add", "issue", "P1", "New one"), ("session", "start")], ids=" ".join
)
def test_ctrl_c_as_the_writer_returns_says_the_change_was_written(tmp_path, args, quick):
    """In the bytecodes after edit.apply returned and before its caller noted the change, a Ctrl+C said
    "nothing was written" over a plan that had changed: the writer notes it now, in the step of its rename."""
    path = _repo_with_plan(tmp_path / "repo", args)
    if quick:  # the plan in the parse cache: cli/quickset.py writes set and add; session start has no quick path
        warmed = subprocess.run([str(SCRIPT), "status"], cwd=path.parent.parent, env=tracker_env(tmp_path / "cache"))
        assert warmed.returncode == 0
    before = path.read_bytes()
    done = _interrupting(AT_THE_RETURN_OF, tmp_path / "repo", ("apply", *args))
    assert (done.returncode, done.stderr) == (130, WRITTEN), done
    assert done.stdout.startswith(f"{path}: ") and done.stdout.count("\n") == 1, done
    assert path.read_bytes() != before
    assert sorted(os.listdir(path.parent)) == ["phases.yaml"]


# SIGINT as the writer returns, then again as the change's line is being said (people press Ctrl+C twice).  The
# second is sent from one_line, not from the profiler: an exception raised inside a profile function removes it.
TWICE_AS_THE_WRITER_RETURNS = (
    "import os, signal, sys\n"
    "import tracker.support.textsafe as textsafe\n"
    "sent = []\n"
    "real = textsafe.one_line\n"
    "def one_line(text):\n"
    "    if sent == ['first']:\n"
    "        sent.append('again')\n"
    "        os.write(2, b'again\\n')\n"
    "        os.kill(os.getpid(), signal.SIGINT)\n"
    "    return real(text)\n"
    "textsafe.one_line = one_line\n"
    "def profile(frame, event, arg):\n"
    "    if event == 'return' and frame.f_code.co_qualname == 'apply':\n"
    "        sys.setprofile(None)\n"
    "        sent.append('first')\n"
    "        os.kill(os.getpid(), signal.SIGINT)\n"
    "sys.setprofile(profile)\n"
    "from tracker.__main__ import main\n"
    "sys.exit(main())\n"
)


@pytest.mark.parametrize("quick", [True, False], ids=["quick path", "click"])
def test_a_second_ctrl_c_while_the_written_change_is_said_still_says_it_was_written(tmp_path, quick):
    """The line said after a Ctrl+C that came as the writer returned: a second one meanwhile said "nothing was
    written" over the changed plan (launch.said_once_written)."""
    args = ("set", "4", "verified")
    path = _repo_with_plan(tmp_path / "repo", args)
    if quick:
        warmed = subprocess.run([str(SCRIPT), "status"], cwd=path.parent.parent, env=tracker_env(tmp_path / "cache"))
        assert warmed.returncode == 0
    before = path.read_bytes()
    done = _interrupting(TWICE_AS_THE_WRITER_RETURNS, tmp_path / "repo", args)
    assert (done.returncode, done.stderr) == (130, "again\n" + WRITTEN), done  # "again": the second one was sent
    assert done.stdout.startswith(f"{path}: ") and done.stdout.count("\n") == 1, done
    assert path.read_bytes() != before


# The commands that start a plan or set git up: each writes files of its own, not through the plan's writer.
RESOLVED = (
    Path(__file__).parent / "data" / "oscal" / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json"
)
STARTERS = [("init",), ("init", "--git-lines"), ("import", "oscal", str(RESOLVED)), ("git", "setup")]


def _repo_for(folder: Path, args: tuple[str, ...]) -> Path:
    """An empty repository for init and import (they make the plan), one with the plan for git setup (and set up
    for --undo); the repository."""
    if args[0] != "git":
        make_repo(folder)
        return folder
    _repo_with_plan(folder, args)
    if "--undo" in args:
        done = subprocess.run([str(SCRIPT), "git", "setup"], cwd=folder, env=tracker_env(folder.parent / "cache"))
        assert done.returncode == 0
    return folder


def _state(repo: Path) -> tuple[list[str], str]:
    """The repository's files (recursively, .git aside) and its merge.tracker config."""
    files = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if ".git" not in p.relative_to(repo).parts[:1])
    config = subprocess.run(
        ["git", "config", "--local", "--get-regexp", r"^merge\.tracker\."], cwd=repo, capture_output=True, text=True
    )
    return files, config.stdout


@pytest.mark.parametrize("moment", [BEFORE, "write_temp"])
@pytest.mark.parametrize("args", STARTERS, ids=lambda args: " ".join(args[:2]))
def test_ctrl_c_before_a_starter_writes_says_nothing_was_written(tmp_path, args, moment):
    """init, import oscal and git setup said only "interrupted", the words of a command that writes no file."""
    repo = _repo_for(tmp_path / "repo", args)
    before = _state(repo)
    done = _interrupted_at(moment, repo, args)
    assert (done.returncode, done.stderr, done.stdout) == (130, NOTHING, "")
    assert _state(repo) == before


@pytest.mark.parametrize(
    ("program", "moment", "args", "said"),
    [
        # the plan linked into place, its folder being synced: the schema is not written
        (AT_THE_CALL_OF, "sync_folder", ("init",), ["wrote data/phases.yaml (template blank)"]),
        (AT_THE_RETURN_OF, "write_plan", ("init",), ["wrote data/phases.yaml (", "wrote data/phases.schema.json"]),
        (
            AT_THE_RETURN_OF,
            "add_git_lines",
            ("init", "--git-lines"),
            [
                "wrote data/phases.yaml (",
                "wrote data/phases.schema.json",
                "added tracker's lines to ",
                "added tracker's lines to ",
            ],
        ),
        (AT_THE_CALL_OF, "sync_folder", ("import", "oscal", str(RESOLVED)), ["wrote data/phases.yaml: "]),
        (AT_THE_RETURN_OF, "write_plan", ("import", "oscal", str(RESOLVED)), ["wrote data/phases.yaml: "]),
        (AT_THE_CALL_OF, "sync_folder", ("git", "setup"), ["added to "]),
        (AT_THE_RETURN_OF, "set_up_merge", ("git", "setup"), ["added to ", "set git config ", "set git config "]),
        (AT_THE_RETURN_OF, "undo_merge", ("git", "setup", "--undo"), ["removed from ", "removed git config section"]),
    ],
    ids=[
        "init, in sync_folder",
        "init, as write_plan returns",
        "init --git-lines, as add_git_lines returns",
        "import oscal, in sync_folder",
        "import oscal, as write_plan returns",
        "git setup, in sync_folder",
        "git setup, as set_up_merge returns",
        "git setup --undo, as undo_merge returns",
    ],
)
def test_ctrl_c_once_a_starter_has_written_says_what_it_wrote(tmp_path, program, moment, args, said):
    """A change in place is said by its line, then "the change above was written"; the changes after it are not
    made (the schema, the config), as the lines show."""
    repo = _repo_for(tmp_path / "repo", args)
    done = _interrupting(program, repo, (moment, *args))
    assert (done.returncode, done.stderr) == (130, WRITTEN), done
    lines = done.stdout.splitlines()
    assert [line[: len(start)] for line, start in zip(lines, said, strict=False)] == said, done.stdout
    assert len(lines) == len(said), done.stdout
    files, config = _state(repo)
    assert not any(name.endswith(".tmp") for name in files)
    if args[0] == "init":
        assert ("schema.json" in done.stdout) == any("schema.json" in name for name in files)
    if args[:2] == ("git", "setup"):
        assert ("merge.tracker" in config) == (len(said) == 3)
