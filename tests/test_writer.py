"""The writer edits the plan's text in place, refuses what it cannot do safely, and never loses an update."""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time

import pytest

from tracker.edit import lock as filelock
from tracker.edit import ondisk, writer
from tracker.edit.nodes import Nodes
from tracker.edit.writer import (
    AppendSession,
    EndSession,
    SetDeliverableStatus,
    SetIssueStatus,
    SetStepStatus,
    WriteRefused,
    apply,
)
from tracker.plan.loader import load
from tracker.support import atomicfile, ownfiles, stablefile

HAND_WRITTEN = """\
# Programme plan, kept by hand.
project: "Ünïcode programme"   # quoted on purpose
statuses:
  - {id: not_started, label: Not started}
  - {id: in_progress}
  - {id: 'no', label: Declined}          # a status that YAML 1.1 reads as false
  - {id: complete, done: true}

phases:
- id: P1                        # an indentless list
  title: >-
    A folded
    phase title
  description: |
    Markdown here.

    - with a list
  issues:
    - id: 1
      title: 'Plain: quoted'
      status: not_started   # trailing comment
      summary: "double \\"quoted\\""
      steps:
        - title: First
          estimate: 30m
        - {title: Second, estimate: 1h}
        - title: Third
          status: done
          files: [a.txt, "b c.txt"]

    - {id: 2, title: Flow issue, status: "in_progress"}
    - id: "003"
      title: Quoted id
      status: 'not_started'
      deliverables:
        - path: docs/guide.md
          type: doc
        - {path: src/x.js, status: in_progress}
      description: >
        Folded text that
        spans lines.

sessions:
  - date: 2025-11-30
    focus: Start
"""

# Plans whose issue 1 cannot be read from its own lines (edit/window.py), so the writer reads the whole tree.
WHOLE_TREE_ONLY = {
    "issues in a flow list": "project: P\nphases:\n  - id: 1\n    title: T\n"
    "    issues: [{id: 1, title: I, status: not_started}]\n",
    "a flow mapping continued further left": "project: P\nphases:\n  - id: 1\n    title: T\n    issues:\n"
    "      - {id: 1, title: I,\n    status: not_started}\n",
    "quoted text continued further left": "project: P\nphases:\n  - id: 1\n    title: T\n    issues:\n"
    '      - id: 1\n        title: "I\n   more"\n        status: not_started\n',
    "a line separator in a title": "project: P\nphases:\n  - id: 1\n    title: T\n    issues:\n"
    '      - id: 1\n        title: "a\u2028b"\n        status: not_started\n',
    "old Mac line breaks": "project: P\rphases:\r  - id: 1\r    title: T\r    issues:\r      - id: 1\r"
    "        title: I\r        status: not_started\r",
}

# change, git numstat (added, deleted), the line that carries the change afterwards
ONE_LINE_CHANGES = [
    (SetIssueStatus(1, "in_progress"), (1, 1), "      status: in_progress   # trailing comment"),
    (SetIssueStatus("2", "complete"), (1, 1), '    - {id: 2, title: Flow issue, status: "complete"}'),
    (SetIssueStatus("003", "complete"), (1, 1), "      status: 'complete'"),
    (SetIssueStatus(1, "no"), (1, 1), "      status: 'no'   # trailing comment"),
    (SetStepStatus(1, 0, "done"), (1, 0), "          status: done"),
    (SetStepStatus(1, 1, "done"), (1, 1), "        - {title: Second, estimate: 1h, status: done}"),
    (SetStepStatus(1, 2, "todo"), (1, 1), "          status: todo"),
    (SetDeliverableStatus("003", "docs/guide.md", "complete"), (1, 0), "          status: complete"),
    (SetDeliverableStatus("003", "src/x.js", "no"), (1, 1), "        - {path: src/x.js, status: 'no'}"),
]


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    """These tests write a plan and change it at once: as if no other program were editing it, so the
    file put in place is watched 20 ms, not BUSY_WATCH (the tests of that rule say otherwise)."""
    monkeypatch.setattr(ondisk, "RECENT_NS", 0)


