"""Fitting plan text into narrow columns."""

from __future__ import annotations

import os
from pathlib import Path

from tracker.plan import Step, format_minutes, parse_minutes
from tracker.support.textsafe import one_line


def ellipsize_path(path: str, width: int) -> str:
    """`…/services/enrollmentServices.js`: cut from the left, since the file name matters most."""
    if width <= 0:
        return ""
    return path if len(path) <= width else "…" + path[len(path) - width + 1 :]


def as_read(place: Path) -> str:
    """A file as the user reads its name: relative to the current folder when inside it."""
    if not place.is_absolute():
        return str(place)
    relative = os.path.relpath(place)
    return str(place) if relative.startswith("..") else relative


def estimate_text(step: Step) -> str:
    """`30 mins` as `30m`; an estimate tracker cannot read is shown as typed."""
    if not step.estimate:
        return ""
    minutes = parse_minutes(step.estimate)
    return format_minutes(minutes) if minutes is not None else one_line(step.estimate)
