"""A changed plan read again from the one before it: only the issues whose lines changed are parsed.

Parsing a 10,000-issue plan takes over a second; the text of one issue, a
millisecond.  An issue is an item of a block list, and such an item is
self-contained: the line holding its dash plus the lines after it indented at
least as far as its keys (blank and comment lines aside), which parse alone to
the same nodes (`item_end`, `parse_item`; edit/window.py reads the nodes to
edit with them too).  So when two texts differ only inside a run of issues of
one phase, the new plan is the old one with those issues read again from the
new lines, and everything after them moved by the lines gained or lost.

The bytes decide, not trust: the texts are compared to find what changed; the
old issues are found where the old model says they start; the new lines must
be tiled exactly by items with the same lead (indentation and dash) that parse
alone without a problem, and end where the unchanged text resumes.  Anything
else (a change outside the issues, a line break libyaml counts that the
windows do not, conflict markers, a problem in the changed lines) gives None,
and the caller parses the whole text, as it always did.

`reload` answers the dashboard's external edits (with every rule checked
again, so the result equals a full load); `splice(..., whole_rules=False)` is
the writer's verification, which checks only the rules one issue can break and
asks that nothing else moved (edit/writer.py compares the result with the
change's expected plan).
"""

from __future__ import annotations

import bisect
import gc
import re
import sys
from collections.abc import Callable, Collection
from functools import cache, lru_cache
from itertools import pairwise

from msgspec.structs import replace

from tracker.plan import rules, shape, yamltree
from tracker.plan.loader import Loaded, LoadedOk
from tracker.plan.model import WIDE, Project, Record, moved_places, positions_of
from tracker.plan.problems import Problem, sort_key

# Line breaks libyaml counts besides \n and \r\n; a text with any of them (or a
# lone \r) is left to the whole-file parse, so lines here are \n-separated.
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
# The same in UTF-8, each after its last byte: a byte is found in C at memory speed, a sequence of them
# ten times slower (10 ms on a 10,000-issue plan), so the sequence is looked for only where the byte is.
_OTHER_BREAK_BYTES = tuple((ch.encode("utf-8")[-1:], ch.encode("utf-8")) for ch in _OTHER_BREAKS)
# What may stand on the first line before the mapping: its indentation and the dashes of the lists it opens.
LEAD = re.compile(r" *(?:- +)*")
MAX_ISSUES = 200  # a change touching more issues than this is parsed whole: as fast, and simpler


def plain_breaks(text: str | bytes) -> bool:
    """Whether `text` (or its UTF-8 bytes) breaks lines only with \\n or \\r\\n, as the windows count them."""
    if isinstance(text, bytes):
        others = any(last in text and whole in text for last, whole in _OTHER_BREAK_BYTES)
        return not others and (b"\r" not in text or text.count(b"\r") == text.count(b"\r\n"))
    return not any(ch in text for ch in _OTHER_BREAKS) and ("\r" not in text or text.count("\r") == text.count("\r\n"))


def item_end(text: str | bytes, start: int, column: int) -> int:
    """Where the list item whose first line starts at offset `start`, keys at `column`, ends: the start
    of the first line after it with content indented less than its keys (or the end of the text).
    Offsets are of characters in a text, of bytes in UTF-8 bytes."""
    after = _end_of_item(column, isinstance(text, bytes)).search(text, start)
    return after.start() + 1 if after else len(text)


def parse_item(text: str, start: int, end: int, line: int, column: int) -> yamltree.Mapping | None:
    """The mapping of the list item `text[start:end]` (its first line is `line`, its keys at `column`),
    placed as in the whole text; None when those lines do not parse alone to one mapping, cleanly."""
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
    # In the whole text a block collection ends where the next content starts,
    # past the blank and comment lines that end the window.
    next_content = _end_of_item(column).search(text, start)
    _place(node, line - 1, start, len(window), next_content.end() - 1 if next_content else None)
    return node


