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
from dataclasses import dataclass, field

import yaml

try:  # libyaml is several times faster; the pure-Python parser is the fallback.
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

MAX_DEPTH = 32

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?\Z|[-+]?[0-9]+[eE][-+]?[0-9]+\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))


class YamlError(Exception):
    """A problem that stops the tree from being built at all."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


@dataclass(slots=True)
class Scalar:
    value: object
    text: str
    plain: bool
    line: int  # 1-based, as editors count
    column: int
    end_line: int
    end_column: int
    start: int = 0  # character offsets into the parsed text: text[start:end] is the scalar as written
    end: int = 0

    kind = "scalar"


@dataclass(slots=True)
class Sequence:
    line: int
    column: int
    flow: bool
    items: list = field(default_factory=list)
    end_line: int = 0
    end_column: int = 0
    start: int = 0  # character offsets, as for Scalar
    end: int = 0

    kind = "sequence"


@dataclass(slots=True)
class Mapping:
    line: int
    column: int
    flow: bool
    items: list = field(default_factory=list)  # [(key Scalar, value node)]
    end_line: int = 0
    end_column: int = 0
    start: int = 0  # character offsets, as for Scalar
    end: int = 0

    kind = "mapping"

    def get(self, key: str):
        for k, v in self.items:
            if k.value == key:
                return v
        return None


Node = Scalar | Sequence | Mapping


@dataclass(slots=True)
class Tree:
    root: Node | None
    problems: list = field(default_factory=list)  # [YamlError] that did not stop the build


def resolve_plain(text: str) -> object:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def parse(text: str, max_depth: int = MAX_DEPTH) -> Tree:
    """Build the node tree of `text`, a single YAML document.

    Raises YamlError for what makes the document unreadable (syntax, depth,
    aliases, several documents); collects the rest in `Tree.problems`.
    """
    loader = _EventLoader(text)
    problems: list[YamlError] = []
    stack: list[Mapping | Sequence] = []
    pending_key: list[Scalar | None] = []
    seen_keys: list[dict | None] = []
    root: Node | None = None
    documents = 0
    try:
        while True:
            event = loader.get_event()
            cls = type(event)
            if cls is yaml.ScalarEvent:
                mark, end = event.start_mark, event.end_mark
                _refuse_extras(event, problems)
                plain = event.style is None or event.style == ""
                value = event.value
                node = Scalar(
                    resolve_plain(value) if plain and event.tag is None else value,
                    value, plain, mark.line + 1, mark.column + 1, end.line + 1, end.column + 1,
                    mark.index, end.index,
                )
            elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                mark = event.start_mark
                if len(stack) >= max_depth:
                    raise YamlError(
                        mark.line + 1, mark.column + 1,
                        f"nesting is deeper than {max_depth} levels; a plan never needs this many, "
                        "so the file is probably broken here",
                    )
                _refuse_extras(event, problems)
                container_cls = Mapping if cls is yaml.MappingStartEvent else Sequence
                node = container_cls(mark.line + 1, mark.column + 1, bool(event.flow_style), start=mark.index)
                _attach(node, stack, pending_key, seen_keys, problems)
                stack.append(node)
                pending_key.append(None)
                seen_keys.append({} if container_cls is Mapping else None)
                continue
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                node = stack.pop()
                pending_key.pop()
                seen_keys.pop()
                node.end_line = event.end_mark.line + 1
                node.end_column = event.end_mark.column + 1
                node.end = event.end_mark.index
                if not stack:
                    root = node
                continue
            elif cls is yaml.AliasEvent:
                mark = event.start_mark
                raise YamlError(
                    mark.line + 1, mark.column + 1,
                    f"alias '*{event.anchor}' is not allowed; anchors and aliases are refused "
                    "(write the value out in full)",
                )
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise YamlError(
                        mark.line + 1, mark.column + 1,
                        "a second YAML document starts here; the plan must be one document "
                        "(remove the '---' line and what follows, or merge it into the first)",
                    )
                continue
            elif cls is yaml.StreamEndEvent:
                break
            else:
                continue
            if stack:
                _attach(node, stack, pending_key, seen_keys, problems)
            else:
                root = node
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None
    return Tree(root, problems)


def _attach(node, stack, pending_key, seen_keys, problems) -> None:
    if not stack:
        return
    parent = stack[-1]
    if parent.kind == "sequence":
        parent.items.append(node)
        return
    key = pending_key[-1]
    if key is None:
        if node.kind != "scalar" or not isinstance(node.value, str) or not node.value:
            problems.append(YamlError(
                node.line, node.column,
                "keys must be plain text such as 'title'; this key is "
                + (f"a {node.kind}" if node.kind != "scalar" else f"the {type(node.value).__name__} {node.text!r}")
                + (" (quote it if it is meant as text)" if node.kind == "scalar" else ""),
            ))
            # Keep the slot so the value that follows pairs with something.
            pending_key[-1] = Scalar(None, node.text if node.kind == "scalar" else "", False,
                                     node.line, node.column, node.line, node.column)
            return
        earlier = seen_keys[-1].get(node.value)
        if earlier is not None:
            problems.append(YamlError(
                node.line, node.column,
                f"duplicate key '{node.value}' (first at line {earlier.line}, column {earlier.column}); "
                "YAML would silently keep only the last one, so remove or rename one of them",
            ))
        else:
            seen_keys[-1][node.value] = node
        pending_key[-1] = node
        return
    pending_key[-1] = None
    if key.value is None:
        return  # the key was refused above
    if seen_keys[-1].get(key.value) is key:
        parent.items.append((key, node))


def _refuse_extras(event, problems) -> None:
    mark = event.start_mark
    if event.anchor is not None:
        problems.append(YamlError(
            mark.line + 1, mark.column + 1,
            f"anchor '&{event.anchor}' is not allowed; anchors and aliases are refused "
            "(write the value out in full)",
        ))
    tag = event.tag
    if tag is not None and tag != "!" and not (event.__class__ is yaml.ScalarEvent and tag == "tag:yaml.org,2002:str"):
        problems.append(YamlError(
            mark.line + 1, mark.column + 1,
            f"tag '{tag}' is not allowed; the plan holds plain data only (remove the tag)",
        ))


_UNCLOSED = {
    "while scanning a quoted scalar": "this quoted text is never closed; add the closing quote",
    "while parsing a flow sequence": "this '[' list is never closed; add the closing ']'",
    "while parsing a flow mapping": "this '{' mapping is never closed; add the closing '}'",
}


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
        return YamlError(line, column, f"nesting is deeper than {MAX_DEPTH} levels; a plan never needs "
                                       "this many, so the file is probably broken here")
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in problem or "'\\t'" in problem or (column - 1 < len(here) and here[column - 1:column] == "\t") or (
        here[: column - 1].strip() == "" and "\t" in here[:column]
    ):
        return YamlError(line, column, "a tab is used for indentation; YAML allows only spaces there "
                         "(replace the tab with spaces)")
    if at_end and exc.context_mark is not None:
        return YamlError(line, column, f"invalid YAML: {problem}")
    message = problem[0].lower() + problem[1:] if problem else "invalid YAML"
    if exc.context:
        message += f" ({exc.context}"
        if exc.context_mark is not None:
            message += f" started at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message += ")"
    return YamlError(line, column, f"invalid YAML: {message}")
