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
    that differs in how its numbers are written too (plain_id): `AC-1` means `AC-01`, not the `AC-21` difflib
    would pick (it counts the characters alike, and `AC-1` is `AC-21` less one).
    """
    import difflib

    texts = [str(c) for c in choices]
    for same in (str.casefold, plain_id):
        alike = {c for c in texts if same(c) == same(str(word))}
        if len(alike) == 1:
            return f" (did you mean '{alike.pop()}'?)"
    close = difflib.get_close_matches(str(word), texts, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def plain_id(ident) -> str:
    """An id as a catalogue reads it, case-folded and each number read as a number: AC-02(01) is ac-2(1), and so
    is AC-٠٢(٠١) (digits of any script, as int() reads them: a keyboard or input method may give them).  Both the
    catalogue's lookup (is an id a declared control: edit/adding.py) and did_you_mean's suggestion read ids so."""
    text = str(ident)
    if text.isascii() and "0" not in text:
        # No number to read again: the common id, without a call per number (a plan of 100,000 ids is
        # read whole to find whether they are controls: 75 ms with the calls, 17 without).
        return text.casefold()
    number, padded = _numbers()
    if text.isascii() and not padded.search(text):
        return text.casefold()
    return number.sub(lambda found: str(int(found[0])), text).casefold()


_NUMBERS = None


def _numbers():
    """(a number, a number written with a leading zero), compiled when first needed: the replay path imports no
    `re` (ARCHITECTURE.md), and the common id needs neither."""
    global _NUMBERS
    if _NUMBERS is None:
        import re

        _NUMBERS = (re.compile(r"\d+"), re.compile(r"(?<!\d)0\d"))
    return _NUMBERS
