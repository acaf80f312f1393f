"""A session's `until` after `git pull --rebase` rewrote the commit it names: two clones of one origin,
real back-dated commits, a real rebase, and the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from answerutil import answer_entries, split_entry
from conftest import run_tracker, tracker_env, wait_until_settled
from gitutil import ENV
from test_replayed_verdicts import mark_recorded_answers

PLAN = """\
project: P
phases:
  - id: P1
    title: One
    issues:
      - id: 1
        title: First
        status: in_progress
  - id: P2
    title: Two
    issues:
      - id: 3
        title: Third
        status: not_started
"""


# A colleague's own identity, for the commits made in their clone.
GRACE = {
    "GIT_AUTHOR_NAME": "Grace Hopper",
    "GIT_AUTHOR_EMAIL": "grace@example.org",
    "GIT_COMMITTER_NAME": "Grace Hopper",
    "GIT_COMMITTER_EMAIL": "grace@example.org",
}


def _git(where: Path, *args: str, at: str = "2026-12-05T08:00:00+00:00", who: dict[str, str] | None = None) -> str:
    env = {**os.environ, **ENV, **(who or {}), "GIT_AUTHOR_DATE": at, "GIT_COMMITTER_DATE": at}
    done = subprocess.run(["git", *args], cwd=where, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def _commit(where: Path, message: str, at: str, who: dict[str, str] | None = None) -> str:
    _git(where, "add", "-A")
    _git(where, "commit", "-q", "-m", message, at=at, who=who)
    return _git(where, "rev-parse", "HEAD")


def _tracker(where: Path, *args: str, at: str = "2026-12-05T12:00"):
    return run_tracker("--file", "plan.yaml", *args, cwd=where, env=tracker_env(TRACKER_NOW=at))


def kept_headers() -> list[tuple[bytes, dict]]:
    """Each answer kept in the cache: its answer and its header."""
    return [split_entry(entry.read_bytes()) for entry in answer_entries()]


def _two_clones(
    tmp_path: Path, first: str, subject: str, who: dict[str, str] | None = None, setup: bool = False
) -> tuple[Path, Path]:
    """Clones a and b of one origin: the one named `first` commits the plan as `subject` at 08:00 (by `who`) and
    pushes it before the other is cloned; with `setup`, each has `tracker git setup` (the merge driver)."""
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    a, b = tmp_path / "a", tmp_path / "b"
    one, other = (a, b) if first == "a" else (b, a)
    _git(tmp_path, "clone", "-q", str(origin), str(one))
    (one / "plan.yaml").write_text(PLAN, encoding="utf-8")
    if setup:
        assert _tracker(one, "git", "setup").returncode == 0
    _commit(one, subject, "2026-12-05T08:00:00+00:00", who=who)
    _git(one, "push", "-q", "origin", "main")
    _git(tmp_path, "clone", "-q", str(origin), str(other))
    if setup:
        assert _tracker(other, "git", "setup").returncode == 0
    return a, b


def _rebased(tmp_path: Path, prep: bool = False) -> tuple[Path, Path, str]:
    """Clone b holds a session (started 09:00, ended 10:00 at its "work" commit), clone a an issue added
    at 09:45 and pushed first; b pulls with a rebase and pushes, a pulls.  Gives a, b, and the sha
    `until` names, which a rebase made anew."""
    a, b = _two_clones(tmp_path, "a", "plan")
    if prep:  # a commit of b's own before the session: `since` names a commit the rebase rewrites too
        (b / "prep.md").write_text("prep\n", encoding="utf-8")
        _commit(b, "prep", "2026-12-05T08:30:00+00:00")

    assert _tracker(b, "session", "start", "--focus", "work", at="2026-12-05T09:00").returncode == 0
    _commit(b, "session start", "2026-12-05T09:01:00+00:00")
    (b / "work.md").write_text("work\n", encoding="utf-8")
    work = _commit(b, "work", "2026-12-05T09:30:00+00:00")
    assert _tracker(b, "session", "end", at="2026-12-05T10:00").returncode == 0
    assert f"until: {work[:7]}" in (b / "plan.yaml").read_text(encoding="utf-8")
    _commit(b, "session end", "2026-12-05T10:01:00+00:00")

    plan = (a / "plan.yaml").read_text(encoding="utf-8")
    (a / "plan.yaml").write_text(
        plan.replace("  - id: P2\n", "      - id: 2\n        title: Second\n        status: not_started\n  - id: P2\n"),
        encoding="utf-8",
    )
    _commit(a, "add issue 2", "2026-12-05T09:45:00+00:00")
    _git(a, "push", "-q", "origin", "main")

    _git(b, "pull", "-q", "--rebase", "origin", "main", at="2026-12-05T11:00:00+00:00")
    _git(b, "push", "-q", "origin", "main")
    _git(a, "pull", "-q", "--rebase", "origin", "main", at="2026-12-05T11:05:00+00:00")
    return a, b, work


def test_a_rebased_until_is_named_with_the_commit_it_probably_is_now(tmp_path):
    a, b, work = _rebased(tmp_path)
    now = _git(a, "log", "--format=%H", "--grep=^work$")
    assert now and now != work  # the rebase made a new commit of "work"; a never had the old one

    done = _tracker(a, "summary", "--session", "last")
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"plan.yaml:25:12: error: session 2026-12-05: '{work[:7]}' is not a commit in the repository at " in (
        done.stderr
    )
    # a's "add issue 2" (09:45) now comes before the session's commits: the start past it is offered too
    added = _git(a, "log", "--format=%H", "--grep=^add issue 2$")
    assert (
        f"(a rebase or an amend may have rewritten it, or it was never pushed); it is probably {now[:7]} now "
        f"('work', the last commit authored before the session ended in the history that wrote '{work[:7]}' "
        f"into the plan): check it, then write until: {now[:7]}; and the window from "
    ) in done.stderr
    assert done.stderr.endswith(
        f"1 commit that is not the session's own ({added[:7]} 'add issue 2': committed before the session began, "
        "or before a commit of the session that was moved on top of it), so the note would claim its work: "
        f"check, then write since: {added[:7]}\n"
    )

    checked = _tracker(a, "validate")
    assert checked.returncode == 0, checked.stderr
    assert f"plan.yaml:25:12: warning: '{work[:7]}' is not a commit in the repository at " in checked.stderr
    assert f"it is probably {now[:7]} now" in checked.stderr

    # The clone that rebased still holds the old commit, out of HEAD's history: told too, before it is pushed on.
    there = _tracker(b, "validate")
    assert there.returncode == 0, there.stderr
    assert (
        f"plan.yaml:25:12: warning: '{work[:7]}' is not in the history of HEAD (a rebase or an amend may have "
        f"rewritten it); it is probably {now[:7]} now"
    ) in there.stderr
    assert there.stderr.count("warning") == 1  # `since`, pushed before the session, is in it

    # The repair the message asks for gives a note of the session's work alone, the same bytes each time it is made.
    _follow(a, checked.stderr)
    first = _tracker(a, "summary", "--session", "last")
    assert first.returncode == 0, first.stderr
    assert "work.md" in first.stdout and "#2" not in _accomplished(first.stdout)
    again = _tracker(a, "summary", "--session", "last", at="2026-12-09T12:00")
    assert again.stdout == first.stdout
    assert _tracker(a, "validate").stderr == ""


def test_without_the_end_time_no_commit_is_offered(tmp_path):
    a, _b, work = _rebased(tmp_path)
    plan = (a / "plan.yaml").read_text(encoding="utf-8")
    assert "ended: '10:00'" in plan or 'ended: "10:00"' in plan
    (a / "plan.yaml").write_text(plan.replace("ended: '10:00'", "").replace('ended: "10:00"', ""), encoding="utf-8")
    done = _tracker(a, "summary", "--session", "last")
    assert done.returncode == 1
    assert f"'{work[:7]}' is not a commit in the repository at " in done.stderr
    assert "probably" not in done.stderr
    assert done.stderr.endswith("; correct 'until' or remove it\n")


def test_a_rebased_since_is_named_with_the_commit_it_probably_is_now(tmp_path):
    a, _b, _work = _rebased(tmp_path, prep=True)
    plan = (a / "plan.yaml").read_text(encoding="utf-8")
    since = plan.split("since: ", 1)[1][:7]
    now = _git(a, "log", "--format=%H", "--grep=^prep$")
    assert not now.startswith(since)
    done = _tracker(a, "summary", "--session", "last")
    assert done.returncode == 1
    assert f"plan.yaml:22:12: error: session 2026-12-05: '{since}' is not a commit in the repository at " in (
        done.stderr
    )
    assert (
        f"it is probably {now[:7]} now ('prep', the last commit authored before the session began in the history "
        f"that wrote '{since}' into the plan): check it, then write since: {now[:7]}\n"
    ) in done.stderr


def test_validate_warns_of_a_revision_the_repository_does_not_hold(tmp_path):
    where = tmp_path / "r"
    _git(tmp_path, "init", "-q", "-b", "main", str(where))
    (where / "plan.yaml").write_text(
        PLAN + "sessions: [{date: 2026-12-04, focus: b, until: deadbeef}]\n", encoding="utf-8"
    )
    _commit(where, "plan", "2026-12-05T08:00:00+00:00")
    done = _tracker(where, "validate")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"plan.yaml:15:48: warning: 'deadbeef' is not a commit in the repository at {where} (a rebase or an amend "
        "may have rewritten it, or it was never pushed); correct 'until' or remove it\n"
    )
    assert done.stdout == "plan.yaml: ok (1 warning)\n"


def _pulled(tmp_path: Path, how: str) -> tuple[Path, dict[str, str]]:
    """The shared tip S; in clone b a session (09:00 to 10:00) with commits A (mine.md, issue 1 complete) and B
    (mine2.md), ended at B and the end committed; meanwhile clone a pushes U1 (theirs.md, issue 3 started)
    and U2 (theirs2.md).  Then b pulls with `how` (--rebase or --no-rebase).  Gives b and the commits'
    shas by subject as b's history holds them."""
    a, b = _two_clones(tmp_path, "a", "S", setup=True)  # both change the plan: merged by its structure

    assert _tracker(b, "session", "start", "--focus", "mine", at="2026-12-05T09:00").returncode == 0
    assert _tracker(b, "set", "1", "complete", at="2026-12-05T09:10").returncode == 0
    (b / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(b, "A", "2026-12-05T09:10:00+00:00")
    (a / "theirs.md").write_text("theirs\n", encoding="utf-8")
    assert _tracker(a, "set", "3", "in_progress", at="2026-12-05T09:20").returncode == 0
    _commit(a, "U1", "2026-12-05T09:20:00+00:00")
    (b / "mine2.md").write_text("mine, more\n", encoding="utf-8")
    _commit(b, "B", "2026-12-05T09:30:00+00:00")
    (a / "theirs2.md").write_text("theirs, more\n", encoding="utf-8")
    _commit(a, "U2", "2026-12-05T09:40:00+00:00")
    _git(a, "push", "-q", "origin", "main")
    assert _tracker(b, "session", "end", "--headline", "Mine", at="2026-12-05T10:00").returncode == 0
    _commit(b, "end", "2026-12-05T10:01:00+00:00")

    _git(b, "pull", "-q", "--no-edit", how, "origin", "main", at="2026-12-05T11:00:00+00:00")
    shas = dict(line.split(" ", 1)[::-1] for line in _git(b, "log", "--format=%H %s").splitlines())
    return b, shas


def _follow(where: Path, said: str) -> None:
    """Write into the plan each `write KEY: SHA` that `said` (validate's warnings) asks for."""
    plan = (where / "plan.yaml").read_text(encoding="utf-8")
    for line in said.splitlines():
        for part in line.split("write ")[1:]:
            key, _, sha = part.partition(": ")
            sha = sha.split(";")[0].split(" ")[0]
            old = plan.split(f"    {key}: ", 1)[1].split("\n", 1)[0]
            plan = plan.replace(f"    {key}: {old}\n", f"    {key}: {sha}\n")
    (where / "plan.yaml").write_text(plan, encoding="utf-8")


def test_a_rebased_session_is_offered_the_start_past_the_commits_it_was_moved_past(tmp_path):
    b, shas = _pulled(tmp_path, "--rebase")
    plan = (b / "plan.yaml").read_text(encoding="utf-8")
    assert f"since: {shas['S'][:7]}" in plan  # S was pushed: the rebase left it, before U1 and U2 now
    checked = _tracker(b, "validate")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.count("warning") == 1  # at until, which the rebase left out of HEAD's history

    # What validate asks for gives a note of the session's own commits, A and B.
    _follow(b, checked.stderr)
    note = _tracker(b, "summary", "--session", "last")
    assert note.returncode == 0, note.stderr
    assert "mine.md" in note.stdout and "mine2.md" in note.stdout
    assert "theirs" not in note.stdout  # neither of their files
    assert "#3" not in _accomplished(note.stdout)  # nor their issue, started in U1
    assert _tracker(b, "validate").stderr == ""

    assert f"it is probably {shas['B'][:7]} now ('B'," in checked.stderr
    assert (
        f"then write until: {shas['B'][:7]}; and the window from '{shas['S'][:7]}' to {shas['B'][:7]} takes in 2 "
        f"commits that are not the session's own ({shas['U2'][:7]} 'U2', {shas['U1'][:7]} 'U1': committed before "
        "the session began, or before a commit of the session that was moved on top of them), so the note would "
        "claim their work: "
        f"check, then write since: {shas['U2'][:7]}\n"
    ) in checked.stderr


def test_a_window_still_taking_in_the_commits_it_was_moved_past_is_told_and_refused(tmp_path):
    b, shas = _pulled(tmp_path, "--rebase")
    plan = (b / "plan.yaml").read_text(encoding="utf-8")
    old_until = plan.split("    until: ", 1)[1][:7]
    (b / "plan.yaml").write_text(plan.replace(f"until: {old_until}", f"until: {shas['B'][:7]}"), encoding="utf-8")

    checked = _tracker(b, "validate")  # until corrected alone: told at since
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == (
        f"plan.yaml:19:12: warning: the window from '{shas['S'][:7]}' to {shas['B'][:7]} takes in 2 commits "
        f"that are not the session's own ({shas['U2'][:7]} 'U2', {shas['U1'][:7]} 'U1': committed before the "
        "session began, or before a commit of the session that was moved on top of them), so the note would claim "
        "their work: check, then "
        f"write since: {shas['U2'][:7]}\n"
    )
    done = _tracker(b, "summary", "--session", "last")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("plan.yaml:19:12: error: session 2026-12-05: the window from ")
    assert done.stderr.endswith(
        f"write since: {shas['U2'][:7]} (or keep this start: tracker summary --since {shas['S'][:7]})\n"
    )
    kept = _tracker(b, "summary", "--session", "last", "--since", shas["S"])  # the user's own word is taken
    assert kept.returncode == 0, kept.stderr
    assert "theirs.md" in kept.stdout and "Issue #3: not started → in progress" in _accomplished(kept.stdout)


def test_a_merged_session_keeps_its_window(tmp_path):
    b, shas = _pulled(tmp_path, "--no-rebase")
    plan = (b / "plan.yaml").read_text(encoding="utf-8")
    assert f"since: {shas['S'][:7]}" in plan and f"until: {shas['B'][:7]}" in plan  # the merge rewrote nothing
    assert _tracker(b, "validate").stderr == ""
    note = _tracker(b, "summary", "--session", "last")
    assert note.returncode == 0, note.stderr
    assert "mine.md" in note.stdout and "mine2.md" in note.stdout
    assert "theirs" not in note.stdout and "#3" not in _accomplished(note.stdout)


def _accomplished(note: str) -> str:
    return note.split("Accomplished This Session", 1)[1].split("Overall", 1)[0]


def test_an_open_session_rebased_on_a_later_commit_is_told_too(tmp_path):
    # A rebase in the middle of a session (no until yet): its window, up to HEAD, would take in U.
    where = tmp_path / "r"
    _git(tmp_path, "init", "-q", "-b", "main", str(where))
    (where / "plan.yaml").write_text(PLAN, encoding="utf-8")
    start = _commit(where, "S", "2026-12-05T08:00:00+00:00")
    assert _tracker(where, "session", "start", at="2026-12-05T09:00").returncode == 0
    (where / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(where, "A", "2026-12-05T09:10:00+00:00")
    _git(where, "checkout", "-q", "-b", "upstream", start)
    (where / "theirs.md").write_text("theirs\n", encoding="utf-8")
    theirs = _commit(where, "U", "2026-12-05T09:20:00+00:00")
    _git(where, "checkout", "-q", "main")
    _git(where, "rebase", "-q", "upstream", at="2026-12-05T09:40:00+00:00")

    checked = _tracker(where, "validate")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.startswith(f"plan.yaml:18:12: warning: the window from '{start[:7]}' to ")
    assert f"takes in 1 commit that is not the session's own ({theirs[:7]} 'U': " in checked.stderr
    assert checked.stderr.endswith(f"so the note would claim its work: check, then write since: {theirs[:7]}\n")
    done = _tracker(where, "summary")
    assert done.returncode == 1
    assert f"the window from '{start[:7]}' to HEAD takes in 1 commit" in done.stderr
    _follow(where, checked.stderr)
    assert _tracker(where, "validate").stderr == ""
    note = _tracker(where, "summary")
    assert note.returncode == 0, note.stderr
    assert "mine.md" in note.stdout and "theirs.md" not in note.stdout


def test_a_session_rebased_on_a_later_day_keeps_its_day_in_the_note_and_the_history(tmp_path):
    """Its commits rewritten two days later (committer date 12-03, author dates kept): the note's time is
    still the session's own, and `history` dates each commit by when its work was done."""
    where = tmp_path / "r"
    _git(tmp_path, "init", "-q", "-b", "main", str(where))
    (where / "plan.yaml").write_text(PLAN, encoding="utf-8")
    _commit(where, "plan", "2026-12-01T09:00:00+00:00")
    assert _tracker(where, "session", "start", "--focus", "work", at="2026-12-01T09:10").returncode == 0
    _commit(where, "start", "2026-12-01T09:10:00+00:00")
    assert _tracker(where, "set", "3", "in_progress", at="2026-12-01T09:30").returncode == 0
    _commit(where, "work", "2026-12-01T09:30:00+00:00")
    assert _tracker(where, "session", "end", "--headline", "done", at="2026-12-01T09:40").returncode == 0
    _commit(where, "end", "2026-12-01T09:40:00+00:00")
    before = _tracker(where, "summary", at="2026-12-01T09:45")
    assert "**Time**: 09:10 to 09:40  \n" in before.stdout, before.stderr

    env = {**os.environ, **ENV, "GIT_COMMITTER_DATE": "2026-12-03T08:00:00+00:00"}
    env.pop("GIT_AUTHOR_DATE", None)
    done = subprocess.run(["git", "rebase", "-q", "--force-rebase", "HEAD~3"], cwd=where, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    work = _git(where, "log", "--format=%h", "--grep=^work$")
    plan = (where / "plan.yaml").read_text(encoding="utf-8")
    until = plan.split("until: ", 1)[1][:7]
    (where / "plan.yaml").write_text(plan.replace(f"until: {until}", f"until: {work}"), encoding="utf-8")
    _commit(where, "until: rebased", "2026-12-03T08:05:00+00:00")

    after = _tracker(where, "summary", at="2026-12-03T09:00")
    assert after.returncode == 0, after.stderr
    assert "**Time**: 09:10 to 09:40  \n" in after.stdout  # it said "09:10 to 09:40 on 2026-12-03"
    assert after.stdout == before.stdout.replace(until, work)  # the same note, the commit `until` names aside

    shown = _tracker(where, "history", "--json", at="2026-12-03T09:00")
    assert [row["date"][:10] for row in json.loads(shown.stdout)["rows"]] == ["2026-12-01"] * 4 + ["2026-12-03"]


def test_history_dates_an_amended_first_commit_by_its_work(tmp_path):
    """The plan's first commit amended three days later: the history still began on the day it was written."""
    where = tmp_path / "r"
    _git(tmp_path, "init", "-q", "-b", "main", str(where))
    (where / "plan.yaml").write_text(PLAN, encoding="utf-8")
    _commit(where, "plan", "2026-12-01T09:00:00+00:00")
    env = {**os.environ, **ENV, "GIT_COMMITTER_DATE": "2026-12-04T08:00:00+00:00"}
    env.pop("GIT_AUTHOR_DATE", None)
    done = subprocess.run(["git", "commit", "-q", "--amend", "-m", "the plan"], cwd=where, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    shown = _tracker(where, "history", at="2026-12-04T09:00")
    assert shown.stdout.splitlines()[1].startswith("2026-12-01  ")
    assert "the plan's history covers 3 days; a pace needs a week" in shown.stdout  # it said "1 day"


def test_a_kept_verdict_of_a_missing_commit_is_made_again_once_a_fetch_brings_it(tmp_path):
    """validate's verdict was replayed while `git status` said the same: after a fetch brought the commit a
    session's `until` names, HEAD unmoved, it still said that git held no such commit.  It is replayed while
    nothing changes, and made again once the revision names a commit; when every revision is in HEAD's history
    the kept verdict asks git nothing more than `git status`."""
    a, b, work = _rebased(tmp_path)
    wait_until_settled()  # else the verdict is not kept, and nothing would be replayed
    missing = _tracker(a, "validate")
    assert f"warning: '{work[:7]}' is not a commit in the repository at " in missing.stderr
    assert [header["revisions"] for _, header in kept_headers()] == [[[work[:7], ""]]]
    mark_recorded_answers()
    assert _tracker(a, "validate").stderr == "REPLAYED\n"  # nothing changed: replayed

    _git(b, "branch", "old", work)
    _git(a, "fetch", "-q", str(b), "old")  # the commit arrives; HEAD, the index and the work tree stay
    fetched = _tracker(a, "validate")
    assert f"warning: '{work[:7]}' is not in the history of HEAD (a rebase or an amend may have rewritten" in (
        fetched.stderr
    )
    fresh = run_tracker(
        "--file", "plan.yaml", "validate", cwd=a, env=tracker_env(tmp_path / "fresh", TRACKER_NOW="2026-12-05T12:00")
    )
    assert (fetched.stdout, fetched.stderr) == (fresh.stdout, fresh.stderr)

    now = _git(a, "log", "--format=%h", "--grep=^work$")
    plan = (a / "plan.yaml").read_text(encoding="utf-8")
    (a / "plan.yaml").write_text(plan.replace(f"until: {work[:7]}", f"until: {now}"), encoding="utf-8")
    _commit(a, "until: the rebased commit", "2026-12-05T12:00:00+00:00")
    wait_until_settled()
    repaired = _tracker(a, "validate").stderr  # (the window's start is told of still: its sha is in HEAD's history)
    assert "is not a commit" not in repaired and "not in the history of HEAD" not in repaired
    assert [header["revisions"] for _, header in kept_headers()] == [[]]  # the usual verdict: git status vouches


def test_a_day_whose_commits_an_older_commit_was_rebased_onto_later_keeps_its_start(tmp_path):
    """A session named by its day alone (no since): its commits, then a commit of older work on another branch
    rebased onto them three days later (authored 11-26, committed 12-04).  The walk stopped at that commit, the
    first one it met authored before the day, and found nothing of the day: the note lost the session's work."""
    where = tmp_path / "r"
    _git(tmp_path, "init", "-q", "-b", "main", str(where))
    (where / "plan.yaml").write_text(PLAN + "sessions:\n  - date: 2026-12-01\n    focus: work\n", encoding="utf-8")
    start = _commit(where, "X", "2026-11-20T09:00:00+00:00")
    _git(where, "checkout", "-q", "-b", "feature")
    (where / "old.md").write_text("older work\n", encoding="utf-8")
    _commit(where, "F", "2026-11-26T09:00:00+00:00")
    _git(where, "checkout", "-q", "main")
    (where / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(where, "A", "2026-12-01T09:10:00+00:00")
    (where / "plan.yaml").write_text(
        (where / "plan.yaml").read_text(encoding="utf-8").replace("status: in_progress", "status: complete"),
        encoding="utf-8",
    )
    _commit(where, "B", "2026-12-01T09:20:00+00:00")
    before = _tracker(where, "summary", at="2026-12-01T10:00")
    assert "Issue #1: in progress → complete" in _accomplished(before.stdout), before.stderr

    env = {**os.environ, **ENV, "GIT_COMMITTER_DATE": "2026-12-04T08:00:00+00:00"}
    done = subprocess.run(["git", "rebase", "-q", "main", "feature"], cwd=where, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    _git(where, "checkout", "-q", "main")
    _git(where, "merge", "-q", "--ff-only", "feature")

    after = _tracker(where, "summary", at="2026-12-04T10:00")
    assert after.returncode == 0, after.stderr
    assert f"**Since**: `{start[:7]}`, the first commit made before 2026-12-01, going back from HEAD\n" in after.stdout
    assert "Issue #1: in progress → complete" in _accomplished(after.stdout)  # it said no issue changed
    assert "mine.md" in after.stdout
    given = _tracker(where, "summary", "--since", "2026-12-01", at="2026-12-04T10:00")
    assert f"**Since**: `{start[:7]}`" in given.stdout, given.stderr


def _grace_before_the_session(tmp_path: Path) -> tuple[Path, Path, str]:
    """Two clones of one origin, a and b; in a, Grace's U0 (08:50, theirs.md), not pushed: the commit made before
    b's session begins at 09:00.  Returns a, b and U0's sha."""
    a, b = _two_clones(tmp_path, "a", "S", who=GRACE)
    (a / "theirs.md").write_text("theirs\n", encoding="utf-8")
    return a, b, _commit(a, "U0", "2026-12-05T08:50:00+00:00", who=GRACE)


def test_a_commit_authored_before_the_session_and_rebased_under_it_is_told(tmp_path):
    """Grace's commit U0, made at 08:50 before the session began (09:00), reaches origin while the session runs;
    b pulls with a rebase after it ended.  U0 now lies under the session's commits, and its author date is
    older than all of theirs: dates in order said nothing, and the note claimed U0's work."""
    a, b, u0 = _grace_before_the_session(tmp_path)

    assert _tracker(b, "session", "start", "--focus", "mine", at="2026-12-05T09:00").returncode == 0
    (b / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(b, "A", "2026-12-05T09:10:00+00:00")
    _git(a, "push", "-q", "origin", "main")
    (b / "mine2.md").write_text("mine, more\n", encoding="utf-8")
    _commit(b, "B", "2026-12-05T09:30:00+00:00")
    assert _tracker(b, "session", "end", "--headline", "Mine", at="2026-12-05T10:00").returncode == 0
    _commit(b, "end", "2026-12-05T10:01:00+00:00")
    _git(b, "pull", "-q", "--rebase", "origin", "main", at="2026-12-05T11:00:00+00:00")
    shas = dict(line.split(" ", 1)[::-1] for line in _git(b, "log", "--format=%H %s").splitlines())
    assert shas["U0"] == u0  # not rewritten: it was upstream

    checked = _tracker(b, "validate")
    assert checked.returncode == 0, checked.stderr
    assert f"it is probably {shas['B'][:7]} now ('B'," in checked.stderr
    assert (
        f"then write until: {shas['B'][:7]}; and the window from '{shas['S'][:7]}' to {shas['B'][:7]} takes in 1 "
        f"commit that is not the session's own ({u0[:7]} 'U0': committed before the session began, or before a "
        "commit of the session that was moved on top of it), "
        f"so the note would claim its work: check, then write since: {u0[:7]}\n"
    ) in checked.stderr
    _follow(b, checked.stderr)
    assert _tracker(b, "validate").stderr == ""
    note = _tracker(b, "summary", "--session", "last")
    assert note.returncode == 0, note.stderr
    assert "mine.md" in note.stdout and "mine2.md" in note.stdout and "theirs.md" not in note.stdout


def _session(tmp_path: Path) -> tuple[Path, str]:
    """A repository with the plan committed at S (08:00) and a session started at 09:00 on it."""
    where = tmp_path / "r"
    _git(tmp_path, "init", "-q", "-b", "main", str(where))
    (where / "plan.yaml").write_text(PLAN, encoding="utf-8")
    start = _commit(where, "S", "2026-12-05T08:00:00+00:00")
    assert _tracker(where, "session", "start", "--focus", "mine", at="2026-12-05T09:00").returncode == 0
    return where, start


def _ends_clean(where: Path, *files: str) -> None:
    """The session ends at 10:00: validate says nothing, and its note lists each of `files`."""
    assert _tracker(where, "session", "end", at="2026-12-05T10:00").returncode == 0
    _commit(where, "end", "2026-12-05T10:01:00+00:00")
    checked = _tracker(where, "validate")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
    note = _tracker(where, "summary", "--session", "last")
    assert note.returncode == 0, note.stderr
    assert all(name in note.stdout for name in files)


def test_the_sessions_own_commits_reordered_by_an_interactive_rebase_are_its_own(tmp_path):
    """`git rebase -i` at 09:50 swaps the session's A (09:10) and B (09:30): B now lies under A, which was
    authored first.  That was taken for a rebase moving the session past B, with a warning and a refusal."""
    where, _start = _session(tmp_path)
    (where / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(where, "A", "2026-12-05T09:10:00+00:00")
    (where / "mine2.md").write_text("mine, more\n", encoding="utf-8")
    _commit(where, "B", "2026-12-05T09:30:00+00:00")
    swap = "sed -i -n '1h;1!p;${g;p}'"  # the todo's first pick goes last
    env = {**os.environ, **ENV, "GIT_COMMITTER_DATE": "2026-12-05T09:50:00+00:00", "GIT_SEQUENCE_EDITOR": swap}
    done = subprocess.run(["git", "rebase", "-q", "-i", "HEAD~2"], cwd=where, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert _git(where, "log", "--format=%s", "-2").split() == ["A", "B"]
    _ends_clean(where, "mine.md", "mine2.md")


def test_a_colleagues_commit_cherry_picked_in_the_session_is_its_own(tmp_path):
    """Grace's U (09:20, on another branch) cherry-picked at 09:35 after the session's B (09:30): U keeps its
    author date, older than B's.  That was taken for a rebase moving the session past B."""
    where, start = _session(tmp_path)
    (where / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(where, "A", "2026-12-05T09:10:00+00:00")
    _git(where, "checkout", "-q", "-b", "grace", start)
    (where / "theirs.md").write_text("theirs\n", encoding="utf-8")
    theirs = _commit(where, "U", "2026-12-05T09:20:00+00:00", who=GRACE)
    _git(where, "checkout", "-q", "main")
    (where / "mine2.md").write_text("mine, more\n", encoding="utf-8")
    _commit(where, "B", "2026-12-05T09:30:00+00:00")
    _git(where, "cherry-pick", theirs, at="2026-12-05T09:35:00+00:00")
    _ends_clean(where, "mine.md", "mine2.md", "theirs.md")


def test_a_session_on_a_day_the_calendar_lacks_is_told_as_such_not_as_a_traceback(tmp_path):
    where, _start = _session(tmp_path)
    (where / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(where, "A", "2026-12-05T09:10:00+00:00")
    plan = (where / "plan.yaml").read_text(encoding="utf-8")
    (where / "plan.yaml").write_text(plan.replace("date: 2026-12-05", "date: 2026-02-30"), encoding="utf-8")
    checked = _tracker(where, "validate")
    assert checked.returncode == 1
    assert checked.stderr == (
        "plan.yaml:16:11: error: session date '2026-02-30' is not a real calendar date; write a day that exists, "
        "as YYYY-MM-DD\nplan.yaml: 1 error\n"
    )


def test_a_pull_that_fast_forwards_as_the_session_begins_is_no_rebase(tmp_path):
    """Grace's U0 (08:50) pushed; b starts a session at 09:00, pulls (a fast-forward: nothing rewritten) and
    works.  U0 was committed before the session began, as in a rebase that moved it under the session's
    commits, but none of those was written again: the window takes U0 in as it stands, without a warning."""
    a, b, _ = _grace_before_the_session(tmp_path)
    _git(a, "push", "-q", "origin", "main")

    assert _tracker(b, "session", "start", "--focus", "mine", at="2026-12-05T09:00").returncode == 0
    _git(b, "pull", "-q", "--ff-only", "origin", "main", at="2026-12-05T09:05:00+00:00")
    (b / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(b, "A", "2026-12-05T09:10:00+00:00")
    _ends_clean(b, "mine.md", "theirs.md")


def test_the_sessions_own_start_commit_pushed_before_the_rebase_is_not_named_as_anothers(tmp_path):
    """b starts a session at 09:55 and pushes its start commit at 10:00; Grace pushes U at 10:20 while b commits
    A (10:10) and B (10:30); b pulls with a rebase.  U is told, and the window is to start at it; b's own start
    commit, under U, is not named as another's work (it was, as one of "2 commits that are not the session's")."""
    a, b = _two_clones(tmp_path, "b", "S")
    assert _tracker(b, "session", "start", "--focus", "mine", at="2026-12-05T09:55").returncode == 0
    start = _commit(b, "Start session", "2026-12-05T10:00:00+00:00")
    _git(b, "push", "-q", "origin", "main")
    (b / "mine.md").write_text("mine\n", encoding="utf-8")
    _commit(b, "A", "2026-12-05T10:10:00+00:00")
    _git(a, "pull", "-q", "origin", "main")
    (a / "theirs.md").write_text("theirs\n", encoding="utf-8")
    theirs = _commit(a, "U", "2026-12-05T10:20:00+00:00", who=GRACE)
    _git(a, "push", "-q", "origin", "main")
    (b / "mine2.md").write_text("mine, more\n", encoding="utf-8")
    _commit(b, "B", "2026-12-05T10:30:00+00:00")
    _git(b, "pull", "-q", "--rebase", "origin", "main", at="2026-12-05T11:00:00+00:00")
    assert _tracker(b, "session", "end", at="2026-12-05T11:05").returncode == 0
    _commit(b, "end", "2026-12-05T11:06:00+00:00")

    checked = _tracker(b, "validate")
    assert checked.returncode == 0, checked.stderr
    assert f"takes in 1 commit that is not the session's own ({theirs[:7]} 'U': " in checked.stderr
    assert start[:7] not in checked.stderr
    assert f"write since: {theirs[:7]}\n" in checked.stderr
