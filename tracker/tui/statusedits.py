"""The status keys: `s` picks a status from the workflow, `n` moves one step on, `x` ticks a step,
`v` marks a piece of evidence reviewed today.

`n` goes to the next status that is neither blocked nor done (Project.next_status):
blocking and finishing are chosen with `s`, and finishing an issue whose steps
are still open is asked about first.

They act on the item under the cursor: a deliverable's effective status (see
Issue.status_of), else its issue's, in the plan as the writes still to come will
leave it (WriteQueue.intended): `n n n` pressed faster than the writes are made
takes three steps.  Each decided change is handed to the screen's `put` at once,
with the value it was chosen on, for the write queue: not posted as a message,
since keys typed fast come in one read and are all handled before a message
the first one posted, so the second would not see the first in the queue.  The screen's
check_action offers these keys only on an issue and its parts (`x` on a step);
the checks below keep that true for the type checker too.  Pressed anywhere else, `s`, `n`, `x` and `v`
say what they need (`needs`), rather than doing nothing without a word.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from tracker.plan import Deliverable, Issue, Loaded, Project, Step, compliance
from tracker.support.textsafe import one_line
from tracker.tui.refs import Item

# What a key that acts on one kind of item says when the cursor is on another (`a`: on nothing, a plan without
# phases).
NEEDS = {
    "add": "a adds an issue to a phase or a step to an issue: move the cursor to one.",
    "pick_status": "s sets an issue's status: move the cursor to an issue or its evidence (open a phase with →).",
    "next_status": "n moves an issue's status on: move the cursor to an issue or its evidence (open a phase with →).",
    "tick_step": "x ticks a step: move the cursor to a step (open an issue with →).",
    "reviewed": "v marks evidence reviewed today: move the cursor to a deliverable (open an issue with →).",
}
# What each of those keys says instead when the plan never loaded (a conflict marker, a YAML error): there is
# nothing to move the cursor to until the file is fixed; the first error says where.
NEEDS_A_PLAN = "{key} changes the plan, which does not load: {error}. Fix the file and save: it reloads by itself."
# And when a filter hides every issue: moving the cursor cannot help, clearing the filter does.
NEEDS_A_MATCH = "The filter matches no issue, so {key} has nothing to act on: Escape clears the filter, / changes it."


class StatusEdits:
    def __init__(self, screen: Screen, put: Callable[..., None]):
        self.screen = screen
        # put(change, base, seen=...): `change` (a tracker.edit command) made by looking at `base` (None: the
        # plan on screen), where its value was `seen` in the plan the writes to come leave (WriteQueue.put).
        self.put = put

    def pick(self, item: Item | None, project: Project, base: Loaded | None) -> None:
        if item is None or item.issue is None:
            return
        issue = item.issue
        if isinstance(item.part, Deliverable):
            title = f"Status of deliverable {one_line(item.part.path)}"
            own = item.part.status  # None: its issue's; picking that one writes it as the deliverable's own
        else:
            title = f"Status of {one_line(str(issue.id))}  {one_line(issue.title)}"
            own = issue.status

        def chosen(status: str | None) -> None:
            # From the plan the picker was opened on: a change made on disk meanwhile is merged or refused.
            if status is not None and status != own:
                self.confirm_done(item, issue, status, project, base)

        from tracker.tui.screens.status_picker import StatusPicker

        self.screen.app.push_screen(StatusPicker(project, title, status_of(item, issue)), chosen)

    def confirm_done(self, item: Item, issue: Issue, status: str, project: Project, base: Loaded | None) -> None:
        """Hand the change on; first ask when it finishes an issue whose steps are not all done."""
        open_steps = compliance.open_steps(issue)
        if isinstance(item.part, Deliverable) or not project.is_done(status) or not open_steps:
            self.choose(status_change(item, issue, status), project, base)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.choose(status_change(item, issue, status), project, base)

        from tracker.tui.screens.confirm import ConfirmScreen

        total = len(issue.steps)
        self.screen.app.push_screen(
            ConfirmScreen(
                f"Mark {one_line(str(issue.id))} {one_line(issue.title)} "
                f"{project.label(status)} with {open_steps} of {total} step{'s' * (total != 1)} still open?"
            ),
            answered,
        )

    def next(self, item: Item | None, project: Project) -> None:
        if item is None or item.issue is None:
            return
        current = status_of(item, item.issue)
        following = project.next_status(current)
        if following is None:
            after = project.following_status(current)
            if project.is_done(current) or after is None:
                self.screen.notify(f"Already at {project.label(current)}, the end of the workflow.", markup=False)
            else:
                self.screen.notify(
                    f"n stops before {project.label(after)}: press s to choose it on purpose.", markup=False
                )
            return
        self.choose(status_change(item, item.issue, following), project, None)

    def tick(self, item: Item | None, project: Project) -> None:
        from tracker import edit

        if item is None or item.issue is None or not isinstance(item.part, Step) or item.ref.index is None:
            return
        change = edit.SetStepStatus(item.issue.id, item.ref.index, "todo" if item.part.done else "done")
        self.choose(change, project, None)

    def reviewed(self, item: Item | None, project: Project) -> None:
        """The deliverable under the cursor was reviewed today: its `reviewed` line, as
        `tracker set ISSUE --deliverable PATH --reviewed today` writes it."""
        from tracker import edit
        from tracker.support.clock import BadClock, today

        if item is None or item.issue is None or not isinstance(item.part, Deliverable):
            return
        try:
            day = today().isoformat()
        except BadClock as exc:
            self.screen.notify(str(exc), title="Not written", severity="error", markup=False)
            return
        change = edit.SetDeliverableReviewed(item.issue.id, item.part.path, day, index=item.ref.index)
        self.choose(change, project, None)

    def choose(self, change, project: Project, base: Loaded | None) -> None:
        """Hand `change` on, chosen on `project` (the plan as the writes to come leave it)."""
        self.put(change, base, seen=change.value(project, ""))

    def needs(self, action: str, unloaded: Loaded | None = None, hidden: bool = False) -> None:
        """The key of `action` was pressed where it does nothing: say where it works, or, on a plan that never
        loaded (`unloaded`), that it does not load and where its first error is, or, when a filter hides every
        issue (`hidden`), how to clear it."""
        key = NEEDS[action].split(" ", 1)[0]
        errors = [problem for problem in unloaded.problems if problem.is_error] if unloaded is not None else []
        if errors:
            self.screen.notify(NEEDS_A_PLAN.format(key=key, error=one_line(str(errors[0]))), markup=False)
        elif hidden:
            self.screen.notify(NEEDS_A_MATCH.format(key=key), markup=False)
        else:
            self.screen.notify(NEEDS[action], markup=False)


def status_of(item: Item, issue: Issue) -> str:
    """The status `s` and `n` change."""
    return issue.status_of(item.part) if isinstance(item.part, Deliverable) else issue.status


def status_change(item: Item, issue: Issue, status: str):
    from tracker import edit

    if isinstance(item.part, Deliverable):
        return edit.SetDeliverableStatus(issue.id, item.part.path, status, index=item.ref.index)
    return edit.SetIssueStatus(issue.id, status)
