"""How figures are written, the same in every view: progress bars, percentages, line counts."""

from __future__ import annotations

BAR = ("█", "░")  # filled, empty
ASCII_BAR = ("#", "-")


def bar(pct: int | None, width: int, ascii_only: bool = False) -> tuple[str, str]:
    """The filled and the empty part of a bar `width` cells wide for `pct` percent (None: empty)."""
    full, empty = ASCII_BAR if ascii_only else BAR
    filled = 0 if pct is None else pct * width // 100
    return full * filled, empty * (width - filled)


def percent_text(pct: int | None) -> str:
    """`40%`, or a dash when there is nothing to average."""
    return "—" if pct is None else f"{pct}%"


def line_count(lines: int) -> str:
    return f"{lines} line{'s' * (lines != 1)}"
