"""Pick a status from the workflow: the current one is highlighted, Enter chooses, Escape leaves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tracker.plan import Project
from tracker.support.textsafe import one_line
from tracker.tui.marks import mark

ANY = ""  # the "every status" choice of the status filter


class StatusPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, project: Project, title: str, current: str | None, any_choice: bool = False):
        super().__init__()
        self.project, self.heading, self.current, self.any_choice = project, title, current, any_choice

    def compose(self) -> ComposeResult:
        options = []
        if self.any_choice:
            options.append(Option(Content("  Every status"), id=ANY))
        for status in self.project.workflow:
            sign, _ = mark(self.project, status.id)
            options.append(Option(Content(f"{sign} {one_line(status.name)}  ({one_line(status.id)})"), id=status.id))
        with Vertical(id="picker"):
            yield Static(Content(one_line(self.heading)), id="picker-title")
            yield OptionList(*options, id="picker-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = ([ANY] if self.any_choice else []) + [s.id for s in self.project.workflow]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
