"""The dashboard driven as a user drives it: keys in, the plan file checked afterwards.

Every test runs the real app (headless, via Textual's pilot) on the bundled plan
committed in a real temporary git repository.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import gc
import hashlib
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, OptionList
from tuiplan import PLAN_TEXT, changed_lines, make_plan_repo

from tracker.plan.loader import ReadAhead, load, load_text
from tracker.tui.app import make_app
from tracker.tui.refs import Ref
from tracker.tui.screens.ask import AskScreen
from tracker.tui.screens.dashboard import DashboardScreen
from tracker.tui.screens.help import HelpScreen
from tracker.tui.screens.status_picker import StatusPicker
from tracker.tui.settings import Settings
from tracker.tui.widgets.detail import DetailPane
from tracker.tui.widgets.header import PlanHeader
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.phase_bars import PhaseBars
from tracker.tui.widgets.plan_tree import PlanTree
from tracker.tui.widgets.problems import ProblemsView


def synchronously(test):
    """Run an async pilot test in its own event loop (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


SIZE = (100, 30)


@pytest.fixture
def plan(repo) -> Path:
    return make_plan_repo(repo)


def app_for(plan: Path, poll: float = 0.1, events: bool = True):
    return make_app(load(plan), Settings(poll_seconds=poll, git_seconds=None, plan_events=events))


# A three-line paste, as tmux pastes it: its line breaks are carriage returns.
PASTED = "Locks found\r2.5 hours\rFixed the counters\r"
JOINED = "Locks found 2.5 hours Fixed the counters "  # what a one-line field makes of it


def read_from_terminal(app, raw: str) -> None:
    """Raw bytes through Textual's own terminal parser, all at once as the driver hands on one read: without
    bracketed paste a paste comes as keys microseconds apart, each line break an Enter; with it, as one Paste."""
    from textual._xterm_parser import XTermParser

    for event in XTermParser().feed(raw):
        app._driver.process_message(event)


def bracketed(text: str) -> str:
    return f"\x1b[200~{text}\x1b[201~"


async def paste_then_enter(pilot, plan: Path) -> None:
    """PASTED into the form on screen without bracketed paste, then with: the form stays open with both pastes in
    its field, joined, and the plan as it was, until a typed Enter writes it."""
    form, before = pilot.app.screen, plan.read_text()
    read_from_terminal(pilot.app, PASTED)
    read_from_terminal(pilot.app, bracketed(PASTED))
    await settle(pilot)
    assert pilot.app.screen is form and plan.read_text() == before
    assert form.query_one(Input).value == JOINED * 2
    await pilot.press("enter")
    await wait_for(pilot, lambda: plan.read_text() != before)


async def settle(pilot, seconds: float = 0.05) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(seconds)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press_on(pilot, ref: Ref, *keys: str) -> None:
    """The cursor put on `ref`, `keys` pressed there, and the app left to settle."""
    dashboard(pilot.app).jump(ref)
    await pilot.press(*keys)
    await settle(pilot)


def dashboard(app) -> DashboardScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, DashboardScreen)
    return screen


def text_of(widget) -> str:
    return widget.render().plain


def drawn_bars(app) -> list[str]:
    """The phase bars' lines as drawn (one phase a line, asked line by line as Textual asks)."""
    bars = dashboard(app).query_one(PhaseBars)
    return [bars.render_line(y).text for y in range(len(bars.rows))]


def tree_lines(app) -> list[str]:
    tree = dashboard(app).query_one(PlanTree)
    return [tree.render_label(line.node, tree.rich_style, tree.rich_style).plain for line in tree._tree_lines]


def detail_text(app) -> str:
    pane = dashboard(app).query_one(DetailPane)
    return "\n".join(text_of(w) for w in pane.query("Lines"))


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def save(plan: Path, text: str) -> None:
    """Write the plan whole at once, as `tracker set` and most editors do: the dashboard polls every 0.1 s
    here, and a plain write_text could be read half done (a broken plan for a moment)."""
    temp = plan.with_name(plan.name + ".new")
    temp.write_text(text)
    os.replace(temp, plan)


async def picker_on(pilot, ref: Ref) -> int:
    """Put the cursor on `ref`, press `s`: the status picker is open; the status it highlights, by position."""
    dashboard(pilot.app).jump(ref)
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatusPicker)
    return pilot.app.screen.query_one(OptionList).highlighted


async def palette_typed(pilot, words: str) -> None:
    """Open the command palette and type `words`: what it offers is listed, a match for them first (waited for,
    not given a fixed half second)."""
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*words)
    await settle(pilot)
    offered = pilot.app.screen.query_one(CommandList)
    await wait_for(
        pilot, lambda: offered.option_count and words.lower() in offered.get_option_at_index(0).prompt.plain.lower()
    )


async def in_palette(pilot, words: str) -> None:
    """Open the command palette, type `words`, and run what it offers first."""
    await palette_typed(pilot, words)
    await pilot.press("enter")
    await settle(pilot)


async def wait_for(pilot, condition, timeout: float = 5.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, "the dashboard did not catch up in time"
        await pilot.pause(0.05)
        waited += 0.05


def only_windows(monkeypatch) -> None:
    """From now on the writer may edit an issue's lines alone: decoding, editing or parsing the whole text fails."""
    from tracker.edit import writer

    def whole(*args, **kwargs):
        raise AssertionError("the whole text was decoded, edited or parsed")

    for name in ("decode", "Nodes", "load_text"):
        monkeypatch.setattr(writer, name, whole)


def issue4() -> Ref:
    return Ref("issue", "P2", "4")


# --- at a glance ---------------------------------------------------------------------


@synchronously
async def test_first_screen_shows_project_phases_tree_and_git(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        header = text_of(screen.query_one(PlanHeader))
        assert "LMS Compliance" in header and "40% overall" in header
        assert "⎇ main" in header and "1 changed file" in header and "1 untracked" in header
        bars = drawn_bars(app)
        assert len(bars) == 4
        assert "High-Priority Robustness" in bars[1] and "33%" in bars[1] and "In progress" in bars[1]
        assert "100%" in bars[0] and "Complete" in bars[0]
        lines = tree_lines(app)
        assert lines[0].startswith("▼ ✔ P1  Critical Fixes")
        assert any("4  Race Conditions" in line for line in lines)


@synchronously
async def test_git_read_during_a_write_counts_neither_the_lock_nor_the_temporary_file(plan, monkeypatch):
    """In a repository without the .gitignore lines init offers, a write's lock and temporary file are untracked
    files for git while it is under way: the header counts the user's files alone, as before the write."""
    monkeypatch.setenv("TRACKER_TEST_PAUSE_AFTER_TEMP", "1.5")  # the write holds, its two files beside the plan
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        assert "1 changed file · 1 untracked" in text_of(screen.query_one(PlanHeader))
        screen.jump(issue4())
        await pilot.press("n")
        await wait_for(pilot, lambda: len(os.listdir(plan.parent)) == 3)  # the plan, its lock, a temporary file
        screen.refresh_git()
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "git"])
        await pilot.pause()
        header = text_of(screen.query_one(PlanHeader))
        assert screen.writes.pending and len(os.listdir(plan.parent)) == 3  # read while the write was under way
        assert "writing…" in header and "1 changed file · 1 untracked" in header, header
        await settle(pilot, 1.6)
    assert os.listdir(plan.parent) == ["phases.yaml"]


@synchronously
async def test_the_cyclic_gc_is_back_on_and_the_start_frozen_after_the_first_frame(plan):
    gc.disable()  # as `tracker` starts (launch.main)
    frozen = gc.get_freeze_count()
    try:
        app = app_for(plan)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.enable()