@pytest.fixture
def folder(tmp_path):
    """A folder for the plan alone, so tests can check that nothing else is left in it."""
    path = tmp_path / "plan"
    path.mkdir()
    return path


def plan_in_repo(repo, text: str = HAND_WRITTEN):
    path = repo.write("data/phases.yaml", text)
    repo.commit("plan", "data/phases.yaml")
    return path


def numstat(repo) -> tuple[int, int]:
    added, deleted, _ = repo.git("diff", "--numstat").split("\t")
    return int(added), int(deleted)


@pytest.mark.parametrize("change, counts, line", ONE_LINE_CHANGES, ids=lambda v: repr(v)[:60])
def test_a_change_touches_exactly_one_line(repo, change, counts, line):
    path = plan_in_repo(repo)
    before = load(path)
    assert before.ok, [str(p) for p in before.problems]

    after = apply(before, change)

    assert numstat(repo) == counts
    assert line in path.read_text(encoding="utf-8").splitlines()
    assert load(path).project == after.project
    assert change.value(after.project, "") == change.wanted


def test_every_change_in_turn_adds_one_line_each(repo):
    path = plan_in_repo(repo)
    loaded = load(path)
    for change, _, _ in ONE_LINE_CHANGES[:3] + ONE_LINE_CHANGES[4:]:  # one change per item
        loaded = apply(loaded, change)
    added, deleted = numstat(repo)
    assert added == len(ONE_LINE_CHANGES) - 1
    assert deleted == sum(counts[1] for _, counts, _ in ONE_LINE_CHANGES) - 1
    assert loaded.digest == load(path).digest


