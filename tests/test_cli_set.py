"""`tracker set` and `tracker session start` as whole processes: exit codes, messages, concurrency, crashes."""

from __future__ import annotations

import datetime
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_tracker

from tracker.edit.writer import SetIssueStatus, apply
from tracker.plan.loader import load
from tracker.support import stablefile

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "phases.yaml"


def start(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def bundled_copy(folder: Path) -> Path:
    path = folder / "data" / "phases.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(BUNDLED.read_bytes())
    return path


TWELVE = "# twelve writers at once\nproject: P\nphases:\n  - id: P1\n    title: One\n    issues:\n" + "".join(
    f"      - id: {n}   # issue {n}\n        title: Issue {n}\n        status: not_started\n\n" for n in range(1, 13)
)


def wait_for_temp(folder: Path, proc: subprocess.Popen) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        temps = list(folder.glob(".phases.yaml.tracker-*.tmp"))
        if temps:
            return temps[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    raise AssertionError("the writer never wrote its temporary file")


def test_set_changes_one_line_of_the_bundled_plan(repo):
    path = bundled_copy(repo.root)
    repo.commit("plan")

    done = run_tracker("set", "4", "complete", cwd=repo.root)

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{path}: the status of issue #4: 'audit' -> 'complete'\n"
    assert repo.git("diff", "--numstat") == "1\t1\tdata/phases.yaml"
    assert load(path).project.find_issue(4)[1].status == "complete"


def test_set_done_with_steps_open_says_so_on_stderr_after_writing(repo):
    """`set 4 complete` on an issue with open steps passed without a word, where the dashboard asks first and
    `status` and `validate --strict` flag it after: the change is made, stdout and the exit status as ever, and
    stderr says what is open and where, on the click path and the quick one (cli/quickset.py) alike."""
    from conftest import wait_until_settled

    path = bundled_copy(repo.root)
    repo.commit("plan")
    warning = (
        f"{path}:88:11: warning: issue #4 is marked complete but 5 of its steps are not done (its steps are "
        "listed here); finish them (tracker set 4 --step N done) or reopen it\n"
    )
    for _ in range(2):  # the second from the parse cache the first left: the quick path
        done = run_tracker("set", "4", "complete", cwd=repo.root)
        assert (done.returncode, done.stdout, done.stderr) == (
            0,
            f"{path}: the status of issue #4: 'audit' -> 'complete'\n",
            warning,
        )
        assert load(path).project.find_issue(4)[1].status == "complete"
        assert run_tracker("set", "4", "audit", cwd=repo.root).stderr == ""  # not done: nothing to say
        wait_until_settled()


def test_set_a_step_counts_from_one_and_a_deliverable_by_path(repo):
    path = bundled_copy(repo.root)
    repo.commit("plan")

    step = run_tracker("set", "4", "--step", "2", "done", cwd=repo.root)
    deliverable = run_tracker("set", "6", "--deliverable", "src/api/base/RetryHandler.js", "audit", cwd=repo.root)

    assert step.returncode == 0, step.stderr
    assert "step 2 ('Audit & fix quizServices.js') of issue #4: 'todo' -> 'done'" in step.stdout
    assert deliverable.returncode == 0, deliverable.stderr
    assert repo.git("diff", "--numstat") == "2\t0\tdata/phases.yaml"
    issue = load(path).project.find_issue(4)[1]
    assert [s.status for s in issue.steps] == ["todo", "done", "todo", "todo", "todo"]
    assert load(path).project.find_issue(6)[1].deliverables[0].status == "audit"


def test_setting_the_status_it_has_says_so_and_writes_nothing(tmp_path):
    path = bundled_copy(tmp_path)
    done = run_tracker("--file", str(path), "set", "5", "verified")
    assert done.returncode == 0
    assert done.stdout.endswith("the status of issue #5 is already 'verified'\n")
    assert path.read_bytes() == BUNDLED.read_bytes()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("set", "44", "complete"),
            "phases.yaml:28:3: error: no issue '44' in the plan (did you mean '4'?); "
            "issues: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10\n",
        ),
        (
            ("set", "4", "finished"),
            "phases.yaml:75:17: error: 'finished' is not a status of this plan; "
            "allowed: not_started, in_progress, audit, blocked, verified, complete\n",
        ),
        (
            ("set", "4", "--step", "9", "done"),
            "phases.yaml:88:11: error: issue #4 has 5 steps, so there is no step 9; choose a step from 1 to 5\n",
        ),
        (("set", "4", "--step", "1", "complete"), "error: a step's status is todo or done, not 'complete'\n"),
        (
            ("set", "6", "--deliverable", "nope.js", "audit"),
            "error: issue #6 has no deliverable 'nope.js'; its deliverables: src/api/base/RetryHandler.js, ",
        ),
    ],
)
def test_unknown_ids_and_statuses_exit_1_and_leave_the_file_alone(tmp_path, args, message):
    path = bundled_copy(tmp_path)
    done = run_tracker("--file", str(path), *args)
    assert done.returncode == 1
    assert done.stdout == ""
    assert message in done.stderr and done.stderr.startswith(str(path))
    assert "Traceback" not in done.stderr
    assert path.read_bytes() == BUNDLED.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