@lru_cache(maxsize=64)
def _end_of_item(column: int, binary: bool = False) -> re.Pattern:
    """The line break before the first line with content that is indented less than the item's keys."""
    pattern = rf"\n(?! {{{column - 1}}})[ \t]*[^ \t\r\n#]"
    return re.compile(pattern.encode("ascii") if binary else pattern)


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


# --- the whole plan from the one before ----------------------------------------------------


def reload(before: Loaded, data: bytes, digest: str) -> Loaded | None:
    """The plan in `data` read from `before` (the plan the same file held), or None to load it whole.

    Only a plan that loaded without a single problem is a base: its problems
    would have to be told apart into those of the lines kept and the rules'.
    """
    if not before.ok or before.problems or before.project is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return splice(before, before.text, text.removeprefix("\ufeff"), digest)  # type: ignore[arg-type]


def splice(
    base: LoadedOk,
    old: str,
    new: str,
    digest: str = "",
    whole_rules: bool = True,
    same: Callable[[Project], bool] | None = None,
    partial: bool = False,
    first_line: int = 1,
    keys: Collection[str] | None = None,
    spot: tuple[int, int] | None = None,
) -> Loaded | None:
    """The plan in `new`, read from `base` (the plan in `old`) where only issues changed; else None.

    The result equals what load_text(new) gives, problems included.  When the
    changed issues break no rule of their own, keep their ids, keep the ids
    unique and depend on what they did, no rule of the whole plan can change its
    answer, so the problems are `base`'s, moved with their lines.  Otherwise,
    with `whole_rules` every rule is checked again (`base` must have had no
    problem: those of its kept lines could not be told from the rules'); without
    (the writer, which refuses such a change anyway), None.

    `same`, when given, is asked first about the new plan with nothing moved
    yet (it shares every record but the changed issues with `base`, so it is
    compared quickly); when it says no, None.

    `partial`: `base` was read in part (loader.load_part: its plan holds the changed issues and no
    other), so what needs the other issues is None: lines gained or lost (the others would move),
    and an id new to the plan (is it unique?).  Unless `keys` are given, every issue's key in `base`'s
    plan: then a new id is checked against them, and lines may be gained or lost (the caller moves
    the issues it does not hold: parsecache.store_part).

    `first_line`: the line of the file `old` and `new` start at, when they are a window of it
    (edit/writer.py gives the edited issue's lines alone; the file around them is the same bytes).
    `spot`: (phase index, issue index) of the issue whose lines the window is, which then need not be
    looked for among the places of every issue (70 ms at 100,000 issues, the dashboard's first write).
    """
    if old == new or "<<<<<<<" in new or not plain_breaks(new) or (whole_rules and base.problems):
        return None
    where = str(base.path)
    found = _changed_issues(base.project, old, new, first_line, spot)
    if found is None:
        return None
    phase_index, first, last, start, old_end, line = found
    phase = base.project.phases[phase_index]
    new_end = old_end + len(new) - len(old)
    lead = old[start : start + phase.issues[first].where()[1] - 1]
    issues = _read_issues(new, start, new_end, line, lead, first, where)
    if issues is None or (not issues and first == 0 and last == len(phase.issues)):
        return None  # a list left with no items is no longer a list: the whole parse says what it is
    project = _replaced(base.project, phase_index, first, last, issues)
    if same is not None and not same(project):
        return None
    after = line + old.count("\n", start, old_end)  # the first line past the old issues
    moved = new.count("\n", start, new_end) - (after - line)
    if moved and partial and keys is None:
        return None
    if moved:
        project = _moved(project, phase_index, first + len(issues), after, moved)
    replaced = phase.issues[first:last]
    kept = _kept_problems(base.problems, line, after, moved)
    gone = {issue.key for issue in replaced} - {issue.key for issue in issues}
    local = kept is not None and not gone and _issues_keep_the_rules(project, replaced, issues, where, partial, keys)
    if local and kept is not None:
        # No rule of the whole plan looks at anything that changed: the problems are the ones it had.
        problems = kept
    elif whole_rules:
        problems = []
        rules.check(project, where, problems)
        problems.sort(key=sort_key)
    else:
        return None
    if not moved:
        _carry_starts(base.project, project, replaced, issues)
    return Loaded(base.path, project, problems, new, digest, base.max_bytes)


