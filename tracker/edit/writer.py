"""The only way back from the model to the file: apply one change to the plan on disk.

    from tracker.edit.writer import apply, SetIssueStatus, WriteRefused

    try:
        loaded = apply(loaded, SetIssueStatus("4", "complete"))
    except WriteRefused as exc:
        print(exc)          # `path:line:column: error: ...`; the file was not touched

Changes:
    SetIssueStatus(issue_id, status)
    SetStepStatus(issue_id, step_index, status)      step_index counts from 0; status todo | done
    SetDeliverableStatus(issue_id, path, status, index=None)   index: which entry, when a path is named twice
    SetIssueField(issue_id, key, text)               key: owner | due (YYYY-MM-DD)
    SetDeliverableReviewed(issue_id, path, day, index=None)    day: YYYY-MM-DD, the evidence's last review
    AppendSession(date, focus=None, since=None, started=None, plan_committed=None, count=0)
                                                     date as YYYY-MM-DD; since a git revision; count: sessions seen
    EndSession(index, ended, until=None, headline=None, duration=None, accomplished=(), insights=(), day=None)
    AddPhase(title, id=None)                         id None: the next in the plan's sequence
    AddIssue(phase, title, id=None, owner=None, due=None, controls=())
    AddStep(issue_id, title, estimate=None)
    AddDeliverable(issue_id, path, type=None, purpose=None)
                                                     (edit/adding.py; `change.added(new_project)` says what was added)

`apply(loaded, change)` takes the `Loaded` the caller is looking at and returns
the freshly loaded plan after the write (the same `loaded` when the change is
already in place).  `summary(change, project)` is the one line to show for it,
e.g. "the status of issue #4: 'audit' -> 'complete'".  The value is edited in the YAML text where it stands
(edit/textedit.py), so comments, layout, quoting, a BOM, CRLF and the mode bits stay
exactly as they were.  On the way:

- the change is checked against the plan (known issue, step, deliverable, status);
- writers take turns through `phases.yaml.lock` (lock.Lock);
- the file is re-read; if its content differs from what `loaded` holds, the
  change is re-applied to the new content when the edited value is still what
  the caller saw, and refused otherwise, naming the item and what changed;
- the nodes to edit are read from the item's own lines (edit/window.py), not
  from the whole file; the new text must load to a plan that differs from the
  old model by exactly the intended change, or nothing is written.  The edited
  issue's new lines are read alone and spliced into the old model
  (plan/splice.py: the bytes outside them must be unchanged); the whole new
  text is parsed only when they cannot vouch for the result;
- the file is read only while it holds still, and watched across the rename
  (edit/ondisk.py): an in-place save by another program is waited for, and a
  write that lands between the last check and the rename is merged again;
- temporary file, fsync, content compared once more, rename (on Linux an
  exchange, so that a file another program renamed over the plan in the last
  instant is seen and merged), folder fsync.

WriteRefused is the only exception for the caller to handle; its text is ready
to print.  A plan read in part (plan.load_part: one issue decoded from the parse
cache) can take a change to that issue whose lines stay as many; anything more
raises NeedWhole before a byte is written, and the caller loads the whole plan.
Such a change is made to the issue's own lines, read from the file's bytes, and the
rest of the file is copied as bytes (_in_window): the text is never decoded whole.
A whole plan (the dashboard's) is written the same way when the file is as it was
read and the change is to one issue's lines; otherwise its whole text is edited.

TRACKER_TEST_PAUSE_AFTER_TEMP=SECONDS makes the writer wait after the temporary
file is written (atomicfile.write_temp), so tests can kill it at the worst moment;
TRACKER_TEST_PAUSE_BEFORE_RENAME=SECONDS, between the last check and the rename.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import msgspec

from tracker.edit import addwindow, ondisk, textedit, window
from tracker.edit.adding import ADDED, AddDeliverable, AddIssue, AddPhase, AddStep
from tracker.edit.commands import (
    RUN_AGAIN,
    AppendSession,
    EndSession,
    Interrupted,
    SetDeliverableReviewed,
    SetDeliverableStatus,
    SetIssueField,
    SetIssueStatus,
    SetStepStatus,
    WriteRefused,
    check_text,
)
from tracker.edit.lock import Lock, LockTimeout
from tracker.edit.nodes import IssueNodes, NeedWhole, Nodes
from tracker.git import StatusRun, Unmerged, unmerged_problem
from tracker.plan import Loaded, LoadedOk, LoadError, Problem, Project, decode, is_ok, load_text, parsecache, splice
from tracker.support import atomicfile, signals

# The changes are part of the writer's API: callers import them from here.
__all__ = [
    "apply",
    "refuse_unmerged",
    "summary",
    "WriteRefused",
    "Interrupted",
    "NeedWhole",
    "SetIssueStatus",
    "SetStepStatus",
    "SetDeliverableStatus",
    "SetIssueField",
    "SetDeliverableReviewed",
    "AppendSession",
    "AddPhase",
    "AddIssue",
    "AddStep",
    "AddDeliverable",
    "EndSession",
    "Change",
]
Change = (
    SetIssueStatus
    | SetStepStatus
    | SetDeliverableStatus
    | SetIssueField
    | SetDeliverableReviewed
    | AppendSession
    | EndSession
    | AddPhase
    | AddIssue
    | AddStep
    | AddDeliverable
)


LOCK_TIMEOUT = 15.0
BUSY_FOR = 10.0  # seconds of re-reading a file that keeps changing under us before giving up
BOM = b"\xef\xbb\xbf"
Pieces = tuple[memoryview, bytes, memoryview]  # a file's bytes before a window, the window's, after it
Spot = tuple[int, int]  # (phase index, issue index in that phase) of the one issue a window edited


def apply(
    loaded: Loaded,
    change: Change,
    lock_timeout: float = LOCK_TIMEOUT,
    warn: Callable[[str], None] | None = None,
    later: list[Callable[[], None]] | None = None,
    unmerged: StatusRun | Unmerged | None = None,
    landed: list[Loaded] | None = None,
) -> Loaded:
    """Write `change` into the plan file `loaded` came from; the plan as it now is on disk.

    `warn` is told what the user should know of a write that was made (a hard link split).
    `later`: where keeping the new plan whole in the parse cache is put, for the caller to do once the
    write is shown (the dashboard: 1.5 s at 100,000 issues, which the screen waited for); else done here.
    `unmerged`: git asked whether it left the plan unmerged (git.ask_unmerged), set going as the plan was read,
    or the dashboard's last git read's answer (git.Unmerged: git is asked again unless it still holds);
    see refuse_unmerged.
    `landed`: where the plan this write put under the name is added, in the same step as the rename, for a
    caller that says what a Ctrl+C left: one in the bytecodes after this returns, before the caller has noted
    the change, finds it there (cli/launch.said_once_written).
    """
    where = str(loaded.path)
    if not is_ok(loaded):
        first = _first_error(loaded, where)
        raise WriteRefused(
            f"{first}\n{where}: error: the plan has errors, so nothing was written; "
            "fix them first (tracker validate lists them all)"
        )
    refuse_unmerged(loaded, unmerged)
    before = change.value(loaded.project, where)
    if before == change.wanted:
        return loaded
    change.check(loaded.project, where)
    check_text(change, where)  # after check: an id's own check says where the id goes
    target = Path(os.path.realpath(loaded.path))  # through a symlink: replace the file, keep the link
    landed = [] if landed is None else landed  # the plan under the name, once this write put it there
    try:
        with (
            signals.cleanup_first(),
            Lock(target, lock_timeout) as lock,
            ondisk.Watch(target, loaded.max_bytes) as disk,
        ):
            atomicfile.remove_leftovers(target)
            written = _write(loaded, change, before, target, lock, disk, where, landed, later)
    except KeyboardInterrupt:
        if landed:  # Ctrl+C once the change was in place (the watch after the rename): it is made, say so
            raise Interrupted(landed[-1]) from None
        raise
    except LockTimeout as exc:
        raise WriteRefused(f"{where}: error: {exc}") from None
    except ondisk.Unsettled as exc:
        raise WriteRefused(f"{where}: error: {exc}") from None
    except LoadError as exc:
        raise WriteRefused(f"{exc.problem}; nothing was written") from None
    except OSError as exc:
        raise WriteRefused(
            f"{where}: error: cannot write the plan: {exc.strerror or exc}; the file was not changed"
        ) from None
    if written is None:
        raise WriteRefused(
            f"{where}: error: the file kept changing on disk while tracker tried to write it; "
            f"nothing was written, {RUN_AGAIN}"
        )
    if written.links > 1 and warn is not None:
        warn(_split_warning(where, written.links))
    return written.loaded


def refuse_unmerged(loaded: Loaded, unmerged: StatusRun | Unmerged | None = None) -> None:
    """WriteRefused, saying nothing was written, if git left the plan `loaded` is of unmerged as one side alone
    (git.unmerged_problem): a write would bury the other side.  `unmerged`: git.ask_unmerged's run for the
    plan, set going as it was read; its answer is kept, so a command that writes several times asks git once
    (cli/context.load_to_write).  Or a dashboard read's answer, taken while it holds.  Without either, git is
    asked here."""
    where = str(loaded.path)
    left = unmerged_problem(loaded.path, where, asked=unmerged)
    if left is not None:
        raise WriteRefused(f"{left}\n{where}: error: nothing was written")


class _Written(msgspec.Struct):
    loaded: Loaded
    links: int  # the hard links the replaced file had


def _write(
    loaded: LoadedOk,
    change: Change,
    before,
    target: Path,
    lock: Lock,
    disk: ondisk.Watch,
    where: str,
    landed: list[Loaded],
    later: list[Callable[[], None]] | None = None,
) -> _Written | None:
    """The rounds of one write, under the lock: None when the file never held still long enough.
    The plan each round puts under the name is added to `landed` in the same step as the rename.

    `source` is the inode whose content the change is made to; `expect` the one
    the name must still show, unchanged, at the rename.  They differ after a
    rename that replaced an inode someone wrote to meanwhile: its late content
    is the next source, and the file just put in place is what is replaced.
    """
    # The bytes a plan read in part (or from the parse cache) holds: the file is compared with them, not copied.
    known = loaded.source  # read once: another thread may decode the plan's text meanwhile
    source = expect = disk.read(known if isinstance(known, bytes) else None, loaded.proven)
    links = source.links
    deadline = time.monotonic() + BUSY_FOR
    while time.monotonic() < deadline:
        new: LoadedOk
        windowed = _in_window(loaded, change, source.data, where) if _holds(source, loaded) else None
        lines = 0  # gained by the lines edited
        spot: Spot | None = None
        out: bytes | Pieces
        if windowed is not None:
            base = loaded  # the file is as it was read: the issue's lines alone did
            new, out, lines, spot = windowed  # the new bytes in three pieces, joined once they are in place
            new_source: str | bytes | None = None  # those bytes
            plain = True  # the bytes around the window were, and splice read the window's lines as libyaml's
        else:
            try:
                base, text = _current(source, loaded, change, before, where)
            except WriteRefused:
                if source is not expect:
                    _restore(source, expect, target, disk)  # the late writes are not lost to the refusal
                raise
            if change.value(base.project, where) == change.wanted:
                if source is expect:
                    return _Written(base, links)
                new, new_text = base, text  # the late content holds the change already: put it back as it is
            else:
                # An issue added: its id worked out once, for the edit and the verification alike.
                made = change.numbered(base.project) if isinstance(change, AddIssue) else change
                new_text = _edit(base, text, made, where, Nodes(text))
                new = _verify(base, text, new_text, made, where)
            del text
            out = (BOM if source.data.startswith(BOM) else b"") + new_text.encode("utf-8")
            new_source = new_text
            plain = splice.plain_breaks(new_text)
            del new_text
        hashing = ondisk.Hashing(out)  # the new plan's digest, worked out while the fsync waits
        staged = atomicfile.write_temp(target, out, written=hashing.start)
        temp: Path | None = staged  # None once it has replaced the plan
        try:
            if not disk.unchanged(expect):
                source = expect = disk.read()  # changed while we wrote: merge again from the new content
                continue
            if not lock.held():
                raise WriteRefused(
                    f"{where}: error: the lock file was removed while this writer held it; "
                    f"nothing was written, {RUN_AGAIN}"
                )
            # The window between the last check and the rename, held open for tests.
            atomicfile.pause_for_tests("TRACKER_TEST_PAUSE_BEFORE_RENAME")
            with signals.interrupt_held():  # Ctrl+C lands before the exchange or once its outcome is noted
                placed = disk.replace(staged, out, expect)
                if placed is not None:
                    # The watch below waits RACY_NS from the rename whatever happens meanwhile: the new plan's
                    # digest and cache entry are made in that time, not after it.  An entry is named by the
                    # digest of the bytes it describes, so one made for a file overwritten at once is only unused.
                    new_digest = hashing.digest()
                    text_or_bytes = placed.pieces if new_source is None else new_source
                    now = Loaded(loaded.path, new.project, new.problems, text_or_bytes, new_digest, loaded.max_bytes)
                    now.proven = placed.signature if placed.proven else None  # the next write need not compare it
                    landed.append(now)
            temp = None
        finally:
            if temp is not None:
                temp.unlink(missing_ok=True)
        if placed is None:
            # Another program renamed its file over the plan, or wrote to it, between the last check and
            # the exchange; what it wrote is back under the name: make the change to that.
            source = expect = disk.read()
            continue
        if not disk.kept(expect):
            # Written to between the last check and the rename, or an in-place save still going:
            # wait for it to end, and write its content again, merged, over the file just put there.
            source, expect = disk.read_again(expect), placed
            continue
        disk.let_go(expect)  # read again only from the name from here on
        written = landed[-1]
        # The next command need not parse it; a plan read in part is kept from the bytes it was read from.
        if base.part is not None:
            written.part = parsecache.store_part(written.digest, base.part, new.project, new.problems, lines)
        # One issue's lines edited in a whole plan: a few kilobytes on the entry the plan was read from.
        elif spot is None or not parsecache.store_window(
            written.digest, base.digest, new.project, new.problems, *spot, 1, lines
        ):
            if later is not None:
                later.append(partial(parsecache.store, written.digest, new.project, new.problems, plain=plain))
            else:
                parsecache.store(written.digest, new.project, new.problems, plain=plain)
        if not disk.still(placed, written.digest):
            # Rewritten in place at once, by a program that read the file before the rename: if
            # the change is gone from what it wrote, it is made again (the next round sees).
            landed.clear()
            source = expect = disk.read()
            continue
        return _Written(written, links)
    return None


def _holds(source: ondisk.Snapshot, loaded: Loaded) -> bool:
    """Whether `source` holds the very bytes `loaded` was read from: compared as bytes while `loaded` still
    has them (a plan read in part always does), which spares hashing the plan once more."""
    known = loaded.source  # read once, as in _write
    if isinstance(known, bytes):
        return source.data == known
    return source.digest == loaded.digest


def _restore(source: ondisk.Snapshot, expect: ondisk.Snapshot, target: Path, disk: ondisk.Watch) -> None:
    """Put the content of `source` back under the name, if what is there is still `expect`."""
    staged = atomicfile.write_temp(target, source.data)
    temp: Path | None = staged
    try:
        if disk.unchanged(expect):
            disk.replace(staged, source.data, expect)
            temp = None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def summary(change: Change, project: Project) -> str:
    """One line for people: what `change` does to `project`, the plan before it."""
    old = change.value(project, "")
    what = change.what(project)
    if change.wanted == ADDED:
        return f"add {what}"
    if isinstance(change, AppendSession):
        extra = ", ".join(
            f"{key} {value}" for key, value in (("focus", change.focus), ("since", change.since)) if value
        )
        return f"added {what}" + (f" ({extra})" if extra else "")
    if isinstance(change, EndSession):
        if old == change.wanted:
            return f"{what} has already ended"
        at = change.ended
        if change.index < len(project.sessions):  # "09:00 the next day" for a session past midnight
            at = msgspec.structs.replace(project.sessions[change.index], ended=change.ended).end_text(change.day)
        return f"ended {what} at {at}" + (f" (until {change.until})" if change.until else "")
    if old == change.wanted:
        return f"{what} is already {_show(old)}"
    return f"{what}: {_show(old)} -> {_show(change.wanted)}"


def _current(source: ondisk.Snapshot, loaded: LoadedOk, change: Change, before, where: str) -> tuple[LoadedOk, str]:
    """The plan to edit (see _base) and its text, from the bytes of `source`."""
    try:
        text = decode(source.data, where)
    except LoadError as exc:
        raise WriteRefused(f"{exc.problem}; nothing was written") from None
    return _base(loaded, text, source.digest, change, before, where), text


def _first_error(loaded: Loaded, where: str) -> Problem | str:
    """The plan's first error, for a refusal to say above its own line."""
    return loaded.errors[0] if loaded.errors else f"{where}: error: the plan could not be read"


