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

    The one choice that differs from `word` in case alone comes first: `soc-2` means `SOC-2`.
    """
    import difflib

    texts = [str(c) for c in choices]
    folded = [c for c in texts if c.casefold() == str(word).casefold()]
    if len(set(folded)) == 1:
        return f" (did you mean '{folded[0]}'?)"
    close = difflib.get_close_matches(str(word), texts, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