@pytest.mark.parametrize(
    "args",
    [("set", "4"), ("set", "4", "--step", "0", "done"), ("set", "4", "--step", "1", "--deliverable", "x", "done")],
)
def test_wrong_usage_exits_2(tmp_path, args):
    path = bundled_copy(tmp_path)
    done = run_tracker("--file", str(path), *args)
    assert done.returncode == 2
    assert path.read_bytes() == BUNDLED.read_bytes()


def test_session_start_records_today_and_head(repo):
    path = bundled_copy(repo.root)
    repo.commit("plan")
    head = repo.git("rev-parse", "--short", "HEAD")

    done = run_tracker("session", "start", "--focus", "Phase 3: locks", cwd=repo.root)

    assert done.returncode == 0, done.stderr
    today = datetime.date.today().isoformat()
    session = load(path).project.sessions[-1]
    assert (session.date, session.focus, session.since) == (today, "Phase 3: locks", head)
    *_, date, started, focus, since, by = path.read_text(encoding="utf-8").splitlines()
    assert (date, focus) == (f"  - date: {today}", "    focus: 'Phase 3: locks'")
    ident = subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], cwd=repo.root, capture_output=True, text=True).stdout
    assert by == f"    by: '{ident[: ident.rindex('>') + 1]}'"  # whoever git commits as there
    assert re.fullmatch(r"    started: '\d\d:\d\d'", started)
    assert since in (f"    since: {head}", f"    since: '{head}'")  # quoted when the sha looks like a number

    again = run_tracker("session", "start", "--focus", "Other", cwd=repo.root)
    assert again.returncode == 1
    assert f"error: session {today} (started " in again.stderr
    assert "is still open; end it first with 'tracker session end'" in again.stderr


def test_session_start_without_git_has_no_since(tmp_path):
    assert subprocess.run(["git", "rev-parse"], cwd=tmp_path, capture_output=True).returncode != 0
    path = bundled_copy(tmp_path)
    done = run_tracker("--file", str(path), "session", "start")
    assert done.returncode == 0, done.stderr
    session = load(path).project.sessions[-1]
    assert (session.date, session.focus, session.since) == (datetime.date.today().isoformat(), None, None)


@pytest.mark.parametrize("round_", range(4))
def test_twelve_writers_at_once_all_land(tmp_path, round_):
    path = tmp_path / "plan" / "phases.yaml"
    path.parent.mkdir()
    path.write_text(TWELVE, encoding="utf-8")
    status = ["in_progress", "complete", "blocked", "audit"][round_]
    procs = [start("--file", str(path), "set", str(n), status) for n in range(1, 13)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]

    assert all(code == 0 for code, _, _ in results), results
    loaded = load(path)
    assert [issue.status for _, issue in loaded.project.issues()] == [status] * 12
    assert path.read_text(encoding="utf-8") == TWELVE.replace("status: not_started", f"status: {status}")
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


def test_an_edit_made_while_the_writer_writes_is_merged(tmp_path):
    path = bundled_copy(tmp_path)
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_AFTER_TEMP": "0.5"})
    wait_for_temp(path.parent, writer)
    edited = BUNDLED.read_text(encoding="utf-8").replace("title: Concurrent Locks", "title: Locks (edited)")
    path.write_text(edited, encoding="utf-8")

    assert writer.wait(timeout=60) == 0, writer.communicate()
    assert path.read_text(encoding="utf-8") == edited.replace("status: audit", "status: complete")


