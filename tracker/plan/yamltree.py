"""YAML text → a tree of plain nodes that remember where they stand.

The tree is built from the parser's event stream with an explicit stack, never
by recursion, so nesting is bounded before anything deep is built (libyaml's own
composer recurses and takes the whole process down near 50,000 levels).  Only
plain data comes through: tags, anchors and aliases are refused, duplicate keys
are reported instead of silently keeping the last one, and plain scalars are
resolved by the YAML 1.2 core rules so that `no`, `010`, `1:30` and
`2025-11-30` stay the text that was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, Literal

import msgspec
import yaml
from yaml import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

try:  # libyaml is several times faster; the pure-Python parser is the fallback.
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

MAX_DEPTH = 32

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?\Z|[-+]?[0-9]+[eE][-+]?[0-9]+\Z")
_WORDS = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_NOT_A_WORD = object()
_NUMBER_START = frozenset("+-.0123456789")  # the first character of every int or float above
_ITEM_DASH = re.compile(r"[ \t]*-[ \t]+")  # what comes before a list item's scalar on its line
_COMMENT = re.compile(r"[ \t]#")  # where a comment begins after a plain scalar


class YamlError(Exception):
    """A problem that stops the tree from being built at all."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        # The problems found before this one stopped the tree (a tag, an anchor, a duplicate key above an
        # alias or a syntax error): reported with it, so one run names every problem it saw.
        self.earlier: list[YamlError] = []
        # The tree as far as it was read (None: nothing was), and the containers still open where the reading
        # stopped: their keys that would have come after are not missing, only unread (the loader checks the rest).
        self.partial: Node | None = None
        self.cut: list[Mapping | Sequence] = []


# msgspec Structs rather than dataclasses: built in C, with no GC header (a tree
# never holds a cycle), so the half million nodes of a big plan cost less.
class Scalar(msgspec.Struct, gc=False):
    value: object
    text: str
    plain: bool
    line: int  # 1-based, as editors count
    column: int
    start: int = 0  # character offsets into the parsed text: text[start:end] is the scalar as written
    end: int = 0

    kind: ClassVar[Literal["scalar"]] = "scalar"


class Sequence(msgspec.Struct, gc=False):
    line: int
    column: int
    flow: bool
    items: list = msgspec.field(default_factory=list)
    start: int = 0  # character offsets, as for Scalar
    end: int = 0

    kind: ClassVar[Literal["sequence"]] = "sequence"


class Mapping(msgspec.Struct, gc=False):
    line: int
    column: int
    flow: bool
    items: list = msgspec.field(default_factory=list)  # [(key Scalar, value node)]
    start: int = 0  # character offsets, as for Scalar
    end: int = 0

    kind: ClassVar[Literal["mapping"]] = "mapping"

    def get(self, key: str):
        for k, v in self.items:
            if k.value == key:
                return v
        return None


Node = Scalar | Sequence | Mapping
Fold = tuple[tuple, Callable[[Node, int], object]]  # see parse()

_DROPPED = Scalar(None, "", False, 0, 0)  # stands for a refused key: its value is dropped


class Tree(msgspec.Struct):
    root: Node | None
    problems: list = msgspec.field(default_factory=list)  # [YamlError] that did not stop the build


def resolve_plain(text: str) -> object:
    """The value of an unquoted scalar under the YAML 1.2 core schema.

    ValueError for an integer past Python's int-string limit (4,300 digits)."""
    value = _WORDS.get(text, _NOT_A_WORD)
    if value is not _NOT_A_WORD:
        return value
    if text[0] in _NUMBER_START:
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
    return text