def _base(loaded: LoadedOk, text: str, digest: str, change: Change, before, where: str) -> LoadedOk:
    """What to edit: `loaded` if the file is unchanged, else the file as it is now, if that is safe."""
    if (digest == loaded.digest) if loaded.digest else (text == loaded.text):
        return loaded
    current = load_text(text, loaded.path, digest=digest, like=loaded.project)
    if not is_ok(current):
        first = _first_error(current, where)
        raise WriteRefused(
            f"{first}\n{where}: error: the file changed on disk since it was read and now has "
            f"errors, so {change.what(loaded.project)} was not written; fix the file and try again"
        )
    try:
        now = change.value(current.project, where)
        same = _identity(change, current.project, where) == _identity(change, loaded.project, where)
    except WriteRefused as exc:
        raise WriteRefused(
            f"{exc}\n{where}: error: the file changed on disk since it was read, so "
            f"{change.what(loaded.project)} was not written"
        ) from None
    if not same:
        line, column = change.position(current.project)
        raise WriteRefused(
            f"{where}:{line}:{column}: error: the file changed on disk since it was read and "
            f"this is now {change.what(current.project)}, not {change.what(loaded.project)}; "
            f"nothing was written, look at the file and {RUN_AGAIN}"
        )
    if now != before and now != change.wanted:
        line, column = change.position(current.project)
        raise WriteRefused(
            f"{where}:{line}:{column}: error: {change.what(loaded.project)} changed on disk since the plan was read "
            f"(it was {_show(before)}, it is now {_show(now)}), so {_show(change.wanted)} was not written; "
            f"look at the file and {RUN_AGAIN}"
        )
    if now != change.wanted:
        change.check(current.project, where)  # e.g. the workflow in the file changed meanwhile
    return current