def _changed_issues(
    project: Project, old: str, new: str, first_line: int = 1, spot: tuple[int, int] | None = None
) -> tuple[int, int, int, int, int, int] | None:
    """(phase, first issue, end issue, start offset, end offset, first line) of the run of issues of one
    phase whose lines in `old` hold every difference from `new`; None when the differences are elsewhere.
    `spot`: the issue they start in, when the caller knows it (see splice)."""
    a = _shared(old, new, len(old))
    b = len(old) - _shared(old, new, min(len(old), len(new)) - a, at_end=True)
    line_a = old.count("\n", 0, a) + first_line
    if spot is not None:
        phase_index, first = spot
        packed = project.phases[phase_index].issues[first].start()
        if packed <= 0 or packed >= (line_a + 1) * WIDE:  # a column past WIDE, or the change before it
            return None
    else:
        places, owners = _issue_starts(project)
        k = bisect.bisect_left(places, (line_a + 1) * WIDE) - 1
        if k < 0:
            return None
        packed, (phase_index, first) = places[k], owners[k]
    line, column = divmod(packed, WIDE)
    issues = project.phases[phase_index].issues
    start = _line_start_before(old, a, line_a - line)
    if start is None or not _dash_lead(old, start, column):
        return None
    end, last = item_end(old, start, column), first + 1
    if a > end:
        return None  # past the item: between phases, or in a phase's keys after its issues
    while end < b:
        if (
            last == len(issues)
            or last - first >= MAX_ISSUES
            or issues[last].where()
            != (
                line + old.count("\n", start, end),
                column,
            )
        ):
            return None  # the next content is no issue of this list
        end, last = item_end(old, end, column), last + 1
    return phase_index, first, last, start, end, line


def _read_issues(text: str, start: int, end: int, line: int, lead: str, first: int, where: str) -> list | None:
    """The issues that tile `text[start:end]` exactly, each item starting with `lead`; None if they do not."""
    column = len(lead) + 1
    issues: list = []
    problems: list[Problem] = []
    check = shape.issue_checker()
    gc_was_on = gc.isenabled()
    gc.disable()  # as in the loader: trees and records have no cycles
    try:
        while start < end:
            first_key = start + len(lead)
            if (
                len(issues) >= MAX_ISSUES
                or not text.startswith(lead, start)
                or text[first_key : first_key + 1] in " \t\r\n#"
            ):
                return None
            stop = item_end(text, start, column)
            node = parse_item(text, start, stop, line, column) if stop <= end else None
            if node is None:
                return None
            issue = check(node, shape.context(where, problems), f"item {first + len(issues) + 1} of 'issues'")
            if problems or issue is shape.INVALID:
                return None
            issues.append(issue)
            line += text.count("\n", start, stop)
            start = stop
    finally:
        if gc_was_on:
            gc.enable()
    return issues if start == end else None


def _shared(a: str, b: str, limit: int, at_end: bool = False) -> int:
    """How many characters `a` and `b` share from their start (or end), at most `limit`; compared in C,
    by growing slices, then halving the one that differs."""

    def same(low: int, high: int) -> bool:
        if at_end:
            return a[len(a) - high : len(a) - low] == b[len(b) - high : len(b) - low]
        return a[low:high] == b[low:high]

    n = min(limit, len(a), len(b))
    low, step = 0, 1 << 12
    while low < n:
        high = min(low + step, n)
        if not same(low, high):
            while high - low > 1:  # `low` characters are shared, `high` are not
                middle = (low + high) // 2
                if same(low, middle):
                    low = middle
                else:
                    high = middle
            return low
        low, step = high, step * 2
    return n


_starts: tuple[Project, list[int], list[tuple[int, int]]] | None = None  # the last plan asked about, its answer


