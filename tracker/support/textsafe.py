"""User text is data: nothing a title holds may act on the terminal.

C0/C1 control characters (ESC sequences, BEL, backspace …) and the Unicode
bidirectional overrides that can make text read differently from what it is
are replaced before any view shows text.  Newlines and tabs become spaces in
one-line contexts.  A file name's bytes that are not UTF-8 (kept as lone
surrogates by os.fsdecode) are shown as `\\xNN`: no encoder can write them.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\udc80-\udcff]")
# What one_line drops or turns into a space (a regex class body, for others that must find the same).
CONTROLS_AND_BREAKS = "\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\udc80-\udcff"
_CONTROLS_AND_BREAKS = re.compile(f"[{CONTROLS_AND_BREAKS}]")


def _replaced(match: re.Match) -> str:
    char = match.group()
    return f"\\x{ord(char) - 0xDC00:02x}" if char >= "\udc80" else ""


def one_line(text: str) -> str:
    """Text for a single line: controls dropped, line breaks and tabs become spaces."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return _CONTROLS_AND_BREAKS.sub(_replaced, text)


def block(text: str) -> str:
    """Text that may span lines: controls dropped, newlines and tabs kept."""
    return _CONTROLS.sub(_replaced, text.replace("\r\n", "\n"))


def ellipsize(text: str, width: int) -> str:
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def first_line_quoted(text: str, width: int = 60) -> str:
    """How a refusal says what a file starts with: the first line of `text` that is not blank, stripped, on one
    line, cut to `width` characters, in quotes; `nothing` when there is none."""
    first = next((line for line in (line.strip() for line in text.splitlines()) if line), None)
    return f"'{ellipsize(one_line(first), width)}'" if first is not None else "nothing"


def ellipsize_middle(text: str, width: int) -> str:
    """`text` in `width` characters, its middle replaced by … (a path keeps its top folder and its file name)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + (text[-tail:] if tail else "")
