"""One mark and one tone per status, so a glance at the tree reads the workflow.

Workflows are the user's own (docs/format.md, "The status workflow"), so marks follow what a status
means rather than its name: done, blocked, not yet begun (the first status),
or somewhere in between.  Tones name CSS component classes, which themes colour.
"""

from __future__ import annotations

from tracker.plan import Project, status_kind

MARKS = {"done": "✔", "blocked": "✖", "todo": "○", "active": "◐"}
STEP_MARKS = {"done": "☑", "todo": "☐"}


def mark(project: Project, status_id: str) -> tuple[str, str]:
    """(mark, tone) for an issue or phase status."""
    kind = status_kind(project, status_id)
    return MARKS[kind], kind
