"""The session summary as `tracker summary` writes it, previewed, and exported to a file."""

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
from textual.widgets import Footer, Markdown, Static

from ...loader import Loaded
from ...textsafe import one_line
from ..settings import Settings
from .export import ExportScreen, export


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("w", "export", "Export to file"),
        Binding("escape,m", "close", "Back"),
    ]

    @dataclass
    class Built(Message):
        text: str

    def __init__(self, loaded: Loaded, settings: Settings):
        super().__init__()
        self.loaded, self.settings = loaded, settings
        self.text: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Session summary — building…"), id="summary-title")
        with VerticalScroll(id="summary-body"):
            yield Markdown(id="summary-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.build()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def build(self) -> None:
        # The summary reads the plan's git history, which can take a while; its
        # module (and Jinja2) is imported here so the dashboard starts without them.
        from ...summary import build_summary

        self.post_message(self.Built(build_summary(self.loaded, today=self.settings.today())))

    def on_summary_screen_built(self, message: Built) -> None:
        self.text = message.text
        self.query_one("#summary-title", Static).update(
            Content("Session summary — preview (w exports it to a file)"))
        self.query_one(Markdown).update(message.text)

    def action_export(self) -> None:
        if self.text is None:
            self.notify("The summary is still being built.", markup=False)
            return
        text = self.text

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                export(path, text)
            except OSError as exc:
                self.notify(f"Cannot write {one_line(str(path))}: {exc.strerror}", title="Not exported",
                            severity="error", markup=False)
                return
            self.notify(f"Wrote {one_line(str(path))}", title="Exported", markup=False)

        self.app.push_screen(ExportScreen(self.default_name()), chosen)

    def default_name(self) -> str:
        session = self.loaded.project.session()
        date = session.date if session is not None else self.settings.today().isoformat()
        return f"SESSION_SUMMARY_{date}.md"

    def action_close(self) -> None:
        self.dismiss(None)