@synchronously
async def test_detail_pane_shows_steps_remaining_deliverables_git_and_drift(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(issue4())
        await settle(pilot)
        text = detail_text(app)
        assert "4  Race Conditions" in text and "Audit" in text
        assert "Replace read-modify-write" in text
        assert "Depends on" in text and "5  Server Timestamps" in text and "Verified" in text
        assert "0 of 5 done · 2h remaining" in text
        assert "Audit enrollmentServices.js" in text and "30m" in text

        dashboard(app).jump(Ref("issue", "P2", "6"))
        await settle(pilot)
        text = detail_text(app)
        assert "RetryHandler.js" in text
        assert "committed · 3 lines · " in text
        drift = text[text.index("Drift · done in the plan, but:") : text.index("Deliverables")].strip().splitlines()
        assert drift[1:] == [
            "  ⚠ src/api/base/__tests__/RetryHandler.test.js",
            "    the file has changes that are not committed",
            "  ⚠ …rules/PHASE2_RACE_CONDITIONS_AND_RESILIENCE.md",
            "    the file was never committed",
            "  ⚠ .zencoder/rules/PHASE2_PROGRESS.md",
            "    the file does not exist",
        ]

        dashboard(app).jump(Ref("deliverable", "P2", "6", 0))
        await settle(pilot)
        text = detail_text(app)
        assert "Selected deliverable" in text
        assert "committed · 3 lines · " in text and "2025-11-29 Ada Lovelace: Retry handler with tests" in text


@synchronously
async def test_tree_opens_issue_parts_and_marks_git_state(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, Ref("issue", "P2", "6"), "right")
        lines = tree_lines(app)
        start = next(i for i, line in enumerate(lines) if "6  Network Retry Logic" in line)
        parts = lines[start + 1 : start + 6]
        assert "src/api/base/RetryHandler.js" in parts[0] and "missing" not in parts[0]
        assert "Handler.test.js" in parts[1] and "modified" in parts[1]
        assert "untracked" in parts[2]
        assert "PHASE2_PROGRESS.md" in parts[3] and "missing" in parts[3]
        assert "src/api/client.js" in parts[4]


# --- acting -------------------------------------------------------------------------


@synchronously
async def test_status_picker_writes_one_line(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await picker_on(pilot, issue4()) == 2  # audit, in the default workflow
        await pilot.press("down", "down", "enter")  # blocked, verified
        await settle(pilot)
        after = plan.read_text()
        assert changed_lines(before, after) == ["-        status: audit", "+        status: verified"]
        assert "Verified" in detail_text(app)
        assert any("'audit' -> 'verified'" in n for n in notes(app))


@synchronously
async def test_escape_leaves_the_picker_without_writing(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, issue4(), "s", "down", "escape")
        assert isinstance(app.screen, DashboardScreen)
    assert plan.read_text() == before


@synchronously
async def test_next_moves_one_step_along_the_workflow(plan):
    """n passes Blocked by and stops before Complete: blocking and finishing are chosen with s."""
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, issue4(), "n")
        assert changed_lines(before, plan.read_text()) == ["-        status: audit", "+        status: verified"]
        moved = plan.read_text()
        await pilot.press("n")
        await settle(pilot)
        assert "n stops before Complete: press s to choose it on purpose." in notes(app)
        assert plan.read_text() == moved
        bars = drawn_bars(app)
        assert "33%" in bars[1]


@synchronously
async def test_a_key_writes_the_issues_lines_alone_never_the_whole_text(plan, monkeypatch):
    """The dashboard holds the whole plan: a change to one issue is made to its lines and verified from them
    (edit/writer.py _in_window), the rest of the file copied as bytes, as `tracker set` writes."""
    only_windows(monkeypatch)
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, issue4(), "n")
        assert changed_lines(before, plan.read_text()) == ["-        status: audit", "+        status: verified"]
        # From the plan the last write left: a line added, the issues after it moved.
        await press_on(pilot, Ref("step", "P2", "4", 1), "x")
        assert dashboard(app).project == load_text(plan.read_text(encoding="utf-8"), plan).project
    assert changed_lines(before, plan.read_text()) == [
        "-        status: audit",
        "+        status: verified",
        "+            status: done",
    ]


@synchronously
async def test_a_change_chosen_while_a_write_is_under_way_is_made_to_the_plan_that_write_left(plan, monkeypatch):
    """The second key is pressed before the first write is on screen, so it is chosen on the plan that write
    replaces.  It is made to the plan the first write left, through the issue's lines: the file is not read
    whole again as if another program had changed it (seconds on a big plan)."""
    only_windows(monkeypatch)
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.3")  # the first write is still under way
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chosen_on = dashboard(app).shown
        dashboard(app).jump(issue4())
        await pilot.press("n")
        dashboard(app).jump(Ref("issue", "P3", "7"))
        await pilot.press("n")
        assert dashboard(app).shown is chosen_on  # both chosen on the plan the first write replaces
        await settle(pilot, 0.8)
        assert not [n for n in app._notifications if n.title != "Written"], notes(app)
    assert changed_lines(before, plan.read_text()) == [
        "-        status: audit",
        "+        status: verified",
        "-        status: not_started",
        "+        status: in_progress",
    ]


def toasts(app) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


def status_of_issue(plan: Path, issue: str) -> str:
    found = load(plan).project.find_issue(issue)
    assert found is not None
    return found[1].status


STEPS_OF_7 = [
    ("Written", "the status of issue #7: 'not_started' -> 'in_progress'"),
    ("Written", "the status of issue #7: 'in_progress' -> 'audit'"),
    ("Written", "the status of issue #7: 'audit' -> 'verified'"),
]


@pytest.mark.parametrize("in_flight", [0.2, 0.0])
@synchronously
async def test_n_pressed_three_times_faster_than_the_writes_takes_three_steps(plan, monkeypatch, in_flight):
    """Each key acts on the plan as the keys before it leave it, not on the plan still on screen: three steps
    (past Blocked), each written from the one before, and no "Nothing to write"."""
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", str(in_flight))
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        read_from_terminal(app, "nnn")  # in one read, as a terminal hands on keys typed fast
        await settle(pilot, 0.3)
        assert toasts(app) == STEPS_OF_7
        assert status_of_issue(plan, "7") == "verified"
        assert dashboard(app).project == load(plan).project  # on screen as written
        assert "writing…" not in text_of(dashboard(app).query_one(PlanHeader))


@synchronously
async def test_a_burst_of_keys_applies_each_change_put_once_and_acts_as_replaying_them_all(plan, monkeypatch):
    """What the next key acts on (WriteQueue.intended) is kept, and a key applies only the changes put since
    the last: each change's `expected` runs once in a burst, not once per later key (k keys: k, not k²), and the
    plan given is the one that replaying every queued change on the plan on screen gives."""
    from tracker import edit
    from tracker.tui.writequeue import WriteQueue

    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.5")  # no write is shown before both bursts end
    original = {kind: kind.expected for kind in (edit.SetIssueStatus, edit.SetStepStatus)}
    applied: list[object] = []  # the changes the screen applied, one entry each time (the writer's thread too)

    def counted(change, project):
        if threading.current_thread() is threading.main_thread():
            applied.append(change)
        return original[type(change)](change, project)

    compared: list[int] = []
    kept = WriteQueue.intended

    def intended(queue, project):
        """The queue's answer, checked against every change still queued replayed on `project` (not counted)."""
        given = kept(queue, project)
        replayed = project
        for change in [change for put in queue._puts for change in put]:
            replayed = original[type(change)](change, replayed)
        assert given == replayed
        compared.append(sum(map(len, queue._puts)))
        return given

    for kind in original:
        monkeypatch.setattr(kind, "expected", counted)
    monkeypatch.setattr(WriteQueue, "intended", intended)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        read_from_terminal(app, "nnn")  # in one read, as a terminal hands on keys typed fast
        await wait_for(pilot, lambda: dashboard(app).writes.pending == 3)
        dashboard(app).jump(Ref("step", "P2", "4", 1))
        read_from_terminal(app, "xxxx")
        await wait_for(pilot, lambda: dashboard(app).writes.pending == 7)
        assert max(compared) == 7  # asked with every change put (by the keys, and the screen that shows them)
        assert len(applied) == len(set(map(id, applied))) == 7  # and applied each once
        await wait_for(pilot, lambda: not dashboard(app).writes.pending, timeout=15)
        await settle(pilot)
        assert [title for title, _ in toasts(app)] == ["Written"] * 7, toasts(app)
        assert dashboard(app).project == load(plan).project
    assert status_of_issue(plan, "7") == "verified"
    found = load(plan).project.find_issue("4")
    assert found is not None and found[1].steps[1].status == "todo"  # ticked four times: as it was