def test_a_conflicting_edit_made_while_the_writer_writes_is_kept_and_the_write_refused(tmp_path):
    path = bundled_copy(tmp_path)
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_AFTER_TEMP": "0.5"})
    wait_for_temp(path.parent, writer)
    edited = BUNDLED.read_text(encoding="utf-8").replace("status: audit", "status: blocked")
    path.write_text(edited, encoding="utf-8")

    assert writer.wait(timeout=60) == 1
    _, stderr = writer.communicate()
    assert stderr == (
        f"{path}:75:17: error: the status of issue #4 changed on disk since the plan was read "
        "(it was 'audit', it is now 'blocked'), so 'complete' was not written; "
        "look at the file and run the command again\n"
    )
    assert path.read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


def test_a_writer_killed_mid_write_leaves_a_loadable_file_and_no_blocking_lock(tmp_path):
    path = bundled_copy(tmp_path)
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_AFTER_TEMP": "60"})
    wait_for_temp(path.parent, writer)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=10)

    assert load(path).ok
    assert path.read_bytes() == BUNDLED.read_bytes()
    assert (path.parent / "phases.yaml.lock").exists()  # what the killed writer left behind

    # A short lock wait: the kernel dropped the dead writer's flock, nothing is waited out.
    after = apply(load(path), SetIssueStatus(7, "in_progress"), lock_timeout=0.5)
    assert load(path).project == after.project
    assert after.project.find_issue(7)[1].status == "in_progress"
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


# launch.run as the console script runs it, then which way the command went: the quick path never loads click.
REPORTING = (
    "import sys\n"
    "from tracker.cli.launch import run\n"
    "status = run()\n"
    "sys.stderr.write('click loaded' if 'click' in sys.modules else 'click not loaded')\n"
    "sys.exit(status)\n"
)


