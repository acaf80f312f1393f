"""Three-way merge of plan files by structure: git's merge driver for the plan.

Each side is cut into segments: every scalar (keys and values, as written) and
the text between them (indentation, punctuation, comments).  When the three
sides hold the same keys and items in the same places, segment i of the result
is merged alone: the side that changed it wins, both sides' equal changes are
one, and different changes are a conflict confined to that segment's line(s).
So statuses of adjacent issues, two steps of one issue or a comment beside a
status combine however close their lines are.  Sessions appended to the
plan's closing `sessions:` list on either side are set aside first and come
back after the merge, both sides', in date order.  Anything else (an item
added or removed on both sides, a side that does not parse) goes to git's
own line merge, and the reason is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.git import line_merge
from tracker.plan import conflict_problems, load_text, yamltree

BOM = "\ufeff"


@dataclass(slots=True)
class Merged:
    data: bytes
    conflicts: int  # conflict blocks in `data`
    fallback: str = ""  # why git's line merge was used instead, if it was


class Unsupported(Exception):
    """What the structural merge cannot do; the line merge is used instead."""


def merge_plans(
    base: bytes,
    ours: bytes,
    theirs: bytes,
    path: str = "plan",
    labels: tuple[str, str, str] = ("base", "ours", "theirs"),
    marker_size: int = 7,
) -> Merged:
    """The merge of `theirs` into `ours`, both changed from `base`."""
    if ours == theirs or theirs == base:
        return Merged(ours, 0)
    if ours == base:
        return Merged(theirs, 0)
    try:
        return _structural(base, ours, theirs, path, labels, marker_size)
    except Unsupported as exc:
        data, conflicted = line_merge(base, ours, theirs, labels, marker_size)
        return Merged(data, int(conflicted), str(exc))


def _structural(base, ours, theirs, path, labels, marker_size) -> Merged:
    texts = [_decode(data, name) for data, name in ((base, "base"), (ours, "ours"), (theirs, "theirs"))]
    texts, appended = _set_sessions_aside(texts)
    cuts = [_segments(text, name, path) for text, name in zip(texts, ("base", "ours", "theirs"), strict=True)]
    keys = [[key for key, _ in cut] for cut in cuts]
    if not keys[0] == keys[1] == keys[2]:
        raise Unsupported("the sides add, remove or move keys or items, which only a line merge combines here")
    pieces: list[str] = []
    clashes: list[tuple[int, int, str]] = []  # (start, end) in the result of ours' text, and theirs' text
    at = 0
    for (_, b), (_, o), (_, t) in zip(*cuts, strict=True):
        if o == t or t == b:
            piece = o
        elif o == b:
            piece = t
        else:
            clashes.append((at, at + len(o), t))
            piece = o
        pieces.append(piece)
        at += len(piece)
    result = "".join(pieces)
    if clashes:
        result = _mark(result, clashes, labels, marker_size)
    result = _append(result, appended)
    if not clashes:
        _check(result, texts, path)
    bom = BOM if ours.startswith(BOM.encode()) else ""
    return Merged((bom + result).encode(), len(clashes))


def _set_sessions_aside(texts: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The texts without the sessions each side appended, and those [(date, the item's lines)].

    Only the plan's last key, `sessions:` as a block list, is looked at: there
    an appended item runs from its line to the end of the file.
    """
    lists = [_closing_sessions(text) for text in texts]
    if lists[0] is None or any(found is None for found in lists):
        return texts, []
    known = len(lists[0].items)
    kept, appended = [texts[0]], []
    for text, found in zip(texts[1:], lists[1:], strict=True):
        if found is None or len(found.items) <= known:
            kept.append(text)
            continue
        starts = [text.rfind("\n", 0, item.start) + 1 for item in found.items[known:]] + [len(text)]
        for item, start, end in zip(found.items[known:], starts, starts[1:], strict=False):
            date = item.get("date") if isinstance(item, yamltree.Mapping) else None
            appended.append(("" if date is None else str(date.value), text[start:end]))
        kept.append(text[: starts[0]])
    return kept, appended


