"""Every phase on one line: id, title, a progress bar, percent and status."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from tracker.plan import PhaseFigures, Project
from tracker.support.figures import bar, percent_text
from tracker.support.textsafe import ellipsize, one_line
from tracker.tui.marks import mark


class PhaseBars(Widget):
    COMPONENT_CLASSES = {
        "phase-bars--id",
        "phase-bars--filled",
        "phase-bars--empty",
        "phase-bars--percent",
        "phase-bars--done",
        "phase-bars--active",
        "phase-bars--todo",
        "phase-bars--blocked",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.project: Project | None = None
        self.rows: list[tuple[str, str, int | None, str]] = []
        self._columns: tuple[int, int] | None = None  # see _widths

    def show(self, project: Project | None, figures: Sequence[PhaseFigures] = ()) -> None:
        """`figures`: each phase's, in order (plan/outline.py's phase_figures, or those kept in its outline)."""
        # Worked out once per plan by the screen, not on every repaint.
        self.project = project
        self.rows = (
            [
                (one_line(str(p.id)), one_line(p.title), f.percent, f.status)
                for p, f in zip(project.phases, figures, strict=True)
            ]
            if project is not None
            else []
        )
        self._columns = None
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.rows)

    def render_line(self, y: int) -> Strip:
        """Line `y` alone: Textual asks only for the lines on screen, where a whole render drew every phase
        (1,000 of them, a third of the first frame, on a 100,000-issue plan)."""
        if self.project is None or not 0 <= y < len(self.rows):
            return Strip.blank(self.size.width, self.visual_style.rich_style)
        return Visual.to_strips(self, self.row(y), self.size.width, 1, self.visual_style)[0]

    def row(self, y: int) -> Content:
        """The phase at line `y`, fitted to the widget's width."""
        project, width, rows = self.project, self.size.width, self.rows
        assert project is not None, "rows are only made for a plan"
        id_width, status_width = self._widths()
        bar_width = max(10, min(30, width // 5))
        title_width = min(max(width - id_width - bar_width - status_width - 14, 8), 60)
        style = self.get_visual_style
        pid, title, pct, status = rows[y]
        filled, empty = bar(pct, bar_width)
        sign, tone = mark(project, status)
        return Content.assemble(
            " ",
            (ellipsize(pid, id_width).ljust(id_width), style("phase-bars--id")),
            "  ",
            ellipsize(title, title_width).ljust(title_width),
            "  ",
            (filled, style("phase-bars--filled")),
            (empty, style("phase-bars--empty")),
            " ",
            (percent_text(pct).rjust(4), style("phase-bars--percent")),
            "  ",
            (sign, style(f"phase-bars--{tone}")),
            " ",
            ellipsize(project.label(status), status_width),
        )

    def _widths(self) -> tuple[int, int]:
        """The id's and the status's columns, as wide as the widest (within limits): once per plan shown."""
        if self._columns is None:
            assert self.project is not None, "rows are only made for a plan"
            project, rows = self.project, self.rows
            self._columns = (
                min(max((len(r[0]) for r in rows), default=2), 10),
                min(max((len(project.label(r[3])) for r in rows), default=8), 14),
            )
        return self._columns