@synchronously
async def test_a_read_of_the_file_that_our_own_write_overtook_is_not_shown(plan, monkeypatch):
    """The plan is read from disk (r; the watcher's own reads are the same worker) and our write lands and is
    shown before that read ends: what it read is older than the plan on screen, not another program's change.
    The screen stays on the plan written, and the next n takes the next step (the screen went back to the plan
    before, and the next n was lost: not_started -> in_progress once more)."""
    import time

    from tracker.tui import planwatch

    read = planwatch.load

    def slow(*args, **kwargs):
        loaded = read(*args, **kwargs)
        time.sleep(1.5)  # a big plan's read: the write below lands and is shown meanwhile
        return loaded

    monkeypatch.setattr(planwatch, "load", slow)
    app = app_for(plan, poll=60, events=False)  # no poll of its own: the read is r's
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        await pilot.press("r")
        await pilot.pause(0.1)  # the file is read as it was, before the n below
        await pilot.press("n")
        await wait_for(pilot, lambda: not dashboard(app).writes.pending)
        await pilot.pause(1.5)  # the read has ended and been answered
        await settle(pilot)
        on_screen = dashboard(app).project.find_issue("7")
        assert on_screen is not None and on_screen[1].status == "in_progress"  # as written, not as read before
        assert dashboard(app).project == load(plan).project
        await pilot.press("n")
        await wait_for(pilot, lambda: not dashboard(app).writes.pending)
        await settle(pilot)
        assert toasts(app) == STEPS_OF_7[:2], toasts(app)
    assert status_of_issue(plan, "7") == "audit"


def line_of(app, issue: str) -> str:
    """Issue `issue`'s line in the tree, without the overdue mark (git's, read or not yet)."""
    lines = [line.replace("  overdue", "") for line in tree_lines(app)]
    found = [line for line in lines if line.split()[1:2] == [issue]]
    assert len(found) == 1, lines
    return found[0]


@synchronously
async def test_a_key_shows_its_change_at_once_marked_writing_until_it_is_written(plan, monkeypatch):
    """What the next key acts on is what the screen shows: `n` is shown as soon as it is taken, its issue marked
    writing… (and the header) until the write lands, while the file still holds the status before."""
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "1.0")
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        await settle(pilot)
        assert line_of(app, "7") == "○ 7  State Machine Validation"
        read_from_terminal(app, "nn")
        await wait_for(pilot, lambda: dashboard(app).writes.pending == 2)
        await pilot.pause()
        assert status_of_issue(plan, "7") == "not_started"  # nothing written yet
        assert line_of(app, "7") == "◐ 7  State Machine Validation  writing…"
        assert "Audit" in detail_text(app)
        assert "writing…" in text_of(dashboard(app).query_one(PlanHeader))
        await wait_for(pilot, lambda: not dashboard(app).writes.pending, timeout=15)
        await settle(pilot)
        assert line_of(app, "7") == "◐ 7  State Machine Validation"
        assert status_of_issue(plan, "7") == "audit" and "Audit" in detail_text(app)


@synchronously
async def test_a_change_shown_before_it_was_written_goes_back_when_it_is_refused(plan):
    from tracker.edit.lock import Lock

    app = app_for(plan, poll=60, events=False)  # the dashboard has not noticed the edit below
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        with Lock(plan.resolve()):
            await pilot.press("n")
            await pilot.pause(0.2)  # the write waits for the lock
            assert line_of(app, "7") == "◐ 7  State Machine Validation  writing…"
            save(plan, plan.read_text().replace("status: not_started", "status: blocked", 1))
        await wait_for(pilot, lambda: not dashboard(app).writes.pending)
        await settle(pilot)
        assert [title for title, _ in toasts(app)] == ["Not written"], toasts(app)
        assert line_of(app, "7") == "○ 7  State Machine Validation"  # as read, before the edit


@synchronously
async def test_x_pressed_twice_faster_than_the_writes_leaves_the_step_as_it_was(plan, monkeypatch):
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.2")  # the first write is still under way
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("step", "P2", "4", 1))
        read_from_terminal(app, "xx")
        await settle(pilot, 0.3)
        step = "the status of step 2 ('Audit & fix quizServices.js') of issue #4"
        assert toasts(app) == [("Written", f"{step}: 'todo' -> 'done'"), ("Written", f"{step}: 'done' -> 'todo'")]
        assert dashboard(app).project == load(plan).project
    found = load(plan).project.find_issue("4")
    assert found is not None and found[1].steps[1].status == "todo"


@synchronously
async def test_keys_faster_than_the_writes_merge_another_programs_edit_as_one_key_does(plan, monkeypatch):
    """Another program changed the file since the dashboard read it: the first write merges its edit, and the
    keys after it are made to the plan that write left, the edit kept."""
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.2")
    app = app_for(plan, poll=60, events=False)  # the dashboard has not noticed the edit below
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        theirs = (
            plan.read_text()
            .replace("status: not_started", "status: blocked", 2)
            .replace("status: blocked", "status: not_started", 1)
        )
        save(plan, theirs)
        read_from_terminal(app, "nnn")  # in one read, as a terminal hands on keys typed fast
        await settle(pilot, 0.3)
        assert toasts(app) == STEPS_OF_7
    assert status_of_issue(plan, "7") == "verified" and status_of_issue(plan, "8") == "blocked"


@synchronously
async def test_a_key_chosen_on_top_of_a_refused_write_is_refused_too(plan):
    """The first `n` waits for the lock another writer holds, which sets the status meanwhile: it is refused.
    The second, chosen as the first would leave the issue, is not made to what is there instead."""
    from tracker.edit.lock import Lock

    app = app_for(plan, poll=60, events=False)  # the dashboard has not noticed the edit below
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        with Lock(plan.resolve()):
            read_from_terminal(app, "nn")
            theirs = plan.read_text().replace("status: not_started", "status: blocked", 1)
            save(plan, theirs)
        await settle(pilot, 0.3)
        assert [title for title, _ in toasts(app)] == ["Not written", "Not written"], toasts(app)
        assert "'in_progress' was not written" in toasts(app)[0][1]
        second = toasts(app)[1][1]
        assert "phases.yaml:109:17: error: the status of issue #7 was not written: it was chosen on the plan" in second
        assert "writing…" not in text_of(dashboard(app).query_one(PlanHeader))
    assert plan.read_text() == theirs


@synchronously
async def test_a_write_is_on_screen_before_the_parse_cache_keeps_it_and_the_cache_keeps_it(plan, monkeypatch):
    """One issue's lines edited are kept in the parse cache as a delta at once (a few kilobytes); keeping the
    new plan whole (1.5 s at 100,000 issues: when there is no entry to build on) waits until the write is on
    screen.  Either way it is kept, so the next command does not parse the file."""
    from tracker.plan import parsecache

    kept: list[str] = []
    real = parsecache.store

    def store(digest, *args, **kwargs):
        assert dashboard(app).shown.digest == digest, "kept before the write was on screen"
        kept.append(digest)
        return real(digest, *args, **kwargs)

    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(parsecache, "store", store)
        await press_on(pilot, issue4(), "n")
        first = hashlib.sha256(plan.read_bytes()).hexdigest()
        assert kept == [] and parsecache.entry_path(first, kind="plandelta").is_file()
        monkeypatch.setattr(parsecache, "store_window", lambda *args: False)  # the entry read from is gone
        await press_on(pilot, Ref("issue", "P3", "7"), "n")  # issue 4 stops before a done status
        digest = hashlib.sha256(plan.read_bytes()).hexdigest()
        assert kept == [digest] and dashboard(app).shown.digest == digest
    assert parsecache.lookup(first, str(plan)) is not None and parsecache.lookup(digest, str(plan)) is not None


@synchronously
async def test_the_bytes_of_a_plan_written_are_joined_once_it_is_shown_not_at_the_next_key(plan, monkeypatch):
    """The writer leaves the new plan's bytes in pieces (the file put in place from a window's edit); the next
    write's window reads them in one.  They are joined once the write is on screen, not when the next key is
    pressed (80 MiB at 100,000 issues), and the next write takes them as they are."""
    from tracker.edit import writer

    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, issue4(), "n")
        shown = dashboard(app).shown
        assert isinstance(shown._source, bytes) and shown._source == plan.read_bytes()  # joined, unasked
        windows: list[bytes] = []
        real = writer._in_window
        monkeypatch.setattr(
            writer,
            "_in_window",
            lambda loaded, change, data, where: windows.append(data) or real(loaded, change, data, where),
        )
        await press_on(pilot, Ref("issue", "P3", "7"), "n")
        assert len(windows) == 1 and windows[0] is shown._source  # the next write's window: those very bytes


