"""Starting and ending a session from the dashboard's palette, as a user does it, against the CLI.

The dashboard and `tracker session start|end` make their changes in one place
(tracker.edit's start_session and end_session), so the same moment and the same
repository give the same plan bytes whichever was used; that is what these
tests check, on twin repositories built alike (same shas).  What the user typed
is never lost to a refusal: a refusal comes before anything is asked, and a
write refused later leaves a draft that the next try starts from.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import ENV, make_repo
from test_tui import (
    JOINED,
    PASTED,
    SIZE,
    app_for,
    bracketed,
    dashboard,
    in_palette,
    notes,
    paste_then_enter,
    read_from_terminal,
    save,
    settle,
    synchronously,
    text_of,
    wait_for,
)
from textual.widgets import Input, Select, Static, TextArea
from tuiplan import changed_lines, make_plan_repo

from tracker.notes.gather import build_summary
from tracker.plan.loader import load
from tracker.tui.screens.ask import AskScreen
from tracker.tui.screens.confirm import ConfirmScreen
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


def starter(plan: Path) -> str:
    """The `by:` the dashboard's session start writes: whoever git commits as in the plan's repository, for this
    process (not the fixed identity the tests' commits are made with), quoted."""
    ident = subprocess.run(
        ["git", "var", "GIT_COMMITTER_IDENT"], cwd=plan.parent, capture_output=True, text=True, check=True
    ).stdout
    return "'" + ident[: ident.rindex(">") + 1] + "'"


def edited_in_session(plan: Path, twin: Path) -> str:
    """A session started in both repositories, then issue #7 set and not committed; the plan's text then."""
    for where in (plan, twin):
        tracker(where, NOW, "session", "start")
        tracker(where, NOW, "set", "7", "in_progress")
    return plan.read_text()


async def asked_later(pilot, monkeypatch, words: str, screen: type) -> None:
    """`words` run from the palette once the dashboard has drawn, the clock moved on to LATER, until `screen` shows
    (git is asked in a worker first)."""
    await settle(pilot)
    monkeypatch.setenv("TRACKER_NOW", LATER)
    await in_palette(pilot, words)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen))


async def ended_and_second_started(pilot, plan: Path) -> None:
    """Yes to ending the open session, then "second" as the new one's focus, until the plan has it."""
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AskScreen)
    await pilot.press(*"second", "enter")
    await wait_for(pilot, lambda: "focus: second" in plan.read_text())
    await settle(pilot)


def refused_then_left(twin: Path, plan: Path, *args: str) -> None:
    """`tracker ARGS` on the twin is refused for the plan's changes not committed, and with --leave-uncommitted
    writes what the dashboard wrote."""
    refused = run_tracker("--file", str(twin), *args, env={"TRACKER_NOW": LATER})
    assert refused.returncode == 1 and "--leave-uncommitted" in refused.stderr
    tracker(twin, LATER, *args, "--leave-uncommitted")
    assert twin.read_text() == plan.read_text()


@synchronously
async def test_start_writes_what_tracker_session_start_writes_and_a_second_start_asks_before_the_focus(plan, twin):
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
            f"+    by: {starter(plan)}",
        ]
        started = plan.read_text()
        await in_palette(pilot, "Start a session")  # one is open: asked before the focus is typed
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any(
            "Session 2026-01-15 (started 09:30) is still open; end it with End the session" in n for n in notes(app)
        )
    assert plan.read_text() == started
    tracker(twin, NOW, "session", "start", "--focus", "#4 locks")
    assert twin.read_text() == started


@synchronously
async def test_a_paste_into_the_focus_stays_there_and_starts_nothing_until_enter(plan):
    """Without bracketed paste, a paste's first line break was an Enter: the session started with the lines run
    together as its focus, and the next Enter's dismissal crashed the dashboard (ScreenStackError); with it, the
    focus was the first line only."""
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "Start a session")
        assert isinstance(app.screen, AskScreen)
        await paste_then_enter(pilot, plan)
    assert f"    focus: {(JOINED * 2).strip()}\n" in plan.read_text()


