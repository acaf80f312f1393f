"""The dashboard's git read: what needs attention is worked out again only when the plan, git or the day changed."""

from __future__ import annotations

import pytest
from tuiplan import make_plan_repo

from tracker.plan.loader import load
from tracker.tui import gitview
from tracker.tui.gitview import read_git


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """One entry per working out of what needs attention."""
    calls: list[int] = []
    real = gitview.read_attention
    monkeypatch.setattr(gitview, "read_attention", lambda *args: calls.append(1) or real(*args))
    return calls


def test_a_read_that_finds_nothing_changed_gives_the_view_before_and_works_nothing_out(repo, counted, monkeypatch):
    monkeypatch.setenv("TRACKER_NOW", "2026-01-15T09:30")
    plan = make_plan_repo(repo)
    project = load(plan).project
    first = read_git(project, plan)
    assert counted == [1]

    assert read_git(project, plan, first) is first
    assert counted == [1]


def test_a_changed_file_or_day_is_worked_out_again(repo, counted, monkeypatch):
    monkeypatch.setenv("TRACKER_NOW", "2026-01-15T09:30")
    plan = make_plan_repo(repo)
    project = load(plan).project
    first = read_git(project, plan)

    repo.write("src/api/client.js", "import { RetryHandler } from './base/RetryHandler';\n// changed\n")
    changed = read_git(project, plan, first)
    assert changed is not first and counted == [1, 1]
    assert changed.state("src/api/client.js") != first.state("src/api/client.js")

    monkeypatch.setenv("TRACKER_NOW", "2026-01-16T09:30")
    next_day = read_git(project, plan, changed)
    assert next_day is not changed and counted == [1, 1, 1]
    assert str(next_day.attention.today) == "2026-01-16"
