"""How figures are written, the same in every view: progress bars, percentages, counts (\"2 files\"), a list cut short."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported on the replay path (see support/faces.py)
if TYPE_CHECKING:
    from collections.abc import Sequence

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


def counted(count: int, noun: str) -> str:
    """`1 file`, `2 files`, `0 open issues`: a count and its noun, plural unless the count is one."""
    return f"{count} {noun}{'s' * (count != 1)}"


def line_count(lines: int) -> str:
    return counted(lines, "line")


def first_few(names: Sequence[str], few: int = 5, where_the_rest: str = "") -> str:
    """`a, b, c`: the first `few` names, then ` and N more` for the rest, with `where_the_rest` (` (tracker status
    lists them)`) after it: a message names some and counts the others, however many there are."""
    shown = ", ".join(names[:few])
    return shown if len(names) <= few else f"{shown} and {len(names) - few} more{where_the_rest}"
