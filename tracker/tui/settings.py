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


def refused(app) -> bool:
    """True, after telling the user why, when the app may write nothing."""
    if not app.settings.read_only:
        return False
    app.notify(READ_ONLY, title="Read-only", severity="warning", markup=False)
    return True
