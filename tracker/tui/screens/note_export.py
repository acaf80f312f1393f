"""Where to write the session note, and how: the options of `tracker summary -o FILE`.

The file starts as the plan's notes folder and the session's name; front matter
starts as the plan's `notes: front_matter:` says, and plain (no emoji) off.
Enter in the file name writes, Tab reaches the two choices (Space flips them),
Escape cancels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static


@dataclass(frozen=True)
class NoteExport:
    path: Path
    front_matter: bool
    plain: bool


class NoteExportScreen(ModalScreen[NoteExport | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, path: str, front_matter: bool):
        super().__init__()
        self.path = path
        self.front_matter = front_matter

    def compose(self) -> ComposeResult:
        with Vertical(id="ask"):
            yield Static(
                Content(
                    "Write the summary to (relative to the current folder; missing folders are made). "
                    "Enter writes, Tab reaches the choices (Space flips them), Escape cancels:"
                )
            )
            yield Input(self.path, id="note-path")
            with Horizontal(id="note-options"):
                yield Checkbox(_label("front-matter", self.front_matter), self.front_matter, id="note-front-matter")
                yield Checkbox(_label("plain", False), False, id="note-plain")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        # Said in words too: a terminal without colour shows an X whether the box is on or off.
        event.checkbox.label = _label(str(event.checkbox.id).removeprefix("note-"), event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            return
        self.dismiss(
            NoteExport(
                Path(event.value.strip()).expanduser(),
                self.query_one("#note-front-matter", Checkbox).value,
                self.query_one("#note-plain", Checkbox).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


LABELS = {"front-matter": "Front matter", "plain": "Plain (no emoji)"}


def _label(key: str, on: bool) -> Content:
    return Content(f"{LABELS[key]}: {'yes' if on else 'no'}")
