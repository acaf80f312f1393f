"""`tracker session end` as a user trial met it: a plan edited and not committed when the session ends, and
a colleague's later session of the same day merged in by a pull while one's own is still open.

Real repositories (two clones of one origin for the pull), real commits, the real CLI.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from conftest import run_tracker
from gitutil import ENV, Repo, make_repo
from test_merge_driver import PLAN, clones

from tracker.support.cachefiles import RACY_NS


def tracker(repo: Repo, at: str, *args: str, ok: bool = True):
    done = run_tracker(*args, cwd=repo.root, env={**ENV, "TRACKER_NOW": at, "TRACKER_FILE": ""})
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def planned(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "repo")
    repo.write("data/phases.yaml", PLAN)
    repo.commit("plan")
    return repo


def test_ending_with_the_plan_edited_and_not_committed_is_refused_until_committed_or_left_to_the_next(
    tmp_path: Path,
):
    repo = planned(tmp_path)
    tracker(repo, "2026-12-05T09:00", "session", "start", "--focus", "policy")
    tracker(repo, "2026-12-05T09:10", "set", "1", "in_progress")
    before = (repo.root / "data/phases.yaml").read_bytes()
    refused = tracker(repo, "2026-12-05T09:30", "session", "end", "--headline", "Drafted", ok=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "error: the plan has changes that are not committed (issue #1); session 2026-12-05 would end at" in (
        refused.stderr
    )
    assert "Commit the plan first, then end the session; or end it now with --leave-uncommitted" in refused.stderr
    assert (repo.root / "data/phases.yaml").read_bytes() == before  # nothing written

    repo.commit("Drafted #1")
    tracker(repo, "2026-12-05T09:30", "session", "end", "--headline", "Drafted")
    note = tracker(repo, "2026-12-05T09:31", "summary", "--session", "last").stdout
    assert "Issue #1: not started → in progress" in note

    # The session ended; work not committed since is the next session's, and the note of this one says so.
    tracker(repo, "2026-12-05T09:40", "set", "2", "audit")
    # A note is kept for replay only once the files it was read from are older than RACY_NS (cli/replay.py):
    # without the wait, a fast machine makes it again below and the check of the replay means nothing.
    time.sleep(RACY_NS / 1e9)
    later = tracker(repo, "2026-12-05T09:41", "summary")
    assert later.stdout == note
    assert "warning: the plan has changes that are not committed (issue #2); the note of session 2026-12-05" in (
        later.stderr
    )
    # Asked again with nothing changed, the note is replayed, which reads no plan: the warning was said where
    # the note was made (a 100,000-issue plan took a second to load only to say it again).
    again = tracker(repo, "2026-12-05T09:42", "summary")
    assert again.stdout == note and "warning" not in again.stderr
    tracker(repo, "2026-12-05T10:00", "session", "start")
    tracker(repo, "2026-12-05T10:05", "set", "1", "complete")
    left = tracker(repo, "2026-12-05T10:30", "session", "end", "--leave-uncommitted")
    assert "ended session 2026-12-05#2 at 10:30" in left.stdout


def test_a_start_that_ends_the_open_session_refuses_the_plan_not_committed_as_session_end_does(tmp_path: Path):
    """`session start --end-open` ended the open session anyway, with a warning: its `until` missed the edits and
    its note said "No issue changed" for good."""
    repo = planned(tmp_path)
    tracker(repo, "2026-12-05T09:00", "session", "start", "--focus", "policy")
    repo.commit("Start")
    tracker(repo, "2026-12-05T09:10", "set", "1", "in_progress")
    before = (repo.root / "data/phases.yaml").read_bytes()
    refused = tracker(repo, "2026-12-05T09:30", "session", "start", "--end-open", "--focus", "next", ok=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "error: the plan has changes that are not committed (issue #1); session 2026-12-05 would end at" in (
        refused.stderr
    )
    assert "or end it now with --leave-uncommitted" in refused.stderr
    assert (repo.root / "data/phases.yaml").read_bytes() == before  # neither ended nor started

    lone = tracker(repo, "2026-12-05T09:30", "session", "start", "--leave-uncommitted", ok=False)
    assert lone.returncode == 2 and "--leave-uncommitted goes with --end-open" in lone.stderr

    repo.commit("Drafted #1")
    tracker(repo, "2026-12-05T09:30", "session", "start", "--end-open", "--focus", "next")
    assert (
        "Issue #1: not started → in progress"
        in tracker(repo, "2026-12-05T09:31", "summary", "--session", "2026-12-05#1").stdout
    )

    # Left to the next session when asked, as `session end --leave-uncommitted` leaves it.
    tracker(repo, "2026-12-05T09:40", "set", "2", "audit")
    left = tracker(repo, "2026-12-05T10:00", "session", "start", "--end-open", "--leave-uncommitted")
    assert "ended session 2026-12-05#2 at 10:00" in left.stdout
    assert "changes left by session 2026-12-05#2 (issue #2) are this session's: it starts where" in left.stderr
    assert "No issue" in tracker(repo, "2026-12-05T10:01", "summary", "--session", "2026-12-05#2").stdout
    assert "Issue #2: not started → audit" in tracker(repo, "2026-12-05T10:01", "summary").stdout


def test_session_end_ends_your_open_session_after_a_pull_brought_a_colleagues_later_one(tmp_path: Path):
    theirs, ours = clones(tmp_path, PLAN.encode())
    tracker(ours, "2026-12-05T09:00", "session", "start", "--focus", "mine")
    ours.commit("Start my session")
    tracker(theirs, "2026-12-05T09:20", "session", "start", "--focus", "theirs")
    tracker(theirs, "2026-12-05T09:45", "session", "end")
    theirs.commit("Their session")
    theirs.git("push", "-q", "origin", "main")
    ours.git("pull", "--no-rebase", "-q", "origin", "main")
    plan = ours.root / "data/phases.yaml"
    text = plan.read_text()
    assert text.index("focus: mine") < text.index("focus: theirs")  # the merge keeps them in date order

    refused = tracker(ours, "2026-12-05T10:00", "session", "start", ok=False)
    assert refused.returncode == 1
    assert "error: session 2026-12-05#1 (started 09:00) is still open; end it first" in refused.stderr
    ended = tracker(ours, "2026-12-05T10:00", "session", "end", "--headline", "Mine")
    head = ours.git("rev-parse", "--short", "HEAD")
    assert ended.stdout.endswith(f"ended session 2026-12-05#1 at 10:00 (until {head})\n")
    assert tracker(ours, "2026-12-05T10:01", "session", "end", ok=False).stderr.count(
        "error: session 2026-12-05#2 already ended at 09:45"
    )


def test_several_open_sessions_are_named_and_one_is_ended_by_its_name(tmp_path: Path):
    theirs, ours = clones(tmp_path, PLAN.encode())
    for repo, at, focus in ((ours, "2026-12-05T09:00", "mine"), (theirs, "2026-12-05T09:20", "theirs")):
        tracker(repo, at, "session", "start", "--focus", focus)
        repo.commit(f"Start {focus}")
    theirs.git("push", "-q", "origin", "main")
    ours.git("pull", "--no-rebase", "-q", "origin", "main")

    validated = tracker(ours, "2026-12-05T10:00", "validate")
    assert "ok (1 warning)" in validated.stdout
    # One wording (Project.open_sessions_said), each start time with its name, and each command's own fix.
    both = "2 sessions are open (2026-12-05#1 started 09:00, 2026-12-05#2 started 09:20)"
    assert f"warning: {both}, where one at a time is meant to be; end each with 'tracker session end" in (
        validated.stderr
    )
    several = tracker(ours, "2026-12-05T10:00", "session", "end", ok=False)
    assert several.returncode == 1
    assert f"error: {both}; say which one ends with --session DATE#N" in several.stderr
    start = tracker(ours, "2026-12-05T10:00", "session", "start", "--end-open", ok=False)
    assert f"error: {both}; end each first with 'tracker session end --session DATE#N'" in start.stderr
    unknown = tracker(ours, "2026-12-05T10:00", "session", "end", "--session", "2026-12-05", ok=False)
    assert "error: several sessions on 2026-12-05; name one as 2026-12-05#1" in unknown.stderr

    tracker(ours, "2026-12-05T10:00", "session", "end", "--session", "2026-12-05#1")
    text = (ours.root / "data/phases.yaml").read_text()
    assert text.index("ended: '10:00'") < text.index("focus: theirs")
    assert "warning" not in tracker(ours, "2026-12-05T10:01", "validate").stderr


def _left_to_the_next(tmp_path: Path) -> Repo:
    """A session that ends with #2 set and not committed, left to the next session."""
    repo = planned(tmp_path)
    tracker(repo, "2026-12-05T09:00", "session", "start", "--focus", "lu")
    repo.commit("Start", date="2026-12-05T09:00:00+00:00")
    tracker(repo, "2026-12-05T09:10", "set", "1", "in_progress")
    repo.commit("1 in progress", date="2026-12-05T09:10:00+00:00")
    tracker(repo, "2026-12-05T09:20", "set", "2", "in_progress")
    tracker(repo, "2026-12-05T09:30", "session", "end", "--leave-uncommitted")
    said = tracker(repo, "2026-12-05T09:31", "summary").stderr
    assert "leaves them out: they are the next session's, which starts where this one ended and takes them in" in (said)
    return repo


