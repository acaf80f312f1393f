"""The dashboard's compliance fields, driven as a user drives it: marks for overdue issues and stale evidence,
the detail pane's fields, the header's counts, the filters, Escape, the coverage screen and the reviewed key.

A real repository with back-dated commits (compliancetui) and a fixed today (TRACKER_NOW).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from compliancetui import NOW, TEXT, make_programme
from conftest import run_tracker
from test_tui import (
    SIZE,
    app_for,
    dashboard,
    detail_text,
    notes,
    settle,
    synchronously,
    text_of,
    tree_lines,
    wait_for,
)
from tuiplan import changed_lines

from tracker.tui.refs import Ref
from tracker.tui.screens.coverage import CoverageScreen
from tracker.tui.screens.dashboard import DashboardScreen
from tracker.tui.screens.status_picker import StatusPicker
from tracker.tui.widgets.header import PlanHeader
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.lines import Lines


@pytest.fixture
def plan(repo, monkeypatch) -> Path:
    monkeypatch.setenv("TRACKER_NOW", NOW)
    return make_programme(repo)


def issue_lines(app) -> dict[str, str]:
    """The issue lines the tree shows, by id: '▶ ◐ 2  Change management  overdue' (phase P1 left out)."""
    lines = (line.removeprefix("▼ ").removeprefix("▶ ") for line in tree_lines(app))
    return {line.split()[1]: line for line in lines if not line.split()[1].startswith("P")}


def issue_keys(app) -> list[str]:
    return list(issue_lines(app))


async def filter_by(pilot, text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await settle(pilot)


@synchronously
async def test_tree_marks_header_counts_and_detail_fields(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = text_of(dashboard(app).query_one(PlanHeader))
        assert "1 overdue · 1 stale · 1 drift" in header
        lines = issue_lines(app)
        assert lines["2"].rstrip().endswith("overdue") and lines["1"].rstrip().endswith("stale")
        assert "overdue" not in lines["1"] and "stale" not in lines["2"]  # done (1) and fresh (2)
        assert not any(word in lines["3"] for word in ("overdue", "stale"))  # due later
        # Done, its evidence missing: marked on its row, not only in the detail pane.
        assert lines["5"].rstrip().endswith("drift") and "✔" in lines["5"]
        assert not any("drift" in lines[key] for key in ("1", "2", "3", "4"))
        dashboard(app).jump(Ref("issue", "P1", "1"))
        await settle(pilot)
        await pilot.press("right")
        await settle(pilot)
        deliverable = next(line for line in tree_lines(app) if "evidence/access.md" in line)
        assert deliverable.rstrip().endswith("stale")
        text = detail_text(app)
        assert "owner dana · due 2025-12-01 · review every 90d" in text
        assert "controls: CC6.1" in text and "tags: access, quarterly" in text
        assert "x-risk: [b]high[/b]" in text  # data, never markup
        assert "stale · last reviewed 2025-06-01 · review was due 2025-08-30" in text
        dashboard(app).jump(Ref("issue", "P1", "2"))
        await settle(pilot)
        text = detail_text(app)
        assert "owner lee · due 2026-01-01 overdue · review every 90d" in text
        assert "last reviewed 2025-12-20 · review due 2026-03-20" in text


@synchronously
async def test_a_review_typed_ahead_in_the_file_leaves_the_evidence_stale(plan):
    """`reviewed: 2026-06-01` typed by hand on 2026-01-15 is no review: access.md stays stale by its commit."""
    plan.write_text(
        TEXT.replace(
            "            purpose: quarterly", "            reviewed: 2026-06-01\n            purpose: quarterly"
        )
    )
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "1 overdue · 1 stale" in text_of(dashboard(app).query_one(PlanHeader))
        assert issue_lines(app)["1"].rstrip().endswith("stale")
        dashboard(app).jump(Ref("deliverable", "P1", "1", 0))
        await settle(pilot)
        assert "stale · last reviewed 2025-06-01 · review was due 2025-08-30" in detail_text(app)


def reviews_to_come_shown(app) -> list[str]:
    """The detail pane's 'Reviewed after today' lines, each warning joined from the lines it wraps over."""
    lines = detail_text(app).splitlines()
    if "Reviewed after today · not counted:" not in lines:
        return []
    shown: list[str] = []
    for line in lines[lines.index("Reviewed after today · not counted:") + 1 :]:
        if line.startswith("  ⚠ "):
            shown.append(line.removeprefix("  ⚠ "))
        elif line.startswith("    ") and shown:
            shown[-1] += " " + line.strip()
        else:
            break
    return shown