def _closing_sessions(text: str) -> yamltree.Sequence | None:
    try:
        root = yamltree.parse(text).root
    except yamltree.YamlError:
        return None  # said when the text is cut into segments
    if not isinstance(root, yamltree.Mapping) or not root.items:
        return None
    key, value = root.items[-1]
    if key.value != "sessions" or not isinstance(value, yamltree.Sequence) or value.flow or not value.items:
        return None
    return value


def _append(result: str, appended: list[tuple[str, str]]) -> str:
    """`result` and the appended sessions after it, in date order (ours first on a tie), each once."""
    newline = "\r\n" if "\r\n" in result else "\n"
    seen: set[str] = set()
    for _, lines in sorted(appended, key=lambda pair: pair[0]):
        if lines in seen:
            continue
        seen.add(lines)
        if result and not result.endswith("\n"):
            result += newline
        result += lines
    return result


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unsupported(f"{name} is not UTF-8") from None
    return text[1:] if text.startswith(BOM) else text


def _segments(text: str, name: str, path: str) -> list[tuple[object, str]]:
    """[(what the segment is, its text)] that join to `text` exactly: each scalar and the text before it."""
    if conflict_problems(text, path):
        raise Unsupported(f"{name} holds conflict markers")
    try:
        tree = yamltree.parse(text)
    except yamltree.YamlError as exc:
        raise Unsupported(f"{name} does not load: line {exc.line}, column {exc.column}: {exc.message}") from None
    scalars: list[tuple[tuple, yamltree.Scalar]] = []
    stack: list[tuple[tuple, object]] = [((), tree.root)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, yamltree.Scalar):
            scalars.append((where, node))
        elif isinstance(node, yamltree.Mapping):
            for key, value in node.items:
                scalars.append(((*where, "key", key.text), key))
                stack.append(((*where, key.text), value))
        elif isinstance(node, yamltree.Sequence):
            stack.extend(((*where, index), item) for index, item in enumerate(node.items))
    scalars.sort(key=lambda pair: pair[1].start)
    cut: list[tuple[object, str]] = []
    at = 0
    for where, scalar in scalars:
        if scalar.start < at or scalar.end < scalar.start:
            raise Unsupported(f"{name}: a value's position could not be told")
        cut.append((("gap", where), text[at : scalar.start]))
        cut.append((where, text[scalar.start : scalar.end]))
        at = scalar.end
    cut.append((("gap", "end"), text[at:]))
    if "".join(piece for _, piece in cut) != text:
        raise Unsupported(f"{name} could not be cut into its values")
    return cut


def _mark(result: str, clashes, labels, marker_size: int) -> str:
    """`result` with each clash's whole line(s) between git's markers: ours, then theirs."""
    out: list[str] = []
    done = 0
    for start, end, theirs in clashes:
        first = result.rfind("\n", 0, start) + 1
        last = result.find("\n", end)
        last = len(result) if last < 0 else last + 1
        if first < done:
            raise Unsupported("two conflicting values share a line")
        newline = "\r\n" if result[first:last].endswith("\r\n") else "\n"
        mine = result[first:last]
        other = result[first:start] + theirs + result[end:last]
        if not mine.endswith("\n"):
            mine, other = mine + newline, other + newline
        out += [
            result[done:first],
            "<" * marker_size + f" {labels[1]}{newline}",
            mine,
            "=" * marker_size + newline,
            other,
            ">" * marker_size + f" {labels[2]}{newline}",
        ]
        done = last
    out.append(result[done:])
    return "".join(out)


def _check(result: str, texts: list[str], path: str) -> None:
    """The result must load as well as both sides did; else the line merge is used."""
    sides = [load_text(text, path) for text in texts[1:]]
    merged = load_text(result, path)
    if len(merged.errors) > max(len(side.errors) for side in sides) or (
        merged.project is None and all(side.project is not None for side in sides)
    ):
        first = merged.errors[0] if merged.errors else "no plan"
        raise Unsupported(f"the structural merge did not load ({first})")
