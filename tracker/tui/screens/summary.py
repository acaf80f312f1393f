"""The session summary exactly as `tracker summary` makes it: previewed, then exported to a file.

The export form (screens/note_export.py) offers the plan's notes folder and the options of
`tracker summary -o FILE` (the session, a template of one's own, front matter on or off,
plain), and writes as it does; what it refuses is said in the form, which stays open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Markdown, Static

from tracker.plan import Loaded
from tracker.support.textsafe import block, one_line
from tracker.tui.settings import read_only, refused
from tracker.tui.textfit import as_read
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.safe_markdown import SafeMarkdown


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("w", "export", "Export to a file"),
        # In a read-only dashboard check_action turns export off, and w falls through to this one, which says
        # so at once (as the dashboard's keys that write do); it is shown nowhere.
        Binding("w", "read_only", show=False),
        Binding("escape,m", "close", "Back"),
    ]

    @dataclass
    class Built(Message):
        text: str | None
        error: str | None = None
        place: Path | None = None  # where the note goes by default (the plan's notes folder)
        refused: str | None = None  # why the plan's notes folder was passed over for the current folder
        warning: str | None = None  # what `tracker summary` warns of: the plan's changes the note leaves out

    def __init__(self, loaded: Loaded, write: bool = False):
        super().__init__()
        self.loaded = loaded
        self.export_when_built = write  # open the export form as soon as the note is built (the palette's command)
        self.text: str | None = None
        self.place: Path | None = None
        self.refused: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Session summary — building…"), id="summary-title")
        yield Static("", id="summary-warning", markup=False)
        with VerticalScroll(id="summary-body"):
            yield SafeMarkdown(id="summary-preview")
            yield Static("", id="summary-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary-error").display = False
        self.query_one("#summary-warning").display = False
        self.build()

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def build(self) -> None:
        # The summary walks the plan's git history, which can take a while; its
        # module (and Jinja2) is imported here so the dashboard starts without them.
        from tracker.edit import left_out_of_note
        from tracker.notes import SummaryError, build_summary, note_place
        from tracker.plan import is_ok

        try:
            place, refused = note_place(self.loaded)
            text = build_summary(self.loaded)
            # As `tracker summary` of the last session warns on stderr: the preview is of that note.
            warning = left_out_of_note(self.loaded) if is_ok(self.loaded) else None
            self.post_message(self.Built(text, place=place, refused=refused, warning=warning))
        except SummaryError as exc:
            self.post_message(self.Built(None, str(exc)))

    def on_summary_screen_built(self, message: Built) -> None:
        title = self.query_one("#summary-title", Static)
        if message.error is not None:
            title.update(Content("Session summary — cannot be made"))
            error = self.query_one("#summary-error", Static)
            error.update(block(message.error))
            error.display = True
            return
        self.text = message.text
        self.place = message.place
        self.refused = message.refused
        title.update(Content("Session summary — preview" + ("" if read_only(self.app) else "; w writes it to a file")))
        if message.warning is not None:
            warning = self.query_one("#summary-warning", Static)
            warning.update(block(message.warning))
            warning.display = True
        self.query_one(Markdown).update(previewed(message.text or ""))
        if self.export_when_built:
            self.export_when_built = False
            self.action_export()

    def check_action(self, action: str, parameters) -> bool | None:
        """A read-only dashboard writes no file: w is not offered in the key bar (settings.WRITES)."""
        return not (action == "export" and read_only(self.app))

    def action_read_only(self) -> None:
        refused(self.app)

    def action_export(self) -> None:
        if refused(self.app):
            return
        if self.text is None:
            self.notify("There is no summary to export yet.", markup=False)
            return
        from tracker.notes import front_matter
        from tracker.tui.screens.note_export import NoteExportScreen

        project = self.loaded.project
        on = front_matter(project) if project is not None else True
        session = project.session_name(len(project.sessions) - 1) if project is not None and project.sessions else ""
        self.app.push_screen(
            NoteExportScreen(self.loaded, shown_path(self.place), session, on, self.refused), self.export_to
        )

    def export_to(self, written: Path | None) -> None:
        if written is not None:
            self.notify(f"Wrote {one_line(str(written))}", title="Exported", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)


def shown_path(place: Path | None) -> str:
    """The note's default file as the user reads it: relative to the current folder when inside it."""
    return "SESSION_SUMMARY.md" if place is None else as_read(place)


def previewed(note: str) -> str:
    """The note as the preview shows it: a front matter block at its start as YAML in a fence, as editors show it.

    Read as markdown, its opening `---` is a rule and the closing one turns the lines above into a heading
    ("description: Session Summary … alwaysApply: true" in large type).  The fence is longer than any run of
    backticks inside, so nothing in the block can close it.
    """
    from tracker.notes import front_matter_end

    body = front_matter_end(note)
    if not body:  # none, or not closed
        return note
    # the lines between the opening `---` line and the closing one, which ends where the body starts
    inside = note[note.index("\n") + 1 : note.rindex("\n", 0, body - 1) + 1]
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", inside)), default=0))
    return f"{fence}yaml\n{inside}{fence}\n{note[body:]}"
