"""One item of a block list in a large YAML file, parsed from its own lines alone.

The writer needs the spans of a few nodes of one issue.  Parsing a whole plan
with spans takes seconds at 10,000 issues; the issue's own lines take a
millisecond.  A mapping that is an item of a block list is self-contained: it
is the line holding its start plus the lines after it that are indented at
least as far as its keys (blank and comment lines aside), and those lines parse
alone to the same nodes.  The nodes come back placed as in the whole file.

Nothing here is taken on trust: the writer checks the nodes against the model
read from the whole file, parses the whole file instead when they differ or
when this returns None, and verifies the edited text before writing it
(plan/splice.py, which holds the window rules this module and it share).
"""

from __future__ import annotations

from typing import AnyStr, cast

from tracker.plan import splice, yamltree


def block_item(text: str, line: int, column: int) -> yamltree.Mapping | None:
    """The mapping (block or flow style) that a list item starting at (`line`, `column`) of `text` holds.

    None when its lines cannot be told apart from their neighbours this
    simply; the caller then reads the whole tree.  Given a place where no item
    starts, this reads whatever the lines from there hold (from a key in the
    middle of a mapping: the rest of it), so the caller checks the answer
    against what it knows of the item.
    """
    if not splice.plain_breaks(text):
        return None
    start = line_offset(text, 0, line)
    if start is None or not splice.LEAD.fullmatch(text, start, start + column - 1):
        return None
    return splice.parse_item(text, start, splice.item_end(text, start, column), line, column)


def line_offset(data: AnyStr, start: int, line: int) -> int | None:
    """The offset in `data` (a text, or its bytes) of the start of line `line`, counting lines from offset
    `start` (past a BOM); None past the end.  Newlines are counted a block at a time, in C."""
    newline = cast(AnyStr, b"\n" if isinstance(data, bytes) else "\n")
    at, left = start, line - 1
    while left:
        end = min(at + (1 << 16), len(data))
        count = data.count(newline, at, end)
        if count >= left:
            break
        if end == len(data):
            return None
        left, at = left - count, end
    for _ in range(left):
        at = data.index(newline, at) + 1
    return at
