"""An issue added to a phase of a plan read in part, from the lines of the phase's last issues alone.

`tracker add issue PHASE TITLE` on a 10,000-issue plan decoded the whole cached
model, edited and re-read the whole text and moved every issue after the new
one: half a second.  The new issue goes after the phase's last issue, in the
style of its last two, so their lines are all the edit needs (plan.load_part
decodes those two from the parse cache): they are read as a block list alone,
the issue is appended to it as the whole-text edit appends it
(AddIssue.append_to), and the writer's verification reads the new lines again
alone and splices them into the plan (plan/splice.py), its id checked against
every key the cache holds.  The bytes around the window are copied; the issues
after it are moved where the parse cache decodes them (parsecache.store_part).

The new id is the plan's next number (edit/adding.next_id) from the cache's
keys, when every id is a number; other sequences, and whatever these lines
cannot vouch for, raise NeedWhole before a byte is written.
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec.structs import replace

from tracker.edit import window
from tracker.edit.adding import AddIssue, find_phase, next_id
from tracker.edit.nodes import NeedWhole
from tracker.plan import LoadedOk, splice, yamltree

BOM = b"\xef\xbb\xbf"


def append_issue(
    loaded: LoadedOk, change: AddIssue, data: bytes, where: str, verify: Callable[..., LoadedOk]
) -> tuple[LoadedOk, tuple[memoryview, bytes, memoryview], int]:
    """The plan after `change`, the file's new bytes (before the window, in it, after it) and the lines they gained (`data`: the file as it was when
    `loaded`, a plan read in part, was read; `verify`: the writer's check of the edited lines)."""
    part = loaded.part
    if part is None or not part.plain or not part.numbered or change.id is not None:
        raise NeedWhole
    phase = find_phase(loaded.project, change.phase, where)
    issues = phase.issues
    if phase is not loaded.project.phases[part.phase] or not issues:
        raise NeedWhole  # the part holds another phase's issues, or none: the whole plan says where it goes
    numbered = replace(change, id=str(next_id([int(key) for key in part.keys])))
    start = len(BOM) if data.startswith(BOM) else 0
    first_line, column = issues[0].where()
    at = window.line_offset(data, start, first_line)
    # Counted on from the first issue's line, not from the top again (a few MiB of a big plan).
    lines = issues[-1].where()[0] - first_line
    last = window.line_offset(data, at, lines + 1) if at is not None and lines >= 0 else None
    if at is None or last is None:
        raise NeedWhole
    end = splice.item_end(data, last, column)
    old = data[at:end].decode("utf-8")  # whole lines of a file that was decoded when it was read
    seq = _issues(old, len(issues), column)
    new_text = numbered.append_to(old, seq, loaded.project)
    new = verify(loaded, old, new_text, numbered, where, first_line=first_line)
    out = (memoryview(data)[:at], new_text.encode("utf-8"), memoryview(data)[end:])
    return new, out, new_text.count("\n") - old.count("\n")


def _issues(text: str, count: int, column: int) -> yamltree.Sequence:
    """The block list of `count` issues (their keys at `column`) that `text` holds alone; else NeedWhole."""
    try:
        tree = yamltree.parse(text)
    except yamltree.YamlError:
        raise NeedWhole from None
    seq = tree.root
    if (
        tree.problems
        or seq is None
        or seq.kind != "sequence"
        or seq.flow
        or len(seq.items) != count
        or any(item.kind != "mapping" or item.flow or item.column != column for item in seq.items)
    ):
        raise NeedWhole
    return seq
