"""Writing changes to the plan, one at a time, off the main thread.

tracker.edit (and the YAML parser it brings) is imported on the first write:
the first frame does not need it.  A later write starts from the disk the
earlier one left.  Each write posts `WriteQueue.Written` or `WriteQueue.Refused`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual.message import Message
from textual.screen import Screen

from tracker.plan import Loaded, LoadedOk, is_ok
from tracker.tui.settings import refused


class WriteQueue:
    @dataclass
    class Written(Message):
        loaded: Loaded
        what: str
        changed: bool  # False: the change was in place already, nothing was written

    @dataclass
    class Refused(Message):
        reason: str

    def __init__(self, screen: Screen):
        self.screen = screen
        self.pending = 0  # writes sent to a worker and not yet finished
        self._lock = threading.Lock()

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

    def _write(self, base: LoadedOk, changes: tuple) -> None:
        from tracker import edit

        with self._lock:
            for change in changes:
                what = edit.summary(change, base.project)
                try:
                    written = edit.apply(base, change)
                except edit.WriteRefused as exc:
                    self.screen.post_message(self.Refused(str(exc)))
                    return
                added = getattr(change, "added", None)  # an addition says what it added (the id it was given)
                what = added(written.project) if added is not None else what
                self.screen.post_message(self.Written(written, what, changed=written is not base))
                if not is_ok(written):
                    return  # the next change would be refused by the writer: the plan no longer loads
                base = written
