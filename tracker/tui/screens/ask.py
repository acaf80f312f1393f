"""Ask for one line of text: where to export the summary, what a new session is about, a new issue's or step's title.

A paste stays in the line, its line breaks made spaces, and does not answer (widgets/form_line.py).
Given `submit`, Enter hands it the text and the form stays open until its caller dismisses it: what the caller
refuses (an export's file) is said under the line (`say`), with the text as typed, for another try.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tracker.tui.widgets.form_line import FormLine


class AskScreen(ModalScreen[str | None]):
    """Dismissed with the text as typed (Enter), or None (Escape); given `submit`, Enter calls it instead."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, answer: str = "", submit: Callable[[str], None] | None = None):
        super().__init__()
        self.question = question
        self.answer = answer
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="ask"):
            yield Static(Content(self.question))
            yield FormLine(self.answer, id="ask-answer")
            if self.submit is not None:
                yield Static("", id="ask-error", markup=False)

    def on_mount(self) -> None:
        if self.submit is not None:
            self.say(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.submit is None:
            self.dismiss(event.value)
            return
        self.say(None)
        self.submit(event.value)

    def say(self, problem: str | None) -> None:
        """`problem` under the line (None: nothing), as the note's export form says its own."""
        from tracker.support.textsafe import block

        error = self.query_one("#ask-error", Static)
        error.update(block(problem or ""))
        error.display = problem is not None

    def action_cancel(self) -> None:
        self.dismiss(None)