def _in_window(
    loaded: LoadedOk, change: Change, data: bytes, where: str
) -> tuple[LoadedOk, Pieces, int, Spot | None] | None:
    """The plan after `change`, the file's new bytes (in three pieces: joining 8 MiB costs 5 ms, done once
    the file is in place, where the writer waits anyway), the lines they gained and, of a whole plan, where
    the issue edited is (for parsecache.store_window), from the lines of the issue it
    changes, or of the last issues of the phase an issue is added to (edit/addwindow.py) (`data`: the
    file, as it was when `loaded` was read): those lines are edited, read again and spliced into the plan
    (_verify), and the bytes around them are kept as they are.  When the lines cannot vouch: NeedWhole for a
    plan read in part, None for a whole one (the caller edits the whole text).

    A 10,000-issue plan is 8 MiB of text: decoding, editing, comparing and encoding it whole took a
    tenth of a second; its one issue, a millisecond.  The dashboard, which holds the whole plan, and
    `tracker set`, which reads one issue of it (plan.load_part), both write this way.
    """
    try:
        return _window_edit(loaded, change, data, where)
    except NeedWhole:
        if loaded.part is not None:
            raise
        return None


def _window_edit(
    loaded: LoadedOk, change: Change, data: bytes, where: str
) -> tuple[LoadedOk, Pieces, int, Spot | None]:
    if isinstance(change, AddIssue) and loaded.part is not None:
        return (*addwindow.append_issue(loaded, change, data, where, _verify), None)
    issue_id = getattr(change, "issue_id", None)  # a change to one issue's lines names it
    found = loaded.project.find_issue(issue_id) if issue_id is not None else None
    plain = loaded.part.plain if loaded.part is not None else splice.plain_breaks(data)
    if found is None or not plain:
        raise NeedWhole  # lines counted otherwise than libyaml counts them: only the whole parse can say
    start = len(BOM) if data.startswith(BOM) else 0
    line, column = found[1].where()
    at = window.line_offset(data, start, line)
    if at is None:
        raise NeedWhole
    end = splice.item_end(data, at, column)
    old = data[at:end].decode("utf-8")  # whole lines of a file that was decoded when it was read
    phase, issue = found
    index = next(n for n, p in enumerate(loaded.project.phases) if p is phase)
    spot = index, next(n for n, i in enumerate(phase.issues) if i is issue)
    new_text = _edit(loaded, old, change, where, IssueNodes(old, line))
    new = _verify(loaded, old, new_text, change, where, first_line=line, spot=spot)
    out = (memoryview(data)[:at], new_text.encode("utf-8"), memoryview(data)[end:])
    # A plan read in part is kept by its Part (parsecache.store_part), a whole one from where the issue is.
    return new, out, new_text.count("\n") - old.count("\n"), spot if loaded.part is None else None