@pytest.mark.parametrize("ahead", [False, True], ids=["read", "read ahead"])
@synchronously
async def test_a_change_saved_between_the_read_and_the_first_frame_is_shown(plan, ahead):
    """`tracker` reads the plan, then imports Textual and builds the dashboard (a second or more on a big plan):
    a save meanwhile is shown once the dashboard runs, not taken for the content read (the watcher's first
    stat was of the new file, so it never looked again)."""
    loaded = load(plan, ahead=ReadAhead(plan)) if ahead else load(plan)
    save(plan, plan.read_text().replace("title: Data Reconciliation", "title: Data Reconciled"))
    app = make_app(loaded, Settings(poll_seconds=0.1, git_seconds=None, plan_events=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "title: Data Reconciled" in dashboard(app).shown.text)


@synchronously
async def test_a_plan_another_program_put_back_is_edited_as_it_is(plan, monkeypatch):
    """Another program puts back the plan the dashboard's write replaced (an editor's undo, `git checkout`):
    a change chosen on it once it is on screen is made to it, not to the plan the write had left."""
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(issue4())
        await pilot.press("n")
        await wait_for(pilot, lambda: dashboard(app).shown.text != before)
        save(plan, before)  # the first plan again, byte for byte
        await wait_for(pilot, lambda: dashboard(app).shown.text == before)
        only_windows(monkeypatch)
        await press_on(pilot, issue4(), "n")
        assert not [n for n in app._notifications if n.title not in ("Written", "Plan changed on disk")], notes(app)
    assert changed_lines(before, plan.read_text()) == ["-        status: audit", "+        status: verified"]


@synchronously
async def test_finishing_an_issue_with_open_steps_asks_first(plan):
    from tracker.tui.screens.confirm import ConfirmScreen

    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await picker_on(pilot, issue4()) == 2
        await pilot.press("end", "enter")  # Complete, with 0 of 5 steps done
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark 4 Race Conditions Complete with 5 of 5 steps still open?" in text_of(
            app.screen.query_one("Static")
        )
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and plan.read_text() == before
        await picker_on(pilot, issue4())
        await pilot.press("end", "enter", "y")
        await settle(pilot)
        assert changed_lines(before, plan.read_text()) == ["-        status: audit", "+        status: complete"]


