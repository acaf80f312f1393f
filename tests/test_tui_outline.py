"""The dashboard's first frame drawn from a plan's outline (plan/outline.py, tui/outlines.py).

A plan too big to open its phases has its outline kept once a dashboard has shown it; the next
dashboard on the same bytes draws its first frame from that outline and decodes the model after it.
The frame must be the one the model gives, and keys pressed before the model is there must act on
it, in order, once it is.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import events

import tracker.tui.app
from tracker.plan import has_outline
from tracker.plan.loader import ReadAhead, load
from tracker.tui.app import TrackerApp
from tracker.tui.outlines import first_look
from tracker.tui.settings import Settings
from tracker.tui.widgets.plan_tree import OPEN_ALL_UP_TO, PlanTree

SIZE = (100, 30)
PHASES = 12
PER_PHASE = 100  # 1,200 issues in all: more than OPEN_ALL_UP_TO, so the phases start closed
STATUSES = ("not_started", "in_progress", "audit", "complete", "blocked", "verified")


def big_plan(path: Path) -> Path:
    """A plan of PHASES phases whose figures differ: statuses, steps half done, a phase whose status is its own."""
    lines = ["project: Outlined", "phases:"]
    for p in range(1, PHASES + 1):
        lines += [f"  - id: P{p}", f"    title: Phase {p}", f"    description: What phase {p} is for."]
        if p == 3:
            lines.append("    status: blocked")
        if p % 4 == 0:
            lines.append("    priority: high")
        lines.append("    issues:")
        for n in range(1, PER_PHASE + 1):
            number = (p - 1) * PER_PHASE + n
            status = STATUSES[(number * p) % len(STATUSES)] if p != 2 else "complete"
            lines += [f"      - id: {number}", f"        title: Issue {number}", f"        status: {status}"]
            if number % 3 == 0:
                lines += [
                    "        steps:",
                    f"          - {{title: First of {number}, status: done}}",
                    f"          - {{title: Second of {number}, status: todo}}",
                ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert PHASES * PER_PHASE > OPEN_ALL_UP_TO
    return path


class Recorded(TrackerApp):
    """The dashboard, its first frame kept as drawn (Textual is Ready once it is), and whether a model was there."""

    CSS_PATH = str(Path(tracker.tui.app.__file__).with_name("app.tcss"))  # relative to the class's own file
    decode = True  # False: the model is not read after the first frame until the test says so

    def on_ready(self, event: events.Ready) -> None:
        self.first_frame = self.export_screenshot()
        self.model_at_first_frame = self.dashboard.shown is not None
        if not self.decode:
            event.prevent_default()  # Textual calls TrackerApp.on_ready after this one, unless prevented


def settings() -> Settings:
    return Settings(poll_seconds=60, git_seconds=None)


async def settle(pilot) -> None:
    for _ in range(3):  # the model, then git and the outline kept, then what they posted
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def shown_from_the_model(plan: Path, keys: tuple[str, ...] = ()) -> Recorded:
    app = Recorded(load(plan), settings())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        app.last_frame = app.export_screenshot()
        app.cursor = app.dashboard.query_one(PlanTree).cursor_ref
    return app


async def held_then_the_model(plan: Path, keys: tuple[str, ...]) -> Recorded:
    """The dashboard drawn from the outline, `keys` pressed before the model is read (each held, none acting on
    the outline), then the model read: what it shows once the held keys went on."""
    ahead = ReadAhead(plan, whole=True)
    first = first_look(ahead)
    assert first is not None
    app = Recorded(first[0], settings(), first[1], ahead)
    app.decode = False
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        assert app.dashboard.shown is None and app.held is not None and len(app.held) == len(keys)
        assert app.dashboard.query_one(PlanTree).cursor_line == 0  # held: not one acted on the outline
        TrackerApp.on_ready(app)  # now the model is read (and git after it)
        await settle(pilot)
        app.last_frame = app.export_screenshot()
        app.cursor = app.dashboard.query_one(PlanTree).cursor_ref
    return app


def test_the_next_dashboard_draws_its_first_frame_from_the_outline_and_then_the_frame_the_model_gives(repo):
    plan = big_plan(repo.root / "data" / "phases.yaml")
    full = asyncio.run(shown_from_the_model(plan))
    assert full.model_at_first_frame
    assert has_outline(load(plan).digest)  # kept by that dashboard, after its first frame

    ahead = ReadAhead(plan, whole=True)
    first = first_look(ahead)
    assert first is not None  # the fast path: taken
    loaded, outline = first
    assert loaded.project is None and outline.issues == PHASES * PER_PHASE
    assert loaded.source == ""  # not the plan's bytes: the app keeps this Loaded as long as it runs

    async def drawn_from_the_outline() -> Recorded:
        app = Recorded(loaded, settings(), outline, ahead)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.last_frame = app.export_screenshot()
            app.model = app.dashboard.shown
        return app

    fast = asyncio.run(drawn_from_the_outline())
    assert not fast.model_at_first_frame  # drawn before the model was decoded
    assert fast.first_frame == full.first_frame  # and the same frame
    assert fast.model is not None and fast.model.ok and fast.dashboard.outline is None
    # The bytes are the model's alone now: `tracker` holds `ahead` as long as the app runs (cli/commands.py).
    assert ahead.result() is None and ahead.entries is None
    assert fast.last_frame == full.last_frame  # the model, then git: as the full path shows them


def test_keys_pressed_before_the_model_is_there_act_on_it_in_order(repo):
    plan = big_plan(repo.root / "data" / "phases.yaml")
    keys = ("down", "down", "right", "down", "down", "right")  # the third phase opened, its second issue opened
    full = asyncio.run(shown_from_the_model(plan, keys))
    assert full.cursor is not None and full.cursor.kind == "issue"

    late = asyncio.run(held_then_the_model(plan, keys))
    assert late.held is None and not late.again  # every key went on
    assert late.cursor == full.cursor
    assert late.last_frame == full.last_frame


def test_bytes_the_outline_was_not_kept_for_take_the_full_path(repo):
    plan = big_plan(repo.root / "data" / "phases.yaml")
    asyncio.run(shown_from_the_model(plan))
    assert first_look(ReadAhead(plan, whole=True)) is not None
    plan.write_text(plan.read_text(encoding="utf-8").replace("title: Issue 7\n", "title: Issue seven\n"))
    assert first_look(ReadAhead(plan, whole=True)) is None


def test_space_then_down_held_before_the_model_is_there_go_into_the_phase_space_opened(repo):
    """In tmux at 100,000 issues, Space then Down typed in one burst while the first frame was the outline's moved
    to the next phase: held, then posted again together, Down came before the tree filled the phase Space opened
    (its children were added when Textual's NodeExpanded message was handled). Held keys act as on the model."""
    plan = big_plan(repo.root / "data" / "phases.yaml")
    keys = ("space", "down", "down", "down", "space", "down")  # P1 opened, down to issue 3, opened, its first step
    full = asyncio.run(shown_from_the_model(plan, keys))
    late = asyncio.run(held_then_the_model(plan, keys))
    assert full.cursor is not None and (full.cursor.kind, full.cursor.phase, full.cursor.issue) == ("step", "P1", "3")
    assert late.cursor == full.cursor