def _edit(base: LoadedOk, text: str, change: Change, where: str, nodes: Nodes) -> str:
    try:
        return change.edit(text, nodes, base.project)
    except textedit.EditError as exc:
        raise WriteRefused(f"{where}:{exc.line}:{exc.column}: error: {exc.message}; nothing was written") from None


def _verify(
    base: LoadedOk,
    text: str,
    new_text: str,
    change: Change,
    where: str,
    first_line: int | None = None,
    spot: Spot | None = None,
) -> LoadedOk:
    """The new text as loaded, if it holds exactly the intended change and nothing else.

    When the edit stayed inside one issue's lines (or added one), those lines are read again
    alone and spliced into the model of `text` (plan/splice.py); the whole text is parsed
    only when that cannot be done, or finds something it cannot vouch for.  `first_line`: the
    texts are the lines of one issue from that line of the file on (_in_window), which cannot
    be parsed as a plan: NeedWhole when the splice cannot vouch.  `spot`: where that issue is (splice's).
    """
    expected = change.expected(base.project)
    partial = base.part is not None
    verdicts: list[bool] = []

    def same(new: Project) -> bool:
        verdicts.append(_same_data(new, expected))
        return verdicts[-1]

    keys = base.part.keys if base.part is not None else None  # a new id is checked against them; lines may move
    spliced = splice.splice(
        base,
        text,
        new_text,
        whole_rules=False,
        same=same,
        partial=partial,
        first_line=first_line or 1,
        keys=keys,
        spot=spot,
    )
    if spliced is not None and is_ok(spliced):
        return spliced
    if partial or first_line is not None:
        if verdicts == [False]:  # the edited lines read as more than the change: so would the whole text
            raise _more_than_that(change, base, where)
        raise NeedWhole  # one issue's lines cannot show what a whole parse of the new text would
    new = load_text(new_text, base.path, like=base.project)  # the issues the edit left alone are not held twice
    if is_ok(new) and _same_data(new.project, expected):
        return new
    if change.wanted == ADDED and new.errors:
        # What the user asked for breaks a rule of the plan (a control its framework lacks): say which,
        # at the place the entry would have gone, since the text that has the error was never written.
        line, column = change.position(base.project)
        raise WriteRefused(f"{where}:{line}:{column}: error: {new.errors[0].message}; nothing was written")
    raise _more_than_that(change, base, where, f" ({new.errors[0]})" if new.errors else "")