@synchronously
async def test_a_review_typed_ahead_is_a_warning_line_of_its_own_in_validates_words(plan, monkeypatch):
    """A `reviewed` day after today, on the evidence or on its phase, is a line of the detail pane of the issue it
    bears on, as `validate` warns of it (same words, how to fix it too, same line); on the day itself it counts and
    nothing is said."""
    plan.write_text(
        TEXT.replace(
            "            purpose: quarterly", "            reviewed: 2026-06-01\n            purpose: quarterly"
        ).replace("    title: Controls\n", "    title: Controls\n    reviewed: 2026-02-01\n")
    )
    validate = run_tracker("validate", cwd=plan.parent.parent)
    said = [line for line in validate.stderr.splitlines() if ": warning: 'reviewed' of " in line]
    warnings = [line.split(": warning: ")[1] for line in said]
    lines = [line.split(":")[1] for line in said]
    expected = [f"line {at}: {words}" for at, words in zip(lines, warnings, strict=True)]
    assert len(expected) == 2 and "'reviewed' of phase P1 is 2026-02-01, after today (2026-01-15)" in expected[0]
    assert expected[0].endswith("; write the day it was reviewed, today or earlier")
    assert expected[1].endswith(
        "; write the day it was reviewed, today or earlier, or once reviewed run: tracker set 1 --deliverable "
        "evidence/access.md --reviewed today"
    )
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P1", "1"))
        await settle(pilot)
        assert reviews_to_come_shown(app) == expected
        dashboard(app).jump(Ref("deliverable", "P1", "1", 0))
        await settle(pilot)
        assert reviews_to_come_shown(app) == expected
        dashboard(app).jump(Ref("issue", "P1", "2"))  # its evidence inherits the phase's day, not access.md's
        await settle(pilot)
        assert reviews_to_come_shown(app) == expected[:1]
    monkeypatch.setenv("TRACKER_NOW", "2026-06-01T09:00")
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P1", "1"))
        await settle(pilot)
        assert "Reviewed after today" not in detail_text(app)
        assert reviews_to_come_shown(app) == []


@synchronously
@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("owner:dana", ["1", "3"]),
        ("tag:change", ["2"]),
        ("control:CC7.1", ["3"]),
        ("is:overdue", ["2"]),
        ("is:stale", ["1"]),
        ("is:drift", ["5"]),
        ("is:open", ["2", "3"]),
        ("owner:dana is:open", ["3"]),
        ("export", ["1"]),  # a deliverable's purpose
        ("alerting", ["3"]),  # a summary
        ("cc8.1", ["2"]),  # a control id
    ],
)
async def test_each_filter_and_several_at_once(plan, text, keys):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_by(pilot, text)
        assert issue_keys(app) == keys
        assert text_of(dashboard(app).query_one("#filter-status")).endswith(f"{len(keys)} of 5")


@synchronously
async def test_a_mistyped_is_term_says_which_ones_there_are(plan):
    # `is:overdo` keeps nothing, as any term that never holds; an empty tree must not read as "nothing overdue".
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_by(pilot, "is:overdo")
        assert issue_keys(app) == []
        assert text_of(dashboard(app).query_one("#filter-status")) == "0 of 5"
        assert "no is:overdo; is: takes overdue|stale|drift|open" in notes(app)
        await pilot.press("escape")  # on the tree: every filter goes
        await settle(pilot)
        await filter_by(pilot, "is:overdue")
        assert issue_keys(app) == ["2"]
        assert text_of(dashboard(app).query_one("#filter-status")) == "1 of 5"


