"""The error view: every located problem of a plan that does not load."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content

from tracker.plan import Loaded, Problem
from tracker.support.figures import counted
from tracker.support.textsafe import one_line
from tracker.tui.widgets.lines import Lines


class ProblemsView(VerticalScroll):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lines = Lines(id="problems-lines")  # here, so `show` works before the view is mounted

    def compose(self) -> ComposeResult:
        yield self.lines

    def show(self, broken: Loaded | None, shown: Loaded | None, unmerged: Problem | None = None) -> None:
        """`broken` is the plan that failed to load; `shown` the plan the screen shows: an older good one, the
        broken one as far as it reads (when none loaded since the dashboard opened), or none.  `unmerged`: the
        plan loads, but git left it unmerged, one side alone (git.unmerged_problem)."""
        self.display = broken is not None or unmerged is not None
        if broken is None:
            if unmerged is not None:
                self._show_unmerged(unmerged)
            return
        errors = len(broken.errors)
        if shown is None:
            showing = ""
        elif shown.ok:
            showing = "Showing the last good version; nothing is written until the file loads. "
        else:
            showing = "Showing it as far as it reads; nothing is written until the file loads. "
        heading = (
            f"{one_line(str(broken.path))} does not load ({counted(errors, 'error')}). "
            + showing
            + "Fix the file and save: it reloads by itself."
        )

        def build(width: int, style) -> list[Content]:
            lines = [Content.styled(heading, style("error"))]
            for problem in broken.problems:
                lines.append(Content.styled(one_line(str(problem)), style("error" if problem.is_error else "warning")))
            return lines

        self.lines.show(build)

    def _show_unmerged(self, unmerged: Problem) -> None:
        heading = (
            f"{one_line(unmerged.path)} is not merged: git left one side of the merge in it. Nothing is written "
            "until it is merged; this goes away by itself once git has it merged (git add)."
        )
        self.lines.show(
            lambda width, style: [
                Content.styled(heading, style("error")),
                Content.styled(one_line(str(unmerged)), style("error")),
            ]
        )