@synchronously
async def test_starting_while_a_session_is_open_ends_it_first_when_asked_as_session_start_end_open_does(
    plan, twin, monkeypatch
):
    for where in (plan, twin):
        tracker(where, NOW, "session", "start", "--focus", "first")
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await asked_later(pilot, monkeypatch, "Start a session", ConfirmScreen)  # git is asked first, in a worker
        assert "Session 2026-01-15 (started 09:30) is still open. End it now" in str(
            app.screen.query_one(Static).render()
        )
        await ended_and_second_started(pilot, plan)
    sha = head(plan)
    assert changed_lines(before, plan.read_text()) == [
        "+    ended: '11:45'",
        f"+    until: {sha}",
        "+  - date: 2026-01-15",
        "+    started: '11:45'",
        "+    focus: second",
        f"+    since: {sha}",
        f"+    by: {starter(plan)}",
    ]
    tracker(twin, LATER, "session", "start", "--end-open", "--focus", "second")
    assert twin.read_text() == plan.read_text()
    assert [(project := load(plan).project).session_name(len(project.sessions) + i) for i in (-2, -1)] == [
        "2026-01-15#1",
        "2026-01-15#2",
    ]


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
        await pilot.press(*"Counters race", "tab", *"Use **increment()**", "tab", "enter")  # Tab leaves the text
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


def started(plan: Path):
    """A session started as `tracker session start` starts it, the plan's text then, and a dashboard on it."""
    tracker(plan, NOW, "session", "start")
    return app_for(plan), plan.read_text()


async def end_form(pilot) -> None:
    """The end-session form, opened from the palette once the dashboard has drawn."""
    await settle(pilot)
    await in_palette(pilot, "End the session")


@synchronously
async def test_what_was_typed_survives_a_form_it_cannot_take_and_a_refused_write(plan):
    app, before = started(plan)
    async with app.run_test(size=SIZE) as pilot:
        await end_form(pilot)
        await pilot.press(*"Done", "tab", "tab", "tab", "tab", "tab", *"a body with no insight", "tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionEndScreen)  # stays open, everything as typed
        assert "A text belongs to an insight" in str(app.screen.query_one("#session-end-error").render())
        assert app.screen.query_one("#end-headline", Input).value == "Done"
        app.screen.query_one("#end-body", TextArea).text = ""
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


@synchronously
async def test_a_paste_stays_in_its_field_and_does_not_end_the_form_with_bracketed_paste_or_without(plan):
    """With bracketed paste the terminal sends one Paste; without, the paste's keys come in one read, a line break as
    Enter.  Either way a one-line field takes the whole paste, its lines joined by spaces, and the form stays open (an
    Enter of the burst once ended it, all lines run together, and the next Enter's dismissal crashed the dashboard);
    the insight's text keeps the lines."""
    app, before = started(plan)
    async with app.run_test(size=SIZE) as pilot:
        await end_form(pilot)
        form = app.screen
        read_from_terminal(app, PASTED)  # no brackets: keys
        await settle(pilot)
        assert form.query_one("#end-headline", Input).value == JOINED
        await pilot.press("tab")
        read_from_terminal(app, bracketed(PASTED))  # bracketed: one Paste
        await settle(pilot)
        assert form.query_one("#end-duration", Input).value == JOINED
        assert app.screen is form and plan.read_text() == before
        await pilot.press("tab", "tab", "tab", *"Counters race", "tab")
        read_from_terminal(app, PASTED)
        read_from_terminal(app, bracketed(PASTED))
        await settle(pilot)
        assert form.query_one("#end-body", TextArea).text == "Locks found\n2.5 hours\nFixed the counters\n" * 2
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: plan.read_text() != before)
        assert changed_lines(before, plan.read_text())[2:] == [
            "+    headline: Locks found 2.5 hours Fixed the counters",
            "+    duration: Locks found 2.5 hours Fixed the counters",
            "+    insights:",
            "+      - title: Counters race",
            '+        body: "Locks found\\n2.5 hours\\nFixed the counters\\nLocks found\\n2.5 hours\\nFixed the counters"',
        ]