def parse(text: str, max_depth: int = MAX_DEPTH, spans: bool = True, fold: Fold | None = None) -> Tree:
    """Build the node tree of `text`, a single YAML document.

    Raises YamlError for what makes the document unreadable (syntax, depth,
    aliases, several documents); collects the rest in `Tree.problems`.
    With `spans=False` only where each node begins is kept (start and
    end stay 0): the loader needs no more, and a large
    plan's tree is then a third smaller.

    With `fold` = (path, function), each container found at `path` is handed
    to `function(node, index)` as soon as it is complete, and what that returns
    takes its place in the tree (`index` counts the items of its list from 1).
    A path names keys from the root, None standing for any item of a list,
    and ends with None: ("phases", None, "issues", None) is every issue.  The
    loader turns each issue into its record there, so that the nodes of a
    whole plan never exist at once.
    """
    # This loop sees every event of the file (650,000 for a 10,000-issue
    # plan), so the state of the open container lives in locals and the
    # common cases are written out inline rather than in helper calls.
    back = None  # how to give the hidden line separators back, when any were hidden
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text, back = _hide_breaks(text)
    get_event = _EventLoader(text).get_event
    problems: list[YamlError] = []
    # The loop's state is typed loosely (Any): which node a local holds follows from the event's
    # class, told by `cls is`, which the checker cannot follow.
    outer: list[tuple] = []  # (container, items, keys, key, level) of each enclosing container
    container: Any = None  # the innermost open container (Mapping or Sequence)
    items: Any = None  # its items
    keys: dict | None = None  # a mapping's keys so far (key text -> key node); None in a sequence
    key = None  # in a mapping: the key whose value comes next (_DROPPED if refused), else None
    root: Node | None = None
    documents = 0
    texts: dict[str, str] = {}  # one string object for each short text, however often it appears
    folder: Any  # called only on the fold's path, which exists only with a fold
    path, folder = fold if fold is not None else ((), None)
    node: Any  # the node the event makes: Scalar, Mapping or Sequence
    if fold is not None and (not path or path[-1] is not None):
        raise ValueError("a fold path ends with None: it names the items of a list")
    # How many steps of `path` lead to the open container (-1: it is off the path).
    level = -1
    steps = len(path)
    try:
        while True:
            event: Any = get_event()
            cls = type(event)
            if cls is ScalarEvent:
                opens = False
                mark = event.start_mark
                tag = event.tag
                if tag is not None or event.anchor is not None:
                    _refuse_extras(event, problems)
                value = event.value
                if back is not None:
                    value = value.translate(back)
                if len(value) < 64:  # keys, statuses and paths repeat thousands of times
                    value = texts.setdefault(value, value)
                typed: Any = value
                plain = not event.style  # None or "" for plain scalars
                if plain and tag is None:  # resolve_plain, written out
                    typed = _WORDS.get(value, value)
                    if typed is value and value[0] in _NUMBER_START:
                        try:
                            typed = resolve_plain(value)
                        except ValueError:  # past Python's int-string limit: a number no plan means
                            problems.append(_long_number(mark, value))
                if spans:
                    end = event.end_mark
                    node = Scalar(typed, value, plain, mark.line + 1, mark.column + 1, mark.index, end.index)
                else:
                    node = Scalar(typed, value, plain, mark.line + 1, mark.column + 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                mark = event.start_mark
                if len(outer) >= max_depth:
                    raise YamlError(
                        mark.line + 1,
                        mark.column + 1,
                        f"nesting is deeper than {max_depth} levels; a plan never needs this many, "
                        "so the file is probably broken here",
                    )
                if event.anchor is not None or event.tag is not None:
                    _refuse_extras(event, problems)
                opens = True
                node = (Mapping if cls is MappingStartEvent else Sequence)(
                    mark.line + 1, mark.column + 1, bool(event.flow_style), [], mark.index if spans else 0
                )
                if folder is None:
                    inner = -1
                elif container is None:
                    inner = 0
                elif level < 0 or level == steps:
                    inner = -1
                elif keys is None:  # an item of a list
                    inner = level + 1 if path[level] is None else -1
                else:  # the value of `key` (or, with no key yet, a key: never on a path)
                    step = path[level]
                    inner = level + 1 if key is not None and step is not None and key.value == step else -1
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                if spans:
                    end = event.end_mark
                    container.end = end.index
                closed = container
                on_path = level == steps
                container, items, keys, key, level = outer.pop()
                if container is None:
                    root = closed
                elif on_path:  # path ends with None: `closed` is the last item of a list
                    items[-1] = folder(closed, len(items))
                continue
            elif cls is AliasEvent:
                mark = event.start_mark
                raise YamlError(
                    mark.line + 1,
                    mark.column + 1,
                    f"alias '*{event.anchor}' is not allowed; anchors and aliases are refused "
                    "(write the value out in full)",
                )
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise YamlError(
                        mark.line + 1,
                        mark.column + 1,
                        "a second YAML document starts here; the plan must be one document "
                        "(remove the '---' line and what follows, or merge it into the first)",
                    )
                continue
            elif cls is StreamEndEvent:
                break
            else:
                continue

            # Attach the new node to the open container.
            if container is None:
                root = node
            elif keys is None:
                items.append(node)
            elif key is None:  # the node is a key
                name = None if opens else node.value
                if type(name) is not str or not name:
                    problems.append(_bad_key(node))
                    key = _DROPPED  # the value that follows pairs with nothing
                else:
                    earlier = keys.get(name)
                    if earlier is None:
                        keys[name] = key = node
                    else:
                        problems.append(
                            YamlError(
                                node.line,
                                node.column,
                                f"duplicate key '{name}' (first at line {earlier.line}, column {earlier.column}); "
                                "YAML would silently keep only the last one, so remove or rename one of them",
                            )
                        )
                        key = _DROPPED
            else:  # the node is the value of `key`
                if key is not _DROPPED:
                    items.append((key, node))
                key = None
            if opens:
                outer.append((container, items, keys, key, level))
                container, items, key, level = node, node.items, None, inner
                keys = {} if cls is MappingStartEvent else None
    except YamlError as exc:
        exc.earlier = problems
        _stopped(exc, root, outer, container)
        raise
    except yaml.MarkedYAMLError as exc:
        error = _syntax_error(exc, text)
        error.earlier = problems
        pending = _pending_scalar(exc, text, container, key, back)
        if pending is not None:
            items.append(pending if keys is None else (key, pending))
        _stopped(error, root, outer, container)
        raise error from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses anywhere, even in quotes
        error = _refused_character(exc, text)
        error.earlier = problems
        _stopped(error, root, outer, container)
        raise error from None
    return Tree(root, problems)


def _stopped(error: YamlError, root: Node | None, outer: list[tuple], container) -> None:
    """Give `error` the tree read before it (`root`, attached as it opened) and the containers left open (`outer`'s,
    below the first entry, which stands for no container, and the innermost `container`)."""
    cut = [entry[0] for entry in outer[1:]] + ([container] if container is not None else [])
    # A '[' or '{' never closed takes in whatever follows, to the end of the file: it is left out, with all it holds.
    flow = next((index for index, node in enumerate(cut) if node.flow), None)
    if flow is not None:
        parent = cut[flow - 1].items if flow > 0 else []
        # Attached as it opened, it is the last thing its container holds (unless its key was refused).
        if parent and (parent[-1] is cut[flow] or (type(parent[-1]) is tuple and parent[-1][1] is cut[flow])):
            parent.pop()
        cut = cut[:flow]
    error.partial = None if flow == 0 else root
    error.cut = cut


def _pending_scalar(exc: yaml.MarkedYAMLError, text: str, container, key, back: dict | None) -> Scalar | None:
    """The plain scalar libyaml was reading when the next line stopped it (`due: 2025-02-30` above a line indented
    with a tab), as the value of the open mapping's `key` on its line or an item after the open list's `-`: it
    had ended with its own line, when only blank lines come between them.  None otherwise: a value that ran on
    over several lines, or one in a flow collection, might have been more than is written.  `back`: parse's table
    that gives the line separators it hid back, applied before the value is resolved, as parse applies it."""
    start, stop = exc.context_mark, exc.problem_mark
    if exc.context != "while scanning a plain scalar" or start is None or stop is None or stop.line <= start.line:
        return None
    if container is None or container.flow:
        return None
    if container.kind == "mapping" and (key is None or key is _DROPPED or key.line != start.line + 1):
        return None
    line_start = text.rfind("\n", 0, start.index) + 1
    if container.kind == "sequence" and _ITEM_DASH.fullmatch(text, line_start, start.index) is None:
        return None
    if container.kind == "sequence" and text.index("-", line_start) - line_start + 1 != container.column:
        return None
    written, _, between = text[start.index : stop.index].partition("\n")
    if between.strip(" \t\r\n") or "\t" in between:
        return None
    written = _COMMENT.split(written, 1)[0].rstrip(" \t\r")
    if not written:
        return None
    if back is not None:
        written = written.translate(back)
    try:
        value = resolve_plain(written)
    except ValueError:
        return None  # a number past Python's limit: the complete parse says so
    return Scalar(value, written, True, start.line + 1, start.column + 1, start.index, start.index + len(written))


def _hide_breaks(text: str) -> tuple[str, dict[int, int]]:
    """`text` with U+2028, U+2029 and U+0085 swapped for private-use characters it does not contain,
    and the table that swaps them back.

    libyaml counts these as line breaks (YAML 1.1), so a title pasted with one was refused and every
    line after it was numbered one more than an editor shows.  YAML 1.2 and editors take them as
    ordinary text; so does the plan.  The swap is one character for one: places are unchanged.
    """
    spare = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
    hide = {ord(ch): next(spare) for ch in "\u2028\u2029\x85"}
    return text.translate(hide), {ord(stand_in): code for code, stand_in in hide.items()}


def _long_number(mark, value: str) -> YamlError:
    return YamlError(
        mark.line + 1,
        mark.column + 1,
        f"a number of {len(value.lstrip('+-'))} digits is too long to read; "
        "if it is text, put it in quotes, otherwise shorten it",
    )


def _bad_key(node) -> YamlError:
    return YamlError(
        node.line,
        node.column,
        "keys must be plain text such as 'title'; this key is "
        + (f"a {node.kind}" if node.kind != "scalar" else f"the {type(node.value).__name__} {node.text!r}")
        + (" (quote it if it is meant as text)" if node.kind == "scalar" else ""),
    )


def _refuse_extras(event, problems) -> None:
    mark = event.start_mark
    if event.anchor is not None:
        problems.append(
            YamlError(
                mark.line + 1,
                mark.column + 1,
                f"anchor '&{event.anchor}' is not allowed; anchors and aliases are refused "
                "(write the value out in full)",
            )
        )
    tag = event.tag
    if tag is not None and tag != "!" and not (event.__class__ is yaml.ScalarEvent and tag == "tag:yaml.org,2002:str"):
        problems.append(
            YamlError(
                mark.line + 1,
                mark.column + 1,
                f"tag '{tag}' is not allowed; the plan holds plain data only (remove the tag)",
            )
        )


_UNCLOSED = {
    "while scanning a quoted scalar": "this quoted text is never closed; add the closing quote",
    "while parsing a flow sequence": "this '[' list is never closed; add the closing ']'",
    "while parsing a flow mapping": "this '{' mapping is never closed; add the closing '}'",
    "while parsing a flow node": "a '[' list or '{' mapping is still open where the file ends; add the closing ']' or '}'",
    "while scanning a simple key": "the last line is neither a key with ': ' nor part of the value above; "
    "add ': ' after the key, or remove the line",
    "while scanning an anchor": "an '&' with no name ends the file; remove the '&' (anchors are refused anyway)",
}
# How to mend what libyaml reports, by its words for the problem: every message says what to do.
_FIXES = {
    "mapping values are not allowed in this context": "put a value that holds ': ' in quotes (title: \"a: b\"), "
    "or line this key up with the keys above it",
    "could not find expected ':'": "a line that is not a key: add ': ' after the key, or put a value that runs on "
    "to the next line in quotes",
    "found character that cannot start any token": "a value cannot start with this character (such as @ or `); "
    "put the value in quotes",
    "did not find expected key": "this does not continue the mapping above: indent it as the keys above it, or "
    "remove what is left over (a stray ']' or '}')",
    "did not find expected '-' indicator": "indent this line as the '- ' items above it, or as a key of the item "
    "above it",
    "found unknown escape character": "in double quotes a backslash starts an escape: write it twice (\\\\), "
    "or use single quotes",
    "did not find expected <document start>": "text follows the end of the plan (a '...' line): remove it",
    "found duplicate %YAML directive": "remove the repeated %YAML line",
}


def _refused_character(exc: yaml.reader.ReaderError, text: str) -> YamlError:
    # The error's position is a byte offset with libyaml and a character index without it; the
    # first occurrence of the character is the place either way, since the reader stops at the
    # first character it refuses.
    code = exc.character
    index = text.find(chr(code))
    start = text.rfind("\n", 0, index) + 1
    escape = f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}"
    return YamlError(
        text.count("\n", 0, index) + 1,
        index - start + 1,
        f"the character U+{code:04X} is not allowed in YAML, not even in quotes; remove it, "
        f"or write it as the escape {escape} inside double quotes",
    )


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    # An unclosed quote or bracket is only noticed at the end of the file; the
    # place worth showing is where the unclosed thing began.
    at_end = mark is not None and mark.index >= len(text.rstrip())
    if at_end and exc.context_mark is not None:
        mark = exc.context_mark
        problem = _UNCLOSED.get(exc.context or "", f"{exc.context} that is never closed")
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "maximum nesting depth" in problem:
        return YamlError(
            line,
            column,
            f"nesting is deeper than {MAX_DEPTH} levels; a plan never needs "
            "this many, so the file is probably broken here",
        )
    lines = text.split("\n")  # as editors count: not at \v, \f or the separators splitlines takes
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if (
        "\t" in problem
        or "'\\t'" in problem
        or (column - 1 < len(here) and here[column - 1 : column] == "\t")
        or (here[: column - 1].strip() == "" and "\t" in here[:column])
    ):
        return YamlError(
            line, column, "a tab is used for indentation; YAML allows only spaces there (replace the tab with spaces)"
        )
    if at_end and exc.context_mark is not None:
        return YamlError(line, column, f"invalid YAML: {problem}")
    message = problem[0].lower() + problem[1:] if problem else "invalid YAML"
    if exc.context:
        message += f" ({exc.context}"
        if exc.context_mark is not None:
            message += f" started at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message += ")"
    fix = _FIXES.get(problem)
    return YamlError(line, column, f"invalid YAML: {message}" + (f"; {fix}" if fix else ""))
