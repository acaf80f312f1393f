"""Today and now as tracker sees them: the machine's clock, or `TRACKER_NOW` when it is set.

Dates decide what is overdue, what evidence is stale and when a session
began or ended.  Tests (and anyone replaying a past day) set
`TRACKER_NOW=2026-01-15T09:30` (any ISO 8601 date or date-time; without a
zone it is local time), so every command and the dashboard agree on one
fixed moment without patching the clock of the process.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing is not imported on the replay path (see support/faces.py)
if TYPE_CHECKING:
    import datetime


class BadClock(ValueError):
    """TRACKER_NOW is set to something that is not an ISO 8601 date or date-time."""


def now() -> datetime.datetime:
    """The current moment, in the local zone unless TRACKER_NOW names another."""
    import datetime  # here: a replayed answer needs only today's name (today_text)

    fixed = os.environ.get("TRACKER_NOW")
    if not fixed:
        return datetime.datetime.now().astimezone()
    try:
        moment = datetime.datetime.fromisoformat(fixed)
    except ValueError:
        raise BadClock(
            f"TRACKER_NOW={fixed!r} is not a date or date-time; write it like 2026-01-15 or 2026-01-15T09:30"
        ) from None
    if moment.tzinfo is not None:
        return moment
    try:
        return moment.astimezone()
    except (ValueError, OverflowError):  # 0001-01-01 west of Greenwich is in year 0, which datetime cannot hold
        raise BadClock(
            f"TRACKER_NOW={fixed!r} is out of range in the local time zone; write a date between 0002 and 9998"
        ) from None


def today() -> datetime.date:
    return now().date()


def today_text() -> str:
    """Today as `str(today())` writes it (2026-01-15), without importing `datetime` when TRACKER_NOW is
    not set: the day is part of every replayed answer's name, and `datetime` is 1 ms of its 40."""
    if os.environ.get("TRACKER_NOW"):
        return str(today())
    import time

    return time.strftime("%Y-%m-%d")  # local time, as date.today() and now().date() have it
