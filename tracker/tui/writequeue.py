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
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from textual.message import Message
from textual.screen import Screen

from tracker.plan import Loaded, LoadedOk, is_ok
from tracker.tui.settings import refused

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

    def __init__(self, screen: Screen):
        self.screen = screen
        self.pending = 0  # writes sent to a worker and not yet finished
        self._lock = threading.Lock()  # one write at a time
        # What this queue's writes left and replaced, under a lock of their own: the main thread asks too
        # (read_from_disk), and must not wait for a write to end.
        self._kept = threading.Lock()
        self._left: LoadedOk | None = None  # the plan the last write left on disk
        self._replaced: set[str] = set()  # digests of the plans this queue's writes replaced
        self._closed = threading.Event()  # the screen is gone: nothing will be shown any more

    def put(self, base: LoadedOk, change, *more) -> None:
        """Write `change`, made by looking at `base` (the plan on screen when the user chose it), then
        `more` in turn, each on the plan the one before left (as the CLI writes a session start that ends
        the open one first)."""
        if refused(self.screen.app):
            return
        self.pending += 1
        self.screen.run_worker(
            lambda: self._write(base, (change, *more)),
            thread=True,
            group="write",
            exit_on_error=False,
            description="write the plan",
        )

    def finished(self) -> None:
        self.pending -= 1

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

    def _write(self, base: LoadedOk, changes: tuple) -> None:
        later: list[Callable[[], None]] = []
        shown: list[threading.Event] = []
        try:
            self._write_in_turn(base, changes, later, shown)
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
        self, base: LoadedOk, changes: tuple, later: list[Callable[[], None]], shown: list[threading.Event]
    ) -> None:
        from tracker import edit

        with self._lock:
            with self._kept:
                if self._left is not None and base.digest in self._replaced:
                    base = self._left  # chosen while an earlier write was under way: see the module's docstring
            for change in changes:
                what = edit.summary(change, base.project)
                try:
                    written = edit.apply(base, change, later=later)
                except edit.WriteRefused as exc:
                    self.screen.post_message(self.Refused(str(exc)))
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