@synchronously
async def test_escape_clears_every_filter_the_status_filter_too(plan):
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = issue_keys(app)
        assert everything == ["1", "2", "3", "4", "5"]
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, StatusPicker)
        await pilot.press("end", "enter")  # complete, the last of the workflow
        await settle(pilot)
        assert issue_keys(app) == ["1", "4", "5"]
        await filter_by(pilot, "owner:kim")
        assert issue_keys(app) == ["4", "5"]
        await pilot.press("escape")  # on the tree
        await settle(pilot)
        assert issue_keys(app) == everything
        assert not dashboard(app).query_one("#filter").display
        assert not dashboard(app).filters.active

        await pilot.press("f")
        await settle(pilot)
        await pilot.press("end", "enter")
        await pilot.press("slash", *"owner:kim")
        await settle(pilot)
        assert issue_keys(app) == ["4", "5"]
        await pilot.press("escape")  # in the filter line
        await settle(pilot)
        assert issue_keys(app) == everything
        assert not dashboard(app).filters.active
        assert app.focused is not None and app.focused.id == "tree"


@synchronously
async def test_v_marks_the_evidence_reviewed_today_one_line(plan):
    before = plan.read_text()
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard(app).jump(Ref("issue", "P1", "3"))
        await settle(pilot)
        await pilot.press("v")  # on an issue: nothing to mark, and the user is told what v needs
        await settle(pilot)
        assert plan.read_text() == before
        assert "v marks evidence reviewed today: move the cursor to a deliverable (open an issue with →)." in notes(app)
        dashboard(app).jump(Ref("deliverable", "P1", "1", 0))
        await settle(pilot)
        assert "v Reviewed" in text_of(dashboard(app).query_one(KeyBar))
        await pilot.press("v")
        await wait_for(pilot, lambda: plan.read_text() != before)
        dashboard(app).refresh_git()
        await settle(pilot, 0.2)
        assert changed_lines(before, plan.read_text()) == ["+            reviewed: 2026-01-15"]
        assert "1 overdue" in text_of(dashboard(app).query_one(PlanHeader))
        assert "stale" not in text_of(dashboard(app).query_one(PlanHeader))
        assert not any(line.rstrip().endswith("stale") for line in tree_lines(app))
        assert "last reviewed 2026-01-15 · review due 2026-04-15" in detail_text(app)
    # The same bytes as the command line writes.
    after = plan.read_text()
    plan.write_text(before)
    done = run_tracker(
        "set",
        "1",
        "--deliverable",
        "evidence/access.md",
        "--reviewed",
        "today",
        cwd=plan.parent.parent,
        env={"TRACKER_NOW": NOW},
    )
    assert done.returncode == 0, done.stderr
    assert plan.read_text() == after


@synchronously
async def test_c_shows_what_tracker_coverage_prints(plan):
    done = run_tracker("coverage", cwd=plan.parent.parent, env={"TRACKER_NOW": NOW})
    assert done.returncode == 0, done.stderr
    app = app_for(plan)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CoverageScreen)
        shown = text_of(app.screen.query_one(Lines))
        for line in done.stdout.splitlines()[2:]:
            assert line.rstrip() in shown, line
        assert "5 declared · 4 mapped · 1 satisfied · 1 unmapped" in shown and "unmapped: CC1.1" in shown
        assert "✔ CC9.1  #4" in shown and "○ CC8.1  #2" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


def test_the_plan_text_is_the_programme_of_the_snapshot():
    assert "x-risk: '[b]high[/b]'" in TEXT  # the markup the detail pane must show as typed
