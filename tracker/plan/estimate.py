"""Time estimates: `30m`, `1.5h`, `1h30m`, `2 hours`, `30 mins` ↔ minutes."""

from __future__ import annotations

import re
from functools import cache

_PART = re.compile(
    r"\s*(\d+(?:\.\d+)?|\.\d+)\s*(hours|hour|hrs|hr|h|minutes|minute|mins|min|m)(?![a-z])\s*",
    re.IGNORECASE,
)


@cache  # a plan repeats the same few estimates thousands of times
def parse_minutes(text: str) -> int | None:
    """Minutes in `text`, or None when it is not a duration this tool reads."""
    text = text.strip()
    if not text:
        return None
    pos, total, matched = 0, 0.0, False
    while pos < len(text):
        match = _PART.match(text, pos)
        if not match:
            return None
        amount, unit = float(match.group(1)), match.group(2).lower()
        total += amount * 60 if unit.startswith("h") else amount
        pos, matched = match.end(), True
    return round(total) if matched else None


def format_minutes(minutes: int) -> str:
    """`2h 10m`, `45m`, `3h`."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours}h {rest}m"
    if hours:
        return f"{hours}h"
    return f"{rest}m"
