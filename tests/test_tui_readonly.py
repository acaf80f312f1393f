"""The dashboard as `tracker serve --read-only` runs it: every write refused with a message, the plan untouched."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tuiplan import make_plan_repo

from tracker.plan.loader import load
from tracker.tui.app import make_app
from tracker.tui.refs import Ref
from tracker.tui.settings import READ_ONLY, Settings

SIZE = (100, 30)


@pytest.fixture
def plan(repo) -> Path:
    return make_plan_repo(repo)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_read_only_dashboard_refuses_every_write(plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    before = plan.read_bytes()
    editor_ran = tmp_path / "editor-ran"
    monkeypatch.setenv("EDITOR", f"touch {editor_ran}")
    monkeypatch.chdir(tmp_path)
    app = make_app(load(plan), Settings(poll_seconds=0.1, git_seconds=None, read_only=True))

    refused: list[str] = []

    # Every toast asked for, counted as it is asked: the ones on screen expire (5 s), which a loaded
    # machine can reach between two counts, and toasts wait while a modal screen is open.
    asked: list[str] = []
    show = app.notify

    def notify(message, **options) -> None:
        asked.append(message)
        show(message, **options)

    app.notify = notify  # type: ignore[method-assign]

    def refusals() -> int:
        return asked.count(READ_ONLY)

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # next status, the file (none: the plan at its line) and the plan in $EDITOR, the picker's
            # choice (Down: another status than its own), the summary written to a file
            for what, keys in [
                ("n", ["n"]),
                ("o", ["o"]),
                ("e", ["e"]),
                ("s", ["s", "down", "enter"]),
                ("w", ["m", "w"]),
            ]:
                app.screen.jump(Ref("issue", "P2", "4"))  # audit: n would make it verified
                count = refusals()
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot)
                if refusals() > count:
                    refused.append(what)
                if what == "w":
                    await pilot.press("escape")

    asyncio.run(run())
    assert refused == ["n", "o", "e", "s", "w"], [n.message for n in app._notifications]
    assert plan.read_bytes() == before
    assert not editor_ran.exists()
    assert not list(tmp_path.glob("*.md"))  # no summary written