def test_work_left_uncommitted_is_in_the_next_note_when_committed_before_it_starts(tmp_path: Path):
    """The work `session end --leave-uncommitted` left "to the next session" was in no note: committed before
    the next start, it fell before that session's `since` ("No issue changed")."""
    repo = _left_to_the_next(tmp_path)
    repo.commit("2 in progress", date="2026-12-05T09:40:00+00:00")
    started = tracker(repo, "2026-12-05T10:00", "session", "start", "--focus", "next")
    until = repo.git("rev-parse", "--short", "HEAD~1")
    assert f"changes left by session 2026-12-05#1 are this session's: it starts where that one ended, at {until}" in (
        started.stderr
    )
    note = tracker(repo, "2026-12-05T10:30", "summary").stdout
    assert "Issue #2: not started → in progress" in note
    assert "Issue #1" not in note.split("## 📊")[0]  # the session before's own work is its note's, not this one's
    assert (
        "Issue #2: not started → in progress"
        not in tracker(repo, "2026-12-05T10:31", "summary", "--session", "2026-12-05#1").stdout
    )


def test_work_left_uncommitted_is_in_the_next_note_when_committed_after_it_starts(tmp_path: Path):
    """Started at once, the next session was recorded `plan_committed: false`, and its note left every status
    change out."""
    repo = _left_to_the_next(tmp_path)
    started = tracker(repo, "2026-12-05T10:00", "session", "start", "--focus", "next")
    assert "changes left by session 2026-12-05#1 (issue #2) are this session's" in started.stderr
    assert "plan_committed" not in (repo.root / "data/phases.yaml").read_text()
    repo.commit("2 in progress, and the start", date="2026-12-05T10:01:00+00:00")
    note = tracker(repo, "2026-12-05T10:30", "summary").stdout
    assert "Issue #2: not started → in progress" in note
    assert "were not committed when the session started" not in note


