"""The selected item in full: title, status, summary, description, and its issue's parts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from tracker.plan import Outlined, Project
from tracker.support.textsafe import block
from tracker.tui.gitview import GitView
from tracker.tui.refs import Item
from tracker.tui.widgets import detail_lines
from tracker.tui.widgets.lines import Lines


class DetailPane(VerticalScroll):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._description = ""
        self._markdown = None  # the SafeMarkdown, made when a description first needs it

    def compose(self) -> ComposeResult:
        # Two, not one: the description (Markdown) goes between them.  Not more: each
        # Lines is styled with all its component classes before the first frame.
        yield Lines(id="detail-head")
        yield Lines(id="detail-parts")

    def show(self, project: Project | None, item: Item | None, git: GitView, outline: Outlined | None = None) -> None:
        head = self.query_one("#detail-head", Lines)
        parts = self.query_one("#detail-parts", Lines)
        if project is None or item is None:
            for lines in (head, parts):
                lines.show(lambda width, style: [])
            self._description = ""
        else:
            title, drift = detail_lines.head(project, item, git, outline), detail_lines.drift(project, item, git)
            to_come = detail_lines.reviews_to_come(project, item, git)
            # The drift and the reviews dated ahead up here, under the title: a done deliverable that is not in git
            # is news, and so is a review day that does not count.
            head.show(lambda width, style: title(width, style) + drift(width, style) + to_come(width, style))
            parts.show(detail_lines.parts(project, item, git))
            self._description = block((item.issue or item.phase).description or "").strip()
        if self._markdown is not None:
            self._show_description()
        elif self._description:
            # Markdown (and markdown-it under it) is loaded after the frame that shows the
            # rest, so the dashboard's first frame does not wait for it.
            self.call_after_refresh(self._show_description)

    def _show_description(self) -> None:
        text = self._description
        if self._markdown is None:
            if not text:
                return
            from tracker.tui.widgets.safe_markdown import SafeMarkdown

            self._markdown = SafeMarkdown(text, id="detail-description")
            self.mount(self._markdown, before="#detail-parts")
        self._markdown.display = bool(text)
        if text != self._markdown.source:
            self._markdown.update(text)
