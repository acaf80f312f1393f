"""Writing changes to the plan, one at a time, off the main thread.

tracker.edit (and the YAML parser it brings) is imported on the first write:
the first frame does not need it.  A later write starts from the disk the
earlier one left.  Each write posts `WriteQueue.Written` or `WriteQueue.Refused`.

A change chosen while the queue's last write was still under way was chosen on
the plan that write replaced (the screen takes the new one when `Written`
arrives).  It is made to the plan the queue itself left instead: the file
holds those very bytes, so the writer edits the issue's lines alone.  Made to
the plan it was chosen on, the file would look changed by another program,
and the writer would read all of it again to merge (12 s at 100,000 issues).
Another program's edit since is still found and merged, or refused, as ever;
once the plan watcher reads another program's content, nothing is substituted.

Keys come faster than writes: a change is chosen on the plan as the changes put and not yet answered will
leave it (`intended`), and says what it saw there (`seen`).  The writes are made in the order they were put,
by one worker that takes them in turn (a thread for each would take the lock in any order), and a change
whose `seen` is not what its plan holds is refused: the write before it, on whose plan it was chosen, was not made.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.screen import Screen

from tracker.plan import Loaded, LoadedOk, Project, is_ok
from tracker.tui.settings import refused

if TYPE_CHECKING:
    from tracker.git import Unmerged

UNCHECKED = object()  # a change put without the value it was chosen on (a deliverable's own status may be None)
SHOWN_WAIT = 2.0  # seconds a write's cache entry waits for the screen to show it (a screen gone: no longer)


class WriteQueue:
    @dataclass
    class Written(Message):
        loaded: Loaded
        what: str
        changed: bool  # False: the change was in place already, nothing was written
        shown: threading.Event = field(default_factory=threading.Event)  # the screen sets it once it shows it

    @dataclass
    class Refused(Message):
        reason: str
        changes: tuple  # the put refused, as it was put: the screen names its key (a later put's may differ)

    @dataclass
    class Ended(Message):
        """Every change of the oldest put is answered (Written or Refused), or the worker failed."""

    def __init__(self, screen: Screen, unmerged: Callable[[], Unmerged | None] = lambda: None):
        self.screen = screen
        self.unmerged = unmerged  # the last git read's word on whether git left the plan unmerged
        # The main thread's account: each put's changes not yet answered, in the order they were put.
        self._puts: deque[list] = deque()
        # What `intended` gave last, with the plan it started from, and the changes put since: a key pressed on the
        # same plan applies those alone, once each, not every change still queued (k keys in one read: k, not k²).
        self._intended: tuple[Project, Project] | None = None
        self._put_since: list = []
        # The worker's: the puts still to write, and whether a worker takes them.
        self._waiting: deque[tuple[LoadedOk, tuple, object]] = deque()
        self._draining = False
        self._turns = threading.Lock()  # guards _waiting and _draining
        # What this queue's writes left and replaced, under a lock of their own: the main thread asks too
        # (read_from_disk), and must not wait for a write to end.
        self._kept = threading.Lock()
        self._left: LoadedOk | None = None  # the plan the last write left on disk
        self._replaced: set[str] = set()  # digests of the plans this queue's writes replaced
        self._closed = threading.Event()  # the screen is gone: nothing will be shown any more
        self.unshown: list[str] = []  # why a write was refused once the screen was gone: said after it (app.py)

    @property
    def pending(self) -> int:
        """Puts not yet ended."""
        return len(self._puts)

    def put(self, base: LoadedOk, change, *more, seen: object = UNCHECKED) -> None:
        """Write `change`, made by looking at `base` (the plan on screen when the user chose it) as the
        changes put before will leave it, where its value was `seen`; then `more` in turn,
        each on the plan the one before left (as the CLI writes a session start that ends the open one first)."""
        if refused(self.screen.app):
            return
        self._puts.append([change, *more])
        self._put_since.extend((change, *more))
        with self._turns:
            self._waiting.append((base, (change, *more), seen))
            if self._draining:
                return
            self._draining = True
        self.screen.run_worker(
            self._drain, thread=True, group="write", exit_on_error=False, description="write the plan"
        )

    def intended(self, project: Project) -> Project:
        """`project` as the changes put and not yet answered will leave it: what a key pressed now acts on."""
        if not self._puts:
            return project
        if self._intended is not None and self._intended[0] is project:
            intended, changes = self._intended[1], self._put_since
        else:  # another plan on screen (a write shown, the file read), or a change answered otherwise than put
            intended, changes = project, [change for put in self._puts for change in put]
        from tracker import edit

        for change in changes:
            try:
                intended = change.expected(intended)
            except edit.WriteRefused:
                pass  # the writer will say why, when its turn comes
        self._intended = (project, intended)
        self._put_since = []
        return intended

    def written(self) -> None:
        """The oldest change was answered by `Written`: the screen shows the plan it left."""
        self._puts[0].pop(0)
        self._intended = None  # the changes still to come are applied to that plan, the next time they are asked

    def ended(self) -> bool:
        """The oldest put is answered; True when some of its changes were not written (refused, or the worker
        failed): the plan intended is no longer the one shown."""
        if not self._puts.popleft():
            return False
        self._intended = None
        return True

    def on_their_way(self) -> frozenset[str]:
        """The issues (by key) that changes put and not yet written change."""
        from tracker.plan import issue_key

        return frozenset(
            issue_key(change.issue_id) for put in self._puts for change in put if hasattr(change, "issue_id")
        )

    def under_way(self) -> int:
        """Puts the worker has not ended, as it counts them: once the screen is gone, `pending` no longer moves
        (its Ended messages are not read)."""
        with self._turns:
            return len(self._waiting)

    def close(self) -> None:
        """The screen is leaving (the app quits): the plans written are kept in the parse cache at once."""
        self._closed.set()

    def read_from_disk(self, loaded: Loaded) -> None:
        """The plan the file was found to hold: when it is not the one the last write left, another program
        changed the file, and a plan this queue replaced may be its content again (a revert): it is no longer
        taken for the queue's own."""
        with self._kept:
            if self._left is not None and loaded.digest != self._left.digest:
                self._left = None
                self._replaced.clear()

    def _drain(self) -> None:
        """Write the puts in the order they were put; each one's end is posted, a failed one's and those after."""
        try:
            while True:
                with self._turns:
                    if not self._waiting:
                        self._draining = False
                        return
                    base, changes, seen = self._waiting[0]
                self._write(base, changes, seen)
                with self._turns:
                    self._waiting.popleft()
                self.screen.post_message(self.Ended())
        except BaseException:
            with self._turns:
                for _ in self._waiting:  # the failed one and the ones after it: the worker's error says why
                    self.screen.post_message(self.Ended())
                self._waiting.clear()
                self._draining = False
            raise

    def _write(self, base: LoadedOk, changes: tuple, seen: object) -> None:
        later: list[Callable[[], None]] = []
        shown: list[threading.Event] = []
        try:
            self._write_in_turn(base, changes, seen, later, shown)
        finally:
            self._keep(later, shown)

    def _keep(self, later: list[Callable[[], None]], shown: list[threading.Event]) -> None:
        """Keep the plans written in the parse cache, and their bytes in one piece, once the screen shows them
        and the next write may start.

        The writer would keep each before giving it back: 1.5 s at 100,000 issues that the screen, and a
        second key pressed meanwhile, waited for.  The next command finds the entry all the same.
        """
        if not later:
            return
        waited = 0.0
        for event in shown:
            while not event.wait(0.05) and not self._closed.is_set() and waited < SHOWN_WAIT:
                waited += 0.05
        for keep in later:
            keep()

    def _join(self, loaded: Loaded) -> None:
        if not self._closed.is_set():  # no next write once the screen is gone
            loaded.join()

    def _write_in_turn(
        self,
        base: LoadedOk,
        changes: tuple,
        seen: object,
        later: list[Callable[[], None]],
        shown: list[threading.Event],
    ) -> None:
        from tracker import edit

        with self._kept:
            if self._left is not None and base.digest in self._replaced:
                base = self._left  # chosen while an earlier write was under way: see the module's docstring
        try:
            chosen_on(base, changes[0], seen)
        except edit.WriteRefused as exc:
            self._refused(str(exc), changes)
            return
        for change in changes:
            what = edit.summary(change, base.project)
            try:
                # What the screen's last git read found of an unmerged plan: git is asked again only when it no
                # longer holds (git.Unmerged), not for each key.
                written = edit.apply(base, change, later=later, unmerged=self.unmerged())
            except edit.WriteRefused as exc:
                self._refused(str(exc), changes)
                return
            added = getattr(change, "added", None)  # an addition says what it added (the id it was given)
            what = added(written.project) if added is not None else what
            message = self.Written(written, what, changed=written is not base)
            shown.append(message.shown)
            # The writer leaves the new plan's bytes in pieces (edit/ondisk.Snapshot); the next write's
            # window reads them in one (80 MiB at 100,000 issues: 30-40 ms after the next key, else).
            later.append(partial(self._join, written))
            self.screen.post_message(message)
            if not is_ok(written):
                return  # the next change would be refused by the writer: the plan no longer loads
            if written is not base:
                with self._kept:
                    self._replaced.add(base.digest)
                    self._left = written
            base = written

    def _refused(self, reason: str, changes: tuple) -> None:
        if self._closed.is_set():
            self.unshown.append(reason)
        self.screen.post_message(self.Refused(reason, changes))


def chosen_on(base: LoadedOk, change, seen: object) -> None:
    """Refuse `change` unless `base`, the plan it is to be made to, holds the value `seen` it was chosen on.
    Chosen on top of a change that was not written (refused, or a plan that no longer loads), it is not
    made to what is there instead: it would not be the step the user took (`n` twice, the first refused, is
    not a jump of two steps)."""
    from tracker import edit

    where = str(base.path)
    if seen is UNCHECKED or change.value(base.project, where) == seen:
        return
    line, column = change.position(base.project)
    raise edit.WriteRefused(
        f"{where}:{line}:{column}: error: {change.what(base.project)} was not written: it was chosen on "
        "the plan the change before it would leave, and that change was not written; look at it and choose again"
    )
