"""The main screen: header, phase bars, the plan tree and the detail pane.

It composes the widgets, routes keys, and shows what its helpers post back:
PlanWatcher (the plan on disk), GitSchedule (git, read in a worker so no frame
waits for history), WriteQueue (changes, one at a time), StatusEdits (the
status keys and picker), Sessions (start and end), Editing ($EDITOR) and Filters.
A plan that fails to load is shown as located errors while the last good
plan stays on screen (before any loaded, the plan as far as it reads), and
nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tracker.plan import Loaded, Outlined, Project, ReadAhead, is_ok, phase_figures
from tracker.support.textsafe import block, one_line
from tracker.tui.adding import Adding
from tracker.tui.editing import Editing, can_hand_over
from tracker.tui.exporting import Exporter
from tracker.tui.filters import Filters
from tracker.tui.gitschedule import GitSchedule
from tracker.tui.gitview import GitView
from tracker.tui.outlines import Outlines
from tracker.tui.planwatch import PlanWatcher
from tracker.tui.refs import Item, Ref, nearest
from tracker.tui.sessions import Sessions
from tracker.tui.settings import WRITES, Settings, refused
from tracker.tui.statusedits import StatusEdits
from tracker.tui.widgets.detail import DetailPane
from tracker.tui.widgets.header import PlanHeader
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.phase_bars import PhaseBars
from tracker.tui.widgets.plan_tree import PlanTree
from tracker.tui.writequeue import UNCHECKED, WriteQueue

if TYPE_CHECKING:
    from tracker.tui.widgets.filter_bar import FilterBar  # imported when first shown, by Filters


ITEM_ACTIONS = {"pick_status", "next_status", "tick_step", "add", "reviewed"}


def again(change) -> str:
    """How the dashboard makes `change` (a tracker.edit change) again: its key, or its command in the palette."""
    from tracker import edit  # loaded with the change

    for kinds, how in (
        ((edit.SetIssueStatus, edit.SetDeliverableStatus), "press s again"),  # s chooses any status, n the next
        ((edit.SetStepStatus,), "press x again"),
        ((edit.SetDeliverableReviewed,), "press v again"),
        ((edit.AddIssue, edit.AddStep), "press a again"),
        ((edit.AppendSession,), "choose Start a session in the palette again"),
        ((edit.EndSession,), "choose End the session in the palette again"),
    ):
        if isinstance(change, kinds):
            return how
    return "do it again"


class DashboardScreen(Screen):
    BINDINGS = [
        Binding(
            "s",
            "pick_status",
            "Status",
            tooltip="Pick the status of the issue, or of the deliverable under the cursor, from the workflow",
        ),
        Binding(
            "n",
            "next_status",
            "Next",
            tooltip="Move the status of the issue, or of the deliverable under the cursor, one step on "
            "(past Blocked; it stops before a done status, which s chooses)",
        ),
        Binding("x", "tick_step", "Tick", tooltip="Mark the step done, or back to todo"),
        Binding(
            "v",
            "reviewed",
            "Reviewed",
            tooltip="Mark the evidence under the cursor reviewed today (as tracker set --reviewed today)",
        ),
        Binding("a", "add", "Add", tooltip="Add an issue to the selected phase, or a step to the selected issue"),
        Binding("o", "open", "Open", tooltip="Open the selected file in $EDITOR (else the plan at the item)"),
        Binding("e", "edit_plan", "Edit plan", show=False, tooltip="Open the plan in $EDITOR at the item's line"),
        # Where check_action turns a key's action off (or greys it), the key falls through to this one, which
        # says why: what it needs, or that the dashboard is read-only (Textual tries a key's bindings in
        # order); it is shown nowhere.
        Binding("s", "needs('pick_status')", show=False),
        Binding("n", "needs('next_status')", show=False),
        Binding("x", "needs('tick_step')", show=False),
        Binding("v", "needs('reviewed')", show=False),
        Binding("a", "needs('add')", show=False),
        Binding("o", "needs('open')", show=False),
        Binding("e", "needs('edit_plan')", show=False),
        Binding(
            "slash",
            "filter_text",
            "Filter",
            tooltip="Filter issues by words, owner:, tag:, control:, is:overdue|stale|drift|open (Escape clears)",
        ),
        Binding("f", "filter_status", "Filter by status", show=False, tooltip="Show only issues with one status"),
        Binding("escape", "clear_filters", "Clear filters", show=False, tooltip="Clear every filter"),
        Binding("c", "coverage", "Coverage", tooltip="Controls per framework: mapped, satisfied, unmapped"),
        Binding("m", "summary", "Summary", tooltip="Preview the session summary; export it to a file"),
        Binding("h", "history", "History", show=False, tooltip="Progress over time, from git, and a forecast"),
        Binding("r", "reload", "Reload", show=False, tooltip="Read the plan and git again"),
    ]

    def __init__(
        self, loaded: Loaded, settings: Settings, outline: Outlined | None = None, ahead: ReadAhead | None = None
    ):
        """`outline`: `loaded` is not decoded yet (tui/outlines.py's first_look); the first frame is drawn from the
        figures kept for it, and the model read from `ahead` after that frame."""
        super().__init__()
        self.settings = settings
        self.path = loaded.path
        self.shown: Loaded | None = loaded if loaded.project is not None else None
        self.outline = outline
        self._ahead = ahead
        self.broken: Loaded | None = None if loaded.ok or outline is not None else loaded
        self.git = GitView(None)
        self.selected: Ref | None = None
        self.writes = WriteQueue(self, lambda: self.git.asked)
        self.watcher = PlanWatcher(
            self,
            self.path,
            loaded.digest,
            writing=lambda: bool(self.writes.pending),
            max_bytes=loaded.max_bytes,
            shown=lambda: self.shown,
            seen=loaded.seen,
        )
        self.git_schedule = GitSchedule(self, self.path, lambda: self.project, settings.git_seconds)
        self.status_edits = StatusEdits(self, self.change)
        self.adding = Adding(self)
        self.sessions = Sessions(self)
        self.editing = Editing(self, self.path)
        self.exporter = Exporter(self)
        self.filters = Filters(self, "#left", PlanTree)
        self.outlines = Outlines(self)

    @property
    def project(self) -> Project | None:
        return self.shown.project if self.shown is not None else None

    def compose(self) -> ComposeResult:
        yield PlanHeader(id="header")
        with Vertical(id="phases"):
            yield PhaseBars(id="phase-bars")
        with Horizontal(id="body"):
            # The filter line and the error view join when first needed: the first frame,
            # which waits for every widget's styles, goes without them.
            with Vertical(id="left"):
                yield PlanTree(id="tree")
            yield DetailPane(id="detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_plan()
        self.query_one(PlanTree).focus()
        self.watcher.start(self.settings.poll_seconds, self.settings.plan_events)
        # Git is first read when the app is Ready (TrackerApp.on_ready), after the first frame.

    def after_first_frame(self) -> None:
        """Drawn from an outline: the model is decoded now (taken as a reload's, in on_plan_watcher_read).  Drawn
        from the model: git is read, and the outline kept for the next dashboard."""
        if self._ahead is not None:
            self.watcher.load(self._ahead)
            self._ahead = None  # its bytes go with the worker
            return
        if self.shown is not None:
            self.outlines.keep(self.shown)
        self.refresh_git()

    # -- showing --------------------------------------------------------

    def show_plan(self, keep: Ref | None = None) -> None:
        """The plan as the writes still to come will leave it (what the keys act on), its rows that they change
        marked writing…, the cursor on `keep` (else on the item selected).  Before the model, its outline."""
        if self.outline is not None:
            self.show_outline(self.outline)
            return
        project = self.intended()
        # Each phase's figures, for the bars and the tree alike.
        figures = [phase_figures(project, phase) for phase in project.phases] if project is not None else []
        self.show_header()
        self.query_one(PhaseBars).show(project, figures)
        self.show_problems()
        tree = self.query_one(PlanTree)
        if project is not None:
            shown = tree.show_plan(
                project, figures, self.filters.query, keep or self.selected, self.writes.on_their_way()
            )
            self.filters.show_count(shown, sum(len(phase.issues) for phase in project.phases))
        self.show_detail()

    def show_outline(self, outline: Outlined) -> None:
        """The frame show_plan draws for the plan, from the figures kept for it: every phase closed."""
        self.show_header()
        self.query_one(PhaseBars).show(outline.project, outline.figures)
        self.query_one(PlanTree).show_outline(outline)
        self.show_detail()

    def show_problems(self) -> None:
        views = self.query("#problems")
        if not views and self.broken is None and self.git.unmerged is None:
            return
        from tracker.tui.widgets.problems import ProblemsView  # here: a plan without errors never needs it

        view = views.first(ProblemsView) if views else ProblemsView(id="problems")
        view.show(self.broken, self.shown, self.git.unmerged)
        if not views:
            self.mount(view, before=self.query_one(KeyBar))

    def show_header(self) -> None:
        notes = (
            (["plan has errors"] if self.broken is not None else [])
            + (["NOT MERGED by git"] if self.git.unmerged is not None else [])
            + (["writing…"] if self.writes.pending else [])
        )
        self.query_one(PlanHeader).show(self.intended(), self.git, " · ".join(notes), self.outline)

    def show_detail(self) -> None:
        """The item selected, in the plan as the writes will leave it; before the model, in its outline."""
        project = self.outline.project if self.outline is not None else self.intended()
        item = nearest(project, self.selected) if project is not None else None
        self.query_one(DetailPane).show(project, item, self.git, self.outline)

    def on_unmount(self) -> None:
        self.watcher.stop()
        self.writes.close()

    def on_screen_resume(self) -> None:
        self.call_later(self.app.show_held_toasts)  # type: ignore[attr-defined]  # after the modal has left the stack

    def on_plan_tree_cursor_moved(self, event: PlanTree.CursorMoved) -> None:
        self.selected = event.ref
        self.show_detail()
        self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        """Keys that need a certain kind of item: hidden (False) or greyed (None) without one; in a read-only
        dashboard, every action that writes: hidden, in the key bar and the palette."""
        if action in WRITES and self.settings.read_only:
            return False
        # Before the model, the keys that need an item show as they will for the phase in its outline.
        outlined = self.outline.project if self.outline is not None else None
        item = self.selected_item(outlined) if action in ITEM_ACTIONS else None
        if action in ("pick_status", "next_status"):
            return True if item is not None and item.issue is not None else None
        if action == "tick_step":
            return item is not None and item.ref.kind == "step"
        if action == "add":
            return True if item is not None else None
        if action == "reviewed":
            return item is not None and item.ref.kind == "deliverable"
        if action in ("open", "edit_plan"):
            return can_hand_over(self.app)
        return True

    def selected_item(self, project: Project | None = None) -> Item | None:
        """What a key acts on: the tree's cursor as it is now, in `project` (else the plan on screen).  Keys
        typed quickly reach the screen before the tree's CursorMoved messages do, so `selected` (which the
        detail pane follows) may lag behind."""
        project = project or self.project
        if project is None:
            return None
        return nearest(project, self.query_one(PlanTree).cursor_ref or self.selected)

    def intended(self) -> Project | None:
        """The plan on screen as the writes still to come will leave it: what the status keys act on."""
        return self.writes.intended(self.project) if self.project is not None else None

    # -- the plan on disk and in git ------------------------------------

    def on_plan_watcher_read(self, message: PlanWatcher.Read) -> None:
        if self.watcher.overtaken(message):
            return  # older than the plan a write of ours left: not another program's change
        self.writes.read_from_disk(message.loaded)
        self.take(message.loaded)

    def take(self, loaded: Loaded) -> None:
        if loaded.ok:
            self.shown, self.broken = loaded, None
        else:
            self.broken = loaded
            if loaded.project is not None and (self.shown is None or not self.shown.ok):
                self.shown = loaded  # no good version yet: the file as it reads now, not as it first read
        if self.outline is not None:  # the model is here (or the errors of a plan changed since)
            self.leave_outline()
        else:
            self.show_plan()
        self.refresh_git()
        self.outlines.keep(loaded)

    def leave_outline(self) -> None:
        """The plan read (or, with none, why not) shown in place of its outline, and the keys held while the outline
        was on screen act on it now."""
        self.outline = None
        self.show_plan()
        self.app.release_held()  # type: ignore[attr-defined]

    def refresh_git(self) -> None:
        self.git_schedule.refresh()

    def on_git_schedule_read(self, message: GitSchedule.Read) -> None:
        if message.git is self.git:
            return  # nothing changed since the last read: nothing to draw again
        unmerged_changed = message.git.unmerged != self.git.unmerged
        self.git = message.git
        self.query_one(PlanTree).set_git(self.git)
        if self.filters.query.states:  # is:overdue and the like are answered by this read
            self.show_plan()  # the problems with it
            return
        if unmerged_changed:
            self.show_problems()
        self.show_header()
        self.show_detail()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "git" and worker.is_finished:
            self.git_schedule.finished()
        if event.state == WorkerState.ERROR and worker.group == "load" and self.outline is not None:
            self.leave_outline()  # no model to show: the screen says so, and the keys held act on that
        if event.state == WorkerState.ERROR:
            self.notify(
                f"{worker.group}: {one_line(str(worker.error))}",
                title="Something failed",
                severity="error",
                markup=False,
            )

    def action_reload(self) -> None:
        self.watcher.load()

    # -- changing the plan ----------------------------------------------

    def change(self, change, base: Loaded | None = None, more: tuple = (), seen: object = UNCHECKED) -> None:
        """Write `change`, made by looking at `base` (the plan on screen when the user chose it) where its value
        was `seen` (WriteQueue.put), then `more` in turn."""
        base = base or self.shown
        if self.broken is not None or base is None or not is_ok(base):  # with no errors on disk, base is ok
            self.notify(
                "The plan on disk does not load; fix the errors shown below first. Nothing was written.",
                title="Not written",
                severity="error",
                markup=False,
            )
            return
        self.writes.put(base, change, *more, seen=seen)
        # Shown at once as it will be written: the next key acts on it (`intended`), and the screen agrees.  The
        # cursor stays where the keys typed ahead put it, which `selected` may not know yet.
        self.show_plan(keep=self.query_one(PlanTree).cursor_ref)

    def on_write_queue_written(self, message: WriteQueue.Written) -> None:
        self.writes.written()
        self.watcher.seen(message.loaded.digest)
        self.take(message.loaded)
        self.call_after_refresh(message.shown.set)  # on screen: the queue may keep it in the parse cache now
        self.notify(one_line(message.what), title="Written" if message.changed else "Nothing to write", markup=False)

    def on_write_queue_refused(self, message: WriteQueue.Refused) -> None:
        from tracker.edit import RUN_AGAIN  # loaded with the write refused

        # "run the command again" is the CLI's way; here the change is made again with its key (of the put
        # refused: the last of its changes names it, as Start a session names one that ends the open one first).
        how = again(message.changes[-1])
        self.notify(block(message.reason.replace(RUN_AGAIN, how)), title="Not written", severity="error", markup=False)

    def on_write_queue_ended(self, message: WriteQueue.Ended) -> None:
        if self.writes.ended():  # shown as it would be written, and it was not: shown as it is
            self.show_plan()
        else:
            self.show_header()
        quitting = getattr(self.app, "quitting", None)
        if quitting is not None and not self.writes.pending:  # q or Ctrl+C waited for the writes (app.py)
            self.app.exit(return_code=quitting)

    def on_adding_chosen(self, message: Adding.Chosen) -> None:
        self.change(message.change)

    def action_add(self) -> None:
        self.adding.ask(self.selected_item())

    def on_sessions_prepared(self, message: Sessions.Prepared) -> None:
        first, *more = message.changes
        self.change(first, message.base, tuple(more))
        if message.warning:
            self.notify(block(message.warning), title="Warning", severity="warning", markup=False)

    def on_sessions_failed(self, message: Sessions.Failed) -> None:
        self.notify(block(message.reason), title="Not written", severity="error", markup=False)

    def action_pick_status(self) -> None:
        if (project := self.intended()) is not None:
            self.status_edits.pick(self.selected_item(project), project, self.shown)

    def action_next_status(self) -> None:
        if (project := self.intended()) is not None:
            self.status_edits.next(self.selected_item(project), project)

    def action_tick_step(self) -> None:
        if (project := self.intended()) is not None:
            self.status_edits.tick(self.selected_item(project), project)

    def action_reviewed(self) -> None:
        if (project := self.intended()) is not None:
            self.status_edits.reviewed(self.selected_item(project), project)

    def action_needs(self, action: str) -> None:
        if refused(self.app):  # the one reason a key that writes is off here: nothing more to say
            return
        if action == "open":  # in a browser: Editing says which file to edit instead
            self.action_open()
        elif action == "edit_plan":
            self.action_edit_plan()
        else:
            self.status_edits.needs(action, self.broken if self.project is None else None, self.filters.hide_all)

    def action_start_session(self) -> None:
        self.sessions.ask_start(self.shown if self.broken is None else None)

    def action_end_session(self) -> None:
        self.sessions.ask_end(self.shown if self.broken is None else None)

    # -- editor ---------------------------------------------------------

    def action_open(self) -> None:
        self.editing.open(self.selected_item(), self.project.repo if self.project is not None else None)

    def action_edit_plan(self) -> None:
        self.editing.edit_plan(self.selected_item())

    # -- exports (the palette's Export HTML report / Export CSV) -----------

    def action_export(self, kind: str) -> None:
        self.exporter.ask(kind, self.shown)

    def on_exporter_exported(self, message: Exporter.Exported) -> None:
        if self.exporter.said_in_form(message):
            return
        if message.error is not None:
            self.notify(block(message.error), title="Not exported", severity="error", markup=False)
        else:
            self.notify(f"Wrote {one_line(message.where)}", title="Exported", markup=False)

    def on_editing_returned(self, message: Editing.Returned) -> None:
        self.watcher.poll()  # what the editor saved shows at once
        self.refresh_git()

    # -- filtering and finding ------------------------------------------

    async def action_filter_text(self) -> None:
        await self.filters.edit_text()

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.filters.set_text(event.text)

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.filters.close_text(event.text)
        self.query_one(PlanTree).focus()

    def on_filter_bar_cleared(self, event: FilterBar.Cleared) -> None:
        self.action_clear_filters()
        self.query_one(PlanTree).focus()

    def action_clear_filters(self) -> None:
        if self.filters.active:
            self.filters.clear()
            self.show_plan()

    def action_filter_status(self) -> None:
        if self.project is not None:
            self.filters.pick_status(self.project)

    def on_filters_changed(self, message: Filters.Changed) -> None:
        self.show_plan()

    def jump(self, ref: Ref) -> None:
        """Put the cursor on `ref`, clearing filters that hide it."""
        self.filters.clear()
        self.selected = ref
        self.show_plan()
        self.query_one(PlanTree).focus()

    # -- summary --------------------------------------------------------

    def action_summary(self, write: bool = False) -> None:
        if self.shown is None or self.shown.project is None:
            self.notify("There is no plan to summarise yet.", markup=False)
            return
        from tracker.tui.screens.summary import (
            SummaryScreen,  # here: it loads Markdown, which the first frame need not wait for
        )

        self.app.push_screen(SummaryScreen(self.shown, write=write))

    def action_write_note(self) -> None:
        """The palette's Write the session note: the preview, with the export form over it once it is built."""
        self.action_summary(write=True)

    def action_coverage(self) -> None:
        project, day = self.project, self.git.attention.today
        if project is None or self.git.links is None or day is None:
            self.notify(
                self.git.clock_error or "Coverage needs git, which is still being read; press c again in a moment.",
                markup=False,
            )
            return
        from tracker.git import coverage_of
        from tracker.tui.screens.coverage import CoverageScreen  # here: the first frame need not wait for it

        self.app.push_screen(
            CoverageScreen(project.project, coverage_of(project, self.git.links, day), day.isoformat())
        )

    def action_history(self) -> None:
        from tracker.tui.screens.history import HistoryScreen  # here: the first frame need not wait for it

        self.app.push_screen(HistoryScreen(self.path))
