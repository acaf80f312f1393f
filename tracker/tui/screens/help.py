"""Every key of the dashboard, read from the bindings themselves so the list cannot drift."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
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
        width = max((len(key) for _, rows in self.sections for key, _ in rows), default=4) + 2
        parts: list[Content] = []
        for title, rows in self.sections:
            if parts:
                parts.append(Content(""))
            parts.append(Content.styled(title, "bold"))
            parts += [Content.assemble((key.rjust(width), "bold $accent"), "  ", text) for key, text in rows]
        with VerticalScroll(id="help"):
            yield Static(Content("\n").join(parts), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
