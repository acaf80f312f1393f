"""The dashboard on a plan that holds git's conflict markers: the error view names the conflict, and only it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from test_merge_driver import ISSUE_1, PLAN, edit, pull, status
from tuiplan import make_plan_repo

from tracker.plan.loader import load
from tracker.tui.app import make_app
from tracker.tui.refs import Ref
from tracker.tui.screens.dashboard import DashboardScreen
from tracker.tui.settings import Settings
from tracker.tui.widgets.problems import ProblemsView

SIZE = (100, 30)
MESSAGE = "error: unresolved merge conflict (from <<<<<<< to >>>>>>>); resolve it, or run git mergetool"


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(app) -> list[str]:
    """The error view's lines, or [] while it is hidden or not there."""
    views = app.screen_stack[0].query(ProblemsView)
    if not views or not views.first().display:
        return []
    return views.first().query_one("Lines").render().plain.splitlines()


def test_a_plan_pulled_with_a_conflict_shows_the_located_conflict_alone(tmp_path: Path):
    theirs = edit(PLAN, status(ISSUE_1, "audit"))
    ours = edit(PLAN, status(ISSUE_1, "complete"))
    repo, done = pull(tmp_path, PLAN.encode(), theirs.encode(), ours.encode())
    assert done.returncode == 1
    plan = repo.root / "data/phases.yaml"

    async def run() -> list[str]:
        app = make_app(load(plan), Settings(poll_seconds=0.1, git_seconds=None))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen_stack[0], DashboardScreen)
            return shown(app)

    assert asyncio.run(run()) == [
        f"{plan} does not load (1 error). Fix the file and save: it reloads by itself.",
        f"{plan}:8:1: {MESSAGE}",
    ]


def test_markers_saved_into_a_loaded_plan_show_the_conflict_and_go_when_resolved(repo):
    plan = make_plan_repo(repo)
    good = plan.read_text()
    line = good.splitlines().index("        status: audit") + 1
    marked = good.replace(
        "        status: audit\n",
        "<<<<<<< HEAD\n        status: audit\n=======\n        status: blocked\n>>>>>>> branch 'main' of origin\n",
        1,
    )

    def save(text: str) -> None:
        temp = plan.with_name(plan.name + ".new")
        temp.write_text(text)
        os.replace(temp, plan)

    async def wait_until(pilot, condition) -> None:
        for _ in range(100):
            if condition():
                return
            await pilot.pause(0.05)
        raise AssertionError("the dashboard did not catch up in time")

    async def run() -> None:
        app = make_app(load(plan), Settings(poll_seconds=0.1, git_seconds=None))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert shown(app) == []
            save(marked)
            await wait_until(pilot, lambda: shown(app) != [])
            assert shown(app) == [
                f"{plan} does not load (1 error). Showing the last good version; nothing is written until the "
                "file loads. Fix the file and save: it reloads by itself.",
                f"{plan}:{line}:1: {MESSAGE}",
            ]
            save(good)
            await wait_until(pilot, lambda: shown(app) == [])

    asyncio.run(run())


def test_a_plan_git_left_unmerged_is_said_and_not_written_until_git_has_it_merged(tmp_path: Path):
    from test_merge_driver import git
    from test_merge_unmerged import OLD_DRIVER, OURS, diverged

    repo = diverged(tmp_path, OLD_DRIVER)
    assert git(repo, "pull", "--no-rebase", "-q", "origin", "main").returncode == 1
    plan = repo.root / "data/phases.yaml"

    async def run() -> None:
        app = make_app(load(plan), Settings(poll_seconds=0.1, git_seconds=None))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            lines = shown(app)
            assert lines[0] == (
                f"{plan} is not merged: git left one side of the merge in it. Nothing is written until it is "
                "merged; this goes away by itself once git has it merged (git add)."
            )
            assert lines[1].startswith(f"{plan}:1:1: error: git has not merged this file (the merge driver could")
            assert "NOT MERGED by git" in app.screen_stack[0].query_one("#header").render().plain
            await pilot.press("down", "n")  # the first issue's next status
            await settle(pilot)
            assert plan.read_text() == OURS
            repo.git("add", "data/phases.yaml")
            await pilot.press("r")
            await settle(pilot)
            assert shown(app) == []

    asyncio.run(run())


def test_a_status_key_on_a_plan_that_never_loaded_says_it_does_not_load_and_where(tmp_path: Path):
    """A user trial: `s` on a plan with conflict markers said 'move the cursor to an issue', with no issue to
    move to; it says the plan does not load, and where its first error is."""
    theirs = edit(PLAN, status(ISSUE_1, "audit"))
    ours = edit(PLAN, status(ISSUE_1, "complete"))
    repo, _ = pull(tmp_path, PLAN.encode(), theirs.encode(), ours.encode())
    plan = repo.root / "data/phases.yaml"

    async def run() -> list[str]:
        app = make_app(load(plan), Settings(poll_seconds=0.1, git_seconds=None))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in "snxv":
                await pilot.press(key)
            await pilot.pause()
            return [note.message for note in app._notifications]

    assert asyncio.run(run()) == [
        f"{key} changes the plan, which does not load: {plan}:8:1: {MESSAGE}. Fix the file and save: it reloads "
        "by itself."
        for key in "snxv"
    ]


def test_a_write_asks_git_nothing_its_last_read_knows(repo, tmp_path: Path, monkeypatch):
    """Whether git left the plan unmerged is asked with each git read (`git ls-files --unmerged`, beside
    `git status`); a write made while the index is as that read found it takes its answer: git's own trace
    counts one ask per read, none for the write.  (The plan git left unmerged is still refused: above.)"""
    from test_computed_answers import git_commands
    from tuiplan import PLAN_TEXT

    plan = make_plan_repo(repo)
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))

    async def run() -> None:
        app = make_app(load(plan), Settings(poll_seconds=0.1, git_seconds=None))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            trace.unlink()
            screen = app.screen_stack[0]
            screen.jump(Ref("issue", "P2", "4"))
            await pilot.press("n")
            for _ in range(100):  # written, and git read again after it
                await settle(pilot)
                if plan.read_text() != PLAN_TEXT.read_text() and not screen.writes.pending:
                    break
            await settle(pilot)

    asyncio.run(run())
    started = [argv[:2] for argv in git_commands(trace)]
    assert started.count(["status", "--porcelain=v2"]) == 1  # the read after the write
    assert started.count(["ls-files", "--unmerged"]) == 1, started  # that read's; the write asked nothing
