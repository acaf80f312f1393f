"""Every phase on one line: id, title, a progress bar, percent and status."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from tracker.plan import Project, progress
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

    def show(self, project: Project | None) -> None:
        # Progress is worked out once per plan, not on every repaint.
        self.project = project
        self.rows = (
            []
            if project is None
            else [
                (
                    one_line(str(p.id)),
                    one_line(p.title),
                    progress.phase_percent(project, p),
                    progress.phase_status(project, p),
                )
                for p in project.phases
            ]
        )
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.rows)

    def render(self) -> Content:
        if self.project is None:
            return Content("")
        project, width, rows = self.project, self.size.width, self.rows
        id_width = min(max((len(r[0]) for r in rows), default=2), 10)
        status_width = min(max((len(project.label(r[3])) for r in rows), default=8), 14)
        bar_width = max(10, min(30, width // 5))
        title_width = min(max(width - id_width - bar_width - status_width - 14, 8), 60)
        style = self.get_visual_style
        lines = []
        for pid, title, pct, status in rows:
            filled, empty = bar(pct, bar_width)
            sign, tone = mark(project, status)
            lines.append(
                Content.assemble(
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
            )
        return Content("\n").join(lines)
