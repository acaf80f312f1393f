"""A plan's text cut into named groups that follow its YAML tree, for the three-way merge (merge.py).

Each scalar (keys and values, as written) is cut out with the text before it
on its line (`lead`: indentation, `- `, `: `, `[`, and whole comment lines
above it) and the rest of its line after it (`tail`: `]`, a comment, the line
break).  Scalars nest in groups: a mapping's entries are named by their key,
a list's items by what names the item (an `id`, a deliverable's `path`, a
session's date, start and focus, a step's `title`, a plain value itself), so
an item is the same item on each side wherever it stands.  A group's text is
its children's joined; the whole file's is the text, byte for byte.  A group's
children are made when first asked for: a merge looks inside the few groups
the sides changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.plan import yamltree
from tracker.support.memory import no_cycle_scans

KEY = "@key"  # an entry's key scalar
VALUE = "@value"  # an entry's value
END = "@end"  # the text after the last scalar
PIECES = ("lead", "text", "tail")  # a scalar's


class _Cut:
    """One text's scalars in order, with the span of each (its lead to its tail) and of each collection."""

    def __init__(self, text: str, root: yamltree.Mapping):
        self.text = text
        self.found: list[yamltree.Scalar] = []
        self.places: dict[int, tuple[int, int]] = {}  # id(node) -> (its first scalar's number, one past its last)
        stack: list[tuple[bool, object]] = [(False, root)]
        while stack:
            closing, node = stack.pop()
            if closing:
                self.places[id(node)] = (self.places[id(node)][0], len(self.found))
            elif isinstance(node, yamltree.Scalar):
                number = len(self.found)
                if not _absent(node):
                    self.found.append(node)
                self.places[id(node)] = (number, len(self.found))
            else:
                self.places[id(node)] = (len(self.found), 0)
                stack.append((True, node))
                if isinstance(node, yamltree.Mapping):
                    for key, value in reversed(node.items):
                        stack += [(False, value), (False, key)]
                elif isinstance(node, yamltree.Sequence):
                    stack += [(False, item) for item in reversed(node.items)]
        self.bounds = self._bounds()

    def _bounds(self) -> list[tuple[int, int]]:
        """Each scalar's (start of its lead, end of its tail): the tail runs to the end of its line, when
        the next scalar is on a later line."""
        text, found = self.text, self.found
        bounds = []
        at = 0
        for number, scalar in enumerate(found):
            if scalar.start < at or scalar.end < scalar.start:
                raise Uncut("a value's place in the text could not be told")
            following = found[number + 1].start if number + 1 < len(found) else len(text)
            line_end = text.find("\n", scalar.end, following)
            tail_end = line_end + 1 if line_end >= 0 else scalar.end
            bounds.append((at, tail_end))
            at = tail_end
        return bounds

    def span(self, node) -> tuple[int, int]:
        first, past = self.places[id(node)]
        if first < past:
            return self.bounds[first][0], self.bounds[past - 1][1]
        at = self.bounds[first - 1][1] if first else 0  # an empty collection: its brackets are around it
        return at, at

    def group(self, key: object, node, order: tuple[str, str] | None = None) -> Group:
        start, end = self.span(node)
        if isinstance(node, yamltree.Scalar):
            if _absent(node):  # `steps:` with nothing after it: an empty list or mapping
                return Group(key, self.text, start, end, [], order=order)
            return Group(key, self.text, start, end, None, (node.start, node.end), order=order, cut=self, node=node)
        return Group(key, self.text, start, end, None, None, node.flow, order, cut=self, node=node)

    def entry(self, key: yamltree.Scalar, value) -> Group:
        start, end = self.span(key)[0], self.span(value)[1]
        return Group(key.text, self.text, start, end, cut=self, node=(key, value))


