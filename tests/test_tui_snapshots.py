"""Pictures of the dashboard, compared with the accepted ones in tests/__snapshots__/.

Fixed terminal size, fixed repository (dates, identities, content), the plan
loaded by a relative path (so no temporary folder name shows), and git read
before the picture is taken.  Update with:
    pytest tests/test_tui_snapshots.py --snapshot-update
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tuiplan import PLAN, make_plan_repo

from tracker.plan.loader import load
from tracker.tui.app import make_app
from tracker.tui.refs import Ref
from tracker.tui.settings import Settings

SIZE = (100, 30)


@pytest.fixture
def app(repo, monkeypatch):
    make_plan_repo(repo)
    monkeypatch.chdir(repo.root)
    return make_app(load(Path(PLAN)), Settings(poll_seconds=60, git_seconds=None))


def at(ref: Ref | None = None, *keys: str):
    """Wait for git, put the cursor on `ref`, press `keys`, wait for what they start."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if ref is not None:
            pilot.app.screen_stack[0].jump(ref)
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)

    return run_before


def test_main_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=at())


def test_main_screen_at_80_by_24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=at(Ref("issue", "P2", "4"), "right"))


def test_detail_pane_with_git_and_drift(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=at(Ref("issue", "P2", "6"), "right"))


def test_status_picker(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=at(Ref("issue", "P2", "4"), "s"))


def test_help_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=at(None, "question_mark"))


def test_error_view(repo, monkeypatch, snap_compare):
    plan = make_plan_repo(repo)
    monkeypatch.chdir(repo.root)
    app = make_app(load(Path(PLAN)), Settings(poll_seconds=0.05, git_seconds=None))

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        pilot.app.screen_stack[0].jump(Ref("issue", "P2", "4"))
        # Whole at once (a new file renamed over it): a plain write could be polled half done.
        temp = plan.with_name("phases.yaml.new")
        temp.write_text(plan.read_text().replace("status: audit", "status: [unclosed", 1))
        os.replace(temp, plan)
        while not any(view.display for view in pilot.app.screen_stack[0].query("#problems")):
            await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "no_color"])
def test_history_screen_at_80_by_24(repo, monkeypatch, snap_compare, no_color):
    """Six weeks of the plan's history as a chart, the forecast and the due day under it."""
    from historyplan import make_history_repo

    make_history_repo(repo)
    monkeypatch.chdir(repo.root)
    monkeypatch.setenv("TRACKER_NOW", "2026-02-09T09:30")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(load(Path("plan.yaml")), Settings(poll_seconds=60, git_seconds=None))
    assert snap_compare(app, terminal_size=(80, 24), run_before=at(None, "h"))


def test_overdue_and_stale_marks_with_owner_due_controls_and_review_in_the_detail(repo, monkeypatch, snap_compare):
    from compliancetui import NOW, make_programme

    monkeypatch.setenv("TRACKER_NOW", NOW)
    make_programme(repo)
    monkeypatch.chdir(repo.root)
    app = make_app(load(Path(PLAN)), Settings(poll_seconds=60, git_seconds=None))
    assert snap_compare(app, terminal_size=SIZE, run_before=at(Ref("deliverable", "P1", "1", 0)))


def test_coverage_screen(repo, monkeypatch, snap_compare):
    from compliancetui import NOW, make_programme

    monkeypatch.setenv("TRACKER_NOW", NOW)
    make_programme(repo)
    monkeypatch.chdir(repo.root)
    app = make_app(load(Path(PLAN)), Settings(poll_seconds=60, git_seconds=None))
    assert snap_compare(app, terminal_size=SIZE, run_before=at(None, "c"))


def test_session_end_form(app, monkeypatch, snap_compare):
    """The palette's End the session: what `tracker session end` takes, as a form."""
    monkeypatch.setenv("TRACKER_NOW", "2025-11-30T17:00")

    async def run_before(pilot) -> None:
        await at()(pilot)
        pilot.app.screen_stack[0].action_end_session()
        await pilot.pause(0.1)
        await pilot.press(*"Retry logic done", "tab", *"2.5 hours")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_note_export_form(app, monkeypatch, snap_compare):
    """w on the summary: where the note goes, its session and template, and its two choices."""
    monkeypatch.setenv("TRACKER_NOW", "2025-11-30T17:00")

    async def run_before(pilot) -> None:
        await at(None, "m")(pilot)
        while getattr(pilot.app.screen, "text", None) is None:  # the preview is built before w can export it
            await pilot.pause(0.05)
        await pilot.press("w")
        # Drawn once the form is up with its first field focused: under load, a fixed pause could be too short.
        while type(pilot.app.screen).__name__ != "NoteExportScreen" or pilot.app.focused is None:
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
