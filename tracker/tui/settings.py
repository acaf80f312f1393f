"""What the app factory can vary: polling rates and the clock (tests fix them)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    poll_seconds: float = 0.5  # how often the plan file's stat is checked
    git_seconds: float | None = 5.0  # how often git is read again (None: only on reload and after writes)
    today: Callable[[], datetime.date] = datetime.date.today