@dataclass(slots=True)
class Group:
    key: object  # its name among its siblings
    source: str  # its text is source[start:end]
    start: int
    end: int
    children: list[Group] | None = None  # made on demand (parts); a piece has none
    scalar: tuple[int, int] | None = None  # a scalar's own span in source (its lead before, its tail after)
    flow: bool = False  # a flow collection, [...] or {...}
    order: tuple[str, str] | None = None  # a dated item's (date, started): items added on both sides sort by it
    theirs: str | None = None  # in a merged tree, a clash: the text is ours, this theirs
    clashes: int = 0  # clashes in this group and below (merged trees)
    cut: _Cut | None = None  # where the node below was read, for its parts
    node: object = None  # the YAML node (or an entry's (key, value)) the group stands for

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]

    def parts(self) -> list[Group] | None:
        """A collection's entries or items, an entry's key and value, a scalar's lead, text and tail;
        None for those pieces."""
        if self.children is not None:
            return self.children
        if self.scalar is not None:
            first, last = self.scalar
            cuts = (self.start, first, last, self.end)
            return [Group(name, self.source, cuts[n], cuts[n + 1]) for n, name in enumerate(PIECES)]
        cut, node = self.cut, self.node
        if cut is None or node is None:
            return None
        if isinstance(node, tuple):
            key, value = node
            self.children = [cut.group(KEY, key), cut.group(VALUE, value)]
        elif isinstance(node, yamltree.Mapping):
            self.children = [cut.entry(key, value) for key, value in node.items]
        else:
            assert isinstance(node, yamltree.Sequence)
            seen: dict[tuple, int] = {}
            self.children = []
            for item in node.items:
                name = _name(item)
                count = seen.get(name, 0)
                seen[name] = count + 1
                self.children.append(cut.group((*name, count), item, _order(item)))
        return self.children


class Uncut(Exception):
    """The text cannot be cut into groups (it does not parse, or is not one mapping)."""


def cut(text: str) -> Group:
    """The top group of `text`, a plan as YAML text: its entries, and the text after the last scalar."""
    with no_cycle_scans():
        try:
            root = yamltree.parse(text).root
        except yamltree.YamlError as exc:
            raise Uncut(f"line {exc.line}, column {exc.column}: {exc.message}") from None
        if not isinstance(root, yamltree.Mapping):
            raise Uncut("it holds no mapping of keys")
        found = _Cut(text, root)
    last = found.bounds[-1][1] if found.bounds else 0
    entries = [found.entry(key, value) for key, value in root.items]
    return Group((), text, 0, len(text), [*entries, Group(END, text, last, len(text))], flow=root.flow)


def same_inside(one: Group, two: Group) -> bool:
    """Whether two groups of equal text, each read from its own text, hold the same nodes at the same
    places in it (so `two`'s parts, made, would equal `one`'s).  False when either is not such a group."""
    if one.cut is None or two.cut is None or one.node is None or two.node is None:
        return False
    cuts = one.cut, two.cut
    shift = one.start - two.start
    # Typed loosely: that both nodes are of one kind is told by `type(...) is`, which the checker cannot follow.
    pairs: list[tuple[Any, Any]] = [(one.node, two.node)]
    while pairs:
        first, second = pairs.pop()
        if isinstance(first, tuple) and isinstance(second, tuple):
            pairs += [(first[0], second[0]), (first[1], second[1])]
            continue
        if type(first) is not type(second):
            return False
        spans = cuts[0].span(first), cuts[1].span(second)
        if spans[0][0] - spans[1][0] != shift or spans[0][1] - spans[1][1] != shift:
            return False
        if isinstance(first, yamltree.Scalar):
            if _absent(first) or _absent(second):
                if not (_absent(first) and _absent(second)):
                    return False
            elif first.start - second.start != shift or first.end - second.end != shift:
                return False
        elif len(first.items) != len(second.items) or first.flow != second.flow:
            return False
        elif isinstance(first, yamltree.Mapping):
            for (key, value), (other_key, other_value) in zip(first.items, second.items, strict=True):
                pairs += [(key, other_key), (value, other_value)]
        else:
            pairs += zip(first.items, second.items, strict=True)
    return True


def _absent(node: yamltree.Scalar) -> bool:
    """A value left out (`key:` and nothing): no text of its own, so taken as an empty collection."""
    return node.plain and node.text == ""


def _name(item) -> tuple:
    """What names a list's item on every side: its id, path, date (a session's), title or value."""
    if isinstance(item, yamltree.Scalar):
        return ("=", item.text)
    if isinstance(item, yamltree.Mapping):
        fields = {key.text: value for key, value in item.items if isinstance(value, yamltree.Scalar)}
        for name in ("id", "path"):
            if name in fields:
                return (name, fields[name].text)
        if "date" in fields:
            return ("date", *(fields[name].text if name in fields else "" for name in ("date", "started", "focus")))
        if "title" in fields:
            return ("title", fields["title"].text)
    return ("#",)  # nothing names it: the n-th such item


def _order(item) -> tuple[str, str] | None:
    if isinstance(item, yamltree.Mapping):
        date, started = item.get("date"), item.get("started")
        if isinstance(date, yamltree.Scalar):
            return (date.text, started.text if isinstance(started, yamltree.Scalar) else "")
    return None
