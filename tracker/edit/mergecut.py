"""A plan's text cut into named groups that follow its YAML tree, for the three-way merge (merge.py).

Each scalar (keys and values, as written) is cut out with the text before it
on its line (`lead`: indentation, `- `, `: `, `[`, and whole comment lines
above it) and the rest of its line after it (`tail`: `]`, a comment, the line
break).  Scalars nest in groups: a mapping's entries are named by their key,
a list's items by what names the item (an `id`, a deliverable's `path`, a
session's date, start and focus, a step's `title`, a plain value itself), so
an item is the same item on each side wherever it stands.  A group's text is
its children's joined; the whole file's is the text, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.plan import yamltree
from tracker.support.memory import no_cycle_scans

KEY = "@key"  # an entry's key scalar
VALUE = "@value"  # an entry's value
END = "@end"  # the text after the last scalar
PARTS = ("lead", "text", "tail")  # a scalar's pieces


@dataclass(slots=True)
class Group:
    key: object  # its name among its siblings
    source: str  # its text is source[start:end]
    start: int
    end: int
    children: list[Group] | None = None  # a container's entries or items; None for a scalar or a piece
    scalar: tuple[int, int] | None = None  # a scalar's own span in source (its lead before, its tail after)
    flow: bool = False  # a flow collection, [...] or {...}
    order: tuple[str, str] | None = None  # a dated item's (date, started): items added on both sides sort by it
    theirs: str | None = None  # in a merged tree, a clash: the text is ours, this theirs
    clashes: int = 0  # clashes in this group and below (merged trees)

    @property
    def text(self) -> str:
        return self.source[self.start : self.end]

    def parts(self) -> list[Group] | None:
        """A container's children, a scalar's lead, text and tail; None for a piece."""
        if self.scalar is None:
            return self.children
        first, last = self.scalar
        cuts = (self.start, first, last, self.end)
        return [Group(name, self.source, cuts[n], cuts[n + 1]) for n, name in enumerate(PARTS)]


class Uncut(Exception):
    """The text cannot be cut into groups (it does not parse, or is not one mapping)."""


def cut(text: str) -> Group:
    """The top group of `text`, a plan as YAML text."""
    with no_cycle_scans():
        try:
            root = yamltree.parse(text).root
        except yamltree.YamlError as exc:
            raise Uncut(f"line {exc.line}, column {exc.column}: {exc.message}") from None
        if not isinstance(root, yamltree.Mapping):
            raise Uncut("it holds no mapping of keys")
        bounds = _bounds(text, _in_order(root))
        top = Group((), text, 0, len(text), [], flow=root.flow)
        _Builder(text, bounds).fill(top, root)
    assert top.children is not None
    last = bounds[-1][1] if bounds else 0
    top.children.append(Group(END, text, last, len(text)))
    top.start, top.end = 0, len(text)
    return top


def _in_order(root: yamltree.Mapping) -> list[yamltree.Scalar]:
    """Every scalar of the tree, keys too, in the order of the text."""
    found: list[yamltree.Scalar] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yamltree.Scalar):
            if not _absent(node):
                found.append(node)
        elif isinstance(node, yamltree.Mapping):
            for key, value in reversed(node.items):
                stack += [value, key]
        elif isinstance(node, yamltree.Sequence):
            stack += reversed(node.items)
    return found


def _bounds(text: str, scalars: list[yamltree.Scalar]) -> list[tuple[int, int]]:
    """Each scalar's (start of its lead, end of its tail): the tail runs to its line's end, if the next
    scalar is on a later line."""
    bounds = []
    at = 0
    for number, scalar in enumerate(scalars):
        if scalar.start < at or scalar.end < scalar.start:
            raise Uncut("a value's place in the text could not be told")
        following = scalars[number + 1].start if number + 1 < len(scalars) else len(text)
        line_end = text.find("\n", scalar.end, following)
        tail_end = line_end + 1 if line_end >= 0 else scalar.end
        bounds.append((at, tail_end))
        at = tail_end
    return bounds


class _Builder:
    """Walks the tree in the text's order, giving each group its span from the scalars' bounds."""

    def __init__(self, text: str, bounds: list[tuple[int, int]]):
        self.text = text
        self.bounds = bounds
        self.next = 0  # the number of the next scalar in the text

    def scalar(self, key: object, node: yamltree.Scalar, order=None) -> Group:
        start, end = self.bounds[self.next]
        self.next += 1
        return Group(key, self.text, start, end, scalar=(node.start, node.end), order=order)

    def node(self, key: object, node, order=None) -> Group:
        if isinstance(node, yamltree.Scalar) and not _absent(node):
            return self.scalar(key, node, order)
        group = Group(key, self.text, 0, 0, [], flow=not isinstance(node, yamltree.Scalar) and node.flow, order=order)
        if isinstance(node, yamltree.Scalar):  # `steps:` with nothing after it: an empty list or mapping
            group.start = group.end = self.at()
        else:
            self.fill(group, node)
        return group

    def at(self) -> int:
        """Where the text stands between scalars: the end of the last one's tail."""
        return self.bounds[self.next - 1][1] if self.next else 0

    def fill(self, group: Group, node: yamltree.Mapping | yamltree.Sequence) -> None:
        children = group.children
        assert children is not None
        if isinstance(node, yamltree.Mapping):
            for key, value in node.items:
                head = self.scalar(KEY, key)
                body = self.node(VALUE, value)
                children.append(Group(key.text, self.text, head.start, body.end, [head, body]))
        else:
            seen: dict[tuple, int] = {}
            for item in node.items:
                name = _name(item)
                count = seen.get(name, 0)
                seen[name] = count + 1
                children.append(self.node((*name, count), item, _order(item)))
        if children:
            group.start, group.end = children[0].start, children[-1].end
        else:  # an empty collection: its brackets are in the text around it
            group.start = group.end = self.at()


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
