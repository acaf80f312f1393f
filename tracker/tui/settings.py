"""What the app factory can vary: how often the disk and git are looked at (tests change them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    poll_seconds: float = 0.5  # how often the plan file's stat is checked
    git_seconds: float | None = 5.0  # how often git is read again (None: only on reload and after writes)
