"""One issue id added on both sides of a merge: yours gets the next free id, when that is safe.

Two people who each run `tracker add issue` without `--id` pick the same next
number.  Both issues are meant to be kept, so a merge that knows which side
only this clone has (merge.py is told by the caller: in a `git pull` that is
ours, in a rebase theirs, the commits being replayed) gives that side's issue
the next id free on every side, and the other side's issue, which others may
already know by its number, keeps it.

Only when it is safe: the id is absent from the base and the two issues differ
(alike, they are one issue, merged once); every issue id on every side is a
plain number; and nothing else on the renumbered side is written as that id (a
`depends_on` entry, `#3` in a session's focus, or any other value that could
mean it), since those would then point at the other issue.  Otherwise the item
is a conflict, as without this, also when the two stand in different phases,
where the merge would otherwise keep both under one id.  Only the id's own
characters change.

In a rebase the commits replayed after the one that added it still call it by
its old id: their edits of it, and the references to it they write, are carried
to its new id (`_carried`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.plan import ISSUE_MENTION, issue_key, yamltree


@dataclass(frozen=True, slots=True)
class Renumbered:
    old: int
    new: int
    title: str


@dataclass(slots=True)
class NewIds:
    texts: list[str]  # base, ours, theirs: the local side's with its renumbered ids
    moved: list[Renumbered]
    clashing: list[str]  # the ids (as written) still added differently on both sides: conflicts


def settle_ids(texts: list[str], side: int | None) -> NewIds:
    """The issue ids added on both sides (texts: base, ours, theirs) differently: those of `side` (1 or 2:
    the side only this clone has; None: unknown) renumbered where safe, the others left to clash."""
    texts = list(texts)
    try:
        roots = [yamltree.parse(text).root for text in texts]
    except yamltree.YamlError:
        return NewIds(texts, [], [])  # the merge says what does not load
    found = [_issues(root) for root in roots]
    if any(issues is None for issues in found):
        return NewIds(texts, [], [])
    if side is not None and (carried := _carried(texts, roots, found, side)) is not None:
        texts = carried
        roots = [yamltree.parse(text).root for text in texts]
        found = [_issues(root) for root in roots]
    base, ours, theirs = found
    assert base is not None and ours is not None and theirs is not None
    both = [
        number
        for number, (item, _) in ours.items()
        if number not in base and number in theirs and _text(texts[1], item) != _text(texts[2], theirs[number][0])
    ]
    if side is None:
        return NewIds(texts, [], [ours[number][1].text for number in both])
    mine = (ours, theirs)[side - 1]
    free = max((number for issues in found if issues for number in issues), default=0) + 1
    edits: list[tuple[int, int, str]] = []
    moved: list[Renumbered] = []
    clashing: list[str] = []
    for number in both:
        item, scalar = mine[number]
        if _mentioned(roots[side], scalar) or _references(texts[side], roots[side], scalar.text):
            clashing.append(scalar.text)
            continue
        edits.append((scalar.start, scalar.end, str(free)))
        title = item.get("title")
        moved.append(Renumbered(number, free, title.text if isinstance(title, yamltree.Scalar) else ""))
        free += 1
    for start, end, new in sorted(edits, reverse=True):
        texts[side] = texts[side][:start] + new + texts[side][end:]
    return NewIds(texts, moved, clashing)


def _carried(texts: list[str], roots: list, found: list, side: int) -> list[str] | None:
    """Base and the local side with the ids the other side already gave the local side's issues; None: none.

    A rebase replays the local commits one by one, and replaying the first one that added an issue may have
    given it a new id (above).  The commits after it still call the issue by its old id, in their base and
    in themselves, where the other side, the commits rebased so far, has another issue under that id and
    the local one, unchanged since that base, under the new id.  Merged by id as they are, the later commit's
    edit of its own issue would be made to the other one.  So an issue of base found on the other side word
    for word under an id that neither base nor the local side has, while the other side's issue under its
    own id is another, takes that id in base and the local side before they are merged, and so do their
    references to it (`_references`): there it is the only issue under that id, so a `depends_on` the
    local side wrote for it follows it to its new id, while the other side's references, and those base
    has that the local side leaves as they are, come through as the other side has them."""
    base, mine, other = found[0], found[side], found[3 - side]
    fresh: dict[str, list[int]] = {}
    for number, (item, scalar) in other.items():
        if number not in base and number not in mine:
            fresh.setdefault(_shape(texts[3 - side], item, scalar), []).append(number)
    if not fresh:
        return None
    edits: list[list[tuple[int, int, str]]] = [[], [], []]
    for number, (item, scalar) in base.items():
        if number not in mine or number not in other:
            continue
        was = _shape(texts[0], item, scalar)
        moved = fresh.get(was, [])
        if len(moved) != 1 or _shape(texts[3 - side], *other[number]) == was:
            continue
        new = str(moved[0])
        for index, id_scalar in ((0, scalar), (side, mine[number][1])):
            spans = [(id_scalar.start, id_scalar.end), *_references(texts[index], roots[index], scalar.text)]
            edits[index] += [(start, end, new) for start, end in spans]
    if not edits[0]:
        return None
    texts = list(texts)
    for index in (0, side):
        for start, end, new in sorted(edits[index], reverse=True):
            texts[index] = texts[index][:start] + new + texts[index][end:]
    return texts


def _shape(text: str, item: yamltree.Mapping, scalar: yamltree.Scalar) -> str:
    """An issue's text without its id."""
    return text[item.start : scalar.start] + text[scalar.end : item.end]


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


def _references(text: str, root, name: str) -> list[tuple[int, int]]:
    """Where `text` names the issue `name` (its id as written, a plain number): each `depends_on` item that
    is it, and each `#name` in a session's focus, the format's only values that name an issue; the span of
    the id's own characters in each."""
    found: list[tuple[int, int]] = []
    for phase in _items(root, "phases"):
        for issue in _items(phase, "issues"):
            for item in _items(issue, "depends_on"):
                if (
                    isinstance(item, yamltree.Scalar)
                    and isinstance(item.value, int | str)
                    and issue_key(item.value) == name
                ):
                    at = text.find(name, item.start, item.end)  # inside its quotes, if it has them
                    found.append((at, at + len(name)) if at >= 0 else (item.start, item.end))  # else escaped
    for session in _items(root, "sessions"):
        focus = session.get("focus") if isinstance(session, yamltree.Mapping) else None
        if isinstance(focus, yamltree.Scalar):
            for match in ISSUE_MENTION.finditer(text, focus.start, focus.end):
                if match.group(1) == name:
                    found.append(match.span(1))
    return found


def _items(node, key: str) -> list:
    """The items of the list under `key` in a mapping node; none when it is not one."""
    value = node.get(key) if isinstance(node, yamltree.Mapping) else None
    return value.items if isinstance(value, yamltree.Sequence) else []


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