@synchronously
async def test_the_preview_of_an_ended_sessions_note_warns_of_the_plans_changes_it_leaves_out(plan):
    """`m` says what `tracker summary` says on stderr: the plan's work not committed is not in the note."""
    tracker(plan, NOW, "session", "end", "--headline", "Drafted")
    tracker(plan, NOW, "set", "4", "in_progress")  # after the session's end: the next session's
    said = [line for line in tracker(plan, LATER, "summary").splitlines() if ": warning: " in line]
    assert len(said) == 1 and "the plan has changes that are not committed (issue #4)" in said[0]
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "text", None) is not None)
        warning = app.screen.query_one("#summary-warning", Static)
        assert warning.display and " ".join(text_of(warning).split()) == said[0]


@synchronously
async def test_a_headline_tab_a_duration_and_enter_read_at_once_fill_their_fields_and_end_it(plan):
    """Keys typed quickly come in one read: the Tab moved the focus only after the duration typed behind it had
    gone to the headline ("Locks found2.5 hours"), and the Enter was taken for a paste's line break."""
    app, before = started(plan)
    async with app.run_test(size=SIZE) as pilot:
        await end_form(pilot)
        read_from_terminal(app, "Locks found\t2.5 hours\r")
        await wait_for(pilot, lambda: plan.read_text() != before)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert changed_lines(before, plan.read_text())[2:] == [
        "+    headline: Locks found",
        "+    duration: 2.5 hours",
    ]


# --- the note, exported from the dashboard ------------------------------------------------------

NOTES = "\nnotes:\n  folder: docs/sessions\n  front_matter: false\n"


def outside(tmp_path: Path, monkeypatch) -> Path:
    """A current folder outside the work tree, where a note does not list itself."""
    work = tmp_path / "out"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


async def open_export(pilot, offered: str | None = None) -> None:
    """The export form opened from the preview; with `offered`, the file it offers is that one."""
    from tracker.tui.screens.note_export import NoteExportScreen

    await pilot.press("m")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "text", None) is not None)
    await pilot.press("w")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoteExportScreen)
    if offered is not None:
        assert pilot.app.screen.query_one(Input).value == offered


@synchronously
async def test_the_note_goes_to_the_plans_notes_folder_made_on_the_way_with_the_front_matter_chosen(
    repo, tmp_path, monkeypatch
):
    from textual.widgets import Checkbox
    from tuiplan import PLAN_TEXT

    monkeypatch.setenv("TRACKER_NOW", NOW)
    text = PLAN_TEXT.read_text(encoding="utf-8") + NOTES
    plan = make_plan_repo(repo, text)
    twin = make_plan_repo(make_repo(tmp_path / "twin"), text)
    monkeypatch.chdir(repo.root / "src")  # the folder is the repository's, wherever the dashboard runs
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot)
        # outside the current folder: shown in full
        assert app.screen.query_one(Input).value == str(repo.root / "docs/sessions/SESSION_SUMMARY_2025-11-30.md")
        assert app.screen.query_one("#note-front-matter", Checkbox).value is False  # as the plan says
        # session, template, then the front matter: on after all; Enter in the template field writes
        await pilot.press("tab", "tab", "tab", "space", "shift+tab", "enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notes(app)))
    written = repo.root / "docs/sessions/SESSION_SUMMARY_2025-11-30.md"
    cli = run_tracker(
        "--file",
        str(twin),
        "summary",
        "-o",
        "docs/sessions/SESSION_SUMMARY_2025-11-30.md",
        "--front-matter",
        cwd=twin.parent.parent,
        env={"TRACKER_NOW": NOW},
    )
    assert cli.returncode == 0, cli.stderr
    assert written.read_bytes() == (twin.parent.parent / "docs/sessions/SESSION_SUMMARY_2025-11-30.md").read_bytes()
    assert written.read_text().startswith("---\ndescription: Session Summary - November 30, 2025\n")
    assert "SESSION_SUMMARY_2025-11-30.md (this file" in written.read_text()


@synchronously
async def test_a_notes_folder_that_a_committed_symlink_leads_outside_is_passed_over_and_said(
    repo, tmp_path, monkeypatch
):
    """`folder: docs/sessions` where docs is a committed symlink to a folder outside the repository: the note is
    offered in the current folder, the form says why, and nothing is written outside."""
    from tuiplan import PLAN_TEXT

    monkeypatch.setenv("TRACKER_NOW", NOW)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / "docs").symlink_to(elsewhere)
    plan = make_plan_repo(repo, PLAN_TEXT.read_text(encoding="utf-8") + NOTES)
    assert repo.git("ls-files", "docs") == "docs"  # committed with the plan
    work = outside(tmp_path, monkeypatch)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot, "SESSION_SUMMARY_2025-11-30.md")
        line = plan.read_text().count("\n") - 1
        assert text_of(app.screen.query_one("#note-error", Static)) == (
            f"{plan}:{line}:11: error: notes folder 'docs/sessions' leads outside the repository through a symlink; "
            "no note is written there. The note is offered in the current folder instead."
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notes(app)))
    assert (work / "SESSION_SUMMARY_2025-11-30.md").is_file()
    assert list(elsewhere.iterdir()) == []


