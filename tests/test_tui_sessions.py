"""Starting and ending a session from the dashboard's palette, as a user does it, against the CLI.

The dashboard and `tracker session start|end` make their changes in one place
(tracker.edit's start_session and end_session), so the same moment and the same
repository give the same plan bytes whichever was used; that is what these
tests check, on twin repositories built alike (same shas).  What the user typed
is never lost to a refusal: a refusal comes before anything is asked, and a
write refused later leaves a draft that the next try starts from.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import make_repo
from test_tui import SIZE, app_for, dashboard, in_palette, notes, save, settle, synchronously, wait_for
from textual.widgets import Input
from tuiplan import changed_lines, make_plan_repo

from tracker.notes.gather import build_summary
from tracker.plan.loader import load
from tracker.tui.screens.ask import AskScreen
from tracker.tui.screens.dashboard import DashboardScreen
from tracker.tui.screens.session_end import SessionEndScreen

NOW = "2026-01-15T09:30"
LATER = "2026-01-15T11:45"


@pytest.fixture
def plan(repo, monkeypatch) -> Path:
    monkeypatch.setenv("TRACKER_NOW", NOW)
    return make_plan_repo(repo)


@pytest.fixture
def twin(tmp_path) -> Path:
    """The same repository again, for the CLI to write in."""
    return make_plan_repo(make_repo(tmp_path / "twin"))


def tracker(plan: Path, at: str, *args: str) -> str:
    done = run_tracker("--file", str(plan), *args, env={"TRACKER_NOW": at})
    assert done.returncode == 0, done.stderr
    return done.stderr


def head(plan: Path) -> str:
    return make_repo(plan.parent.parent).git("rev-parse", "--short", "HEAD")


@synchronously
async def test_start_writes_what_tracker_session_start_writes_and_a_second_start_is_refused_before_asking(plan, twin):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "Start a session")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"#4 locks", "enter")
        await wait_for(pilot, lambda: plan.read_text() != before)
        await settle(pilot)
        assert changed_lines(before, plan.read_text()) == [
            "+  - date: 2026-01-15",
            "+    started: '09:30'",
            "+    focus: '#4 locks'",
            f"+    since: {head(plan)}",
        ]
        started = plan.read_text()
        await in_palette(pilot, "Start a session")  # one is open: said before anything is asked
        assert isinstance(app.screen, DashboardScreen)
        assert any("Session 2026-01-15 (started 09:30) is still open; end it first" in n for n in notes(app))
    assert plan.read_text() == started
    tracker(twin, NOW, "session", "start", "--focus", "#4 locks")
    assert twin.read_text() == started


@synchronously
async def test_end_writes_headline_and_insight_as_tracker_session_end_does_and_the_note_shows_them(
    plan, twin, monkeypatch
):
    for where in (plan, twin):
        tracker(where, NOW, "session", "start")
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setenv("TRACKER_NOW", LATER)  # the clock moves on while the dashboard runs
        await in_palette(pilot, "End the session")
        assert isinstance(app.screen, SessionEndScreen)
        await pilot.press(*"Locks: [b]found[/b]")
        await pilot.press("tab", "tab", "tab", "tab")  # duration, accomplished, its detail, insight
        await pilot.press(*"Counters race", "tab", *"Use **increment()**", "enter")
        await wait_for(pilot, lambda: plan.read_text() != before)
        await settle(pilot)
        ended = plan.read_text()
        assert changed_lines(before, ended) == [
            "+    ended: '11:45'",
            f"+    until: {head(plan)}",
            "+    headline: 'Locks: [b]found[/b]'",
            "+    insights:",
            "+      - title: Counters race",
            "+        body: 'Use **increment()**'",
        ]
        # the dashboard's plan has files git has not committed: said as `session end` says it
        assert any("2 files not committed" in n and "are not part of the session" in n for n in notes(app))
        await in_palette(pilot, "End the session")  # ended already: said before anything is asked
        assert isinstance(app.screen, DashboardScreen)
        assert any("Session 2026-01-15 already ended at 11:45" in n for n in notes(app))
    warned = tracker(
        twin,
        LATER,
        "session",
        "end",
        "--headline",
        "Locks: [b]found[/b]",
        "--insight",
        "Counters race",
        "--body",
        "Use **increment()**",
    )
    assert "2 files not committed" in warned
    assert twin.read_text() == ended
    note = build_summary(load(plan))
    assert "**Status**: Locks: \\[b\\]found\\[/b\\]" in note  # brackets could make a link
    assert "### Counters race\nUse **increment()**\n" in note


@synchronously
async def test_what_was_typed_survives_a_form_it_cannot_take_and_a_refused_write(plan):
    tracker(plan, NOW, "session", "start")
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "End the session")
        await pilot.press(*"Done", "tab", "tab", "tab", "tab", "tab", *"a body with no insight", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionEndScreen)  # stays open, everything as typed
        assert "A text belongs to an insight" in str(app.screen.query_one("#session-end-error").render())
        assert app.screen.query_one("#end-headline", Input).value == "Done"
        app.screen.query_one("#end-body", Input).value = ""
        save(plan, before + "phases: [\n")  # the plan breaks on disk while the form is open
        await wait_for(pilot, lambda: dashboard(app).broken is not None)
        await pilot.press("enter")
        await settle(pilot)
        assert any("does not load" in n for n in notes(app))
        save(plan, before)
        await wait_for(pilot, lambda: dashboard(app).broken is None)
        await in_palette(pilot, "End the session")
        assert app.screen.query_one("#end-headline", Input).value == "Done"  # the draft, for the same session
        await pilot.press("enter")
        await wait_for(pilot, lambda: "headline: Done" in plan.read_text())