@synchronously
async def test_status_keys_on_a_deliverable_change_the_deliverable_not_its_issue(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # PHASE2_PROGRESS.md: no status of its own, so its issue's (complete) is highlighted
        assert await picker_on(pilot, Ref("deliverable", "P2", "6", 3)) == 5
        await pilot.press("up", "enter")
        await settle(pilot)
        picked = plan.read_text()
        assert changed_lines(before, picked) == ["+            status: verified"]
        assert (
            "PHASE2_PROGRESS.md" in picked.splitlines()[picked.splitlines().index("            status: verified") - 3]
        )
        assert any("not set -> 'verified'" in n for n in notes(app))
        await pilot.press("n")  # Complete is next: chosen on purpose, with s
        await settle(pilot)
        assert plan.read_text() == picked
        assert "n stops before Complete: press s to choose it on purpose." in notes(app)
        assert dashboard(app).selected == Ref("deliverable", "P2", "6", 3)


TWICE = """\
          - path: src/api/base/RetryHandler.js
            type: source
            purpose: Exponential backoff retry
            status: in_progress
"""


@synchronously
async def test_a_path_named_twice_in_an_issue_changes_the_row_under_the_cursor(repo):
    text = PLAN_TEXT.read_text(encoding="utf-8").replace(
        "          - path: src/api/base/RetryHandler.js\n            type: source\n"
        "            purpose: Exponential backoff retry\n",
        TWICE,
        1,
    )
    text = text.replace(
        "            purpose: Session progress report\n",
        "            purpose: Session progress report\n          - path: src/api/base/RetryHandler.js\n",
        1,
    )
    plan = make_plan_repo(repo, text)
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The second RetryHandler.js: no status of its own, so its issue's (complete) is highlighted
        assert await picker_on(pilot, Ref("deliverable", "P2", "6", 4)) == 5
        await pilot.press("enter")  # the inherited status, now written as its own
        await settle(pilot)
    after = plan.read_text()
    assert changed_lines(before, after) == ["+            status: complete"]
    second = after.index("          - path: src/api/base/RetryHandler.js\n", after.index("Session progress report"))
    assert after[second:].startswith("          - path: src/api/base/RetryHandler.js\n            status: complete\n")
    assert after.count("            status: in_progress\n") == before.count("            status: in_progress\n")


@synchronously
async def test_a_status_changed_on_disk_while_the_picker_is_open_is_not_overwritten(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await picker_on(pilot, issue4())
        meanwhile = plan.read_text().replace("status: audit", "status: blocked", 1)
        save(plan, meanwhile)  # as another `tracker set` would
        await wait_for(pilot, lambda: "        status: blocked" in dashboard(app).shown.text)  # reloaded
        await pilot.press("up", "enter")  # in_progress, chosen while the picker showed audit
        await wait_for(pilot, lambda: any(n.title == "Not written" for n in app._notifications))
        assert "changed on disk" in " ".join(notes(app))
    assert plan.read_text() == meanwhile


@synchronously
async def test_keys_typed_ahead_act_on_the_row_the_cursor_reached(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the cursor on P1; five rows down is issue 4
        for key in ("down", "down", "down", "down", "down", "n"):  # all at once, as a fast typist or a paste
            app.post_message(events.Key(key, None))
        await settle(pilot)
    assert changed_lines(before, plan.read_text()) == ["-        status: audit", "+        status: verified"]


@synchronously
async def test_keys_typed_ahead_after_the_filter_key_never_act_on_the_plan(plan):
    """`/` then `n` at once: the `n` reached the tree before the filter line had the focus (given later,
    after the keys waiting), and moved the issue under the cursor one status on, written to the plan."""
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(issue4())
        await settle(pilot)
        for key, character in (("slash", "/"), ("n", "n"), ("n", "n")):  # all at once, as a paste
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert isinstance(app.focused, Input)
    assert plan.read_text() == before


@synchronously
async def test_a_paste_into_the_filter_line_stays_there_and_does_not_close_it(plan):
    """Without bracketed paste, a paste's first line break was an Enter that closed the filter line (the focus
    back on the tree), the paste's lines run together in it; with it, only the first line was kept."""
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        line = app.focused
        assert isinstance(line, Input)
        read_from_terminal(app, PASTED)
        read_from_terminal(app, bracketed(PASTED))
        await settle(pilot)
        assert app.focused is line and line.value == JOINED * 2
        await pilot.press("enter")  # a typed Enter still closes it
        await settle(pilot)
        assert isinstance(app.focused, PlanTree)


@synchronously
async def test_keys_in_the_key_bar_work_when_clicked_and_greyed_ones_do_not(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = dashboard(app).query_one(KeyBar)
        line = text_of(bar)
        assert line.startswith("s Status n Next a Add o Open")
        assert line.rstrip().endswith("^p palette")
        await pilot.click(bar, offset=(line.index("n Next") + 2, 0))  # on a phase: Next is greyed out
        await settle(pilot)
        assert plan.read_text() == before
        # the keys themselves, on a phase: not a silent no-op, the user is told what they need
        await pilot.press("n", "s")
        await settle(pilot)
        assert notes(app) == [
            "n moves an issue's status on: move the cursor to an issue or its evidence (open a phase with →).",
            "s sets an issue's status: move the cursor to an issue or its evidence (open a phase with →).",
        ]
        assert plan.read_text() == before and app.screen is dashboard(app)
        dashboard(app).jump(issue4())
        await settle(pilot)
        await pilot.click(bar, offset=(text_of(bar).index("n Next") + 2, 0))
        await settle(pilot)
        assert changed_lines(before, plan.read_text()) == ["-        status: audit", "+        status: verified"]
        await pilot.click(bar, offset=(text_of(bar).index("? Help"), 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


@synchronously
async def test_tick_step_marks_it_done_and_back(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("step", "P2", "4", 1))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        ticked = plan.read_text()
        diff = changed_lines(before, ticked)
        assert diff == ["+            status: done"]
        assert "1 of 5 done · 1h 30m remaining" in detail_text(app)
        assert dashboard(app).selected == Ref("step", "P2", "4", 1)  # the cursor stays on the step
        await pilot.press("x")
        await settle(pilot)
        diff = changed_lines(ticked, plan.read_text())
        assert diff == ["-            status: done", "+            status: todo"]


@synchronously
async def test_tick_is_not_offered_on_an_issue(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, issue4(), "x")
        assert dashboard(app).check_action("tick_step", ()) is False
        assert "Tick" not in text_of(dashboard(app).query_one(KeyBar))
        # not a silent no-op: the user is told what x needs, on an issue as on a phase
        assert notes(app) == ["x ticks a step: move the cursor to a step (open an issue with →)."]
        await press_on(pilot, Ref("phase", "P2"), "x")
        assert len(notes(app)) == 2
    assert plan.read_text() == before


@synchronously
async def test_a_change_made_on_disk_meanwhile_is_not_overwritten(plan):
    app = app_for(plan, poll=60, events=False)  # the dashboard has not noticed the edit below
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(issue4())
        theirs = plan.read_text().replace("status: audit", "status: in_progress", 1)
        save(plan, theirs)
        await pilot.press("n")
        await settle(pilot)
        assert plan.read_text() == theirs
        assert any("Not written" == n.title for n in app._notifications)
        refused = next(n.message for n in app._notifications if n.title == "Not written")
        assert "phases.yaml:" in refused and "#4" in refused
        # the command line's "run the command again" is the key here (s: any status, once the new one is seen)
        assert refused.endswith("so 'verified' was not written; look at the file and press s again"), refused


@synchronously
async def test_a_refused_write_names_its_own_key_not_the_key_pressed_after_it(plan):
    """`n` waits for the lock another writer holds, which changes the issue meanwhile, and `x` is pressed on a
    step while it waits: the refusal of `n` names s (its own key), not x (the key pressed last)."""
    from tracker.edit.lock import Lock

    app = app_for(plan, poll=60, events=False)  # the dashboard has not noticed the edit below
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with Lock(plan.resolve()):
            dashboard(app).jump(issue4())
            await pilot.press("n")
            dashboard(app).jump(Ref("step", "P2", "4", 1))
            await pilot.press("x")
            save(plan, plan.read_text().replace("status: audit", "status: in_progress", 1))
        await wait_for(pilot, lambda: not dashboard(app).writes.pending)
        await settle(pilot)
        refused = [message for title, message in toasts(app) if title == "Not written"]
        assert len(refused) == 1 and "#4" in refused[0], toasts(app)
        assert refused[0].endswith("look at the file and press s again"), refused[0]
        assert [title for title, _ in toasts(app)] == ["Not written", "Written"], toasts(app)


# --- the editor ---------------------------------------------------------------------


@pytest.fixture
def editor(tmp_path: Path, monkeypatch) -> Path:
    """A real program named `vi` that records its arguments (vi takes +LINE)."""
    log = tmp_path / "editor.log"
    script = tmp_path / "bin" / "vi"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport sys\nopen({str(log)!r}, 'a').write(repr(sys.argv[1:]) + '\\n')\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(script))
    return log


@synchronously
async def test_open_runs_the_editor_on_the_selected_file(plan, editor):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, Ref("deliverable", "P2", "6", 0), "o")
    root = plan.parent.parent.resolve()
    assert editor.read_text().splitlines() == [repr([str(root / "src/api/base/RetryHandler.js")])]


@synchronously
async def test_open_on_an_issue_and_e_open_the_plan_at_its_line(plan, editor):
    line = plan.read_text().splitlines().index("      - id: 4") + 1
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, issue4(), "o")
        await press_on(pilot, Ref("step", "P2", "4", 0), "e")
    step_line = plan.read_text().splitlines().index("          - title: Audit enrollmentServices.js") + 1
    assert editor.read_text().splitlines() == [
        repr([f"+{line}", str(plan.resolve())]),
        repr([f"+{step_line}", str(plan.resolve())]),
    ]


@synchronously
async def test_in_a_browser_o_and_e_are_not_offered_and_say_which_file_to_edit_instead(plan, editor, monkeypatch):
    """`tracker serve` has no terminal to hand to an editor: o and e said only "This terminal cannot be handed to an
    editor.", and the key bar offered o Open."""
    from textual.drivers.headless_driver import HeadlessDriver

    monkeypatch.setattr(HeadlessDriver, "is_web", property(lambda driver: True))  # as textual-serve's driver says
    monkeypatch.chdir(plan.parent.parent)
    line = plan.read_text().splitlines().index("      - id: 4") + 1
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = text_of(dashboard(app).query_one(KeyBar))
        assert bar.startswith("s Status n Next a Add / Filter"), bar
        await press_on(pilot, issue4(), "e")
        await press_on(pilot, Ref("deliverable", "P2", "6", 0), "o")
    assert notes(app) == [
        f"This dashboard cannot hand its terminal to an editor: edit data/phases.yaml (line {line}) in your own "
        "editor; the dashboard shows the change.",
        "This dashboard cannot hand its terminal to an editor: edit src/api/base/RetryHandler.js in your own "
        "editor; the dashboard shows the change.",
    ]
    assert not editor.exists()


@synchronously
async def test_edits_made_in_the_editor_show_at_once(plan, tmp_path, monkeypatch):
    script = tmp_path / "vi"
    script.write_text(
        f"#!{sys.executable}\nimport sys\np = sys.argv[-1]\n"
        "t = open(p).read().replace('status: audit', 'status: in_progress', 1)\n"
        "open(p, 'w').write(t)\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = app_for(plan, poll=60, events=False)  # no help from the timer or the kernel: the return from the editor looks
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, issue4(), "e")
        assert "In progress" in detail_text(app)


@synchronously
async def test_a_missing_editor_is_reported(plan, monkeypatch):
    monkeypatch.setenv("EDITOR", "/nonexistent/editor-xyz")
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert any("Cannot run /nonexistent/editor-xyz" in n for n in notes(app))


@synchronously
async def test_a_path_leaving_the_repository_is_not_opened(repo, editor):
    text = make_plan_text_with("        files: [src/api/client.js]", "        files: [../outside.txt]")
    plan = make_plan_repo(repo, text)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, Ref("file", "P2", "6", 0), "o")
        assert any("leaves the repository" in n for n in notes(app))
    assert not editor.exists()


@synchronously
async def test_a_file_that_leaves_the_repository_through_a_symlink_is_not_opened(plan, editor, tmp_path):
    """Issue 14, D09: the dashboard labels such a file "never read"; `o` must not hand it to the editor."""
    outside = tmp_path / "secret.txt"
    outside.write_text("secret\n")
    target = plan.parent.parent / "src/api/base/RetryHandler.js"
    target.unlink()
    target.symlink_to(outside)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, Ref("deliverable", "P2", "6", 0), "o")
        assert any("leads outside the repository through a symlink" in n for n in notes(app))
    assert not editor.exists()


def make_plan_text_with(old: str, new: str) -> str:
    from tuiplan import PLAN_TEXT

    text = PLAN_TEXT.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


# --- filter, palette, help, quit ------------------------------------------------------


@synchronously
async def test_filter_by_text_then_by_status(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"retry")
        await settle(pilot)
        lines = tree_lines(app)
        assert [line.split("  ")[0][-2:] for line in lines] == ["P2", " 6"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(tree_lines(app)) > 10
        assert app.focused is dashboard(app).query_one(PlanTree)
        assert not dashboard(app).query_one("#filter").display  # cleared: no empty line left above the tree

        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, StatusPicker)
        await pilot.press("down", "enter")  # not started
        await settle(pilot)
        lines = tree_lines(app)
        assert len(lines) == 6 and all("○" in line for line in lines)


@synchronously
async def test_command_palette_jumps_to_an_issue(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "Concurrent")
        assert dashboard(app).selected == Ref("issue", "P3", "8")
        assert "8  Concurrent Locks" in detail_text(app)


@synchronously
async def test_the_palette_names_each_issues_status_by_its_label(plan):
    from textual.command import CommandList

    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_typed(pilot, "Concurrent")
        found = app.screen.query_one(CommandList)
        shown = [found.get_option_at_index(i).prompt.plain for i in range(found.option_count)]
        assert "8  Concurrent Locks\nNot started" in shown, shown  # not the id, not_started


@synchronously
async def test_the_palette_starts_a_session_at_head_as_tracker_session_start_does(plan, repo):
    from tracker.tui.screens.confirm import ConfirmScreen

    before = plan.read_text()
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=repo.root, capture_output=True, text=True, check=True
    ).stdout.strip()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "Start a session")
        assert isinstance(app.screen, AskScreen)  # what the session is about: Escape cancels
        await pilot.press("escape")
        await settle(pilot)
        assert plan.read_text() == before
        await in_palette(pilot, "Start a session")
        await pilot.press(*"Audit: [b]locks", "enter")  # the focus as typed, markup and colon included
        await wait_for(pilot, lambda: plan.read_text() != before)
        await settle(pilot)
        today = datetime.date.today().isoformat()
        added = changed_lines(before, plan.read_text())
        assert added[0] == f"+  - date: {today}" and re.fullmatch(r"\+    started: '\d\d:\d\d'", added[1])
        ident = subprocess.run(
            ["git", "var", "GIT_COMMITTER_IDENT"], cwd=repo.root, capture_output=True, text=True, check=True
        ).stdout
        by = f"+    by: '{ident[: ident.rindex('>') + 1]}'"  # whoever git commits as there, for this process
        assert added[2:] == ["+    focus: 'Audit: [b]locks'", f"+    since: {head}", by]
        assert load(plan).project.session(today).focus == "Audit: [b]locks"
        assert any(f"a session on {today}" in n for n in notes(app))
        await in_palette(pilot, "Start a session")  # while that one is open: asks to end it before anything else
        assert isinstance(app.screen, ConfirmScreen), app.screen
        await pilot.press("escape")  # no: nothing typed, nothing written
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any(n.title == "Not started" and "is still open" in n.message for n in app._notifications)
    assert changed_lines(before, plan.read_text()) == added


