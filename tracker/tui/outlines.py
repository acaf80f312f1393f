"""The dashboard's first frame from a plan's outline (plan/outline.py), and the outlines kept for the next one.

On a plan of more than OPEN_ALL_UP_TO issues the first frame shows every phase closed: figures of
phases, never an issue.  When an outline is kept for the very bytes read (`first_look`), the frame
is drawn from it, and the model is decoded after it by the plan watcher's worker (the same
`PlanWatcher.Read` a reload posts): 0.25 s of the first frame at 100,000 issues.  Until that
model is on screen the app holds the keys and clicks (TrackerApp.holds), so none is lost or acts
on a plan that is not there.  Each big plan the dashboard shows has its outline kept (`Outlines`),
in a worker, for the next dashboard on the same bytes.
"""

from __future__ import annotations

from functools import partial

from textual.screen import Screen

from tracker.plan import (
    Loaded,
    LoadedOk,
    Outlined,
    Project,
    ReadAhead,
    has_outline,
    is_ok,
    keep_outline,
    read_outline,
)
from tracker.tui.widgets.plan_tree import OPEN_ALL_UP_TO


def first_look(ahead: ReadAhead) -> tuple[Loaded, Outlined] | None:
    """The plan `ahead` reads, not decoded yet (no project: `load(..., ahead=ahead)` decodes it), and the outline
    kept for its bytes; None when none is kept, or the plan is small enough to open its phases (the frame shows
    issues then)."""
    read = ahead.result()
    if read is None:
        return None
    digest = read[1]
    outline = read_outline(digest)
    if outline is None or outline.issues <= OPEN_ALL_UP_TO:
        return None
    # Without the bytes (80 MiB at 100,000 issues): the app keeps this Loaded as long as it runs, and the model
    # decoded from `ahead` holds them only until a write replaces it.  What the screen's plan watcher starts from.
    loaded = Loaded(ahead.path, None, [], digest=digest, max_bytes=ahead.max_bytes)
    loaded.seen = ahead.seen
    return loaded, outline


class Outlines:
    """Keeps the outline of each plan shown that first_look would take, in a worker (a few ms at 100,000 issues:
    each phase's issues counted done)."""

    def __init__(self, screen: Screen):
        self.screen = screen

    def keep(self, loaded: Loaded) -> None:
        if is_ok(loaded) and loaded.digest and _big(loaded.project):
            self.screen.run_worker(
                partial(keep_now, loaded),
                thread=True,
                exclusive=True,
                group="outline",
                exit_on_error=False,
                description="keep the plan's outline",  # not the repr of the whole plan
            )


def keep_now(loaded: LoadedOk) -> None:
    """The outline of `loaded` (a plan without errors, from bytes of digest `loaded.digest`) kept, unless it is."""
    if not has_outline(loaded.digest):
        keep_outline(loaded.digest, loaded.project)


def _big(project: Project) -> bool:
    """Whether the first frame shows `project`'s phases closed, its figures alone (PlanTree.show_plan)."""
    return sum(len(phase.issues) for phase in project.phases) > OPEN_ALL_UP_TO
