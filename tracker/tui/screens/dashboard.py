"""The main screen: header, phase bars, the plan tree and the detail pane.

It owns the plan being shown and keeps it in step with the disk: a cheap
stat poll notices new content, a worker thread loads it, and a plan that
fails to load is shown as located errors while the last good plan stays on
screen (and nothing is written).  Git is read in another worker that only
posts its result back, so no frame waits for history.  tracker.edit.writer (and
the YAML parser it brings) is imported by the methods that change the plan,
on the first change: the first frame does not need it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from tracker.plan import Deliverable, Loaded, Project, is_glob, load, normalize, unsafe_reason
from tracker.support.textsafe import block, one_line
from tracker.tui.filewatch import FileWatch
from tracker.tui.gitview import GitView, read_git
from tracker.tui.refs import Item, Ref, nearest
from tracker.tui.settings import Settings
from tracker.tui.widgets.detail import DetailPane
from tracker.tui.widgets.header import PlanHeader
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.phase_bars import PhaseBars
from tracker.tui.widgets.plan_tree import PlanTree

if TYPE_CHECKING:  # the filter line, the error view and the pickers are imported when first shown
    from tracker.tui.widgets.filter_bar import FilterBar


ITEM_ACTIONS = {"pick_status", "next_status", "tick_step"}


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
            tooltip="Move the status of the issue, or of the deliverable under the cursor, one step on",
        ),
        Binding("x", "tick_step", "Tick", tooltip="Mark the step done, or back to todo"),
        Binding("o", "open", "Open", tooltip="Open the selected file in $EDITOR (else the plan at the item)"),
        Binding("e", "edit_plan", "Edit plan", show=False, tooltip="Open the plan in $EDITOR at the item's line"),
        Binding("slash", "filter_text", "Filter", tooltip="Filter issues by words (Escape clears)"),
        Binding("f", "filter_status", "Filter by status", show=False, tooltip="Show only issues with one status"),
        Binding("m", "summary", "Summary", tooltip="Preview the session summary; export it to a file"),
        Binding("r", "reload", "Reload", show=False, tooltip="Read the plan and git again"),
    ]

    @dataclass
    class PlanRead(Message):
        loaded: Loaded

    @dataclass
    class GitRead(Message):
        git: GitView
        seconds: float  # how long the read took

    @dataclass
    class Written(Message):
        loaded: Loaded
        what: str
        changed: bool  # False: the change was in place already, nothing was written

    @dataclass
    class SessionStartRead(Message):
        since: str | None  # where git says a session starting now begins
        focus: str | None  # what the user said the session is about

    @dataclass
    class WriteRefused(Message):
        reason: str

    def __init__(self, loaded: Loaded, settings: Settings):
        super().__init__()
        self.settings = settings
        self.path = loaded.path
        self.shown: Loaded | None = loaded if loaded.project is not None else None
        self.broken: Loaded | None = None if loaded.ok else loaded
        self.git = GitView(None)
        self.selected: Ref | None = None
        self.filter_text = ""
        self.filter_statuses: frozenset[str] = frozenset()
        self.watch = FileWatch(self.path, loaded.digest)
        self._write_lock = threading.Lock()
        self._writing = 0  # writes sent to the worker and not yet answered
        self._git_busy = self._git_again = False
        self._git_timer: Timer | None = None
        self._git_took = 0.0  # seconds the last git read took

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
        self.set_interval(self.settings.poll_seconds, self.poll)
        # Git is first read when the app is Ready (TrackerApp.on_ready), after the first frame.

    # -- showing --------------------------------------------------------

    def show_plan(self) -> None:
        project = self.project
        self.show_header()
        self.query_one(PhaseBars).show(project)
        self.show_problems(keeping=project is not None)
        tree = self.query_one(PlanTree)
        if project is not None:
            tree.show_plan(project, self.filter_text, self.filter_statuses, keep=self.selected)
        self.show_detail()

    def show_problems(self, keeping: bool) -> None:
        views = self.query("#problems")
        if not views and self.broken is None:
            return
        if views:
            view = views.first()
        else:
            from tracker.tui.widgets.problems import ProblemsView

            view = ProblemsView(id="problems")
        view.show(self.broken, keeping)
        if not views:
            self.mount(view, before=self.query_one(KeyBar))

    def show_header(self) -> None:
        notes = (["plan has errors"] if self.broken is not None else []) + (["writing…"] if self._writing else [])
        self.query_one(PlanHeader).show(self.project, self.git, " · ".join(notes))

    def show_detail(self) -> None:
        project = self.project
        item = nearest(project, self.selected) if project is not None else None
        self.query_one(DetailPane).show(project, item, self.git)

    def on_plan_tree_cursor_moved(self, event: PlanTree.CursorMoved) -> None:
        self.selected = event.ref
        self.show_detail()
        self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        """Keys that need a certain kind of item: hidden (False) or greyed (None) without one."""
        item = self.selected_item() if action in ITEM_ACTIONS else None
        if action in ("pick_status", "next_status"):
            return True if item is not None and item.issue is not None else None
        if action == "tick_step":
            return item is not None and item.ref.kind == "step"
        return True

    def selected_item(self) -> Item | None:
        """What a key acts on: the tree's cursor as it is now.  Keys typed quickly reach the screen before
        the tree's CursorMoved messages do, so `selected` (which the detail pane follows) may lag behind."""
        if self.project is None:
            return None
        return nearest(self.project, self.query_one(PlanTree).cursor_ref or self.selected)

    # -- keeping up with the disk ---------------------------------------

    def poll(self) -> None:
        # Not while our own write is on its way: its result replaces the plan anyway.
        if not self._writing and self.watch.changed():
            self.load_plan()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_plan(self) -> None:
        loaded = load(self.path)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PlanRead(loaded))

    def on_dashboard_screen_plan_read(self, message: PlanRead) -> None:
        self.take(message.loaded)

    def take(self, loaded: Loaded) -> None:
        if loaded.ok:
            self.shown, self.broken = loaded, None
        else:
            self.broken = loaded
            if self.shown is None and loaded.project is not None:
                self.shown = loaded
        self.show_plan()
        self.refresh_git()

    def refresh_git(self) -> None:
        if self.project is None:
            return
        if self._git_busy:  # one reader at a time: a slow repository must not pile up git processes
            self._git_again = True
            return
        self._git_busy, self._git_again = True, False
        self.read_git_worker(self.project)

    # A description, or Textual names the worker by the repr of its arguments: the whole plan.
    @work(thread=True, exclusive=True, group="git", exit_on_error=False, description="read git")
    def read_git_worker(self, project: Project) -> None:
        start = time.perf_counter()
        git = read_git(project, self.path)
        self.post_message(self.GitRead(git, time.perf_counter() - start))

    def on_dashboard_screen_git_read(self, message: GitRead) -> None:
        self.git = message.git
        self.query_one(PlanTree).set_git(self.git)
        self.show_header()
        self.show_detail()
        self._git_took = message.seconds

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "git" and worker.is_finished:
            self._git_busy = False
            if self._git_again:
                self.refresh_git()
            elif self.settings.git_seconds:
                # Read again later; a repository that is slow to read is read less
                # often, so that reading git never takes more than a fifth of the time.
                if self._git_timer is not None:
                    self._git_timer.stop()
                self._git_timer = self.set_timer(max(self.settings.git_seconds, 5 * self._git_took), self.refresh_git)
        if worker.group == "write" and worker.is_finished:
            self._writing -= 1
            self.show_header()
        if event.state == WorkerState.ERROR:
            self.notify(
                f"{worker.group}: {one_line(str(worker.error))}",
                title="Something failed",
                severity="error",
                markup=False,
            )

    def action_reload(self) -> None:
        self.load_plan()

    # -- changing the plan ----------------------------------------------

    def change(self, change, base: Loaded | None = None) -> None:
        """Write `change`, made by looking at `base` (the plan on screen when the user chose it)."""
        if self.broken is not None:
            self.notify(
                "The plan on disk does not load; fix the errors shown below first. Nothing was written.",
                title="Not written",
                severity="error",
                markup=False,
            )
            return
        self._writing += 1
        self.show_header()
        self.write_worker(base or self.shown, change)

    @work(thread=True, group="write", exit_on_error=False, description="write the plan")
    def write_worker(self, base: Loaded, change) -> None:
        # Writes go one at a time; a later one starts from the disk the earlier left.
        from tracker import edit

        with self._write_lock:
            what = edit.summary(change, base.project)
            try:
                written = edit.apply(base, change)
            except edit.WriteRefused as exc:
                self.post_message(self.WriteRefused(str(exc)))
                return
            self.post_message(self.Written(written, what, changed=written is not base))

    def on_dashboard_screen_written(self, message: Written) -> None:
        self.watch.seen(message.loaded.digest)
        self.take(message.loaded)
        self.notify(one_line(message.what), title="Written" if message.changed else "Nothing to write", markup=False)

    def on_dashboard_screen_write_refused(self, message: WriteRefused) -> None:
        self.notify(block(message.reason), title="Not written", severity="error", markup=False)

    def action_pick_status(self) -> None:
        item, base = self.selected_item(), self.shown
        if isinstance(item.part, Deliverable):
            title = f"Status of deliverable {one_line(item.part.path)}"
            own = item.part.status  # None: its issue's; picking that one writes it as the deliverable's own
        else:
            title = f"Status of {one_line(str(item.issue.id))}  {one_line(item.issue.title)}"
            own = item.issue.status

        def chosen(status: str | None) -> None:
            # From the plan the picker was opened on: a change made on disk meanwhile is merged or refused.
            if status is not None and status != own:
                self.change(self._status_change(item, status), base)

        from tracker.tui.screens.status_picker import StatusPicker

        self.app.push_screen(StatusPicker(self.project, title, self._status_of(item)), chosen)

    def action_next_status(self) -> None:
        item = self.selected_item()
        current = self._status_of(item)
        ids = [s.id for s in self.project.workflow]
        at = ids.index(current) if current in ids else -1
        if at == len(ids) - 1:
            self.notify(f"Already at the last status ({self.project.label(ids[-1])}).", markup=False)
            return
        self.change(self._status_change(item, ids[at + 1]))

    @staticmethod
    def _status_of(item: Item) -> str:
        """The status `s` and `n` change: the deliverable's under the cursor (its issue's unless it has its own),
        else the issue's."""
        if isinstance(item.part, Deliverable):
            return item.part.status or item.issue.status
        return item.issue.status

    @staticmethod
    def _status_change(item: Item, status: str):
        from tracker import edit

        if isinstance(item.part, Deliverable):
            return edit.SetDeliverableStatus(item.issue.id, item.part.path, status, index=item.ref.index)
        return edit.SetIssueStatus(item.issue.id, status)

    def action_tick_step(self) -> None:
        from tracker import edit

        item = self.selected_item()
        step = item.part
        self.change(edit.SetStepStatus(item.issue.id, item.ref.index, "todo" if step.done else "done"))

    def action_start_session(self) -> None:
        if self.project is None:
            self.notify("There is no plan to add a session to yet.", markup=False)
            return
        from tracker.tui.screens.ask import AskScreen

        def asked(focus: str | None) -> None:
            if focus is not None:
                self.start_session_worker(self.path, self.project.repo, one_line(focus).strip() or None)

        self.app.push_screen(
            AskScreen(
                "A session dated today, starting at the current git HEAD. What is it about? "
                "(optional; Enter starts it, Escape cancels)"
            ),
            asked,
        )

    # Git is asked where the session starts, so in a thread; the change itself goes the usual way.
    @work(thread=True, exclusive=True, group="session", exit_on_error=False, description="start a session")
    def start_session_worker(self, plan: Path, repo_setting: str | None, focus: str | None) -> None:
        from tracker.git import session_start_revision

        since = session_start_revision(plan, repo_setting)
        if not get_current_worker().is_cancelled:
            self.post_message(self.SessionStartRead(since, focus))

    def on_dashboard_screen_session_start_read(self, message: SessionStartRead) -> None:
        from tracker import edit
        from tracker.support.clock import today

        self.change(edit.AppendSession(today().isoformat(), message.focus, message.since))

    # -- editor ---------------------------------------------------------

    def action_open(self) -> None:
        """The selected item's file in the editor; for an item without one, the plan at its line."""
        item = self.selected_item()
        path = item.path if item is not None else None
        if path is None:
            self.action_edit_plan()
            return
        reason = unsafe_reason(path) or ("is a pattern, not one file" if is_glob(path) else None)
        if reason:
            self.notify(f"{one_line(path)} {reason}.", title="Not opened", severity="error", markup=False)
            return
        from tracker.tui.editing import work_tree

        self.run_editor(work_tree(self.path, self.project.repo) / normalize(path))

    def action_edit_plan(self) -> None:
        item = self.selected_item()
        self.run_editor(self.path, item.line if item is not None else None)

    def run_editor(self, path: Path, line: int | None = None) -> None:
        from tracker.tui.editing import open_in_editor

        open_in_editor(self.app, path, line)
        self.poll()  # what the editor saved shows at once
        self.refresh_git()

    # -- filtering and finding ------------------------------------------

    async def filter_bar(self) -> FilterBar:
        for bar in self.query("#filter"):
            return bar
        from tracker.tui.widgets.filter_bar import FilterBar

        bar = FilterBar(id="filter")
        await self.query_one("#left").mount(bar, before=self.query_one(PlanTree))
        return bar

    async def action_filter_text(self) -> None:
        bar = await self.filter_bar()
        bar.display = True
        bar.focus_text()

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.filter_by_text(event.text)

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.filter_by_text(event.text)
        bar = self.query_one("#filter")
        bar.display = bool(self.filter_text or self.filter_statuses)
        self.query_one(PlanTree).focus()

    def filter_by_text(self, text: str) -> None:
        if text != self.filter_text:
            self.filter_text = text
            self.show_plan()

    def action_filter_status(self) -> None:
        if self.project is None:
            return
        from tracker.tui.screens.status_picker import ANY, StatusPicker

        current = next(iter(self.filter_statuses), ANY)

        async def chosen(status: str | None) -> None:
            if status is None or (not status and not self.query("#filter")):
                return  # cancelled, or "any status" with no filter ever set
            bar = await self.filter_bar()  # first: a filter in force always has its bar
            self.filter_statuses = frozenset({status}) if status else frozenset()
            bar.show_status(self.project.label(status) if status else "")
            bar.display = bool(self.filter_text or self.filter_statuses)
            self.show_plan()

        self.app.push_screen(StatusPicker(self.project, "Show issues with status", current, any_choice=True), chosen)

    def jump(self, ref: Ref) -> None:
        """Put the cursor on `ref`, clearing filters that hide it."""
        if self.filter_text or self.filter_statuses:
            self.filter_text, self.filter_statuses = "", frozenset()
            for bar in self.query("#filter"):  # there is one: a filter was set with it
                bar.query_one("#filter-text").value = ""
                bar.show_status("")
                bar.display = False
        self.selected = ref
        self.show_plan()
        self.query_one(PlanTree).focus()

    # -- summary --------------------------------------------------------

    def action_summary(self) -> None:
        if self.shown is None or self.shown.project is None:
            self.notify("There is no plan to summarise yet.", markup=False)
            return
        from tracker.tui.screens.summary import (
            SummaryScreen,  # here: it loads Markdown, which the first frame need not wait for
        )

        self.app.push_screen(SummaryScreen(self.shown))
