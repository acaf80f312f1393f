"""The dashboard's Export HTML report / Export CSV: the same bytes as `tracker export`, refused when read-only."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import run_tracker
from textual.widgets import Input, Static
from tuiplan import PLAN_TEXT, make_plan_repo

from tracker.plan.loader import load
from tracker.tui.app import make_app
from tracker.tui.screens.ask import AskScreen
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.settings import READ_ONLY, Settings

NOW = "2026-01-15T09:30"


@pytest.fixture
def plan(repo, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_NOW", NOW)
    return make_plan_repo(repo)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("kind", ["html", "csv"])
def test_dashboard_export_writes_what_the_cli_writes(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)  # outside the work tree: a new file there would change what git reports
    app = make_app(load(plan), Settings(poll_seconds=60, git_seconds=None))
    titles = []

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            titles.extend(command.title for command in app.get_system_commands(app.screen))
            app.screen.action_export(kind)
            await settle(pilot)
            assert isinstance(app.screen, AskScreen)
            assert app.screen.query_one(Input).value == {"html": "report.html", "csv": "plan.csv"}[kind]
            await pilot.press("enter")
            await settle(pilot)

    asyncio.run(run())
    assert {"Export HTML report", "Export CSV"} <= set(titles)
    name = {"html": "report.html", "csv": "plan.csv"}[kind]
    assert any(n.title == "Exported" and name in n.message for n in app._notifications)
    done = run_tracker(
        "--file", str(plan), "export", kind, "-o", str(tmp_path / f"cli.{kind}"), env={"TRACKER_NOW": NOW}
    )
    assert done.returncode == 0, done.stderr
    assert (out / name).read_bytes() == (tmp_path / f"cli.{kind}").read_bytes()


def test_read_only_dashboard_exports_nothing_to_disk(plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(load(plan), Settings(poll_seconds=60, git_seconds=None, read_only=True))

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.screen.action_export("html")
            await settle(pilot)
            assert not isinstance(app.screen, AskScreen)

    asyncio.run(run())
    assert any(n.message == READ_ONLY for n in app._notifications)
    assert not list(tmp_path.glob("*.html"))


def test_dashboard_export_asks_before_replacing_a_file_that_is_no_export_and_keeps_a_deliverable(
    repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """As `tracker export csv -o FILE` without --force: a CSV of the user's own is asked about (n keeps it, y
    replaces it), the export then made again over itself without a question, a deliverable refused unasked."""
    monkeypatch.setenv("TRACKER_NOW", NOW)
    text = PLAN_TEXT.read_text(encoding="utf-8")
    plan = make_plan_repo(
        repo, text.replace("- path: .zencoder/rules/PHASE2_PROGRESS.md", "- path: reports/access.csv")
    )
    evidence = repo.write("reports/access.csv", "user,access\r\nalice,admin\r\n")
    signed = evidence.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)  # outside the work tree: a new file there would change what git reports
    mine = out / "plan.csv"
    mine.write_bytes(b"name,team\r\nDana,ops\r\n")
    kept = mine.read_bytes()
    app = make_app(load(plan), Settings(poll_seconds=60, git_seconds=None))
    questions: list[str] = []
    said: list[str] = []  # in the form, which stays open

    async def export_to(pilot, name: str) -> None:
        app.screen.action_export("csv")
        await settle(pilot)
        app.screen.query_one(Input).value = name
        await pilot.press("enter")
        await settle(pilot)

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await export_to(pilot, "plan.csv")
            assert isinstance(app.screen, ConfirmScreen)
            questions.append(app.screen.question)
            await pilot.press("n")
            await settle(pilot)
            assert mine.read_bytes() == kept
            assert isinstance(app.screen, AskScreen)  # open again, saying the file was kept
            said.append(str(app.screen.query_one("#ask-error", Static).render()))
            await pilot.press("escape")
            await export_to(pilot, "plan.csv")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await settle(pilot)
            assert mine.read_bytes() != kept
            mine.write_bytes(mine.read_bytes() + b"x,y\r\n")  # an earlier export, edited: still tracker's
            await export_to(pilot, "plan.csv")
            assert not isinstance(app.screen, ConfirmScreen)
            await export_to(pilot, str(evidence))
            assert not isinstance(app.screen, ConfirmScreen)
            said.append(str(app.screen.query_one("#ask-error", Static).render()))
            await pilot.press("escape")  # the toasts held while a form is open show once the dashboard is back
            await settle(pilot)

    asyncio.run(run())
    assert questions == [
        "plan.csv:1:1: the file exists and is not an earlier tracker csv export (its header has 'name' where "
        "tracker's has 'phase'). Replace it with the CSV export?"
    ]
    notes = [(n.title, n.message) for n in app._notifications]
    assert [message for title, message in notes if title == "Exported"] == ["Wrote plan.csv", "Wrote plan.csv"]
    assert not [message for title, message in notes if title == "Not exported"]  # said in the form instead
    assert said[0] == "Kept plan.csv: nothing was written; choose another file, or Escape to cancel."
    assert "(the deliverable of issue #" in said[1]
    assert evidence.read_bytes() == signed
    done = run_tracker("--file", str(plan), "export", "csv", "-o", str(tmp_path / "cli.csv"), env={"TRACKER_NOW": NOW})
    assert done.returncode == 0, done.stderr
    assert mine.read_bytes() == (tmp_path / "cli.csv").read_bytes()


def test_a_palette_export_refused_keeps_its_form_open_with_the_reason_for_another_file(
    plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """As the note's `w` form (d0c54bb): an export over the plan itself, or into a folder that does not exist,
    closed the form and said why in a notification, and the name was to be typed again from the start.  The
    form stays open with the reason and the name as typed; another name in it is written, and closes it."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)  # outside the work tree: a new file there would change what git reports
    before = plan.read_bytes()
    app = make_app(load(plan), Settings(poll_seconds=60, git_seconds=None))
    said: list[tuple[str, str]] = []

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.screen.action_export("html")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, AskScreen)
            error = form.query_one("#ask-error", Static)
            assert not error.display
            for name in (str(plan), "missing/report.html"):
                form.query_one(Input).value = name
                await pilot.press("enter")
                await settle(pilot)
                assert app.screen is form and error.display
                said.append((form.query_one(Input).value, str(error.render())))
            form.query_one(Input).value = "report.html"
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, AskScreen)

    asyncio.run(run())
    assert said == [
        (
            str(plan),
            f"{plan}: error: cannot write the html export: this is the plan itself, which an output never replaces; "
            "choose another file.",
        ),
        (
            "missing/report.html",
            "missing/report.html: error: cannot write the html export: No such file or directory",
        ),
    ]
    notes = [(n.title, n.message) for n in app._notifications]
    assert ("Exported", "Wrote report.html") in notes and not [m for t, m in notes if t == "Not exported"]
    assert (out / "report.html").exists() and not (out / "missing").exists()
    assert plan.read_bytes() == before
