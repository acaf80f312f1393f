"""The filter line above the tree: words and terms to look for, and the status filter in force.

A paste stays in the line, its line breaks made spaces, and does not close the bar (widgets/form_line.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from tracker.plan import QUERY_HINT
from tracker.tui.widgets.form_line import FormLine


class FilterBar(Horizontal):
    BINDINGS = [
        Binding("escape", "clear", "Clear all filters"),
        Binding("down,enter", "done", "To the tree", show=False),
    ]

    @dataclass
    class Changed(Message):
        text: str

    @dataclass
    class Closed(Message):
        text: str  # the words in force

    @dataclass
    class Cleared(Message):
        """Escape: every filter goes, the status filter too."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._status = self._count = ""

    def compose(self) -> ComposeResult:
        yield FormLine(placeholder=QUERY_HINT, id="filter-text", compact=True)
        yield Static("", id="filter-status", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Closed(event.value))

    def action_done(self) -> None:
        self.post_message(self.Closed(self.query_one(Input).value))

    def action_clear(self) -> None:
        self.post_message(self.Cleared())

    def focus_text(self) -> None:
        # At once, not through focus() (a callback queued after the keys already typed): a key typed right
        # after `/` would still find the tree focused and act on the plan (`n`, `s`, `x`).
        self.screen.set_focus(self.query_one(Input))

    def show_status(self, label: str) -> None:
        self._status = f"status: {label}" if label else ""
        self._show()

    def show_count(self, text: str) -> None:
        """How many issues the filters keep, of how many: '3 of 10'."""
        self._count = text
        self._show()

    def _show(self) -> None:
        self.query_one("#filter-status", Static).update(" · ".join(x for x in (self._status, self._count) if x))
