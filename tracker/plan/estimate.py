"""Time estimates: `30m`, `1.5h`, `1h30m`, `2 hours`, `30 mins` ↔ minutes."""

from __future__ import annotations

import re
from functools import cache

_PART = re.compile(
    r"\s*(\d+(?:\.\d+)?|\.\d+)\s*(hours|hour|hrs|hr|h|minutes|minute|mins|min|m)(?![a-z])\s*",
    re.IGNORECASE,
)


# No step of a plan takes ten thousand hours; beyond that an estimate is a typo, and totals of such
# numbers would only mislead.
MAX_MINUTES = 10_000 * 60
_MAX_DIGITS = 12  # of one amount; longer ones are refused before any arithmetic
_SCALE = 10**_MAX_DIGITS  # exact minutes are counted in these parts of a minute


@cache  # a plan repeats the same few estimates thousands of times
def parse_minutes(text: str) -> int | None:
    """Minutes in `text` (whole, rounded half to even), or None when it is not a duration this tool
    reads or is over MAX_MINUTES.  Exact arithmetic: `0.1h` is 6 minutes, never 5.999…."""
    minutes = _exact_minutes(text)
    return _rounded(minutes) if minutes is not None and minutes <= MAX_MINUTES * _SCALE else None


def estimate_error(text: str) -> str | None:
    """What is wrong with an estimate, or None when parse_minutes reads it."""
    if parse_minutes(text) is not None:
        return None
    if _exact_minutes(text) is None:
        return f"estimate '{text}' is not a duration; write it like 30m, 1.5h, 1h30m, '2 hours' or '30 mins'"
    return f"estimate '{text}' is more than {MAX_MINUTES // 60:,} hours; split the step or correct the figure"


@cache
def _exact_minutes(text: str) -> int | None:
    """The minutes `text` says, exactly, in units of 1/_SCALE minute; a huge value stays finite (None when it
    is not a duration).  Whole numbers, not fractions.Fraction: every amount has at most _MAX_DIGITS decimals,
    so one common denominator holds them all, and `tracker set` need not import fractions (1.5 ms)."""
    text = text.strip()
    if not text:
        return None
    pos, total, matched = 0, 0, False
    while pos < len(text):
        match = _PART.match(text, pos)
        if not match:
            return None
        amount, unit = match.group(1), match.group(2).lower()
        whole, _, part = amount.partition(".")
        if len(part) > _MAX_DIGITS:  # no one estimates to a billionth
            return None
        if len(whole.lstrip("0")) > _MAX_DIGITS:
            return (MAX_MINUTES + 1) * _SCALE  # absurd, not unreadable
        scaled = int(whole or "0") * _SCALE + int(part or "0") * 10 ** (_MAX_DIGITS - len(part))
        total += scaled * (60 if unit.startswith("h") else 1)
        pos, matched = match.end(), True
    return total if matched else None


def _rounded(scaled: int) -> int:
    """A number of 1/_SCALE minutes as whole minutes, half to even (as round() does)."""
    minutes, rest = divmod(scaled, _SCALE)
    if 2 * rest > _SCALE or (2 * rest == _SCALE and minutes % 2):
        minutes += 1
    return minutes


def format_minutes(minutes: int) -> str:
    """`2h 10m`, `45m`, `3h`."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours}h {rest}m"
    if hours:
        return f"{hours}h"
    return f"{rest}m"
