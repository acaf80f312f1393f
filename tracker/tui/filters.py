"""Which issues the tree shows: words and terms to look for (plan.filtering.Query: owner:, tag:, control:,
is:overdue|stale|drift|open) and a status, with the filter line that shows them.  Escape clears them all.

The filter line joins the screen when first needed: the first frame, which
waits for every widget's styles, goes without it.  Each change of what is
shown posts `Filters.Changed`; the screen shows the plan again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

from tracker.plan import Project, Query

if TYPE_CHECKING:
    from tracker.tui.widgets.filter_bar import FilterBar


class Filters:
    @dataclass
    class Changed(Message):
        pass

    def __init__(self, screen: Screen, home: str, before: type[Widget] | str):
        self.screen = screen
        self.home, self.before = home, before  # where the filter line goes: into `home`, above `before`
        self.text = ""
        self.statuses: frozenset[str] = frozenset()
        self.shown: int | None = None  # the issues the tree shows, as last counted (show_count)

    @property
    def active(self) -> bool:
        return bool(self.text.strip() or self.statuses)

    @property
    def query(self) -> Query:
        return Query.parse(self.text, self.statuses)

    async def bar(self) -> FilterBar:
        for bar in self.screen.query("#filter"):
            return bar  # type: ignore[return-value]
        from tracker.tui.widgets.filter_bar import FilterBar

        bar = FilterBar(id="filter")
        await self.screen.query_one(self.home).mount(bar, before=self.screen.query_one(self.before))
        return bar

    async def edit_text(self) -> None:
        bar = await self.bar()
        bar.display = True
        bar.focus_text()

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.screen.post_message(self.Changed())

    def close_text(self, text: str) -> None:
        """The filter line was left: it stays on screen while a filter is in force.  A mistyped `is:` keeps
        nothing, and says so: an empty tree must not read as "nothing overdue"."""
        self.set_text(text)
        self.screen.query_one("#filter").display = self.active
        mistyped = self.query.mistyped
        if mistyped:
            self.screen.notify(mistyped, title="Filter", severity="warning", markup=False)

    def pick_status(self, project: Project) -> None:
        from tracker.tui.screens.status_picker import ANY, StatusPicker

        current = next(iter(self.statuses), ANY)

        async def chosen(status: str | None) -> None:
            if status is None or (not status and not self.screen.query("#filter")):
                return  # cancelled, or "any status" with no filter ever set
            bar = await self.bar()  # first: a filter in force always has its bar
            self.statuses = frozenset({status}) if status else frozenset()
            bar.show_status(project.label(status) if status else "")
            bar.display = self.active
            self.screen.post_message(self.Changed())

        self.screen.app.push_screen(StatusPicker(project, "Show issues with status", current, any_choice=True), chosen)

    @property
    def hide_all(self) -> bool:
        """Whether a filter is in force and the tree shows no issue: a key that acts on one has none to act on."""
        return self.active and self.shown == 0

    def show_count(self, shown: int, total: int) -> None:
        """'3 of 10' in the filter line while a filter is in force: an empty tree says why."""
        self.shown = shown
        for bar in self.screen.query("#filter"):
            bar.show_count(f"{shown} of {total}" if self.active else "")  # type: ignore[attr-defined]

    def clear(self) -> None:
        """Clear every filter at once (the caller shows the plan again)."""
        if not self.active:
            return
        self.text, self.statuses = "", frozenset()
        for bar in self.screen.query("#filter"):  # there is one: a filter was set with it
            bar.query_one("#filter-text").value = ""  # type: ignore[attr-defined]
            bar.show_status("")  # type: ignore[attr-defined]
            bar.display = False
