"""`a` in the dashboard: an issue added to the selected phase, or a step to the selected issue.

The title is asked for; the change is `tracker add issue` / `tracker add step`'s
own (edit.AddIssue / edit.AddStep), posted as `Adding.Chosen` for the write queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.screen import Screen

from tracker.support.textsafe import one_line
from tracker.tui.refs import Item


class Adding:
    @dataclass
    class Chosen(Message):
        change: object  # a tracker.edit.AddIssue or AddStep

    def __init__(self, screen: Screen):
        self.screen = screen

    def ask(self, item: Item | None) -> None:
        if item is None:
            return
        from tracker import edit
        from tracker.tui.screens.ask import AskScreen

        if item.issue is None:
            phase = str(item.phase.id)
            question = f"A new issue at the end of phase {one_line(phase)} {one_line(item.phase.title)}. Its title?"

            def make(title: str):
                return edit.AddIssue(phase, title)
        else:
            issue = str(item.issue.id)
            question = f"A new step at the end of issue {one_line(issue)} {one_line(item.issue.title)}. Its title?"

            def make(title: str):
                return edit.AddStep(issue, title)

        def asked(title: str | None) -> None:
            title = one_line(title or "").strip()
            if title:
                self.screen.post_message(self.Chosen(make(title)))

        self.screen.app.push_screen(AskScreen(question + " (Enter adds it, Escape cancels)"), asked)
