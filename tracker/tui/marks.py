"""One mark and one tone per status, so a glance at the tree reads the workflow.

Workflows are the user's own (PRODUCT.md §1), so marks follow what a status
means rather than its name: done, blocked, not yet begun (the first status),
or somewhere in between.  Tones name CSS component classes, which themes colour.
"""

from __future__ import annotations

from ..model import Project

MARKS = {"done": "✔", "blocked": "✖", "todo": "○", "active": "◐"}
STEP_MARKS = {"done": "☑", "todo": "☐"}


def tone(project: Project, status_id: str) -> str:
    status = project.status(status_id)
    if status is not None and status.done:
        return "done"
    if status_id == "blocked":
        return "blocked"
    if status_id == project.workflow[0].id:
        return "todo"
    return "active"


def mark(project: Project, status_id: str) -> tuple[str, str]:
    """(mark, tone) for an issue or phase status."""
    kind = tone(project, status_id)
    return MARKS[kind], kind

