"""Every key of the dashboard, read from the bindings themselves so the list cannot drift."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

Section = tuple[str, list[tuple[str, str]]]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, sections: list[Section]):
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            with Grid(id="help-keys"):
                for title, rows in self.sections:
                    yield Static(Content(title), classes="help-section")
                    for keys, text in rows:
                        yield Static(Content(keys), classes="help-key")
                        yield Static(Content(text), classes="help-text")

    def text(self) -> str:
        """The list as plain text, the way it reads on screen."""
        return "\n".join(str(cell.render()) for cell in self.query(Static))

    def action_close(self) -> None:
        self.dismiss(None)
