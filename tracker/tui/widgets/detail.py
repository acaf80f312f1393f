"""The selected item in full: title, status, summary, description, and its issue's parts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from .safe_markdown import SafeMarkdown

from ...model import Project
from ...textsafe import block
from ..gitview import GitView
from ..refs import Item
from . import detail_lines
from .lines import Lines


class DetailPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Lines(id="detail-head")
        yield Lines(id="detail-drift")  # up here: a done deliverable that is not in git is news
        yield SafeMarkdown(id="detail-description")
        yield Lines(id="detail-parts")

    def show(self, project: Project | None, item: Item | None, git: GitView) -> None:
        head = self.query_one("#detail-head", Lines)
        drift = self.query_one("#detail-drift", Lines)
        parts = self.query_one("#detail-parts", Lines)
        description = self.query_one("#detail-description", Markdown)
        if project is None or item is None:
            for lines in (head, drift, parts):
                lines.show(lambda width, style: [])
            description.display = False
            return
        head.show(detail_lines.head(project, item))
        drift.show(detail_lines.drift(project, item, git))
        parts.show(detail_lines.parts(project, item, git))
        text = block((item.issue or item.phase).description or "").strip()
        description.display = bool(text)
        if text != description.source:
            description.update(text)
