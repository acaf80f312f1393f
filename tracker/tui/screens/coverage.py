"""Coverage (key c): what `tracker coverage` prints, per framework, and each mapped control with its issues.

The figures are tracker.git.coverage_of's, the one rule `tracker coverage` uses; this screen only lays them out.
"""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tracker.plan import Coverage
from tracker.support.textsafe import ellipsize, one_line
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.lines import Lines

NO_CONTROLS = "No controls: declare frameworks at the top of the plan and map issues to them with `controls`."


class CoverageScreen(Screen):
    BINDINGS = [Binding("escape,c", "close", "Back")]

    def __init__(self, title: str, found: list[Coverage], today: str):
        super().__init__()
        self.title_text = f"Coverage — {one_line(title)}, as of {today}"
        self.found = found

    def compose(self) -> ComposeResult:
        yield Static(Content(self.title_text), id="coverage-title")
        with VerticalScroll(id="coverage-body"):
            yield Lines(id="coverage-lines")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Lines).show(lambda width, style: coverage_lines(self.found, width, style))

    def action_close(self) -> None:
        self.dismiss(None)


def coverage_lines(found: list[Coverage], width: int, style) -> list[Content]:
    if not found:
        return [Content(NO_CONTROLS)]
    lines: list[Content] = []
    for entry in found:
        name = one_line(entry.framework or "(no framework)")
        title = f"  {one_line(entry.title)}" if entry.title else ""
        lines.append(Content.assemble((name, style("title")), (title, style("muted"))))
        lines.append(Content(f"  {entry.counts()}"))
        unmapped = entry.unmapped
        if unmapped:
            text = "unmapped: " + ", ".join(one_line(c) for c in unmapped)
            for row in textwrap.wrap(text, max(width - 4, 20), break_on_hyphens=False):
                lines.append(Content.styled("  " + row, style("warning")))
        satisfied = set(entry.satisfied)
        room = max((len(one_line(c)) for c in entry.mapped), default=0)
        for control in entry.mapped:
            done = control in satisfied
            issues = ", ".join(f"#{one_line(key)}" for key in entry.issues[control])
            lines.append(
                Content.assemble(
                    ("  ✔ " if done else "  ○ ", style("done" if done else "todo")),
                    one_line(control).ljust(room),
                    (ellipsize(f"  {issues}", max(width - room - 4, 8)), style("muted")),
                )
            )
        lines.append(Content(""))
    return lines[:-1]