def test_plan_edited_after_a_session_ended_is_the_next_ones_when_it_starts_before_a_commit(tmp_path: Path):
    repo = planned(tmp_path)
    tracker(repo, "2026-12-05T09:00", "session", "start")
    repo.commit("Start", date="2026-12-05T09:00:00+00:00")
    tracker(repo, "2026-12-05T09:30", "session", "end")
    repo.commit("End", date="2026-12-05T09:30:00+00:00")
    tracker(repo, "2026-12-05T09:40", "set", "2", "audit")
    said = tracker(repo, "2026-12-05T09:41", "summary").stderr
    assert "start the next session before you commit them, and its note takes them in" in said
    # The end refuses the plan not committed, so what is not committed now was done after it: the next session's.
    started = tracker(repo, "2026-12-05T10:00", "session", "start")
    assert "the plan's changes made since session 2026-12-05#1 ended (issue #2) are this session's" in started.stderr
    repo.commit("Audit #2", date="2026-12-05T10:10:00+00:00")
    assert "Issue #2: not started → audit" in tracker(repo, "2026-12-05T10:30", "summary").stdout


def _as(person: str, repo: Repo, *args: str) -> str:
    """git in `repo` as `person` (their own author and committer), not as the tests' Ada."""
    email = f"{person}@example.org"
    env = {**os.environ, **ENV, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}
    env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = "2026-12-05T09:30:00+00:00"
    done = subprocess.run(["git", *args], cwd=repo.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


SEVEN_NINE = PLAN + "".join(
    f"      - id: {number}\n        title: issue {number}\n        status: audit\n" for number in (7, 9)
)


def test_work_left_uncommitted_is_not_taken_in_with_a_colleagues_commits_pulled_after_the_end(tmp_path: Path):
    """The next start began its window at the `until` of the session that left work, whatever came in since: after a
    pull, its note claimed a colleague's issue and file."""
    alice, bob = clones(tmp_path, SEVEN_NINE.encode())
    tracker(bob, "2026-12-05T09:00", "session", "start", "--focus", "bob")
    tracker(bob, "2026-12-05T09:10", "set", "7", "complete")
    tracker(bob, "2026-12-05T09:20", "session", "end", "--leave-uncommitted")
    until = bob.git("rev-parse", "--short", "HEAD")

    tracker(alice, "2026-12-05T09:30", "set", "9", "verified")
    alice.write("src/alice.js", "alice();\n")
    _as("alice", alice, "add", ".")
    _as("alice", alice, "commit", "-q", "-m", "Verify #9")
    _as("alice", alice, "push", "-q", "origin", "main")
    theirs = alice.git("rev-parse", "--short", "HEAD")

    bob.git("pull", "-q", "--no-rebase", "--autostash", "origin", "main")
    started = tracker(bob, "2026-12-05T10:00", "session", "start", "--focus", "next")
    assert (
        f"warning: this session starts at HEAD ({theirs}), not where session 2026-12-05#1 ended ({until}) to take in "
        f"the plan's changes it left: 1 commit by others came in after it ended ({theirs} 'Verify #9'), and this "
        "session's note would claim their work; the plan's changes not committed (issue #7) are this session's, "
        "and its note takes them in"
    ) in started.stderr  # not "issues #1, #7": #1's steps, read back from the parse cache, are no change
    tracker(bob, "2026-12-05T10:10", "set", "1", "verified")
    bob.commit("Verify #1", date="2026-12-05T10:10:00+00:00")
    tracker(bob, "2026-12-05T10:20", "session", "end")
    bob.commit("End", date="2026-12-05T10:20:00+00:00")
    note = tracker(bob, "2026-12-05T10:30", "summary").stdout
    assert "Issue #1: not started → verified" in note and "Issue #7: audit → complete" in note
    assert "Issue #9: audit → verified" not in note and "alice.js" not in note
    assert "warning" not in tracker(bob, "2026-12-05T10:31", "validate").stderr


def test_after_a_pull_with_autostash_the_plan_s_work_not_committed_is_the_user_s_alone(tmp_path: Path):
    """`git pull --rebase --autostash` over a plan edited and not committed: the note's warning named issues #1 and
    #7, where only #7 was edited. #1's steps say `status: todo`, the default: the plan as HEAD holds it (read back
    from the parse cache: the clones share one here) and the work tree's (git wrote it: parsed) were compared
    through msgspec.to_builtins, which leaves a default out only when it is the very same object."""
    alice, bob = clones(tmp_path, SEVEN_NINE.encode())
    tracker(bob, "2026-12-05T09:00", "session", "start", "--focus", "bob")
    bob.commit("Start", date="2026-12-05T09:00:00+00:00")
    bob.git("push", "-q", "origin", "main")
    tracker(bob, "2026-12-05T09:10", "set", "7", "complete")
    tracker(bob, "2026-12-05T09:20", "session", "end", "--leave-uncommitted")
    alice.git("pull", "-q", "origin", "main")
    tracker(alice, "2026-12-05T09:30", "set", "9", "verified")
    _as("alice", alice, "commit", "-q", "-am", "Verify #9")
    _as("alice", alice, "push", "-q", "origin", "main")

    bob.git("pull", "-q", "--rebase", "--autostash", "origin", "main")
    assert "status: verified" in bob.git("show", "HEAD:data/phases.yaml")
    said = tracker(bob, "2026-12-05T09:45", "summary").stderr
    assert "warning: the plan has changes that are not committed (issue #7); the note of session 2026-12-05" in said


def test_a_colleague_s_commit_cherry_picked_is_the_user_s_own_so_the_next_session_takes_in_the_work_left(
    tmp_path: Path,
):
    """others_since judged a commit by its author too: Alice's commit that Bob cherry-picked (committed by Bob, as
    moved_past has it: written here by him) counted as another's, and the next session began at HEAD, leaving the
    work the last one left in no note."""
    alice, bob = clones(tmp_path, SEVEN_NINE.encode())
    tracker(bob, "2026-12-05T09:00", "session", "start", "--focus", "bob")
    tracker(bob, "2026-12-05T09:10", "set", "7", "complete")
    tracker(bob, "2026-12-05T09:20", "session", "end", "--leave-uncommitted")
    until = bob.git("rev-parse", "--short", "HEAD")
    alice.git("switch", "-q", "-c", "fix")
    alice.write("src/alice.js", "alice();\n")
    _as("alice", alice, "add", ".")
    _as("alice", alice, "commit", "-q", "-m", "Alice's fix")
    _as("alice", alice, "push", "-q", "origin", "fix")

    bob.git("fetch", "-q", "origin")
    bob.git("cherry-pick", "origin/fix")
    assert bob.git("log", "-1", "--format=%ae %ce") == "alice@example.org ada@example.org"
    started = tracker(bob, "2026-12-05T10:00", "session", "start", "--focus", "next")
    assert "by others came in" not in started.stderr
    assert f"(issue #7) are this session's: it starts where that one ended, at {until}" in started.stderr
    assert f"since: {until}" in (bob.root / "data/phases.yaml").read_text().split("focus: next")[1]


def test_work_left_uncommitted_and_committed_before_a_merge_pull_is_said_to_be_in_no_note(tmp_path: Path):
    alice, bob = clones(tmp_path, SEVEN_NINE.encode())
    tracker(bob, "2026-12-05T09:00", "session", "start", "--focus", "bob")
    tracker(bob, "2026-12-05T09:10", "set", "7", "complete")
    tracker(bob, "2026-12-05T09:20", "session", "end", "--leave-uncommitted")
    until = bob.git("rev-parse", "--short", "HEAD")
    bob.commit("Complete #7", date="2026-12-05T09:25:00+00:00")
    alice.write("src/alice.js", "alice();\n")
    _as("alice", alice, "add", ".")
    _as("alice", alice, "commit", "-q", "-m", "Alice's file")
    _as("alice", alice, "push", "-q", "origin", "main")

    bob.git("pull", "-q", "--no-rebase", "origin", "main")
    started = tracker(bob, "2026-12-05T10:00", "session", "start", "--focus", "next")
    assert "3 commits by others came in after it ended" not in started.stderr  # Bob's own commit is not counted
    assert "2 commits by others came in after it ended (" in started.stderr  # the merge and Alice's
    assert f"so the changes it left are in no note (since: {until} written by hand takes them in" in started.stderr
    bob.commit("Start", date="2026-12-05T10:01:00+00:00")
    tracker(bob, "2026-12-05T10:20", "session", "end")
    bob.commit("End", date="2026-12-05T10:20:00+00:00")
    assert "alice.js" not in tracker(bob, "2026-12-05T10:30", "summary").stdout