def _more_than_that(change: Change, base: LoadedOk, where: str, detail: str = "") -> WriteRefused:
    return WriteRefused(
        f"{where}: error: writing {change.what(base.project)} would have changed more than that"
        f"{detail}; nothing was written (this is a bug in tracker, please report it with the file)"
    )


def _same_data(a, b) -> bool:
    """Whether two models hold the same data, positions aside (they move when a line is added).

    Walked side by side rather than copied to plain data first: on a big plan
    those copies cost seconds and a hundred megabytes.  Records equal with
    their positions are equal without them, so msgspec's own comparison (in C)
    settles each list item the edit left in place, and only the rest is walked.
    """
    if isinstance(a, msgspec.Struct):
        return type(a) is type(b) and all(
            _same_data(getattr(a, name), getattr(b, name)) for name in a.__struct_fields__ if name != "at"
        )
    if isinstance(a, list):
        return (
            isinstance(b, list)
            and len(a) == len(b)
            and all(x is y or x == y or _same_data(x, y) for x, y in zip(a, b, strict=True))
        )
    return a == b


def _split_warning(where: str, links: int) -> str:
    others = "the other name keeps" if links == 2 else f"the {links - 1} other names keep"
    return (
        f"{where}: warning: the plan had {links} hard links; tracker replaces the file as a whole, "
        f"so this name has the change and {others} the plan as it was"
    )


def _show(value) -> str:
    if value is None:
        return "not set"
    if isinstance(value, tuple):
        shown = [str(v) for v in value if v is not None]
        return "'" + ", ".join(shown) + "'" if shown else "not set"
    return f"'{value}'"


def _identity(change: Change, project: Project, where: str):
    identity = getattr(change, "identity", None)
    return identity(project, where) if identity is not None else None
