"""The dashboard as `tracker serve --read-only` runs it: every write refused with a message, the plan untouched."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.command import CommandList
from tuiplan import make_plan_repo

from tracker.plan.loader import load
from tracker.tui.app import make_app
from tracker.tui.refs import Ref
from tracker.tui.settings import READ_ONLY, Settings
from tracker.tui.widgets.key_bar import KeyBar

SIZE = (100, 30)


@pytest.fixture
def plan(repo) -> Path:
    return make_plan_repo(repo)


async def settle(pilot, seconds: float = 0.05) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(seconds)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_read_only_dashboard_refuses_every_write(plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    before = plan.read_bytes()
    editor_ran = tmp_path / "editor-ran"
    monkeypatch.setenv("EDITOR", f"touch {editor_ran}")
    monkeypatch.chdir(tmp_path)
    app = make_app(load(plan), Settings(poll_seconds=0.1, git_seconds=None, read_only=True))

    refused: list[str] = []
    offered: list[str] = []
    summary: list[str] = []

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
            # Each key that writes refuses at once, before any form or picker opens (a title typed into a's
            # form, or the status picked with s, was lost to a refusal at Enter): next status, the picker, tick,
            # reviewed, add, the file (none: the plan at its line) and the plan in $EDITOR, the summary
            # written to a file.
            for what, keys in [("n", ["n"]), ("s", ["s"]), ("x", ["x"]), ("v", ["v"]), ("a", ["a"])] + [
                ("o", ["o"]),
                ("e", ["e"]),
                ("w", ["m", "w"]),
            ]:
                app.screen.jump(Ref("issue", "P2", "4"))  # audit: n would make it verified
                count = refusals()
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot)
                if refusals() == count + 1 and type(app.screen).__name__ in ("DashboardScreen", "SummaryScreen"):
                    refused.append(what)
                if what == "w":
                    # the summary's key bar and title offer no w either
                    summary.append(app.screen.query_one(KeyBar).render().plain)
                    summary.append(str(app.screen.query_one("#summary-title").render()))
                    await pilot.press("escape")
                    await settle(pilot)
            # neither the key bar nor the palette offers what would be refused
            offered.append(app.screen.query_one(KeyBar).render().plain)
            for words in ("session", "export"):
                await pilot.press("ctrl+p")
                await settle(pilot)
                await pilot.press(*words)
                await settle(pilot, 0.5)
                found = app.screen.query_one(CommandList)
                offered.extend(
                    found.get_option_at_index(i).prompt.plain.split("\n")[0] for i in range(found.option_count)
                )
                await pilot.press("escape")
                await settle(pilot)

    asyncio.run(run())
    assert refused == ["n", "s", "x", "v", "a", "o", "e", "w"], asked
    bar, *palette = offered
    assert bar.split() == ["/", "Filter", "c", "Coverage", "m", "Summary", "q", "Quit", "?", "Help", "^p", "palette"], (
        bar
    )
    assert [summary[0].split(), summary[1]] == [
        ["esc", "Back", "q", "Quit", "?", "Help", "^p", "palette"],
        "Session summary — preview",
    ], summary
    assert not {"Start a session", "End the session", "Write the session note"} & set(palette), palette
    assert "Export HTML report" in palette  # a download in a browser: nothing written
    assert plan.read_bytes() == before
    assert not editor_ran.exists()
    assert not list(tmp_path.glob("*.md"))  # no summary written
