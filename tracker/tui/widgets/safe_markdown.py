"""Markdown from the plan, whose links open only when they are web links.

Descriptions are user text: a `file://` or custom-scheme link in one must not
be handed to the system's opener just because someone clicked it.
"""

from __future__ import annotations

from textual.widgets import Markdown

WEB = ("http://", "https://")


class SafeMarkdown(Markdown):
    def __init__(self, markdown: str | None = None, **kwargs) -> None:
        super().__init__(markdown, open_links=False, **kwargs)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        if event.href.lower().startswith(WEB):
            self.app.open_url(event.href)
        else:
            self.notify(
                f"Not opened: only web links open from the plan ({event.href[:60]})", severity="warning", markup=False
            )
