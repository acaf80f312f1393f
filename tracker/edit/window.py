"""One item of a block list in a large YAML file, parsed from its own lines alone.

The writer needs the spans of a few nodes of one issue.  Parsing a whole plan
with spans takes seconds at 10,000 issues; the issue's own lines take a
millisecond.  A mapping that is an item of a block list is self-contained: it
is the line holding its start plus the lines after it that are indented at
least as far as its keys (blank and comment lines aside), and those lines parse
alone to the same nodes.  The nodes come back placed as in the whole file.

Nothing here is taken on trust: the writer checks the nodes against the model
read from the whole file, parses the whole file instead when they differ or
when this returns None, and parses the edited text in full before writing it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tracker.plan import yamltree

# Line breaks libyaml counts besides \n and \r\n; a file with any of them (or a
# lone \r) is left to the whole-file parse, so lines here are \n-separated.
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
# What may stand on the first line before the mapping: its indentation and the dashes of the lists it opens.
_LEAD = re.compile(r" *(?:- +)*")


def block_item(text: str, line: int, column: int) -> yamltree.Mapping | None:
    """The mapping (block or flow style) that a list item starting at (`line`, `column`) of `text` holds.

    None when its lines cannot be told apart from their neighbours this
    simply; the caller then reads the whole tree.  Given a place where no item
    starts, this reads whatever the lines from there hold (from a key in the
    middle of a mapping: the rest of it), so the caller checks the answer
    against what it knows of the item.
    """
    if any(ch in text for ch in _OTHER_BREAKS) or ("\r" in text and text.count("\r") != text.count("\r\n")):
        return None
    start = _line_start(text, line)
    if start is None or not _LEAD.fullmatch(text, start, start + column - 1):
        return None
    after = _end_of_item(column).search(text, start)
    end = after.start() + 1 if after else len(text)
    window = text[start:end]
    try:
        tree = yamltree.parse(window)
    except yamltree.YamlError:
        return None
    node = tree.root
    while node is not None and node.kind == "sequence" and len(node.items) == 1:
        node = node.items[0]
    if tree.problems or node is None or node.kind != "mapping" or (node.line, node.column) != (1, column):
        return None
    # In the whole file a block collection ends where the next content starts,
    # past the blank and comment lines that end the window.
    next_content = after.end() - 1 if after else None
    _place(node, line - 1, start, len(window), next_content)
    return node


def _line_start(text: str, line: int) -> int | None:
    if line == 1:
        return 0
    found = _lines(line - 1).match(text)
    return found.end() if found else None


@lru_cache(maxsize=64)
def _lines(count: int) -> re.Pattern:
    return re.compile(rf"(?:[^\n]*\n){{{count}}}")


@lru_cache(maxsize=64)
def _end_of_item(column: int) -> re.Pattern:
    """The line break before the first line with content that is indented less than the item's keys."""
    return re.compile(rf"\n(?! {{{column - 1}}})[ \t]*[^ \t\r\n#]")


def _place(node, lines: int, offset: int, length: int, next_content: int | None) -> None:
    """Move the nodes of a window's tree (`length` characters) to where the window stands in the whole text."""
    stack = [node]
    while stack:
        node = stack.pop()
        node.line += lines
        node.start += offset
        if node.kind != "scalar" and not node.flow and node.end == length and next_content is not None:
            node.end = next_content
        else:
            node.end += offset
        if node.kind == "mapping":
            for key, value in node.items:
                stack += (key, value)
        elif node.kind == "sequence":
            stack += node.items