@synchronously
async def test_without_a_notes_folder_the_note_goes_to_the_current_folder_plain_if_chosen(plan, tmp_path, monkeypatch):
    from tracker.notes.gather import build_summary

    work = outside(tmp_path, monkeypatch)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot, "SESSION_SUMMARY_2025-11-30.md")
        await pilot.press("tab", "tab", "tab", "tab", "space", "shift+tab", "shift+tab", "enter")  # plain: no emoji
        await wait_for(pilot, lambda: any("Wrote" in n for n in notes(app)))
    written = (work / "SESSION_SUMMARY_2025-11-30.md").read_text()
    assert written == build_summary(load(plan), plain=True, output=work / "SESSION_SUMMARY_2025-11-30.md")
    assert written.startswith("---\n") and "🎯" not in written


@synchronously
async def test_a_paste_into_the_export_form_stays_in_its_field_and_writes_nothing(plan, tmp_path, monkeypatch):
    """Without bracketed paste, each line break of a paste over the offered file was an Enter: the note was written
    to a file named after the lines run together; with it, the file was named after the paste's first line."""
    work = outside(tmp_path, monkeypatch)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot, "SESSION_SUMMARY_2025-11-30.md")
        form = app.screen
        read_from_terminal(app, PASTED)  # over the file offered, selected
        await pilot.press("tab", "tab")
        read_from_terminal(app, bracketed(PASTED))  # into the template
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#note-path", Input).value == JOINED
        assert form.query_one("#note-template", Input).value == JOINED
    assert list(work.iterdir()) == []


@synchronously
async def test_a_file_that_is_not_markdown_is_not_replaced_and_the_message_fits_the_dashboard(
    plan, tmp_path, monkeypatch
):
    """Refused, the form stays open with the reason (a user trial: it closed, and the note was to be made
    again from the start), so another file can be typed and written at once."""
    from tracker.tui.screens.note_export import NoteExportScreen

    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("keep me\n")
    before = plan.read_bytes()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot)
        form = app.screen
        form.query_one(Input).value = "notes.txt"
        await pilot.press("enter")
        said = form.query_one("#note-error", Static)
        await wait_for(pilot, lambda: said.display)
        message = text_of(said)
        assert app.screen is form and form.query_one(Input).value == "notes.txt"
        assert not any(n.title == "Not exported" for n in app._notifications)  # said in the form, not over it
        form.query_one(Input).value = "notes.md"  # another file, in the same form
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote notes.md" in n for n in notes(app)))
        assert not isinstance(app.screen, NoteExportScreen)
        await pilot.press("escape")
        app.screen.action_export("html")  # the HTML export over the plan itself: refused as well
        await settle(pilot)
        app.screen.query_one(Input).value = str(plan)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "this is the plan itself" in text_of(app.screen.query_one("#ask-error", Static)))
    assert (
        message
        == "notes.txt: error: cannot write the summary: the file exists and is not a .md file; choose another file."
    )
    assert "--force" not in " ".join(notes(app))
    assert (tmp_path / "notes.txt").read_text() == "keep me\n"
    assert plan.read_bytes() == before


