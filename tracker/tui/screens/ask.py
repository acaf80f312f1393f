"""Ask for one line of text: where to export the summary, what a new session is about, a new issue's or step's title.

A paste stays in the line, its line breaks made spaces, and does not answer (widgets/form_line.py).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tracker.tui.widgets.form_line import FormLine


class AskScreen(ModalScreen[str | None]):
    """Dismissed with the text as typed (Enter), or None (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, answer: str = ""):
        super().__init__()
        self.question = question
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical(id="ask"):
            yield Static(Content(self.question))
            yield FormLine(self.answer, id="ask-answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