@synchronously
async def test_help_lists_every_key(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text()
        for binding in DashboardScreen.BINDINGS:
            assert binding.tooltip in text, binding.tooltip
        for words in ("Quit tracker", "This list of keys", "command palette", "Cursor Up", "Open the item"):
            assert words in text
        # Ctrl+C quits (130) unless text is selected: not "Copy selected text" alone.
        assert "Copy the selected text; with none selected, ^c quits (exit status 130)" in text
        assert "Copy selected text" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


@synchronously
async def test_q_quits_with_status_zero(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert app.return_code == 0


@synchronously
async def test_ctrl_c_quits_with_the_status_a_shell_gives_an_interrupted_program(plan):
    """Ctrl+C, read as a key in the terminal's raw mode, quits (Textual would only say how to quit) with 130,
    as `kill -INT` does (tests below); in the filter line too, where it copies only what is selected."""
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "a")
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
    assert app.return_code == 130


@pytest.mark.parametrize("how", ["key", "signal"])
def test_ctrl_c_or_sigint_ends_tracker_in_a_terminal_with_130(plan, how):
    import signal

    from terminal import Terminal

    terminal = Terminal(plan.parent.parent)
    try:
        terminal.read_for(30, until=b"Video Checkpoints")  # the first frame, down to the last phase
        terminal.read_for(0.5)
        if how == "key":
            terminal.type(b"\x03")
        else:
            os.kill(terminal.pid, signal.SIGINT)
        terminal.read_for(10, until=b"\x1b[?1049l")  # the alternate screen is left
    finally:
        code = terminal.end()
    assert code == 130


# --- the session summary ----------------------------------------------------------------


def test_the_preview_ends_the_front_matter_where_the_replace_check_does():
    """A template's `---` lines may carry trailing spaces, and the closing one may end the note: the check of
    whether a file is this session's note (notes/replacing.py) reads past them, so the preview does too."""
    from tracker.tui.screens.summary import previewed

    assert previewed("--- \ndescription: x\n---\t\n\n# Title\n") == "```yaml\ndescription: x\n```\n\n# Title\n"
    assert previewed("---\ndescription: x\n---") == "```yaml\ndescription: x\n```\n"
    assert previewed("---\ndescription: x\n") == "---\ndescription: x\n"  # not closed: no front matter


@synchronously
async def test_summary_preview_and_export_match_tracker_summary(plan, tmp_path, monkeypatch):
    from conftest import run_tracker
    from textual.widgets import Markdown
    from textual.widgets._markdown import MarkdownFence, MarkdownHeader

    from tracker.notes.gather import build_summary
    from tracker.tui.screens.summary import SummaryScreen

    work = tmp_path / "out"
    work.mkdir()
    monkeypatch.chdir(work)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot, 0.2)
        assert isinstance(app.screen, SummaryScreen)
        note = build_summary(load(plan))
        front, _, body = note.partition("\n---\n\n")
        assert front.startswith("---\n")
        # the front matter shown as a YAML block, not a rule and a heading; the rest as the note has it
        assert app.screen.query_one(Markdown).source == f"```yaml\n{front[4:]}\n```\n\n{body}"
        fences = app.screen.query(MarkdownFence)
        assert fences and "alwaysApply: true" in fences.first().code
        assert not any("alwaysApply" in (h.source or "") for h in app.screen.query(MarkdownHeader))
        await pilot.press("w")
        await settle(pilot)
        field = app.screen.query_one(Input)
        assert field.value == "SESSION_SUMMARY_2025-11-30.md"
        await pilot.press("enter")
        await settle(pilot, 0.2)
        assert any("Wrote SESSION_SUMMARY_2025-11-30.md" in n for n in notes(app))
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
    exported = (work / "SESSION_SUMMARY_2025-11-30.md").read_bytes()
    done = run_tracker("--file", str(plan), "summary", "-o", "cli.md", cwd=work)
    assert done.returncode == 0, done.stderr
    assert exported == (work / "cli.md").read_bytes().replace(b"cli.md", b"SESSION_SUMMARY_2025-11-30.md")


@synchronously
async def test_a_summary_that_cannot_be_made_says_why(repo):
    text = make_plan_text_with(
        "sessions:\n  - date: 2025-11-30", "sessions:\n  - date: 2025-11-30\n    since: nosuchrev"
    )
    plan = make_plan_repo(repo, text)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot, 0.2)
        error = app.screen.query_one("#summary-error")
        assert error.display and "nosuchrev" in str(error.render())
        await pilot.press("w")
        await settle(pilot)
        assert any("no summary to export" in n for n in notes(app))


# --- live -----------------------------------------------------------------------------