@pytest.mark.parametrize(
    ("args", "warm", "way", "said"),
    [
        # The quick path (cli/quickset.py) takes a plain `set` or `add issue` of a plan in the parse cache; of one
        # not cached it hands over to click's, whose write_change (cli/context.py) every other change goes through.
        # (verified: an issue marked done with steps open is said on stderr, which is not what this test is about)
        (("set", "4", "verified"), True, "click not loaded", "the status of issue #4: 'audit' -> 'verified'"),
        (("set", "4", "verified"), False, "click loaded", "the status of issue #4: 'audit' -> 'verified'"),
        (("set", "4", "--owner", "eve"), False, "click loaded", "the owner of issue #4: 'dana' -> 'eve'"),
        (("add", "issue", "P1", "Ship it"), True, "click not loaded", "added issue #11 'Ship it' to phase P1"),
        (("add", "issue", "P1", "Ship it"), False, "click loaded", "added issue #11 'Ship it' to phase P1"),
        (("add", "step", "4", "Ship it"), False, "click loaded", "added step 6 'Ship it' to issue #4"),
    ],
)
def test_ctrl_c_once_the_change_is_in_place_still_says_what_was_written(tmp_path, args, warm, way, said):
    """Ctrl+C in the watch after the rename (0.5 s here: the plan changed just before the command read it)
    used to print only 'Aborted!', the change made and never said; now the change's line comes first, then
    that it was written (status 130, as a shell reports SIGINT)."""
    path = bundled_copy(tmp_path)
    before = path.read_bytes()
    if warm:  # the whole plan in the parse cache, as any command that read it leaves it
        assert run_tracker("--file", str(path), "validate").returncode == 0
        path.write_bytes(before)  # the same bytes again: changed just before the command reads it
    writer = subprocess.Popen(
        [sys.executable, "-c", REPORTING, "--file", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while path.read_bytes() == before and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    writer.send_signal(signal.SIGINT)  # at once: the writer is in its watch, unless it has ended already
    stdout, stderr = writer.communicate(timeout=60)
    assert path.read_bytes() != before
    assert stdout == f"{path}: {said}\n", stderr
    assert (writer.returncode, stderr) in [
        (0, way),
        (130, "tracker: interrupted; the change above was written\n" + way),
    ]
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


def test_ctrl_c_between_two_writes_of_one_command_says_the_first_was_written(tmp_path):
    """`set 4 complete --owner eve` writes twice; a Ctrl+C while the second waits to be renamed used to say
    "nothing was written", the first change in place and said above."""
    path = bundled_copy(tmp_path)
    before = path.read_text()
    writer = start(
        "--file", str(path), "set", "4", "complete", "--owner", "eve", env={"TRACKER_TEST_PAUSE_AFTER_TEMP": "3"}
    )
    deadline = time.monotonic() + 60
    while path.read_text() == before:  # the first write in place: the second's temporary file comes next
        assert writer.poll() is None and time.monotonic() < deadline, writer.communicate()
        time.sleep(0.01)
    wait_for_temp(path.parent, writer)
    writer.send_signal(signal.SIGINT)
    stdout, stderr = writer.communicate(timeout=60)
    warning = (  # the first change's, said before the Ctrl+C came
        f"{path}:88:11: warning: issue #4 is marked complete but 5 of its steps are not done (its steps are "
        "listed here); finish them (tracker set 4 --step N done) or reopen it\n"
    )
    assert (writer.returncode, stderr) == (130, warning + "tracker: interrupted; the change above was written\n")
    assert stdout == f"{path}: the status of issue #4: 'audit' -> 'complete'\n"
    assert path.read_text() == before.replace("status: audit", "status: complete", 1)
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_writer_terminated_mid_write_cleans_up_and_ends_by_the_signal(tmp_path, signum):
    path = bundled_copy(tmp_path)
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_AFTER_TEMP": "60"})
    wait_for_temp(path.parent, writer)
    writer.send_signal(signum)
    assert writer.wait(timeout=30) == -signum, writer.communicate()
    assert path.read_bytes() == BUNDLED.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]  # no temporary file, no lock


def test_a_full_disk_leaves_no_lock_and_no_temporary_file(tmp_path):
    path = bundled_copy(tmp_path)

    def no_room() -> None:  # every write to a file fails, as on a full disk (EFBIG here, ENOSPC there)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--file", str(path), "set", "4", "complete"],
        capture_output=True,
        text=True,
        preexec_fn=no_room,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == f"{path}: error: cannot write the plan: File too large; the file was not changed\n"
    assert path.read_bytes() == BUNDLED.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


def test_an_in_place_save_under_way_is_waited_for_and_nothing_is_lost(tmp_path):
    # An editor that saves by truncating and writing (VS Code, nano, `cat >`) pauses mid-save:
    # the half it wrote parses, and a writer that took it would lose the rest.
    path = bundled_copy(tmp_path)
    whole = BUNDLED.read_bytes()
    half = whole.index(b"\n", len(whole) // 2) + 1
    with open(path, "r+b") as editor:
        editor.truncate(0)
        editor.write(whole[:half])
        editor.flush()
        writer = start("--file", str(path), "set", "4", "complete")
        time.sleep(1)  # the writer gets to the half-saved file
        editor.write(whole[half:])
    assert writer.wait(timeout=60) == 0, writer.communicate()
    assert path.read_bytes() == whole.replace(b"status: audit", b"status: complete", 1)


def test_a_write_between_the_last_check_and_the_rename_is_merged_again(tmp_path):
    path = bundled_copy(tmp_path)
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_BEFORE_RENAME": "1"})
    wait_for_temp(path.parent, writer)
    time.sleep(0.3)  # the pause before the rename comes after the checks, which take milliseconds
    with open(path, "a", encoding="utf-8") as appender:  # into the inode the writer is about to replace
        appender.write("# appended by another program\n")
    assert writer.wait(timeout=60) == 0, writer.communicate()
    expected = BUNDLED.read_text(encoding="utf-8").replace("status: audit", "status: complete", 1)
    assert path.read_text(encoding="utf-8") == expected + "# appended by another program\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


def test_an_in_place_write_that_puts_the_mtime_back_before_the_rename_is_merged_again(tmp_path):
    # The plan no one wrote for STILL_NS is read once, its times proving it; a program that then writes
    # it in place, the same size, and puts its mtime back (cp -p, touch -r, rsync --inplace -t) moves its
    # ctime alone, which the rename moves too: what the rename displaced is compared, and merged.
    path = bundled_copy(tmp_path)
    time.sleep(stablefile.STILL_NS / 1e9 + 0.2)
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_BEFORE_RENAME": "1"})
    wait_for_temp(path.parent, writer)
    time.sleep(0.3)  # the pause before the rename comes after the checks, which take milliseconds
    times = os.stat(path)
    edited = path.read_bytes().replace(b"title: Data Inconsistency", b"title: DATA INCONSISTENCY", 1)
    with open(path, "r+b") as program:
        program.write(edited)
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert writer.wait(timeout=60) == 0, writer.communicate()
    expected = edited.replace(b"status: audit", b"status: complete", 1)
    assert path.read_bytes() == expected
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


# Waits for the plan's inode to change (tracker's rename), then writes it in place at once, the same size,
# and puts its mtime back as the new file showed it.
_RIGHT_AFTER_THE_RENAME = """
import os, sys, time
plan, at, text = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
inode = os.stat(plan).st_ino
print("ready", flush=True)
end = time.monotonic() + 30
while time.monotonic() < end:
    try:
        times = os.stat(plan)
    except FileNotFoundError:
        continue
    if times.st_ino != inode:
        fd = os.open(plan, os.O_WRONLY)
        os.pwrite(fd, text, at)
        os.close(fd)
        os.utime(plan, ns=(times.st_atime_ns, times.st_mtime_ns))
        print("written", flush=True)
        break
"""


def test_a_write_right_after_the_rename_that_puts_the_mtime_back_is_not_taken_for_tracker_s_file(tmp_path):
    # The file tracker put in place is known by the stat taken after the rename.  A program that wrote it
    # in between and put its mtime back shows in the ctime alone, which the rename moves too: taken for
    # tracker's own file, its digest was recorded for the program's bytes, and the next `set` built on
    # tracker's (issue 7 'already not_started').  A read lease held until that stat makes the program wait.
    path = bundled_copy(tmp_path)
    written = BUNDLED.read_bytes().replace(b"status: audit", b"status: complete", 1)
    at = written.index(b"status: not_started", written.index(b"- id: 7\n"))
    program = subprocess.Popen(
        [sys.executable, "-c", _RIGHT_AFTER_THE_RENAME, str(path), str(at), "status: in_progress"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert program.stdout is not None and program.stdout.readline() == "ready\n"
    # As a big plan's fsync: the new file's last write is RACY_NS before the rename, its times prove it.
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_AFTER_TEMP": "0.1"})
    assert writer.wait(timeout=60) == 0, writer.communicate()
    assert program.stdout.readline() == "written\n" and program.wait(timeout=30) == 0
    assert path.read_bytes() == written[:at] + b"status: in_progress" + written[at + len(b"status: not_started") :]
    assert run_tracker("--file", str(path), "set", "7", "not_started").returncode == 0
    assert path.read_bytes() == written


def test_a_file_renamed_over_the_plan_between_the_last_check_and_the_rename_is_merged_again(tmp_path):
    # An editor that saves by writing a temporary file and renaming it, in the instant before tracker's
    # own rename: tracker exchanges its file with the plan (Linux), sees what it displaced, merges it.
    path = bundled_copy(tmp_path)
    writer = start("--file", str(path), "set", "4", "complete", env={"TRACKER_TEST_PAUSE_BEFORE_RENAME": "1"})
    wait_for_temp(path.parent, writer)
    time.sleep(0.3)  # the pause before the rename comes after the checks, which take milliseconds
    saved = path.parent / "saved-by-an-editor.tmp"
    saved.write_text(path.read_text(encoding="utf-8") + "# saved by another program\n", encoding="utf-8")
    os.replace(saved, path)
    assert writer.wait(timeout=60) == 0, writer.communicate()
    expected = BUNDLED.read_text(encoding="utf-8").replace("status: audit", "status: complete", 1)
    assert path.read_text(encoding="utf-8") == expected + "# saved by another program\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["phases.yaml"]


def test_a_plan_its_mode_allows_but_the_file_system_refuses_says_why(repo):
    """An immutable file (chattr +i) has mode 0644: 'chmod u+w' would not help, and was the advice given."""
    path = bundled_copy(repo.root)
    repo.commit("plan")
    before = path.read_bytes()
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i needs root and a file system with attributes")
    try:
        done = run_tracker("set", "4", "complete", cwd=repo.root)
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert done.returncode == 1
    assert done.stderr.startswith(f"{path}: error: cannot write the plan: the file may not be written though its mode")
    assert "chattr -i" in done.stderr and "chmod" not in done.stderr
    assert path.read_bytes() == before
