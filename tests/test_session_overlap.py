"""Two teammates' sessions at the same time, each in their own clone, merged by a pull with tracker's merge
driver: each note is about its own session's work alone.  Real clones of one origin, back-dated commits, real
merges and the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_tracker, tracker_env
from test_session_rebase import GRACE, _commit, _git, _two_clones

ADA = "'Ada Lovelace <ada@example.org>'"  # gitutil.ENV, the identity of clone a's commits and tracker runs


def _run(where: Path, *args: str, at: str, who: dict[str, str] | None = None):
    """`tracker ARGS` in clone `where` at `at`, as `who` (default: gitutil.ENV's Ada) commits there."""
    return run_tracker("--file", "plan.yaml", *args, cwd=where, env=tracker_env(TRACKER_NOW=at, **(who or {})))


def _ok(where: Path, *args: str, at: str, who: dict[str, str] | None = None) -> str:
    done = _run(where, *args, at=at, who=who)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _note(where: Path, session: str, who: dict[str, str] | None = None) -> str:
    """The note of `session`, made in clone `where` by `who` (default Ada)."""
    return _ok(where, "summary", "--session", session, "--no-front-matter", "--plain", at="2026-12-05T12:00", who=who)


def _section(note: str, title: str) -> str:
    return note.split(f"## {title}", 1)[1].split("\n---", 1)[0]


def _ada_begins(tmp_path: Path) -> tuple[Path, Path]:
    """Clones a and b of one origin; in a, Ada starts a session at 09:00 and completes #1, writing a1.md."""
    a, b = _two_clones(tmp_path, "a", "plan", setup=True)
    _ok(a, "session", "start", "--focus", "Ada's", at="2026-12-05T09:00")
    _commit(a, "Ada starts", "2026-12-05T09:00:30+00:00")
    _ok(a, "set", "1", "complete", at="2026-12-05T09:10")
    (a / "a1.md").write_text("a1\n", encoding="utf-8")
    _commit(a, "A1", "2026-12-05T09:10:30+00:00")
    return a, b


def _overlapping(tmp_path: Path, how: str = "--no-rebase") -> tuple[Path, Path]:
    """Ada (clone a) starts a session at 09:00, Grace (clone b) hers at 09:20, each at the same origin commit.
    Ada completes #1 and, after Grace began, writes a2.md; Grace sets #3 in progress; Grace pulls (`how`: a merge
    or a rebase), ends and pushes; Ada pulls (a fast-forward)."""
    a, b = _ada_begins(tmp_path)
    _ok(b, "session", "start", "--focus", "Grace's", at="2026-12-05T09:20", who=GRACE)
    _commit(b, "Grace starts", "2026-12-05T09:20:30+00:00", who=GRACE)
    (a / "a2.md").write_text("a2\n", encoding="utf-8")
    _commit(a, "A2 after Grace began", "2026-12-05T09:30:00+00:00")
    _git(a, "push", "-q", "origin", "main")
    _ok(b, "set", "3", "in_progress", at="2026-12-05T09:40", who=GRACE)
    (b / "b1.md").write_text("b1\n", encoding="utf-8")
    _commit(b, "B1", "2026-12-05T09:40:30+00:00", who=GRACE)
    _git(b, "pull", "-q", how, "--no-edit", "origin", "main", at="2026-12-05T10:00:00+00:00", who=GRACE)
    _ok(b, "session", "end", "--session", "2026-12-05#2", at="2026-12-05T10:10", who=GRACE)
    _commit(b, "Grace ends", "2026-12-05T10:10:30+00:00", who=GRACE)
    _git(b, "push", "-q", "origin", "main", who=GRACE)
    _git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T10:20:00+00:00")
    return a, b


@pytest.mark.parametrize("how", ["--no-rebase", "--rebase"])
def test_overlapping_sessions_each_note_their_own_work_alone(tmp_path, how):
    a, b = _overlapping(tmp_path, how)
    plan = (a / "plan.yaml").read_text(encoding="utf-8")
    assert f"    by: {ADA}\n" in plan and "    by: 'Grace Hopper <grace@example.org>'\n" in plan

    # Ada's session, still open, seen in Grace's clone: Grace's work not committed there is not Ada's.
    (b / "b2.md").write_text("b2\n", encoding="utf-8")
    seen = _note(b, "2026-12-05#1", GRACE)
    assert "a1.md" in seen and "b2.md" not in seen and "b1.md" not in seen
    assert (
        "> Left out: the changes not committed in this clone, which commits as Grace Hopper \\<grace@example.org>, "
        "who ran session 2026-12-05#2 at the same time: they are that session's."
    ) in seen
    (b / "b2.md").unlink()

    # Ada's session runs on: Grace's start (a colleague's, at the same commit) does not end it.
    running = _note(a, "2026-12-05#1")
    assert "still open" in running and "where the next session" not in running
    assert "- Issue #1: in progress → complete" in _section(running, "Accomplished This Session")
    assert "Issue #3" not in _section(running, "Accomplished This Session")

    (a / "a3.md").write_text("a3\n", encoding="utf-8")
    _commit(a, "A3 after the pull", "2026-12-05T10:30:00+00:00")
    _ok(a, "session", "end", at="2026-12-05T10:40")
    _commit(a, "Ada ends", "2026-12-05T10:40:30+00:00")
    _git(a, "push", "-q", "origin", "main")
    _git(b, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T10:50:00+00:00", who=GRACE)

    checked = _run(
        b, "validate", at="2026-12-05T12:00", who=GRACE
    )  # a rebase moved Grace's commits past Ada's: no warning
    assert checked.returncode == 0 and "not the session's own" not in checked.stderr, checked.stderr
    for where, who in ((a, None), (b, GRACE)):  # the same notes in either clone
        ada, grace = _note(where, "2026-12-05#1", who), _note(where, "2026-12-05#2", who)
        done = _section(ada, "Accomplished This Session")
        assert "- Issue #1: in progress → complete" in done and "Issue #3" not in done
        assert [name for name in ("a1.md", "a2.md", "a3.md", "b1.md") if name in ada] == ["a1.md", "a2.md", "a3.md"]
        assert "Overall 0% → 50% this session (+1 issue; 1 of 2 done)" in ada
        # 'Grace ends' came after her session's `until`: outside her window, so not left out of Ada's.
        assert (
            "> Left out: 2 commits of this window that Grace Hopper \\<grace@example.org> made in session "
            "2026-12-05#2, which ran at the same time ("
        ) in ada

        done = _section(grace, "Accomplished This Session")
        assert "- Issue #3: not started → in progress" in done and "Issue #1" not in done
        assert [name for name in ("a1.md", "a2.md", "a3.md", "b1.md") if name in grace] == ["b1.md"]
        assert "Overall 50% → 50% this session (+0 issues; 1 of 2 done)" in grace  # #1 was Ada's
        assert (
            "> Left out: 3 commits of this window that Ada Lovelace \\<ada@example.org> made in session "
            "2026-12-05#1, which ran at the same time ("
        ) in grace
        assert "'Ada starts', " in grace and "'A2 after Grace began')" in grace


def test_a_colleagues_work_after_her_session_ended_stays_in_the_note_whose_window_has_it(tmp_path):
    """Only the commits a colleague made in her own session's window are left out as that session's: what Grace
    committed after her session ended is in no note of hers, so Ada's open session, whose window has it, keeps it."""
    a, b = _ada_begins(tmp_path)
    _git(a, "push", "-q", "origin", "main")
    _ok(b, "session", "start", "--focus", "Grace's", at="2026-12-05T09:20", who=GRACE)
    _commit(b, "Grace starts", "2026-12-05T09:20:30+00:00", who=GRACE)
    (b / "b1.md").write_text("b1\n", encoding="utf-8")
    _commit(b, "B1", "2026-12-05T09:40:30+00:00", who=GRACE)
    _ok(b, "session", "end", at="2026-12-05T10:00", who=GRACE)
    _commit(b, "Grace ends", "2026-12-05T10:00:30+00:00", who=GRACE)
    (b / "b2.md").write_text("b2\n", encoding="utf-8")
    _ok(b, "set", "3", "in_progress", at="2026-12-05T10:10", who=GRACE)
    _commit(b, "B2 after Grace ended", "2026-12-05T10:10:30+00:00", who=GRACE)
    _git(b, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T10:20:00+00:00", who=GRACE)
    _git(b, "push", "-q", "origin", "main", who=GRACE)
    _git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T10:30:00+00:00")

    ada, grace = _note(a, "2026-12-05#1"), _note(a, "2026-12-05#2")
    assert "Focus**: Ada's" in ada and "Focus**: Grace's" in grace
    assert "b2.md" not in grace and "Issue #3" not in _section(grace, "Accomplished This Session")  # after `until`
    assert "b2.md" in ada and "b1.md" not in ada
    assert "- Issue #3: not started → in progress" in _section(ada, "Accomplished This Session")
    left = [line for line in ada.splitlines() if line.startswith("> Left out")]
    assert len(left) == 1 and "2 commits" in left[0] and "made in session 2026-12-05#2" in left[0], left
    assert "'Grace starts', " in left[0] and "'B1')" in left[0] and "B2 after" not in left[0]


def test_each_of_a_colleagues_sessions_at_the_same_time_is_named_for_its_own_commits(tmp_path):
    """Grace ran two sessions, one after the other, while Ada's ran: Ada's note names each with its commits."""
    a, b = _two_clones(tmp_path, "a", "plan", setup=True)
    _ok(a, "session", "start", "--focus", "Ada's", at="2026-12-05T09:00")
    _commit(a, "Ada starts", "2026-12-05T09:00:30+00:00")
    _git(a, "push", "-q", "origin", "main")
    for number, hour in ((1, "09"), (3, "10")):
        _ok(b, "session", "start", "--focus", f"Grace's {number}", at=f"2026-12-05T{hour}:00", who=GRACE)
        _commit(b, f"Grace starts {number}", f"2026-12-05T{hour}:00:30+00:00", who=GRACE)
        (b / f"b{number}.md").write_text("b\n", encoding="utf-8")
        _commit(b, f"B{number}", f"2026-12-05T{hour}:10:30+00:00", who=GRACE)
        _ok(b, "session", "end", at=f"2026-12-05T{hour}:20", who=GRACE)
        _commit(b, f"Grace ends {number}", f"2026-12-05T{hour}:20:30+00:00", who=GRACE)
    _git(b, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T10:30:00+00:00", who=GRACE)
    _git(b, "push", "-q", "origin", "main", who=GRACE)
    _git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T10:40:00+00:00")

    names = {_note(a, f"2026-12-05#{i}").split("**Focus**: ")[1].split("  ")[0]: f"2026-12-05#{i}" for i in (1, 2, 3)}
    left = [line for line in _note(a, names["Ada's"]).splitlines() if line.startswith("> Left out")]
    assert len(left) == 2, left
    for number, line in zip((1, 3), sorted(left, key=lambda line: "'B3'" in line), strict=True):
        session = names[f"Grace's {number}"]
        assert line.startswith(
            f"> Left out: 2 commits of this window that Grace Hopper \\<grace@example.org> made in session {session}, "
        )
        assert f"'Grace starts {number}', " in line and f"'B{number}'): that work is in that session's note." in line


def _sequential(tmp_path: Path) -> tuple[Path, Path]:
    """Ada's session (09:00 to 09:30, #1 complete, a1.md) is pushed before Grace pulls and starts hers (10:00 to
    10:30, #3 in progress, b1.md); Ada pulls."""
    a, b = _two_clones(tmp_path, "a", "plan", setup=True)
    _ok(a, "session", "start", "--focus", "Ada's", at="2026-12-05T09:00")
    _ok(a, "set", "1", "complete", at="2026-12-05T09:10")
    (a / "a1.md").write_text("a1\n", encoding="utf-8")
    _commit(a, "A1", "2026-12-05T09:10:00+00:00")
    _ok(a, "session", "end", at="2026-12-05T09:30")
    _commit(a, "Ada ends", "2026-12-05T09:30:30+00:00")
    _git(a, "push", "-q", "origin", "main")
    _git(b, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T09:50:00+00:00", who=GRACE)
    _ok(b, "session", "start", "--focus", "Grace's", at="2026-12-05T10:00", who=GRACE)
    _ok(b, "set", "3", "in_progress", at="2026-12-05T10:10", who=GRACE)
    (b / "b1.md").write_text("b1\n", encoding="utf-8")
    _commit(b, "B1", "2026-12-05T10:10:00+00:00", who=GRACE)
    _ok(b, "session", "end", at="2026-12-05T10:30", who=GRACE)
    _commit(b, "Grace ends", "2026-12-05T10:30:30+00:00", who=GRACE)
    _git(b, "push", "-q", "origin", "main", who=GRACE)
    _git(a, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", at="2026-12-05T10:40:00+00:00")
    return a, b


def test_sessions_one_after_the_other_are_noted_as_without_who_started_them(tmp_path):
    a, _ = _sequential(tmp_path)
    notes = [_note(a, name) for name in ("2026-12-05#1", "2026-12-05#2")]
    assert "- Issue #1: in progress → complete" in notes[0] and "Issue #3: not started" not in notes[0]
    assert "- Issue #3: not started → in progress" in notes[1] and "Issue #1: in progress" not in notes[1]
    assert all("Left out" not in note for note in notes)

    # The same notes, byte for byte, from the plan without `by:` (as a plan written before it was): who started
    # a session changes nothing of windows that do not overlap.
    plan = (a / "plan.yaml").read_text(encoding="utf-8")
    (a / "plan.yaml").write_text("".join(line for line in plan.splitlines(True) if "    by: " not in line))
    assert [_note(a, name) for name in ("2026-12-05#1", "2026-12-05#2")] == notes


def test_overlapping_sessions_that_do_not_say_who_started_them_keep_their_notes(tmp_path):
    """A plan from before `by:`: its sessions are not told apart, and their notes stay the bytes they were."""
    a, b = _overlapping(tmp_path)
    before = {name: _note(a, name) for name in ("2026-12-05#1", "2026-12-05#2")}
    plan = (a / "plan.yaml").read_text(encoding="utf-8")
    (a / "plan.yaml").write_text("".join(line for line in plan.splitlines(True) if "    by: " not in line))
    old = {name: _note(a, name) for name in before}
    assert all("Left out" not in note for note in old.values())
    assert "where the next session (2026-12-05#2) began" in old["2026-12-05#1"]  # cut there, as always
    assert "b1.md" in old["2026-12-05#2"] and "a1.md" in old["2026-12-05#2"]  # as the window has it
    assert old != before
