"""A problem found in a plan, located the way compilers locate them."""

from __future__ import annotations

from typing import Literal

from msgspec import Struct

from tracker.support.textsafe import one_line

Severity = Literal["error", "warning"]


class Problem(Struct, frozen=True):
    path: str
    line: int | None
    column: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        # Messages quote the plan's own text; an escape sequence in it must not reach the terminal.
        where = one_line(self.path)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.severity}: {one_line(self.message)}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def sort_key(problem: Problem) -> tuple:
    return (problem.path, problem.line or 0, problem.column or 0, problem.message)


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' when one of `choices` is close to `word`, else ''.

    The one choice that differs from `word` in case alone comes first: `soc-2` means `SOC-2`; then the one
    that differs in the leading zeros of its numbers too: `AC-1` means `AC-01`, not the `AC-21` difflib
    would pick (it counts the characters alike, and `AC-1` is `AC-21` less one).
    """
    import difflib

    texts = [str(c) for c in choices]
    for same in (str.casefold, _unpadded):
        alike = {c for c in texts if same(c) == same(str(word))}
        if len(alike) == 1:
            return f" (did you mean '{alike.pop()}'?)"
    close = difflib.get_close_matches(str(word), texts, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unpadded(text: str) -> str:
    """`text` case-folded, each number in it without leading zeros: `AC-01` is `ac-1`."""
    import re

    return re.sub(r"\d+", lambda number: number[0].lstrip("0") or "0", text.casefold())
