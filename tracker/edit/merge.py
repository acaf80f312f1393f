"""Three-way merge of plan files by structure: git's merge driver for the plan.

Each side is cut into groups that follow the YAML tree (mergecut.py): entries
named by their key, items by their id, path, date or title, down to each
scalar with the text around it on its line.  The groups are merged from the
top: a group one side changed is taken from that side whole, a group both
changed alike is taken once, and one both changed differently is merged child
by child.  Children added on one side come in after the child they follow
there, both sides' at one place in date order when they are dated (sessions),
else the other side's first and then the side only this clone has, each in its
own order, as a rebase replays yours on theirs (ours first when neither side is
known as this clone's; a block list both sides added, as the first `sessions:`,
is merged so, item by item); a child removed on one side and unchanged on the other is
removed.  What both sides changed differently (a scalar, an item both added
with the same name, an item one side removed and the other changed) is a
conflict confined to its line(s), with git's markers.  The merged text is cut
again and must give the merged tree back; when it does not, or a side does
not parse, or a side moves items, git's own line merge is used and the reason
is given.  An issue id both sides added differently is first taken from the
side only this clone has, when the caller knows which (mergeids.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.edit.mergecut import VALUE, Group, Uncut, cut, same_inside
from tracker.edit.mergeids import Renumbered, settle_ids
from tracker.git import line_merge
from tracker.plan import conflict_problems, day_number, yamltree

BOM = "\ufeff"


@dataclass(slots=True)
class Merged:
    data: bytes
    conflicts: int  # conflict blocks in `data`
    fallback: str = ""  # why git's line merge was used instead, if it was
    renumbered: tuple[Renumbered, ...] = ()  # the local side's issues given a new id (see mergeids.py)
    renamed: tuple[Renamed, ...] = ()  # sessions whose note the merge numbers otherwise


@dataclass(frozen=True, slots=True)
class Renamed:
    """A session whose number of its day (plan.day_number: what its note's title and file name carry) the merge
    changed, as a session of that day from the other side now comes before it in date order: a note made of it
    before and one made now have different names."""

    date: str
    started: str
    side: str  # "ours" or "theirs": the side whose number it had
    before: int
    after: int


class Unsupported(Exception):
    """What the structural merge cannot do; the line merge is used instead."""


def merge_plans(
    base: bytes,
    ours: bytes,
    theirs: bytes,
    path: str = "plan",
    labels: tuple[str, str, str] = ("base", "ours", "theirs"),
    marker_size: int = 7,
    local: str | None = None,
) -> Merged:
    """The merge of `theirs` into `ours`, both changed from `base`.

    `local` ("ours" or "theirs"): the side only this clone has, whose issues added under an id the other
    side also added may be given the next free id (mergeids.py); None: such an issue is a conflict."""
    if ours == theirs or theirs == base:
        return Merged(ours, 0)
    if ours == base:
        return Merged(theirs, 0)
    try:
        return _structural(base, ours, theirs, path, labels, marker_size, local)
    except Unsupported as exc:
        data, conflicted = line_merge(base, ours, theirs, labels, marker_size)
        return Merged(data, int(conflicted), str(exc))


def _structural(base, ours, theirs, path, labels, marker_size, local) -> Merged:
    names = ("base", "ours", "theirs")
    texts = [_decode(data, name) for data, name in zip((base, ours, theirs), names, strict=True)]
    for text, name in zip(texts, names, strict=True):
        if conflict_problems(text, path):
            raise Unsupported(f"{name} holds conflict markers")
    ids = settle_ids(texts, names.index(local) if local in names[1:] else None)
    moved = ids.moved
    trees = []
    for text, name in zip(ids.texts, names, strict=True):
        try:
            trees.append(cut(text))
        except Uncut as exc:
            raise Unsupported(f"{name} does not load: {exc}") from None
    clashing = frozenset(("id", text, 0) for text in ids.clashing)
    merged = _merge(trees[0], trees[1], trees[2], _Ids(clashing, ours_last=local == "ours"))
    assert merged is not None  # the top group is on every side
    count = 0
    if merged.clashes:
        result, clashes = _spans(merged)
        _parses(result, "ours")
        _parses(_resolved(result, clashes), "theirs")
        result, count = _mark(result, clashes, labels, marker_size)
    else:
        result = merged.text
        try:
            again = cut(result)
        except Uncut as exc:
            raise Unsupported(f"the structural merge does not load: {exc}") from None
        if not _same(again, merged):
            raise Unsupported("the structural merge does not read back as merged")
    bom = BOM if ours.startswith(BOM.encode()) else ""
    renamed = _renamed(trees[1], trees[2], merged)
    return Merged((bom + result).encode(), count, renumbered=tuple(moved), renamed=renamed)


def _renamed(ours: Group, theirs: Group, merged: Group) -> tuple[Renamed, ...]:
    """The sessions whose day number in the merged plan neither side gave them (one that a side numbers so already
    was renumbered by an earlier merge, or the commit before in a rebase), each with the first side that holds it."""
    after = _day_numbers(merged)
    sides = [(side, _day_numbers(tree)) for side, tree in (("ours", ours), ("theirs", theirs))]
    found = []
    for key, number in after.items():
        held = [(side, numbers[key]) for side, numbers in sides if key in numbers]
        if held and all(before != number for _, before in held):
            found.append(Renamed(key[1], key[2], held[0][0], held[0][1], number))
    return tuple(found)


def _day_numbers(tree: Group) -> dict[tuple, int]:
    """The day number of each session of `tree` (a plan's top group), by its name in the merge."""
    sessions = next((child for child in tree.parts() or [] if child.key == "sessions"), None)
    value = next((part for part in (sessions.parts() or []) if part.key == VALUE), None) if sessions else None
    items = [item.key for item in (value.parts() or [])] if value is not None and not value.scalar else []
    named = [key for key in items if isinstance(key, tuple) and key[:1] == ("date",)]
    dates = [key[1] for key in named]
    return {key: day_number(dates, number) for number, key in enumerate(named)}


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unsupported(f"{name} is not UTF-8") from None
    return text[1:] if text.startswith(BOM) else text


@dataclass(frozen=True, slots=True)
class _Ids:
    """Issues added on both sides under one id (mergeids.py), by their key among a phase's issues; and which
    side's additions at one place come first."""

    clashing: frozenset = frozenset()  # still one id for two issues: theirs is a conflict wherever it stands
    # ours is the side only this clone has (`git pull`'s merge): its additions after theirs, as in a rebase,
    # where theirs is that side; so both give the same plan, and your renumbered issue stays in your order
    ours_last: bool = False


def _merge(base: Group | None, ours: Group | None, theirs: Group | None, ids: _Ids = _Ids()) -> Group | None:
    """The merged group (None: there is none), with its clashes marked in it."""
    if base is None and ours is None and theirs is not None and _holds_clashing(theirs, ids):
        return _clash(None, None, theirs)  # ours added this id elsewhere (at the same place it clashes below)
    mine, other, old = (None if group is None else group.text for group in (ours, theirs, base))
    if mine == other or other == old:
        return ours
    if mine == old and not _may_hold(ids, base, theirs):
        return theirs
    if ours is None or theirs is None or (base is None and not _lists(ours, theirs)):
        return _clash(base, ours, theirs)
    old_parts, my_parts, other_parts = [] if base is None else base.parts(), ours.parts(), theirs.parts()
    if old_parts is None or my_parts is None or other_parts is None:
        return _clash(base, ours, theirs)
    if (
        base is not None
        and (base.flow or ours.flow or theirs.flow)
        and not (_keys(old_parts) == _keys(my_parts) == _keys(other_parts) and base.flow == ours.flow == theirs.flow)
    ):
        return _clash(base, ours, theirs)  # a flow collection's commas and brackets do not cut apart
    sides = [{child.key: child for child in side} for side in (old_parts, my_parts, other_parts)]
    children = []
    for key in _order(old_parts, my_parts, other_parts, ids.ours_last):
        child = _merge(sides[0].get(key), sides[1].get(key), sides[2].get(key), ids)
        if child is not None:
            children.append(child)
    text = "".join(child.text for child in children)
    return Group(
        ours.key,
        text,
        0,
        len(text),
        children,
        flow=ours.flow,
        order=ours.order,
        clashes=sum(child.clashes for child in children),
    )


def _lists(ours: Group, theirs: Group) -> bool:
    """Whether both sides added a block list, or the entry that holds one: `sessions:` in a plan that had
    none, `steps:` in an issue that had none.  Its items merge as items both sides added at one place; one
    added on both sides under one name with different content is still a conflict, as is any other group
    both sides added (an issue under one id)."""
    nodes = [group.node[1] if isinstance(group.node, tuple) else group.node for group in (ours, theirs)]
    return all(isinstance(node, yamltree.Sequence) and not node.flow for node in nodes)


def _holds_clashing(theirs: Group, ids: _Ids) -> bool:
    """Whether a group theirs added is, or is a phase that holds, an issue ours added under the same id."""
    if not ids.clashing:
        return False
    if theirs.key in ids.clashing:
        return True
    issues = theirs.node.get("issues") if isinstance(theirs.node, yamltree.Mapping) else None
    return isinstance(issues, yamltree.Sequence) and any(
        isinstance(item, yamltree.Mapping)
        and isinstance(item.get("id"), yamltree.Scalar)
        and ("id", item.get("id").text, 0) in ids.clashing
        for item in issues.items
    )


def _may_hold(ids: _Ids, base: Group | None, theirs: Group | None) -> bool:
    """Whether a group only theirs changed is looked inside rather than taken whole: it may hold an issue
    that ours added elsewhere under the same id (a block collection, when there are such ids)."""
    return bool(
        ids.clashing
        and base is not None
        and theirs is not None
        and not (base.flow or theirs.flow)
        and base.parts() is not None
        and theirs.parts() is not None
    )


def _clash(base: Group | None, ours: Group | None, theirs: Group | None) -> Group:
    """Both sides changed this group differently: ours as the text, theirs aside."""
    key = next(group.key for group in (ours, theirs, base) if group is not None)
    mine = "" if ours is None else ours.text
    return Group(key, mine, 0, len(mine), theirs=("" if theirs is None else theirs.text), clashes=1)


def _keys(children: list[Group]) -> list[object]:
    return [child.key for child in children]


def _order(base: list[Group], ours: list[Group], theirs: list[Group], ours_last: bool) -> list[object]:
    """The children's keys in the merged order: base's, each side's additions after what they follow there,
    both sides' at one place in date order when all are dated, else ours first (`ours_last`: theirs first)."""
    place = {child.key: number for number, child in enumerate(base)}
    added: list[dict[object, list[Group]]] = [{}, {}]
    for side, name, found in ((ours, "ours", added[0]), (theirs, "theirs", added[1])):
        last, anchor = -1, None
        for child in side:
            number = place.get(child.key)
            if number is None:
                found.setdefault(anchor, []).append(child)
            elif number < last:
                raise Unsupported(f"{name} moves keys or items, which only a line merge combines here")
            else:
                last, anchor = number, child.key
    keys: list[object] = []
    seen: set[object] = set()
    for anchor in [None, *(child.key for child in base)]:
        if anchor is not None:
            keys.append(anchor)
        mine, other = added[0].get(anchor, []), added[1].get(anchor, [])
        both = other + mine if ours_last else mine + other
        if mine and other and all(child.order is not None for child in both):
            both.sort(key=lambda child: child.order or ())  # stable: a tie keeps the order above
        for child in both:
            if child.key not in seen:
                seen.add(child.key)
                keys.append(child.key)
    return keys


def _same(read: Group, merged: Group) -> bool:
    """Whether the merged text, cut again, gives the merged tree: the same names and texts throughout,
    and inside what was taken whole from a side, the same nodes at the same places."""
    pairs = [(read, merged)]
    while pairs:
        one, two = pairs.pop()
        if one.key != two.key or one.text != two.text:
            return False
        if same_inside(one, two):
            continue
        parts = one.parts(), two.parts()
        if parts[0] is None or parts[1] is None:
            if parts[0] is not parts[1]:
                return False
        elif len(parts[0]) != len(parts[1]):
            return False
        else:
            pairs.extend(zip(parts[0], parts[1], strict=True))
    return True


def _spans(merged: Group) -> tuple[str, list[tuple[int, int, str]]]:
    """The merged text with ours in each clash, and the clashes [(start, end, theirs)] in it."""
    clashes: list[tuple[int, int, str]] = []
    at = 0
    stack = [merged]
    while stack:
        group = stack.pop()
        if group.theirs is not None:
            clashes.append((at, at + len(group.text), group.theirs))
        if group.clashes and group.children is not None:
            stack.extend(reversed(group.children))
        else:
            at += len(group.text)
    return merged.text, clashes


def _resolved(result: str, clashes: list[tuple[int, int, str]], first: int = 0, last: int | None = None) -> str:
    """`result[first:last]` with theirs in every clash (all inside it)."""
    pieces, done = [], first
    for start, end, theirs in clashes:
        pieces += [result[done:start], theirs]
        done = end
    return "".join([*pieces, result[done:last]])


def _parses(text: str, name: str) -> None:
    try:
        cut(text)
    except Uncut as exc:
        raise Unsupported(f"taking {name} in every conflict does not load: {exc}") from None


def _mark(result: str, clashes: list[tuple[int, int, str]], labels, marker_size: int) -> tuple[str, int]:
    """`result` with each clash's whole line(s) between git's markers, ours then theirs; and how many blocks.

    Clashes that share a line are one block."""
    blocks: list[tuple[int, int, list[tuple[int, int, str]]]] = []
    for start, end, theirs in clashes:
        first = result.rfind("\n", 0, start) + 1
        if end == first or (end > first and result[end - 1] == "\n"):
            last = end  # the clash is whole lines already (or none, at a line's start)
        else:
            found = result.find("\n", end)
            last = len(result) if found < 0 else found + 1
        if blocks and first < blocks[-1][1]:
            blocks[-1] = (blocks[-1][0], max(last, blocks[-1][1]), [*blocks[-1][2], (start, end, theirs)])
        else:
            blocks.append((first, last, [(start, end, theirs)]))
    newline = "\r\n" if "\r\n" in result else "\n"
    out: list[str] = []
    done = 0
    for first, last, inside in blocks:
        mine, other = result[first:last], _resolved(result, inside, first, last)
        out += [
            result[done:first],
            "<" * marker_size + f" {labels[1]}{newline}",
            _whole_lines(mine, newline),
            "=" * marker_size + newline,
            _whole_lines(other, newline),
            ">" * marker_size + f" {labels[2]}{newline}",
        ]
        done = last
    out.append(result[done:])
    return "".join(out), len(blocks)


def _whole_lines(text: str, newline: str) -> str:
    return text + newline if text and not text.endswith("\n") else text
