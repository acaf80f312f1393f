"""The dashboard's Export HTML report / Export CSV: the same bytes as `tracker export`, refused when read-only."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import run_tracker
from textual.widgets import Input
from tuiplan import make_plan_repo

from tracker.plan.loader import load
from tracker.tui.app import make_app
from tracker.tui.screens.ask import AskScreen
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