@synchronously
async def test_a_new_file_renamed_over_the_plan_reloads_and_keeps_the_selection(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("step", "P2", "4", 2))
        await settle(pilot)
        temp = plan.with_name(".phases.yaml.swp")
        temp.write_text(plan.read_text().replace("title: Race Conditions", "title: Race Conditions (renamed)"))
        os.replace(temp, plan)
        await wait_for(pilot, lambda: "Race Conditions (renamed)" in detail_text(app))
        assert dashboard(app).selected == Ref("step", "P2", "4", 2)
        assert dashboard(app).query_one(PlanTree).cursor_ref == Ref("step", "P2", "4", 2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's word is inotify's")
@synchronously
async def test_another_programs_edit_shows_at_the_kernels_word_not_at_the_polls_next_tick(plan):
    app = app_for(plan, poll=3600)  # the stat poll never ticks during the test
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(issue4())
        await settle(pilot)
        save(plan, plan.read_text().replace("title: Race Conditions", "title: Race Conditions (renamed)"))
        await wait_for(pilot, lambda: "Race Conditions (renamed)" in detail_text(app))
        with plan.open("a") as out:  # saved in place, as some editors do
            out.write("# a comment at the end\n")
        await wait_for(pilot, lambda: dashboard(app).shown.digest == load(plan).digest)


@synchronously
async def test_a_plan_that_stops_loading_shows_errors_and_keeps_the_last_good_one(plan):
    good = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(issue4())
        broken = good.replace("status: audit", "status: [unclosed", 1)
        save(plan, broken)
        assert not dashboard(app).query(ProblemsView)  # the error view joins the screen when first needed
        # shown, and its lines mounted: on a busy machine the view can be shown a frame before its child is
        await wait_for(
            pilot,
            lambda: (
                dashboard(app).query(ProblemsView)
                and dashboard(app).query_one(ProblemsView).display
                and dashboard(app).query_one(ProblemsView).query("Lines")
            ),
        )
        problems = dashboard(app).query_one(ProblemsView)
        text = text_of(problems.query_one("Lines"))
        line = good.splitlines().index("        status: audit") + 1
        assert f"phases.yaml:{line + 1}:16: error: invalid YAML" in text  # the flow list runs on to the next line
        assert f"started at line {line}, column 17" in text
        assert "Showing the last good version" in text
        assert "4  Race Conditions" in detail_text(app)  # still the good plan
        await pilot.press("n")
        await settle(pilot)
        assert any(n.title == "Not written" for n in app._notifications)
        assert plan.read_text() == broken

        save(plan, good.replace("status: audit", "status: blocked", 1))
        await wait_for(pilot, lambda: not problems.display)
        assert "Blocked" in detail_text(app)


@synchronously
async def test_a_plan_that_never_loaded_shows_only_errors(repo):
    plan = make_plan_repo(repo, "project: [\n")
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problems = dashboard(app).query_one(ProblemsView)
        assert problems.display
        assert "phases.yaml:" in text_of(problems.query_one("Lines"))
        # git is read for a plan: the header does not say it is reading git when it never will
        assert dashboard(app).query_one(PlanHeader).repo_text() == "git is read once the plan loads"
        await pilot.press("q")
    assert app.return_code == 0


@synchronously
async def test_a_plan_that_reads_but_never_loaded_is_not_called_its_last_good_version(repo):
    """A plan with an unknown status reads: the dashboard opened on it shows it, and said it showed "the last
    good version", of which there is none; an edit that still does not load showed the first text read."""
    text = PLAN_TEXT.read_text(encoding="utf-8").replace("status: audit", "status: reviewing", 1)
    plan = make_plan_repo(repo, text)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problems = dashboard(app).query_one(ProblemsView)
        heading = text_of(problems.query_one("Lines"))
        assert "'reviewing' is not a status of this plan" in heading
        assert "last good version" not in heading
        assert "Showing it as far as it reads; nothing is written until the file loads." in heading
        save(plan, text.replace("title: Race Conditions", "title: Races", 1))
        await wait_for(pilot, lambda: any("4  Races" in line for line in tree_lines(app)))
        assert dashboard(app).broken is not None and problems.display


@synchronously
async def test_the_git_line_says_a_git_work_tree_naming_another_repository_is_left_out(plan, tmp_path, monkeypatch):
    # It showed the other repository's branch and files as the plan's.
    from gitutil import make_repo

    other = make_repo(tmp_path / "elsewhere")
    other.write("x.txt", "x\n")
    other.commit("Elsewhere")
    other.git("checkout", "-q", "-b", "elsewhere")
    monkeypatch.setenv("GIT_WORK_TREE", str(other.root))
    app = app_for(plan)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        header = text_of(dashboard(app).query_one(PlanHeader))
        assert "⎇ main · 1 changed file · 1 untracked · GIT_WORK_TREE ignored: another repository" in header


@synchronously
async def test_reload_key_and_git_refresh_after_a_commit(plan, repo):
    app = app_for(plan, poll=60)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = dashboard(app).query_one(PlanHeader)
        assert "1 untracked" in text_of(header)
        repo.commit("Add the guide")
        await pilot.press("r")
        await settle(pilot, 0.2)
        assert "0 changed files" in text_of(header) and "untracked" not in text_of(header)


@synchronously
async def test_git_is_read_again_on_its_own(plan, repo):
    app = make_app(load(plan), Settings(poll_seconds=60, git_seconds=0.2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = dashboard(app).query_one(PlanHeader)
        assert "1 untracked" in text_of(header)
        repo.commit("Add the guide")
        await wait_for(pilot, lambda: "untracked" not in text_of(header))


@synchronously
async def test_no_git_processes_are_left_running(plan):
    def children() -> list[str]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == os.getpid():
                        found.append((entry / "comm").read_text().strip())
                except (OSError, IndexError):
                    pass
        return found

    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        open_files = len(os.listdir("/proc/self/fd"))
        for _ in range(5):
            await pilot.press("r")
            await settle(pilot, 0.1)
        assert [c for c in children() if c.startswith("git")] == []
        assert len(os.listdir("/proc/self/fd")) <= open_files


# --- user text is data ---------------------------------------------------------------


@synchronously
async def test_titles_are_shown_as_typed_never_as_markup_or_escapes(repo):
    text = make_plan_text_with(
        "title: Network Retry Logic", 'title: "Fix [/] closing tag [@click=app.quit] \\e[31mred"'
    )
    text = text.replace(
        "summary: Exponential backoff with jitter",
        "summary: '[b]not bold[/b]'\n        description: 'Press [@click=app.quit]here[/] <script>alert(1)</script>'",
        1,
    )
    plan = make_plan_repo(repo, text)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P2", "6"))
        await settle(pilot)
        detail = detail_text(app)
        assert "Fix [/] closing tag [@click=app.quit] [31mred" in detail
        assert "\x1b" not in detail
        assert "[b]not bold[/b]" in detail
        assert any("Fix [/] closing tag" in line for line in tree_lines(app))
        paragraph = dashboard(app).query_one("#detail-description MarkdownParagraph")
        assert "Press [@click=app.quit]here[/]" in str(paragraph.render())
        for y in range(6):
            await pilot.click(DetailPane, offset=(8, y))
            await pilot.click(DetailPane, offset=(12, y))
        await settle(pilot)
        assert app.is_running


@synchronously
async def test_long_titles_are_cut_with_an_ellipsis_to_the_width(repo):
    long = "Audit every service " * 12
    plan = make_plan_repo(repo, make_plan_text_with("title: Concurrent Locks", f"title: {long.strip()}"))
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = dashboard(app).query_one(PlanTree)
        line = next(line for line in tree_lines(app) if "Audit every service" in line)
        assert line.endswith("…") and len(line) + tree.guide_depth <= tree.scrollable_content_region.width


@synchronously
async def test_no_color_turns_the_screen_grey(plan, monkeypatch):
    import re

    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        svg = app.export_screenshot()
    picture = {"ff5f57", "febc2e", "28c840", "c5c8c6"}  # the SVG's window buttons and default text, not the app
    colours = set(re.findall(r"#([0-9a-f]{6})", svg)) - picture
    assert colours and all(c[0:2] == c[2:4] == c[4:6] for c in colours), colours


@synchronously
async def test_colours_follow_the_theme(plan):
    from textual.color import Color

    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bars = dashboard(app).query_one(PhaseBars)
        for theme in ("textual-light", "nord", "gruvbox"):
            app.theme = theme
            await settle(pilot)
            drawn = bars.get_visual_style("phase-bars--filled").foreground
            wanted = Color.parse(app.current_theme.success)
            assert all(abs(a - b) <= 2 for a, b in zip(drawn.rgb, wanted.rgb, strict=True)), (theme, drawn, wanted)


# --- the real command in a real terminal -----------------------------------------------


def test_tracker_in_a_terminal_changes_one_line_and_quits_with_zero(plan):
    import time

    from terminal import Terminal

    before = plan.read_text()
    terminal = Terminal(plan.parent.parent)
    try:
        terminal.read_for(30, until=b"Video Checkpoints")  # the first frame, down to the last phase
        phase2 = terminal.seen[terminal.seen.index(b"High-Priority Robustness") :]
        assert b"33%" in phase2[:600]
        terminal.read_for(1)
        terminal.down(5)  # P1, 1, 2, 3, P2, then issue 4
        terminal.type(b"n")
        deadline = time.monotonic() + 30
        while plan.read_text() == before and time.monotonic() < deadline:
            terminal.read_for(0.05)
        assert changed_lines(before, plan.read_text()) == ["-        status: audit", "+        status: verified"]
        terminal.type(b"q")
        terminal.read_for(10, until=b"\x1b[?1049l")  # the alternate screen is left
    finally:
        code = terminal.end()
    assert code == 0


@synchronously
async def test_only_web_links_in_plan_markdown_are_opened(plan):
    from textual.widgets import Markdown

    from tracker.tui.widgets.safe_markdown import SafeMarkdown

    app = app_for(plan)
    opened: list[str] = []
    app.open_url = lambda url, **kwargs: opened.append(url)  # the system opener is not ours to run in a test
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        description = dashboard(app).query_one("#detail-description", SafeMarkdown)
        for href in ("file:///etc/passwd", "javascript:alert(1)", "https://example.org/guide"):
            description.post_message(Markdown.LinkClicked(description, href))
        await settle(pilot)
    assert opened == ["https://example.org/guide"]
    assert sum("Not opened" in note for note in notes(app)) == 2


# --- first hour: a, toasts and modals, deliverable status words -------------------------


@synchronously
async def test_a_adds_an_issue_to_the_phase_or_a_step_to_the_issue(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("phase", "P3"))
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"Rate limits", "enter")
        await settle(pilot)
        assert "added issue #11 'Rate limits' to phase P3" in notes(app)
        dashboard(app).jump(issue4())
        await settle(pilot)
        await pilot.press("a", *"No: really", "enter")
        await settle(pilot)
        assert "added step 6 'No: really' to issue #4" in notes(app)
        await pilot.press("a", "escape")  # Escape adds nothing
        await settle(pilot)
    after = plan.read_text()
    assert sorted(changed_lines(before, after)) == sorted(
        [
            "+          - title: 'No: really'",
            "+      - id: 11",
            "+        title: Rate limits",
            "+        status: not_started",
        ]
    )
    assert "        title: Video Checkpoints\n        status: not_started\n      - id: 11\n" not in after  # P3, not P4


@synchronously
async def test_a_paste_into_the_title_stays_there_and_adds_nothing_until_enter(plan):
    """Without bracketed paste, each line break of a paste was an Enter: the issue was added with the lines run
    together, and the next Enter's dismissal crashed the dashboard (ScreenStackError); with it, only the first line
    was kept.  Now the title takes the whole paste, its lines joined by spaces, and only a typed Enter adds it."""
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, Ref("phase", "P3"), "a")
        assert isinstance(app.screen, AskScreen)
        await paste_then_enter(pilot, plan)
    assert f"        title: {(JOINED * 2).strip()}\n" in plan.read_text()


@synchronously
async def test_a_title_and_its_enter_read_at_once_add_it(plan):
    """Typed quickly (over SSH, a busy machine, tmux's send-keys "one1" Enter), a title and its Enter come in one read,
    as a paste's keys do: the Enter was taken for a paste's line break, and the form stayed open with "one1 " in it.
    Nothing after it in the read: it is the Enter typed."""
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_on(pilot, Ref("phase", "P3"), "a")
        assert isinstance(app.screen, AskScreen)
        read_from_terminal(app, "one1\r")
        await wait_for(pilot, lambda: plan.read_text() != before)
        await settle(pilot)
        assert app.screen is dashboard(app)
    assert "      - id: 11\n        title: one1\n" in plan.read_text()


@synchronously
async def test_toasts_wait_while_a_modal_is_open_at_80_by_24(plan):
    app = app_for(plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_on(pilot, Ref("issue", "P2", "5"), "n")  # a toast: n stops before Complete
        assert len(notes(app)) == 1
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatusPicker)
        assert notes(app) == []  # the toast waits rather than cover the picker
        app.notify("meanwhile")
        await settle(pilot)
        assert notes(app) == [] and not app.screen.query("Toast")
        await pilot.press("escape")
        await settle(pilot)
        assert notes(app) == ["n stops before Complete: press s to choose it on purpose.", "meanwhile"]


@synchronously
async def test_the_detail_pane_shows_each_deliverables_own_status_as_a_word(plan):
    text = plan.read_text().replace(
        "            purpose: Comprehensive test suite\n",
        "            purpose: Comprehensive test suite\n            status: audit\n",
        1,
    )
    save(plan, text)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P2", "6"))
        await settle(pilot)
        shown = detail_text(app)
        assert "Complete (issue's) · " in shown  # RetryHandler.js: no status of its own
        assert "Audit · " in shown  # the test suite's own
        dashboard(app).jump(Ref("deliverable", "P2", "6", 1))
        await settle(pilot)
        assert "status: Audit (its own)" in detail_text(app)
        dashboard(app).jump(Ref("deliverable", "P2", "6", 0))
        await settle(pilot)
        assert "status: Complete (its issue's; s gives it one of its own)" in detail_text(app)


@synchronously
async def test_a_reload_reads_under_the_size_limit_the_plan_was_first_read_under(plan):
    text = plan.read_text()
    limit = len(text.encode()) + 100
    app = make_app(load(plan, max_bytes=limit), Settings(poll_seconds=0.1, git_seconds=None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        save(plan, text + "#" * 200 + "\n")  # over --max-bytes now, far under the built-in limit
        await wait_for(
            pilot, lambda: dashboard(app).query(ProblemsView) and dashboard(app).query_one(ProblemsView).display
        )
        assert f"over the limit of {limit:,}" in text_of(dashboard(app).query_one(ProblemsView).query_one("Lines"))


# --- progress over time -----------------------------------------------------------------


@synchronously
async def test_h_shows_the_history_of_tracker_history_and_escape_goes_back(repo, monkeypatch):
    from conftest import run_tracker
    from historyplan import make_history_repo
    from textual.widgets import Static

    from tracker.tui.screens.history import HistoryScreen
    from tracker.tui.widgets.progress_chart import ProgressChart

    make_history_repo(repo)
    monkeypatch.setenv("TRACKER_NOW", "2026-02-09T09:30")
    printed = run_tracker("-f", "plan.yaml", "history", cwd=repo.root).stdout
    app = app_for(repo.root / "plan.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot, 0.2)
        assert isinstance(app.screen, HistoryScreen)
        words = str(app.screen.query_one("#history-forecast", Static).render())
        forecast = printed.split("\n\n", 1)[1].strip()  # the forecast as `tracker history` says it
        assert words == forecast + "\n1 commit where the plan does not load is left out of the chart."
        chart = app.screen.query_one(ProgressChart)
        assert [measure.percent for _, measure in chart.points] == [0, 37, 50, 75, 75]  # the broken one left out
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


@synchronously
async def test_h_on_a_plan_no_commit_holds_says_there_is_no_history_yet(repo):
    """The chart said no version of the plan "loads", which reads as a history gone bad, under a forecast saying
    no commit holds the plan."""
    from historyplan import plan as plan_text
    from textual.widgets import Static

    from tracker.tui.widgets.progress_chart import ProgressChart

    repo.write("plan.yaml", plan_text(["not_started"] * 4))
    app = app_for(repo.root / "plan.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: "no pace yet" in str(app.screen.query_one("#history-forecast", Static).render()))
        assert str(app.screen.query_one(ProgressChart).render()) == (
            "Nothing to chart: no commit holds a version of the plan that loads."
        )
        assert "no commit holds the plan yet" in str(app.screen.query_one("#history-forecast", Static).render())


@synchronously
async def test_keys_with_a_filter_that_matches_nothing_say_so_and_how_to_clear_it(plan):
    """A filter that keeps no issue leaves nothing to act on: the keys that act on one say the filter matches
    nothing and how to clear it (a user trial: `s` said to move the cursor, where there was nowhere to move it);
    once cleared, a key on the wrong row says where it works again."""
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"nothing matches this", "enter")
        await settle(pilot)
        assert tree_lines(app) == []
        await pilot.press("a", "s", "n", "x", "v")
        await settle(pilot)
        assert app.screen is dashboard(app)
        assert notes(app) == [
            f"The filter matches no issue, so {key} has nothing to act on: Escape clears the filter, / changes it."
            for key in "asnxv"
        ]
        app.clear_notifications()
        await pilot.press("escape", "s")  # the cursor on the first phase
        await settle(pilot)
        assert tree_lines(app) and notes(app) == [
            "s sets an issue's status: move the cursor to an issue or its evidence (open a phase with →)."
        ]


@pytest.mark.parametrize(("keys", "status"), [("nnnq", 0), ("nnn\x03", 130)])
@synchronously
async def test_quitting_in_the_same_read_as_the_keys_waits_for_their_writes(plan, monkeypatch, keys, status):
    """`n n n q` typed in one burst: the three changes the screen took are written before the app exits, with
    q's status (Ctrl+C's 130 likewise); before, the exit came while the first write was under way and none of
    them reached the file."""
    monkeypatch.setenv("TRACKER_TEST_PAUSE_BEFORE_RENAME", "0.2")
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P3", "7"))
        read_from_terminal(app, keys)
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == status
    assert status_of_issue(plan, "7") == "verified"
