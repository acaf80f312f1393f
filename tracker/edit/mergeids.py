"""One issue id added on both sides of a merge: yours gets the next free id, when that is safe.

Two people who each run `tracker add issue` without `--id` pick the same next
number.  Both issues are meant to be kept, so a merge that knows which side
only this clone has (merge.py is told by the caller: in a `git pull` that is
ours, in a rebase theirs, the commits being replayed) gives that side's issue
the next id free on every side, and the other side's issue, which others may
already know by its number, keeps it.

Only when it is safe: the id is absent from the base and the two issues differ
(alike, they are one issue, merged once); every issue id on every side is a
plain number; and nothing else on the renumbered side is written as that id
(a `depends_on` entry, or any other value that could mean it), since those
would then point at the other issue.  Otherwise the item is a conflict, as
without this.  Only the id's own characters change.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.plan import yamltree


@dataclass(frozen=True, slots=True)
class Renumbered:
    old: int
    new: int
    title: str


def renumber(texts: list[str], side: int) -> tuple[str, list[Renumbered]]:
    """`texts[side]` (texts: base, ours, theirs; side 1 or 2) with its clashing new issues renumbered."""
    try:
        roots = [yamltree.parse(text).root for text in texts]
    except yamltree.YamlError:
        return texts[side], []  # the merge says what does not load
    found = [_issues(root) for root in roots]
    if any(issues is None for issues in found):
        return texts[side], []
    base, mine, other = found[0], found[side], found[3 - side]
    assert base is not None and mine is not None and other is not None
    taken = {number for issues in found if issues for number in issues}
    free = max(taken, default=0) + 1
    text = texts[side]
    edits: list[tuple[int, int, str]] = []
    moved: list[Renumbered] = []
    for number, (item, scalar) in mine.items():
        if number in base or number not in other:
            continue
        their_item = other[number][0]
        if _text(texts[side], item) == _text(texts[3 - side], their_item):
            continue
        if _mentioned(roots[side], scalar):
            continue
        edits.append((scalar.start, scalar.end, str(free)))
        title = item.get("title")
        moved.append(Renumbered(number, free, title.text if isinstance(title, yamltree.Scalar) else ""))
        free += 1
    for start, end, new in reversed(edits):
        text = text[:start] + new + text[end:]
    return text, moved


def _issues(root) -> dict[int, tuple[yamltree.Mapping, yamltree.Scalar]] | None:
    """Each issue's (item, id scalar) by its number; None when the plan's shape is not the usual one or an
    id is not a plain number."""
    if not isinstance(root, yamltree.Mapping):
        return None
    phases = root.get("phases")
    if not isinstance(phases, yamltree.Sequence):
        return None
    issues: dict[int, tuple[yamltree.Mapping, yamltree.Scalar]] = {}
    for phase in phases.items:
        if not isinstance(phase, yamltree.Mapping):
            return None
        items = phase.get("issues")
        if items is None or (isinstance(items, yamltree.Scalar) and items.plain and items.text == ""):
            continue
        if not isinstance(items, yamltree.Sequence):
            return None
        for item in items.items:
            scalar = item.get("id") if isinstance(item, yamltree.Mapping) else None
            if not (isinstance(scalar, yamltree.Scalar) and scalar.plain and _number(scalar.value)):
                return None
            assert isinstance(item, yamltree.Mapping) and isinstance(scalar.value, int)
            if scalar.value in issues:
                return None  # a duplicate id: the plan's own error, not for the merge to renumber
            issues[scalar.value] = (item, scalar)
    return issues


def _number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text(text: str, node: yamltree.Mapping) -> str:
    return text[node.start : node.end]


def _mentioned(root, own: yamltree.Scalar) -> bool:
    """Whether a value other than the id itself is written as it (keys are names, not references)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yamltree.Scalar):
            if node is not own and node.text == own.text:
                return True
        elif isinstance(node, yamltree.Mapping):
            stack += [value for _, value in node.items]
        elif isinstance(node, yamltree.Sequence):
            stack += node.items
    return False