def _issue_starts(project: Project) -> tuple[list[int], list[tuple[int, int]]]:
    """The packed place (model.place) of each issue, in plan order, which is line order; and its
    (phase index, issue index).  Kept for the last plan: the dashboard splices each edit onto the
    plan the last one made (a loaded plan never changes in place)."""
    global _starts
    last = _starts
    if last is not None and last[0] is project:
        return last[1], last[2]
    places = [place for phase in project.phases for place in _places(phase.issues)]
    owners = [(p, i) for p, phase in enumerate(project.phases) for i in range(len(phase.issues))]
    if any(b <= a for a, b in pairwise(places)):  # a column past WIDE, or a model not in file order
        places, owners = [], []
    _starts = (project, places, owners)
    return places, owners


def _carry_starts(old: Project, new: Project, replaced: list, issues: list) -> None:
    """Keep the places of `old`'s issues for `new`, when the issues that replaced `replaced` start where
    theirs did and nothing moved: the dashboard's next edit then finds its issue without walking the plan."""
    global _starts
    last = _starts
    if last is not None and last[0] is old and _places(replaced) == _places(issues):
        _starts = (new, last[1], last[2])


def _places(issues: list) -> list[int]:
    return [issue.start() for issue in issues]


def _line_start_before(text: str, offset: int, lines: int) -> int | None:
    """The offset of the line `lines` lines above the one holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    for _ in range(lines):
        if start == 0:
            return None
        start = text.rfind("\n", 0, start - 1) + 1
    return start


def _dash_lead(text: str, start: int, column: int) -> bool:
    """Whether the line at `start` opens a list item whose keys stand at `column`: indentation, then dashes."""
    return LEAD.fullmatch(text, start, start + column - 1) is not None and "-" in text[start : start + column - 1]


# --- moving what follows ------------------------------------------------------------------


def _replaced(project: Project, phase_index: int, first: int, last: int, issues: list) -> Project:
    """`project` with issues [first, last) of the phase replaced by `issues`; nothing else touched."""
    phase = project.phases[phase_index]
    phase = replace(phase, issues=[*phase.issues[:first], *issues, *phase.issues[last:]])
    return replace(project, phases=[*project.phases[:phase_index], phase, *project.phases[phase_index + 1 :]])


def _moved(project: Project, phase_index: int, past: int, after: int, lines: int) -> Project:
    """`project` with every place on line `after` or below moved by `lines`: those of the phase's issues
    from `past` on, of the phases after it, and of whatever follows the phases."""
    move = _Move(after, lines)
    gc_was_on = gc.isenabled()
    gc.disable()  # tens of thousands of records and dicts, none in a cycle
    try:
        phase = project.phases[phase_index]
        phase = replace(phase, at=move.at(phase), issues=[*phase.issues[:past], *map(move.record, phase.issues[past:])])
        phases = [*project.phases[:phase_index], phase, *map(move.record, project.phases[phase_index + 1 :])]
        others = {
            name: move.record(value) if many is None else list(map(move.record, value))
            for name, many in _children(Project)
            if name != "phases" and (value := getattr(project, name)) is not None
        }
        return replace(project, at=move.at(project), phases=phases, **others)
    finally:
        if gc_was_on:
            gc.enable()


def shifted(record, lines: int):
    """`record` and every record in it with their places moved down by `lines` (the parse cache keeps the
    issues after an added one as they were, and moves them where they are decoded)."""
    return _Move(0, lines).record(record)


class _Move:
    """Places (model.place) on line `after` or below, moved down by `lines` (up when negative)."""

    def __init__(self, after: int, lines: int):
        self.after = after
        self.lines = lines
        self.low = after * WIDE  # a packed place at or past this is on line `after` or below
        self.by = lines * WIDE
        self._movers: dict[type, object] = {}

    def at(self, record: Record) -> bytes:
        """`record`'s positions with only the places past the change moved: for the records that hold it."""
        low, by, wide = self.low, self.by, self._wide
        return positions_of(
            {key: v + by if v >= low else v if v > 0 else wide(v) for key, v in record.places().items()}
        )

    def record(self, record):
        """`record` and the records in it, moved, when it starts past the change (then all of it is)."""
        if record.where()[0] < self.after:
            return record
        mover = self._movers.get(type(record))
        if mover is None:
            mover = self._movers[type(record)] = self._mover(type(record))
        return mover(record)

    def _mover(self, cls):
        """A function moving a whole record of type `cls`, its fields that hold records looked up once."""
        lines = self.lines
        children = [(name, many, self._mover(many or child)) for name, many, child in _child_types(cls)]
        if not children:
            return lambda record: replace(record, at=moved_places(record.at, lines))

        def move(record):
            changes = {}
            for name, many, mover in children:
                value = getattr(record, name)
                if value is not None:
                    changes[name] = list(map(mover, value)) if many else mover(value)
            return replace(record, at=moved_places(record.at, lines), **changes)

        return move

    def _wide(self, value: int) -> int:
        """A place packed as -(line << 32 | column), moved when it is on line `after` or below."""
        return value - (self.lines << 32) if (-value) >> 32 >= self.after else value


