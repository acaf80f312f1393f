"""What the app factory can vary: how often the disk and git are looked at (tests change them), and
whether anything may be written (`tracker serve --read-only` says no)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    poll_seconds: float = 0.5  # how often the plan file's stat is checked
    plan_events: bool = True  # also at once when the kernel says the plan changed (tui/folderevents.py)
    git_seconds: float | None = 5.0  # how often git is read again (None: only on reload and after writes)
    read_only: bool = False  # every change to the plan and every file written is refused with READ_ONLY


READ_ONLY = "This dashboard is read-only (tracker serve --read-only): nothing is written."

# The dashboard's actions that write: to the plan (s, n, x, v, a, the palette's session start and end), to a file
# (the palette's session note) or through an editor (o, e).  A read-only dashboard offers none of them, in the key
# bar or the palette, and their keys say READ_ONLY at once, before any form is opened (DashboardScreen.check_action
# and action_needs).
WRITES = frozenset(
    {
        "pick_status",
        "next_status",
        "tick_step",
        "reviewed",
        "add",
        "open",
        "edit_plan",
        "start_session",
        "end_session",
        "write_note",
    }
)


def read_only(app) -> bool:
    """Whether the app may write nothing."""
    return app.settings.read_only


def refused(app) -> bool:
    """True, after telling the user why, when the app may write nothing."""
    if not read_only(app):
        return False
    app.notify(READ_ONLY, title="Read-only", severity="warning", markup=False)
    return True
