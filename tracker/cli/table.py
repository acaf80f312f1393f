"""`tracker status` for people: one line per phase with a bar, and the total."""

from __future__ import annotations

from tracker.plan import Project, progress
from tracker.support.figures import bar as bar_parts
from tracker.support.figures import percent_text
from tracker.support.textsafe import ellipsize, one_line

BAR_WIDTH = 20


def bar(pct: int | None, width: int = BAR_WIDTH, ascii_only: bool = False) -> str:
    return "".join(bar_parts(pct, width, ascii_only))


def render(project: Project, ascii_only: bool = False, title_width: int = 40) -> str:
    rows = []
    id_width = max((len(one_line(str(p.id))) for p in project.phases), default=2)
    for phase in project.phases:
        pct = progress.phase_percent(project, phase)
        shown = percent_text(pct)
        rows.append(
            f"{ellipsize(one_line(str(phase.id)), 12):<{id_width}}  "
            f"{ellipsize(one_line(phase.title), title_width):<{title_width}}  "
            f"{project.label(progress.phase_status(project, phase)):<12} "
            f"{bar(pct, ascii_only=ascii_only)} {shown:>4}"
        )
    total = progress.project_percent(project)
    issues = sum(len(p.issues) for p in project.phases)
    done = sum(progress.is_done(project, i) for _, i in project.issues())
    head = one_line(project.project)
    shown = percent_text(total)
    rows.append("")
    rows.append(f"{'Overall':<{id_width + title_width + 16}} {bar(total, ascii_only=ascii_only)} {shown:>4}")
    rows.append(f"{done} of {issues} issues done")
    return head + "\n\n" + "\n".join(rows) + "\n"