@cache
def _child_types(cls) -> tuple[tuple[str, type | None, type | None], ...]:
    """(field, item type if a list, else None; record type if not a list) of each field of `cls` holding records.

    Read from the annotations as written (`list[Step]`, `NotesSettings | None`), the names looked up in the
    record's module: msgspec.inspect resolves every type below the record too, 5-10 ms of a `tracker set`
    that decodes an issue the parse cache keeps moved (tests/test_splice.py holds this to what it says).
    """
    written: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        written.update(getattr(klass, "__annotations__", {}))
    names = vars(sys.modules[cls.__module__])
    out = []
    for name in cls.__struct_fields__:
        found = _TYPE.fullmatch(written[name])
        if found is None:
            continue
        inner = names.get(found["name"])
        if isinstance(inner, type) and issubclass(inner, Record):
            many = found["many"] is not None
            out.append((name, inner if many else None, None if many else inner))
    return tuple(out)


# A field holding records, as model.py writes it: `Step`, `Step | None`, `list[Step]`, `list[Step] | None`.
_TYPE = re.compile(r"(?P<many>list\[)?(?P<name>\w+)(?(many)\])(?: \| None)?")


def _children(cls) -> list[tuple[str, type | None]]:
    return [(name, many) for name, many, _ in _child_types(cls)]


# --- what the writer's verification needs of the rules ---------------------------------------


def _kept_problems(problems: list[Problem], line: int, after: int, lines: int) -> list[Problem] | None:
    """`problems` moved with their lines; None when one stands in the changed lines (it would need reading again)."""
    kept = []
    for problem in problems:
        at = problem.line or 0
        if line <= at < after:
            return None
        kept.append(_at_line(problem, at + lines) if at >= after and lines else problem)
    return kept


def _at_line(problem: Problem, line: int) -> Problem:
    return Problem(problem.path, line, problem.column, problem.message, problem.severity)


def _issues_keep_the_rules(
    project: Project, replaced: list, issues: list, where: str, partial: bool, plan_keys: Collection[str] | None
) -> bool:
    """Whether the changed `issues` (in place of `replaced`) break no rule of their own, keep the ids unique,
    and depend on what they did (an issue new to the plan on nothing).  In a plan read in part, a new id
    is checked against `plan_keys` (every issue's key before the change); without them: no."""
    before = {issue.key: issue for issue in replaced}
    keys = [issue.key for issue in issues]
    if len(set(keys)) != len(keys):
        return False
    if new_keys := set(keys) - before.keys():
        if partial:
            if plan_keys is None or not new_keys.isdisjoint(plan_keys):
                return False
        else:
            every = [issue.key for _, issue in project.issues()]  # an id new to the plan: is it unique?
            if len(set(every)) != len(every):
                return False
    for issue in issues:
        was = before.get(issue.key)
        if (was.depends_on if was is not None else []) != issue.depends_on:
            return False
        if rules.issue_problems(project, issue, where):
            return False
    return True
