"""The session summary exactly as `tracker summary` makes it: previewed, then exported to a file."""

from __future__ import annotations

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
from tracker.tui.screens.ask import AskScreen
from tracker.tui.settings import refused
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.safe_markdown import SafeMarkdown


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("w", "export", "Export to a file"),
        Binding("escape,m", "close", "Back"),
    ]

    @dataclass
    class Built(Message):
        text: str | None
        error: str | None = None

    @dataclass
    class Exported(Message):
        path: Path
        error: str | None = None

    def __init__(self, loaded: Loaded):
        super().__init__()
        self.loaded = loaded
        self.text: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Session summary — building…"), id="summary-title")
        with VerticalScroll(id="summary-body"):
            yield SafeMarkdown(id="summary-preview")
            yield Static("", id="summary-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary-error").display = False
        self.build()

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def build(self) -> None:
        # The summary walks the plan's git history, which can take a while; its
        # module (and Jinja2) is imported here so the dashboard starts without them.
        from tracker.notes import SummaryError, build_summary

        try:
            self.post_message(self.Built(build_summary(self.loaded)))
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
        title.update(Content("Session summary — preview; w writes it to a file"))
        self.query_one(Markdown).update(message.text or "")

    def action_export(self) -> None:
        if refused(self.app):
            return
        if self.text is None:
            self.notify("There is no summary to export yet.", markup=False)
            return
        question = "Write the summary to (relative to the current folder); Enter writes, Escape cancels:"
        self.app.push_screen(AskScreen(question, self.default_name()), self.export_to)

    def export_to(self, answer: str | None) -> None:
        if answer is not None and answer.strip():
            self.export(Path(answer.strip()).expanduser())

    @work(thread=True, group="export", exit_on_error=False)
    def export(self, path: Path) -> None:
        # Built again with the file name, as `tracker summary -o FILE` does: the note lists itself.
        from tracker.notes import SummaryError, build_summary
        from tracker.support import atomicfile

        try:
            data = build_summary(self.loaded, output=path).encode("utf-8")
            # As `tracker summary -o`: the notes folder may not exist yet.
            atomicfile.write_output(path, data, atomicfile.MARKDOWN, keep=(self.loaded.path,), make_folders=True)
        except SummaryError as exc:
            self.post_message(self.Exported(path, str(exc)))
        except OSError as exc:
            self.post_message(self.Exported(path, f"{path}: error: cannot write the summary: {exc.strerror or exc}"))
        else:
            self.post_message(self.Exported(path))

    def on_summary_screen_exported(self, message: Exported) -> None:
        if message.error is not None:
            self.notify(block(message.error), title="Not exported", severity="error", markup=False)
        else:
            self.notify(f"Wrote {one_line(str(message.path))}", title="Exported", markup=False)

    def default_name(self) -> str:
        project = self.loaded.project
        session = project.session() if project is not None else None
        return f"SESSION_SUMMARY_{session.date}.md" if session is not None else "SESSION_SUMMARY.md"

    def action_close(self) -> None:
        self.dismiss(None)