def test_value_that_yaml_11_reads_as_false_is_written_quoted_and_read_back_as_text(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    after = apply(load(path), SetIssueStatus(1, "no"))
    assert after.project.find_issue(1)[1].status == "no"
    assert "status: 'no'" in path.read_text(encoding="utf-8")


def test_bom_crlf_and_mode_bits_survive(folder):
    path = folder / "phases.yaml"
    original = b"\xef\xbb\xbf" + HAND_WRITTEN.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    path.chmod(0o640)

    loaded = apply(load(path), SetIssueStatus(1, "complete"))
    loaded = apply(loaded, SetStepStatus(1, 0, "done"))  # an inserted line
    apply(loaded, AppendSession("2025-12-01", "Next", "abc1234"))

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert (path.stat().st_mode & 0o777) == 0o640
    expected = original.replace(b"status: not_started   #", b"status: complete   #").replace(
        b"estimate: 30m\r\n", b"estimate: 30m\r\n          status: done\r\n"
    ) + (b"  - date: 2025-12-01\r\n    focus: Next\r\n    since: abc1234\r\n")
    assert data == expected


def test_quoting_style_of_the_old_value_is_kept(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    apply(load(path), SetIssueStatus("2", "not_started"))
    assert '{id: 2, title: Flow issue, status: "not_started"}' in path.read_text(encoding="utf-8")


def test_a_file_without_a_final_line_break_gets_one_only_where_a_line_is_added(folder):
    path = folder / "phases.yaml"
    text = (
        "project: P\nphases:\n  - id: 1\n    title: T\n    issues:\n      - id: 1\n        title: I\n"
        "        status: in_progress\n        steps:\n          - title: S"
    )
    path.write_text(text, encoding="utf-8")
    apply(load(path), SetStepStatus(1, 0, "done"))
    assert path.read_text(encoding="utf-8") == text + "\n            status: done\n"


@pytest.mark.parametrize(
    "sessions, expected_tail",
    [
        ("", "sessions:\n- date: 2025-12-01\n  focus: 'Phase 3: locks'\n  since: '1234567'\n"),
        (
            "sessions: []  # none yet\n",
            "sessions: [{date: 2025-12-01, focus: 'Phase 3: locks', since: '1234567'}]  # none yet\n",
        ),
        ("sessions:\n", "sessions:\n- date: 2025-12-01\n  focus: 'Phase 3: locks'\n  since: '1234567'\n"),
        (
            "sessions:\n    - date: 2025-11-30\n\n",
            "sessions:\n    - date: 2025-11-30\n    - date: 2025-12-01\n"
            "      focus: 'Phase 3: locks'\n      since: '1234567'\n\n",
        ),
    ],
)
def test_a_session_is_appended_in_the_style_of_the_file(folder, sessions, expected_tail):
    path = folder / "phases.yaml"
    head = "project: P\nphases:\n- id: 1\n  title: T\n"
    path.write_text(head + sessions, encoding="utf-8")
    after = apply(load(path), AppendSession("2025-12-01", "Phase 3: locks", "1234567"))
    assert path.read_text(encoding="utf-8") == head + expected_tail
    assert after.project.sessions[-1].since == "1234567"  # a sha of digits stays text


@pytest.mark.parametrize(
    "change, message",
    [
        (SetIssueStatus(42, "complete"), "error: no issue '42' in the plan (did you mean '2'?); issues: 1, 2, 003"),
        (
            SetIssueStatus(1, "finished"),
            ":21:15: error: 'finished' is not a status of this plan; allowed: not_started, in_progress, no, complete",
        ),
        (SetStepStatus(1, 3, "done"), "error: issue #1 has 3 steps, so there is no step 4; choose a step from 1 to 3"),
        (SetStepStatus(2, 0, "done"), "error: issue #2 has no steps, so there is no step 1"),
        (SetStepStatus(1, 0, "complete"), "error: a step's status is todo or done, not 'complete'"),
        (
            SetDeliverableStatus("003", "nope.md", "complete"),
            "error: issue #003 has no deliverable 'nope.md'; its deliverables: docs/guide.md, src/x.js",
        ),
        (
            SetDeliverableStatus("003", "src/x.js", "complete", index=0),
            "error: deliverable 1 of issue #003 is no longer 'src/x.js'",
        ),
        (
            SetDeliverableStatus("003", "src/x.js", "complete", index=2),
            "error: deliverable 3 of issue #003 is no longer 'src/x.js'",
        ),
        (EndSession(1, "10:00"), ":44:3: error: the plan has no session to end; start one first"),
        (
            AppendSession("2025-13-01"),
            "error: session date '2025-13-01' is not a real calendar date; write a day that exists",
        ),
    ],
)
def test_refused_changes_leave_the_bytes_untouched(folder, change, message):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(WriteRefused) as refused:
        apply(load(path), change)
    assert str(refused.value).startswith(str(path))
    assert message in str(refused.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["phases.yaml"]


def test_a_plan_with_errors_is_not_written(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN.replace("status: 'not_started'", "status: nope"), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(WriteRefused, match="the plan has errors, so nothing was written"):
        apply(load(path), SetIssueStatus(1, "complete"))
    assert path.read_bytes() == before


def test_a_block_scalar_status_is_refused_with_the_fix(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN.replace("status: 'not_started'", "status: |-\n        not_started"), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(
        WriteRefused,
        match=r":34:15: error: 'status' is written as a block of text \(\|\); "
        r"write it on one line",
    ):
        apply(load(path), SetIssueStatus("003", "complete"))
    assert path.read_bytes() == before


def test_setting_the_value_it_already_has_writes_nothing(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    mtime = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert apply(loaded, SetStepStatus(1, 0, "todo")) is loaded  # absent means todo
    assert path.stat().st_mtime_ns == mtime


def test_an_edit_elsewhere_since_the_read_is_merged(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    edited = HAND_WRITTEN.replace("title: Quoted id", "title: Renamed in the editor")
    path.write_text(edited, encoding="utf-8")

    after = apply(loaded, SetIssueStatus(1, "complete"))

    assert path.read_text(encoding="utf-8") == edited.replace("status: not_started   #", "status: complete   #")
    assert after.project.find_issue("003")[1].title == "Renamed in the editor"


def test_an_edit_that_moves_the_issue_since_the_read_is_merged_at_its_new_place(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    edited = HAND_WRITTEN.replace("phases:\n", "phases:\n# two lines added\n# above every issue\n")
    path.write_text(edited, encoding="utf-8")

    after = apply(apply(loaded, SetIssueStatus(1, "complete")), SetStepStatus(1, 0, "done"))

    assert path.read_text(encoding="utf-8") == edited.replace(
        "status: not_started   #", "status: complete   #"
    ).replace("estimate: 30m\n", "estimate: 30m\n          status: done\n")
    assert after.project == load(path).project


@pytest.mark.parametrize("text", WHOLE_TREE_ONLY.values(), ids=WHOLE_TREE_ONLY.keys())
def test_an_issue_that_cannot_be_read_from_its_own_lines_is_edited_through_the_whole_tree(folder, text):
    path = folder / "phases.yaml"
    path.write_bytes(text.encode())
    after = apply(load(path), SetIssueStatus(1, "complete"))
    assert path.read_bytes() == text.replace("status: not_started", "status: complete").encode()
    assert after.project == load(path).project


def test_a_conflicting_edit_since_the_read_is_refused_and_kept(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    edited = HAND_WRITTEN.replace("status: not_started   #", "status: in_progress   #")
    path.write_text(edited, encoding="utf-8")

    with pytest.raises(WriteRefused) as refused:
        apply(loaded, SetIssueStatus(1, "complete"))

    assert str(refused.value) == (
        f"{path}:21:15: error: the status of issue #1 changed on disk since the plan was read "
        "(it was 'not_started', it is now 'in_progress'), so 'complete' was not written; "
        "look at the file and run the command again"
    )
    assert path.read_text(encoding="utf-8") == edited


def test_the_same_edit_made_meanwhile_is_not_written_twice(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    edited = HAND_WRITTEN.replace("status: not_started   #", "status: complete      #")
    path.write_text(edited, encoding="utf-8")
    after = apply(loaded, SetIssueStatus(1, "complete"))
    assert path.read_text(encoding="utf-8") == edited
    assert after.text == edited


def test_steps_reordered_since_the_read_are_refused(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    path.write_text(HAND_WRITTEN.replace("- title: First", "- title: Zeroth\n        - title: First"), encoding="utf-8")
    with pytest.raises(
        WriteRefused,
        match="this is now the status of step 1 \\('Zeroth'\\) of issue #1, not "
        "the status of step 1 \\('First'\\) of issue #1",
    ):
        apply(loaded, SetStepStatus(1, 0, "done"))


def test_an_issue_removed_since_the_read_is_refused(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    path.write_text(
        HAND_WRITTEN.replace('    - {id: 2, title: Flow issue, status: "in_progress"}\n', ""), encoding="utf-8"
    )
    with pytest.raises(WriteRefused, match="no issue '2' in the plan.*\n.*changed on disk since it was read"):
        apply(loaded, SetIssueStatus(2, "complete"))


def test_an_edit_that_would_change_more_than_intended_is_not_written(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    base = load(path)
    change = SetIssueStatus(1, "complete")
    sloppy = change.edit(base.text, Nodes(base.text), base.project).replace("title: Quoted id", "title: Also changed")
    with pytest.raises(WriteRefused, match="would have changed more than that"):
        writer._verify(base, base.text, sloppy, change, str(path))
    with pytest.raises(WriteRefused, match="would have changed more than that .*error"):
        writer._verify(base, base.text, sloppy.replace("phases:", "phases: [", 1), change, str(path))


def test_the_write_goes_through_a_symlink_to_the_real_file(folder):
    real = folder / "real.yaml"
    real.write_text(HAND_WRITTEN, encoding="utf-8")
    link = folder / "phases.yaml"
    link.symlink_to(real)
    apply(load(link), SetIssueStatus(1, "complete"))
    assert link.is_symlink()
    assert "status: complete   #" in real.read_text(encoding="utf-8")


def test_a_lock_left_by_a_dead_process_is_cleared(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    dead = _dead_pid()
    (folder / "phases.yaml.lock").write_text(f"{dead} {os.uname().nodename} x\n")
    (folder / ownfiles.temp_name("phases.yaml", dead, "0")).write_text("half a plan")
    apply(load(path), SetIssueStatus(1, "complete"), lock_timeout=2)
    assert sorted(p.name for p in folder.iterdir()) == ["phases.yaml"]


def test_a_lock_file_no_one_holds_is_no_obstacle_however_fresh_or_empty(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    lock = folder / "phases.yaml.lock"
    lock.write_text("")  # as a writer killed before it named itself leaves it
    apply(load(path), SetIssueStatus(1, "complete"), lock_timeout=0.2)
    assert not lock.exists()


def _hold(lock) -> int:
    """The lock taken as another tracker takes it (flock on its own open of the file)."""
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    os.write(fd, f"{os.getpid()} {os.uname().nodename}\n".encode())
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_live_lock_is_waited_for_then_refused_naming_its_holder(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    before = path.read_bytes()
    lock = folder / "phases.yaml.lock"
    fd = _hold(lock)
    try:
        with pytest.raises(WriteRefused, match=f"phases.yaml.lock is held by process {os.getpid()} on "):
            apply(load(path), SetIssueStatus(1, "complete"), lock_timeout=0.2)
    finally:
        os.close(fd)
    assert path.read_bytes() == before
    assert lock.exists()  # not ours to remove


def test_a_held_lock_is_never_broken_however_old(folder):
    # A verifying parse of a big plan takes seconds: a slow writer keeps the lock as long as it lives.
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    lock = folder / "phases.yaml.lock"
    fd = _hold(lock)
    old = time.time() - 3600
    os.utime(lock, (old, old))
    try:
        with pytest.raises(WriteRefused, match="is held by process"):
            apply(load(path), SetIssueStatus(1, "complete"), lock_timeout=0.5)
    finally:
        os.close(fd)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_without_fcntl_nothing_is_written_unlocked(folder, monkeypatch):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    monkeypatch.setattr(filelock, "fcntl", None)  # as on Windows
    with pytest.raises(WriteRefused, match="this system has no fcntl file locks, and tracker never writes a plan"):
        apply(load(path), SetIssueStatus(1, "complete"))
    assert sorted(p.name for p in folder.iterdir()) == ["phases.yaml"]
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo"])
def test_a_lock_name_that_is_not_a_lock_file_is_refused_unread(folder, kind):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    lock = folder / "phases.yaml.lock"
    if kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to("/dev/zero")
    what = "a symbolic link" if kind != "fifo" else "a device, FIFO or socket"
    with pytest.raises(WriteRefused, match=f"phases.yaml.lock is {what}, not tracker's lock file; nothing was written"):
        apply(load(path), SetIssueStatus(1, "complete"), lock_timeout=0.2)
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_the_writer_reads_under_the_size_limit_the_plan_was_read_under(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path, max_bytes=len(HAND_WRITTEN.encode()) + 100)
    path.write_text(HAND_WRITTEN + "#" * 200 + "\n", encoding="utf-8")  # now over that limit
    with pytest.raises(WriteRefused, match=r"over the limit of 1,\d{3}; split the plan or raise the limit"):
        apply(loaded, SetIssueStatus(1, "complete"))


def test_a_read_only_plan_is_refused_as_editors_refuse_it(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(WriteRefused, match=r"cannot write the plan: the file is read-only \(mode 0444\)"):
        apply(load(path), SetIssueStatus(1, "complete"))
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert sorted(p.name for p in folder.iterdir()) == ["phases.yaml"]


def test_a_hard_linked_plan_is_split_with_a_warning(folder):
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    os.link(path, folder / "copy.yaml")
    said: list[str] = []
    apply(load(path), SetIssueStatus(1, "complete"), warn=said.append)
    assert said == [
        f"{path}: warning: the plan had 2 hard links; tracker replaces the file as a whole, so this name "
        "has the change and the other name keeps the plan as it was"
    ]
    assert (folder / "copy.yaml").read_text(encoding="utf-8") == HAND_WRITTEN
    apply(load(path), SetIssueStatus(1, "in_progress"), warn=said.append)
    assert len(said) == 1  # split once, said once


def _dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_exchange_swaps_two_names_in_one_step(folder):
    new, old = folder / "new", folder / "old"
    new.write_bytes(b"new")
    old.write_bytes(b"old")
    assert atomicfile.exchange(new, old)  # Linux on ext4, tmpfs, btrfs, xfs: what the tests run on
    assert (old.read_bytes(), new.read_bytes()) == (b"new", b"old")
    new.unlink()
    assert not atomicfile.exchange(old, new)  # nothing to exchange with: the caller renames
    assert old.read_bytes() == b"new"


def test_without_the_exchange_an_append_in_the_last_instant_is_merged_after_the_rename(folder, monkeypatch):
    # Where the kernel or file system cannot exchange, the writer renames, then checks the inode it replaced.
    monkeypatch.setattr(atomicfile, "_exchange_missing", {-1})
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.5")
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)

    def appender() -> None:
        while not list(folder.glob(".phases.yaml.tracker-*.tmp")):
            time.sleep(0.005)
        time.sleep(0.2)  # into the pause, after the last check
        with open(path, "a", encoding="utf-8") as other:
            other.write("# appended\n")

    thread = threading.Thread(target=appender)
    thread.start()
    apply(loaded, SetIssueStatus(1, "complete"))
    thread.join()
    changed = HAND_WRITTEN.replace("status: not_started   #", "status: complete   #")
    assert path.read_text(encoding="utf-8") == changed + "# appended\n"
    assert sorted(p.name for p in folder.iterdir()) == ["phases.yaml"]


def test_an_editor_that_read_the_plan_before_the_rename_and_saves_it_back_later_has_the_change_made_again(
    folder, monkeypatch
):
    # Another program is editing the plan (it changed a moment ago): an editor read it just before tracker's
    # rename and renames its stale copy back 150 ms after. The file put in place is watched for BUSY_WATCH.
    monkeypatch.setattr(ondisk, "RECENT_NS", 2_000_000_000)
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    placed = threading.Event()

    stale = path.read_text(encoding="utf-8")  # the editor's buffer
    first = path.stat().st_ino

    def editor() -> None:
        deadline = time.monotonic() + 60
        while path.stat().st_ino == first and time.monotonic() < deadline:  # until tracker's file is in place
            time.sleep(0.002)
        placed.set()
        time.sleep(0.15)
        (folder / "saved").write_text(stale + "# saved by the editor\n", encoding="utf-8")
        os.replace(folder / "saved", path)

    thread = threading.Thread(target=editor)
    thread.start()
    apply(loaded, SetIssueStatus(1, "complete"))
    thread.join()
    assert placed.is_set()
    changed = HAND_WRITTEN.replace("status: not_started   #", "status: complete   #")
    assert path.read_text(encoding="utf-8") == changed + "# saved by the editor\n"


def test_tracker_s_own_writes_in_a_row_are_not_another_program_editing(folder, monkeypatch):
    monkeypatch.setattr(ondisk, "RECENT_NS", 2_000_000_000)
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    apply(load(path), SetIssueStatus(1, "complete"))  # a moment ago, by tracker itself
    second = ondisk.Watch(path, 1 << 20)
    with second:
        second.read()
    assert not second.busy
    path.write_text(path.read_text(encoding="utf-8") + "# by hand\n", encoding="utf-8")  # by another program
    third = ondisk.Watch(path, 1 << 20)
    with third:
        third.read()
    assert third.busy


def test_the_watch_compares_the_file_with_the_bytes_it_expects_block_by_block(folder):
    # The writer's reads of the plan compare it with the bytes it holds a block at a time (no new copy):
    # a difference in any block, a byte more or a byte less is a difference.
    path = folder / "phases.yaml"
    data = bytes(range(256)) * (3 * ondisk._BLOCK // 256) + b"tail"
    path.write_bytes(data)
    with ondisk.Watch(path, 1 << 24) as disk:
        expected = bytes(data)
        snap = disk.read(expected)
        assert snap.data is expected  # found as expected: not read into a copy
        for changed in (
            data[:-1] + b"X",
            data[: ondisk._BLOCK + 7] + b"\xff" + data[ondisk._BLOCK + 8 :],
            b"\x01" + data[1:],
        ):
            assert len(changed) == len(data) and not disk._holds(snap.fd, (changed,))
            assert not disk._holds(snap.fd, _cut(changed))
            assert disk.read(changed).data == data  # not what was expected: what the file holds
        assert not disk._holds(snap.fd, (data[:-1],))
        assert not disk._holds(snap.fd, (data, b"!"))
        assert not disk._holds(snap.fd, _cut(data)[:-1])
        assert disk._holds(snap.fd, (data,))
        # A file put in place from a window's edit is compared as its pieces, never joined.
        assert disk._holds(snap.fd, _cut(data))
        assert disk.kept(ondisk.Snapshot(snap.fd, snap.signature, _cut(data), snap.links))
        assert disk.kept(snap)
        path.write_bytes(b"")
        assert not disk.kept(snap)
        assert disk._holds(snap.fd, (b"",))
        assert disk._holds(snap.fd, ())


def test_a_file_is_not_read_back_while_its_times_prove_it(folder):
    # After the first read, a file is checked by its signature alone when its times prove its content
    # (stablefile.proves): put in place by tracker, last written RACY_NS before the rename (`known`), or
    # read, and written by no one for STILL_NS before.  Otherwise, or with whole-second times, compared.
    path = folder / "phases.yaml"
    path.write_bytes(b"what tracker wrote\n")
    time.sleep(0.05)
    known = time.time_ns() - stablefile.RACY_NS
    other = (b"not what the file holds",)
    with ondisk.Watch(path, 1 << 20) as disk:
        snap = disk.read()
        assert not snap.proven  # written a moment ago: compared
        assert disk.kept(ondisk.Snapshot(snap.fd, snap.signature, other, snap.links, known=known))  # not read
        assert not disk.kept(ondisk.Snapshot(snap.fd, snap.signature, other, snap.links))  # compared
        racy = snap.signature[3]  # last written at that very time, not before it
        assert not disk.kept(ondisk.Snapshot(snap.fd, snap.signature, other, snap.links, known=racy))
        path.write_bytes(b"what another wrote\n")  # the same size, later: the times moved
        assert not disk.kept(ondisk.Snapshot(snap.fd, snap.signature, snap.pieces, snap.links, known=known))
        os.utime(path, ns=(10**18, 10**18))  # whole seconds
        again = disk.read()
        assert not disk.kept(ondisk.Snapshot(again.fd, again.signature, other, again.links, known=known))
        # Written by no one for STILL_NS before the read: its times prove it from then on.
        past = time.time_ns() - stablefile.STILL_NS - 123_456_789
        os.utime(path, ns=(past, past))
        still = disk.read()
        assert still.proven
        assert disk.kept(ondisk.Snapshot(still.fd, still.signature, other, still.links, known=still.known))
        # Written in place, the same size, and its mtime put back (cp -p, touch -r): the ctime alone moved.
        with open(path, "r+b") as program:
            program.write(b"WHAT ANOTHER WROTE\n")
        os.utime(path, ns=(past, past))
        assert stablefile.signature(os.stat(path))[:4] == still.signature[:4]
        assert not disk.kept(still)
        os.utime(path, ns=(past + stablefile.STILL_NS, past + stablefile.STILL_NS))  # a moment before the read
        assert not disk.read().proven


def test_bytes_proven_by_the_signature_the_file_still_shows_are_not_compared(folder):
    # Loaded.proven: the writer's first read takes the bytes the plan was loaded from as the file's while
    # it shows that signature; another signature, or none, and they are compared.
    path = folder / "phases.yaml"
    path.write_bytes(b"on disk\n")
    like = b"in hand\n"  # the same size, other bytes: only a comparison tells them apart
    with ondisk.Watch(path, 1 << 20) as disk:
        shown = stablefile.signature(os.stat(path))
        assert disk.read(like, proven=shown).data is like
        assert disk.read(like).data == b"on disk\n"
        assert disk.read(like, proven=(*shown[:3], shown[3] + 1, shown[4])).data == b"on disk\n"


def _cut(data: bytes) -> tuple[bytes | memoryview, ...]:
    """`data` as pieces whose ends fall within blocks and across them, a memoryview among them, an empty one too."""
    at = (5, ondisk._BLOCK + 3, ondisk._BLOCK + 3, 2 * ondisk._BLOCK + 11, len(data) - 1)
    ends = (0, *at, len(data))
    return tuple(
        memoryview(data)[a:b] if n % 2 else data[a:b] for n, (a, b) in enumerate(zip(ends, ends[1:], strict=False))
    )


def test_a_signal_the_instant_after_a_temporary_file_is_made_still_removes_it(tmp_path):
    # Where no `try` of the caller's covers it yet (between os.open and the next line): signals.made noted it.
    from tracker.support import signals

    seen: list[int] = []
    before = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    temp = tmp_path / "made.tmp"
    try:
        with pytest.raises(SystemExit) as ended, signals.cleanup_first():
            signals.made(temp)
            temp.write_bytes(b"half")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # not reached: the signal ends the block
    finally:
        signal.signal(signal.SIGTERM, before)
    assert (ended.value.code, seen) == (128 + signal.SIGTERM, [signal.SIGTERM])
    assert not temp.exists()


def test_a_save_while_the_new_cache_entry_is_written_is_seen_by_the_watch(folder, monkeypatch):
    # The digest and cache entry of the new plan are made inside the watch that follows the rename: a program
    # that saves its stale copy over the plan then (as an editor would) is still seen, and the change made again.
    from tracker.plan import parsecache

    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)
    stale = path.read_text(encoding="utf-8")
    real_store, saves = parsecache._write, []  # where every kind of entry is written (whole, or a delta)

    def store_while_an_editor_saves(*args, **kwargs):
        if not saves:
            saves.append(path.stat().st_ino)  # tracker's file is in place: the editor saves over it
            (folder / "saved").write_text(stale + "# saved by the editor\n", encoding="utf-8")
            os.replace(folder / "saved", path)
        real_store(*args, **kwargs)

    monkeypatch.setattr(parsecache, "_write", store_while_an_editor_saves)
    written = apply(loaded, SetIssueStatus(1, "complete"))
    changed = HAND_WRITTEN.replace("status: not_started   #", "status: complete   #")
    assert saves and path.read_text(encoding="utf-8") == changed + "# saved by the editor\n"
    assert written.project.find_issue(1)[1].status == "complete"
    assert load(path).project == written.project


def test_a_plan_written_from_a_window_gives_its_bytes_when_asked_and_takes_the_next_edit(folder, monkeypatch):
    # The file put in place from a window's edit is kept as its pieces (nothing joins 80 MiB that a
    # `tracker set` never reads again); the plan the writer gives back still has the bytes written, and
    # the next edit made from it (the dashboard's) compares the file with them and takes the window again.
    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    cached = load(path)  # from the parse cache: its bytes, the window's way in
    windows = []
    real = writer._in_window
    monkeypatch.setattr(writer, "_in_window", lambda *args: windows.append(real(*args)) or windows[-1])
    first = apply(cached, SetIssueStatus(1, "in_progress"))
    assert first.source == path.read_bytes() and first.text == path.read_text(encoding="utf-8")
    second = apply(first, SetIssueStatus(1, "complete"))
    assert second.project == load(path).project
    assert second.project.find_issue(1)[1].status == "complete"
    assert len(windows) == 2 and None not in windows


def test_a_window_edit_of_a_whole_plan_finds_its_issue_without_the_places_of_every_issue(folder, monkeypatch):
    # The writer knows whose lines its window is: splice is told (spot) rather than left to look for the
    # issue among the places of every issue (70 ms at 100,000 issues), and gives what a whole parse gives.
    from tracker.plan import load_text, splice

    path = folder / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    load(path)
    loaded = load(path)  # from the parse cache: its bytes, the window's way in
    monkeypatch.setattr(splice, "_issue_starts", None)  # called, it would fail
    for issue, status in (("1", "complete"), ("2", "complete"), ("003", "in_progress")):
        loaded = apply(loaded, SetIssueStatus(issue, status))
        assert loaded.project == load_text(path.read_text(encoding="utf-8"), path).project
        assert loaded.project.find_issue(issue)[1].status == status
