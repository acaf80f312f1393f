"""`tracker summary --since` a window that is not the session's own: the note is about that window, and its
header says so, rather than the last session's day, time, focus and headline over several days' work.

Real repository with back-dated commits, the real CLI.
"""

from __future__ import annotations

from pathlib import Path

from test_session_end_rules import planned, tracker


def test_a_window_given_with_since_is_named_in_the_header_not_the_sessions_day_time_and_focus(tmp_path: Path):
    repo = planned(tmp_path)  # the plan, committed on 2025-11-30
    for day, issue, status, focus in (("02", "1", "in_progress", "first"), ("04", "2", "audit", "cleanup")):
        tracker(repo, f"2026-12-{day}T09:00", "session", "start", "--focus", focus)
        repo.commit("Start", date=f"2026-12-{day}T09:00:00+00:00")
        tracker(repo, f"2026-12-{day}T09:10", "set", issue, status)
        repo.commit(f"#{issue}", date=f"2026-12-{day}T09:10:00+00:00")
        tracker(repo, f"2026-12-{day}T10:00", "session", "end", "--headline", "Cleaned")
        repo.commit("End", date=f"2026-12-{day}T10:00:00+00:00")

    window = tracker(repo, "2026-12-05T08:00", "summary", "--since", "2026-12-02").stdout
    head = window.split("## 🎯")[0]
    assert "# Summary - December 2, 2026 to December 4, 2026\n" in head
    assert "description: Summary - December 2, 2026 to December 4, 2026\n" in head
    for said in ("Session Summary", "December 4, 2026\n", "**Time**", "**Focus**", "cleanup", "**Status**"):
        assert said not in head.replace("to December 4, 2026\n", ""), said
    assert "## 🎯 Accomplished in This Window" in window
    assert "Issue #1: not started → in progress" in window and "Issue #2: not started → audit" in window
    assert "**Accomplished in this window**:" in window

    # The session's own start, however given, is the session's note.
    since = (repo.root / "data/phases.yaml").read_text().split("since: ")[-1].split()[0]
    own = tracker(repo, "2026-12-05T08:00", "summary", "--since", since).stdout
    assert "# Session Summary - December 4, 2026\n" in own
    assert "**Time**: 09:00 to 10:00  \n**Focus**: cleanup  \n**Status**: Cleaned" in own
    assert "## 🎯 Accomplished This Session" in own and "Issue #1" not in own.split("## 📊")[0]


def test_a_window_cut_at_the_next_sessions_start_says_so_and_never_calls_an_open_session_ended(tmp_path: Path):
    """Two sessions open on one day (a pull merging a teammate's start): the first one's window ends where the
    second began, and that is all the note may say of it; the session itself is still open."""
    repo = planned(tmp_path)
    base = repo.git("rev-parse", "--short", "HEAD").strip()
    tracker(repo, "2026-12-05T09:10", "set", "1", "in_progress")
    repo.commit("#1 in progress", date="2026-12-05T09:10:00+00:00")
    second = repo.git("rev-parse", "--short", "HEAD").strip()
    plan = (repo.root / "data/phases.yaml").read_text()
    sessions = "".join(
        f"  - date: 2026-12-05\n    started: '{at}'\n    focus: {focus}\n    since: {since}\n"
        for at, focus, since in (("09:00", "first", base), ("10:00", "second", second))
    )
    (repo.root / "data/phases.yaml").write_text(plan + "sessions:\n" + sessions)
    repo.commit("sessions", date="2026-12-05T10:00:00+00:00")

    note = tracker(repo, "2026-12-05T12:00", "summary", "--session", "2026-12-05#1").stdout
    assert "**Time**: 09:00, still open  \n" in note
    assert (
        f"**Until**: `{second}`, where the next session (2026-12-05#2) began; this session is still open\n\n---\n"
    ) in note
    assert "ended" not in note.split("---")[2]  # the header

    # Ended by hand (no `until`): its window still ends at the next one's start, which is what is said.
    ended = plan + "sessions:\n" + sessions.replace("    focus: first\n", "    ended: '09:50'\n    focus: first\n")
    (repo.root / "data/phases.yaml").write_text(ended)
    repo.commit("ended", date="2026-12-05T10:05:00+00:00")
    note = tracker(repo, "2026-12-05T12:00", "summary", "--session", "2026-12-05#1").stdout
    assert f"**Until**: `{second}`, where the next session (2026-12-05#2) began\n\n---\n" in note