@synchronously
async def test_a_file_that_is_not_this_sessions_note_is_replaced_only_when_asked_and_a_deliverable_never(
    plan, tmp_path, monkeypatch
):
    """A user trial: `w` and the name of an earlier session's note wrote over it without a question."""
    tracker(plan, NOW, "session", "start", "--focus", "first")
    tracker(plan, LATER, "session", "start", "--end-open", "--focus", "second")
    work = outside(tmp_path, monkeypatch)
    earlier = work / "SESSION_SUMMARY_2026-01-15.md"
    tracker(plan, NOW, "summary", "--session", "2026-01-15#1", "-o", str(earlier))
    kept = earlier.read_bytes()
    guide = plan.parent.parent / ".zencoder/rules/PHASE2_RACE_CONDITIONS_AND_RESILIENCE.md"  # issue 6's deliverable
    app = app_for(plan)

    async def write_to(path: str) -> None:
        await pilot.press("w")
        await settle(pilot)
        app.screen.query_one("#note-path", Input).value = path
        await pilot.press("enter")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot, "SESSION_SUMMARY_2026-01-15-2.md")
        await pilot.press("escape")
        await write_to(earlier.name)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert text_of(app.screen.query_one(Static)) == (
            "SESSION_SUMMARY_2026-01-15.md: the file exists and is not this session's note (it starts with "
            "'# Session Summary - January 15, 2026', this note with '# Session Summary - January 15, 2026 "
            "(session 2)'). Replace it with this session's note?"
        )
        await pilot.press("n")
        form = app.screen  # open again, saying the file was kept
        said = form.query_one("#note-error", Static)
        await wait_for(pilot, lambda: said.display)
        assert text_of(said) == (
            "Kept SESSION_SUMMARY_2026-01-15.md: nothing was written; choose another file, or Escape to cancel."
        )
        assert earlier.read_bytes() == kept
        await pilot.press("escape")
        await write_to(earlier.name)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        asked = app.screen
        earlier.write_bytes(kept + b"\nSigned off by the auditor.\n")  # changed while the question is open
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen is not asked)
        assert earlier.read_bytes() == kept + b"\nSigned off by the auditor.\n"  # a yes to what was asked about
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notes(app)))
        await write_to(str(guide))
        said = app.screen.query_one("#note-error", Static)
        await wait_for(pilot, lambda: "as evidence" in text_of(said))
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # not even asked
        message = text_of(said)
    assert earlier.read_text() == build_summary(load(plan), output=earlier)
    assert message == (
        f"{guide}: error: cannot write the summary: the plan names this file as evidence (the deliverable of issue "
        f"#6, {plan}:95:19): a session note does not replace it; choose another file."
    )
    assert guide.read_text() == "# Guide\n"


@synchronously
async def test_the_export_form_takes_the_session_and_a_template_as_tracker_summary_does(plan, tmp_path, monkeypatch):
    tracker(plan, NOW, "session", "start", "--focus", "first")
    tracker(plan, LATER, "session", "start", "--end-open", "--focus", "second")
    template = tmp_path / "mine.md.j2"
    template.write_text("# {{ project }}: session {{ session.name }} ({{ session.focus }})\n", encoding="utf-8")
    work = outside(tmp_path, monkeypatch)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot)
        assert app.screen.query_one("#note-path", Input).value == "SESSION_SUMMARY_2026-01-15-2.md"
        assert app.screen.query_one("#note-session", Input).value == "2026-01-15#2"  # the one previewed
        await pilot.press("tab", *["backspace"] * 12, *"2026-01-15#1", "tab", *str(template))
        # the file follows the session it was offered for
        assert app.screen.query_one("#note-path", Input).value == "SESSION_SUMMARY_2026-01-15.md"
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notes(app)))
    written = (work / "SESSION_SUMMARY_2026-01-15.md").read_bytes()
    assert written == b"# LMS Compliance: session 2026-01-15#1 (first)\n"
    cli = tmp_path / "cli"
    cli.mkdir()
    done = run_tracker(
        "--file",
        str(plan),
        "summary",
        "--session",
        "2026-01-15#1",
        "--template",
        str(template),
        "-o",
        "SESSION_SUMMARY_2026-01-15.md",
        cwd=cli,
        env={"TRACKER_NOW": LATER},
    )
    assert done.returncode == 0, done.stderr
    assert (cli / "SESSION_SUMMARY_2026-01-15.md").read_bytes() == written


