"""Where to write the session note, and how: the options of `tracker summary -o FILE`.

The file starts as the plan's notes folder and the session's name (the current
folder, and why, when that folder leads outside the repository); the session
as the one previewed (`--session DATE|DATE#N|last`); the template as the shipped
one (`--template FILE`, relative to the current folder like the file); front
matter as the plan's `notes: front_matter:` says, and plain (no emoji) off.
Naming another session renames the file with it, unless the user changed the file.

Enter builds the note in a worker thread with the CLI's own call (build_summary),
then writes it there as `tracker summary -o` writes it: missing folders made,
never over the plan, into .git or over a file that is not markdown.  A file there
that is not this session's note (notes/replacing.py) is replaced only once the
user says yes to the question, and only as it was when asked; one the plan names
as a deliverable is refused, as the CLI refuses it without --force.  What the core
refuses (a session the plan does not have, a template that is missing or does not
render, a file the note may not be written to, a file the user chose to keep) is
said in the form, which stays open with everything as typed, so another file can
be chosen; nothing is written.  The form closes once the note is written, with
the file it went to.  Tab moves through the fields and choices (Space flips a choice),
Escape cancels.  A paste stays in its field, its line breaks made spaces, and
does not write the note (widgets/form_line.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from tracker.plan import Loaded
from tracker.tui.widgets.form_line import FormLine

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.support.atomicfile import Kept


@dataclass(frozen=True)
class NoteExport:
    path: Path
    text: str  # the note, built for `path` (it lists itself)


# (id, label, placeholder): the options of `tracker summary`, in the form's order.
FIELDS = (
    ("path", "File (relative to the current folder; missing folders are made)", "SESSION_SUMMARY.md"),
    ("session", "Session", "DATE, DATE#N or last (the newest)"),
    ("template", "Template", "empty: the shipped one; or a Jinja2 template FILE of your own"),
)


class NoteExportScreen(ModalScreen[Path | None]):
    """Dismissed with the file the note was written to, or None (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    @dataclass
    class Built(Message):
        attempt: int  # which Enter it answers: only the latest counts
        export: NoteExport | None
        error: str | None = None

    @dataclass
    class Written(Message):
        attempt: int
        export: NoteExport
        error: str | None = None  # why it was not written
        kept: Kept | None = None  # a file there to ask about replacing

    def __init__(self, loaded: Loaded, path: str, session: str, front_matter: bool, refused: str | None = None):
        super().__init__()
        self.loaded = loaded
        self.refused = refused  # why the plan's notes folder is not offered (notes.note_place), said in the form
        self.values = {"path": path, "session": session, "template": ""}
        self.folder = self.offered = path  # the file offered for the session, in the plan's notes folder
        self.front_matter = front_matter
        self.attempt = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="ask"):
            yield Static(
                Content(
                    "Write the session note, as tracker summary -o FILE does. "
                    "Enter writes, Tab reaches the next field or choice (Space flips a choice), Escape cancels."
                )
            )
            for key, label, placeholder in FIELDS:
                yield Static(Content(label), classes="note-label")
                yield FormLine(
                    self.values[key], placeholder=placeholder, id=f"note-{key}", classes="note-field", compact=True
                )
            with Horizontal(id="note-options"):
                yield Checkbox(_label("front-matter", self.front_matter), self.front_matter, id="note-front-matter")
                yield Checkbox(_label("plain", False), False, id="note-plain")
            yield Static("", id="note-error", markup=False)

    def on_mount(self) -> None:
        self._say(f"{self.refused}. The note is offered in the current folder instead." if self.refused else None)
        self.query_one("#note-path", Input).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        # Said in words too: a terminal without colour shows an X whether the box is on or off.
        event.checkbox.label = _label(str(event.checkbox.id).removeprefix("note-"), event.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "note-session":
            return
        # The file follows the session while it is still the file offered (not one the user typed).
        path = self.query_one("#note-path", Input)
        wanted = self._file_for(event.value.strip())
        if wanted is not None and path.value == self.offered:
            path.value = self.offered = wanted

    def _file_for(self, session: str) -> str | None:
        from tracker.notes import note_name

        project = self.loaded.project
        if project is None or project.session_index(session or None) is None:
            return None
        return str(Path(self.folder).with_name(note_name(self.loaded, session or None)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = {key: self.query_one(f"#note-{key}", Input).value.strip() for key, _, _ in FIELDS}
        if not text["path"]:
            return
        self.attempt += 1
        self._say(None)
        self.build(
            self.attempt,
            Path(text["path"]).expanduser(),
            text["session"] or None,
            Path(text["template"]).expanduser() if text["template"] else None,
            self.query_one("#note-front-matter", Checkbox).value,
            self.query_one("#note-plain", Checkbox).value,
        )

    @work(thread=True, exclusive=True, group="note-export", exit_on_error=False)
    def build(
        self, attempt: int, path: Path, session: str | None, template: Path | None, front_matter: bool, plain: bool
    ) -> None:
        # Built with the file name, as `tracker summary -o FILE` does: the note lists itself.
        from tracker.notes import SummaryError, build_summary

        try:
            text = build_summary(
                self.loaded, session=session, plain=plain, front_matter=front_matter, template=template, output=path
            )
        except SummaryError as exc:
            self.post_message(self.Built(attempt, None, str(exc)))
            return
        self.post_message(self.Built(attempt, NoteExport(path, text)))

    def on_note_export_screen_built(self, message: Built) -> None:
        if message.attempt != self.attempt or not self.is_current:
            return  # an earlier Enter, or the form was cancelled meanwhile
        if message.export is None:
            self._say(message.error)
            return
        self.write(message.attempt, message.export)

    @work(thread=True, exclusive=True, group="note-export", exit_on_error=False)
    def write(self, attempt: int, export: NoteExport, allowed: bytes | None = None) -> None:
        """The note to its file as `tracker summary -o` writes it; `allowed`: the digest of the file there that
        the user said may be replaced."""
        from tracker.notes import note_check
        from tracker.support import atomicfile

        path = export.path
        try:
            data = export.text.encode("utf-8")
            check = note_check(data, lambda: self.loaded, allowed)
            atomicfile.write_output(
                path, data, atomicfile.MARKDOWN, keep=(self.loaded.path,), make_folders=True, check=check
            )
        except atomicfile.Refused as exc:
            if isinstance(exc, atomicfile.Kept) and exc.asked:
                self.post_message(self.Written(attempt, export, kept=exc))
            else:
                self.post_message(
                    self.Written(attempt, export, f"{path}: error: cannot write the summary: {exc.strerror}.")
                )
        except OSError as exc:
            self.post_message(
                self.Written(attempt, export, f"{path}: error: cannot write the summary: {exc.strerror or exc}")
            )
        else:
            self.post_message(self.Written(attempt, export))

    def on_note_export_screen_written(self, message: Written) -> None:
        if message.attempt != self.attempt:
            return  # the form was cancelled meanwhile, or Enter pressed again
        if message.kept is not None:
            from tracker.tui.screens.confirm import ask_to_replace

            def replace(seen: bytes) -> None:
                self.write(message.attempt, message.export, seen)

            ask_to_replace(self, message.export.path, message.kept, "this session's note", replace, said=self._say)
        elif message.error is not None:
            self._say(message.error)
        else:
            self.dismiss(message.export.path)

    def _say(self, problem: str | None) -> None:
        from tracker.support.textsafe import block

        error = self.query_one("#note-error", Static)
        error.update(block(problem or ""))
        error.display = problem is not None

    def action_cancel(self) -> None:
        self.attempt += 1  # a note still being built is not written
        self.dismiss(None)


LABELS = {"front-matter": "Front matter", "plain": "Plain (no emoji)"}


def _label(key: str, on: bool) -> Content:
    return Content(f"{LABELS[key]}: {'yes' if on else 'no'}")