@synchronously
async def test_the_palette_writes_the_session_note_through_the_same_form(plan, tmp_path, monkeypatch):
    from tracker.tui.screens.note_export import NoteExportScreen

    work = outside(tmp_path, monkeypatch)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "Write the session note")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteExportScreen))  # once the note is built
        app.screen.query_one("#note-path", Input).value = "later/notes/mine.md"
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notes(app)))
    written = work / "later/notes/mine.md"
    assert written.read_text() == build_summary(load(plan), output=written)


@synchronously
async def test_an_unknown_session_or_a_bad_template_is_refused_in_the_form_with_everything_kept(
    plan, tmp_path, monkeypatch
):
    from textual.widgets import Checkbox

    broken = tmp_path / "broken.md.j2"
    broken.write_text("{% for x in %}\n", encoding="utf-8")
    work = outside(tmp_path, monkeypatch)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_export(pilot)
        form = app.screen
        fields = {key: form.query_one(f"#note-{key}", Input) for key in ("path", "session", "template")}
        fields["path"].value = "mine.md"
        await pilot.press("tab", "tab", "tab", "tab", "space")  # plain: yes
        tried = [
            ("2025-12-01", "", "no session on 2025-12-01; the plan has sessions 2025-11-30"),
            ("2025-11-30", "missing.md.j2", "missing.md.j2: error: cannot read the template"),
            ("2025-11-30", str(broken), f"{broken}:1: error:"),
        ]
        for session, template, said in tried:
            fields["session"].value = session
            fields["template"].value = template
            fields["session"].focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: form.query_one("#note-error").display)
            await settle(pilot)
            assert said in str(form.query_one("#note-error", Static).render())
            assert app.screen is form  # still open, as typed
            assert [fields[key].value for key in ("path", "session", "template")] == ["mine.md", session, template]
            assert form.query_one("#note-plain", Checkbox).value is True
            assert list(work.iterdir()) == []  # nothing written
        fields["template"].value = ""
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notes(app)))
        assert app.screen is not form
    assert (work / "mine.md").read_text() == build_summary(
        load(plan), session="2025-11-30", plain=True, output=work / "mine.md"
    )


def test_a_notes_file_is_named_after_its_session_and_keeps_its_name_when_the_day_gets_another(tmp_path):
    from tracker.notes import note_name

    plan = tmp_path / "phases.yaml"
    one = "project: P\nphases: []\nsessions:\n  - date: 2026-01-14\n"
    plan.write_text(one)
    assert note_name(load(plan)) == "SESSION_SUMMARY_2026-01-14.md"
    plan.write_text(one + "  - date: 2026-01-14\n  - date: 2026-01-15\n")
    loaded = load(plan)
    assert [note_name(loaded, name) for name in ("2026-01-14#1", "2026-01-14#2", "last")] == [
        "SESSION_SUMMARY_2026-01-14.md",
        "SESSION_SUMMARY_2026-01-14-2.md",
        "SESSION_SUMMARY_2026-01-15.md",
    ]


@synchronously
async def test_the_end_form_says_the_plan_has_changes_not_committed_before_ending_and_leaves_them_out(
    plan, twin, monkeypatch
):
    before = edited_in_session(plan, twin)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await asked_later(pilot, monkeypatch, "End the session", SessionEndScreen)
        said = str(app.screen.query_one("#session-end-unsaved", Static).render())
        assert "The plan has changes that are not committed (issue #7): ending now leaves them out" in said
        await pilot.press(*"Left", "enter")  # read, and ended anyway: `--leave-uncommitted`
        await wait_for(pilot, lambda: plan.read_text() != before)
        await settle(pilot)
    refused_then_left(twin, plan, "session", "end", "--headline", "Left")


@synchronously
async def test_a_start_that_ends_the_open_session_says_the_plan_has_changes_not_committed_before_asking(
    plan, twin, monkeypatch
):
    """The palette's Start ended the open session without a word of the plan's changes not committed, as
    `session start --end-open` did: its `until` missed them for good.  Now the question says so first, and a
    yes is `--end-open --leave-uncommitted`."""
    before = edited_in_session(plan, twin)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await asked_later(pilot, monkeypatch, "Start a session", ConfirmScreen)
        asked = text_of(app.screen.query_one(Static))
        assert asked.startswith("The plan has changes that are not committed (issue #7): ending now leaves them out")
        assert asked.endswith(
            "Session 2026-01-15 (started 09:30) is still open. End it now, at the current git HEAD, "
            "and start a new one?"
        )
        await ended_and_second_started(pilot, plan)
    assert "ended: '11:45'" in plan.read_text() and plan.read_text() != before
    refused_then_left(twin, plan, "session", "start", "--end-open", "--focus", "second")


@synchronously
async def test_with_several_sessions_open_the_end_form_asks_which_one_ends_as_session_end_session_does(
    tmp_path, monkeypatch
):
    """After a pull brought in a colleague's open session, the form only pointed to `tracker session end --session
    DATE#N`.  It now offers the open sessions, the first chosen, and ends the one picked with the keyboard."""
    import shutil

    from test_merge_driver import PLAN as SHORT
    from test_merge_driver import clones

    theirs, ours = clones(tmp_path, SHORT.encode())
    for repo, at, focus in ((ours, NOW, "mine"), (theirs, LATER, "theirs")):
        done = run_tracker("session", "start", "--focus", focus, cwd=repo.root, env={**ENV, "TRACKER_NOW": at})
        assert done.returncode == 0, done.stderr
        repo.commit(f"Start {focus}")
    theirs.git("push", "-q", "origin", "main")
    ours.git("pull", "--no-rebase", "-q", "origin", "main")
    twin = tmp_path / "twin"
    shutil.copytree(ours.root, twin, symlinks=True)
    plan = ours.root / "data/phases.yaml"
    before = plan.read_text()
    for name, value in ENV.items():  # the dashboard's own git: the fixed identity, no user config
        monkeypatch.setenv(name, value)
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await in_palette(pilot, "Start a session")  # refused, and pointed to the form that can say which
        said = "2 sessions are open (2026-01-15#1 started 09:30, 2026-01-15#2 started 11:45); end each with End"
        assert any(said in n for n in notes(app))
        await asked_later(pilot, monkeypatch, "End the session", SessionEndScreen)
        form = app.screen
        assert text_of(form.query_one("#session-end-title", Static)) == ("End one of the 2 open sessions:")
        chosen = form.query_one("#end-session", Select)
        assert chosen.has_focus and chosen.value == "2026-01-15#1"  # the first, where `session end` points
        await pilot.press("enter", "escape")  # the choice opened and closed: the form stays
        await settle(pilot)
        assert app.screen is form and chosen.value == "2026-01-15#1"
        await pilot.press("enter", "down", "enter")  # open the choice, the next one, take it
        await settle(pilot)
        assert chosen.value == "2026-01-15#2" and app.screen is form
        await pilot.press("tab", *"Theirs done", "enter")
        await wait_for(pilot, lambda: plan.read_text() != before)
        await settle(pilot)
    ended = plan.read_text()
    assert ended.index("headline: Theirs done") > ended.index("focus: theirs") > ended.index("focus: mine")
    tracker(
        twin / "data/phases.yaml", LATER, "session", "end", "--session", "2026-01-15#2", "--headline", "Theirs done"
    )
    assert (twin / "data/phases.yaml").read_text() == ended
