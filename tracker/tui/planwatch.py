"""Keeping the plan on screen in step with the disk.

A cheap stat poll (FileWatch) notices new content; a worker thread loads it
and posts `PlanWatcher.Read` to the screen, which decides what to show.  No
poll acts while one of our own writes is on its way: its result replaces the
plan anyway.  Where the kernel says when the plan's folder changes
(folderevents.py), the poll also runs at once, not at its next tick.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from tracker.plan import Loaded, ReadAhead, load
from tracker.support.memory import no_cycle_scans
from tracker.tui.filewatch import FileWatch
from tracker.tui.folderevents import FolderEvents, open_events

SOON = 0.01  # seconds from the kernel's word to the poll: the events of one save are answered by one poll


class PlanWatcher:
    @dataclass
    class Read(Message):
        loaded: Loaded
        writes_seen: int  # how many of our own writes were seen when the read began (`overtaken`)

    def __init__(
        self,
        screen: Screen,
        path: Path,
        digest: str,
        writing: Callable[[], bool],
        max_bytes: int,
        shown: Callable[[], Loaded | None] = lambda: None,
        seen: tuple | None = None,  # the file's stat before `digest`'s bytes were read (Loaded.seen)
    ):
        self.screen = screen
        self.shown = shown  # the plan on screen: a change to a few issues is read from their lines alone
        self.path = path
        self.max_bytes = max_bytes  # --max-bytes holds for every reload, not only the first read
        self.file = FileWatch(path, digest, max_bytes, seen)
        self.writing = writing
        self._writes_seen = 0
        self._events: FolderEvents | None = None
        self._soon: Timer | None = None

    def start(self, seconds: float, events: bool = True) -> None:
        """Poll every `seconds`; with `events`, also when the kernel says the plan changed."""
        self.screen.set_interval(seconds, self.poll)
        if events:
            self.screen.call_after_refresh(self._listen)  # after the first frame, which need not wait for it

    def stop(self) -> None:
        """No more events (the screen is going)."""
        if self._events is not None:
            asyncio.get_running_loop().remove_reader(self._events.fileno())
            self._events.close()
            self._events = None

    def _listen(self) -> None:
        real = Path(os.path.realpath(self.path))  # a symlinked plan changes in its target's folder too
        self._events = open_events([self.path] if real == Path(os.path.abspath(self.path)) else [self.path, real])
        if self._events is not None:
            asyncio.get_running_loop().add_reader(self._events.fileno(), self._woken)

    def _woken(self) -> None:
        if self._events is None:
            return
        try:
            touched = self._events.touched()
        except OSError:  # the kernel's events cannot be read: the poll alone, from now on
            self.stop()
            touched = True
        if touched and self._soon is None:
            self._soon = self.screen.set_timer(SOON, self._poll_soon)

    def _poll_soon(self) -> None:
        self._soon = None
        self.poll()

    def poll(self) -> None:
        if not self.writing() and self.file.changed():
            self.load()

    def seen(self, digest: str) -> None:
        """Our own write: finding its content on disk is not a change."""
        self.file.seen(digest)
        self._writes_seen += 1

    def overtaken(self, read: Read) -> bool:
        """Whether one of our own writes was shown after `read` began (r, or a poll just before a key): the file
        it read was either that write or what was there before it, which the write merged or was refused over;
        the plan on screen is newer, and taken for another program's change it would put the screen back a step
        and make the next key act on the old plan.  A change after the write is found by the next poll."""
        return read.writes_seen != self._writes_seen

    def load(self, ahead: ReadAhead | None = None) -> None:
        """Read the plan in a worker; `ahead`: the plan `tracker` started reading, whose first frame was drawn
        from its outline (tui/outlines.py): its bytes and cache entry, already read, are decoded."""
        self.screen.run_worker(
            partial(self._load, self._writes_seen, ahead),
            thread=True,
            exclusive=True,
            group="load",
            exit_on_error=False,
        )

    def _load(self, writes_seen: int, ahead: ReadAhead | None) -> None:
        if ahead is None:
            loaded = load(self.path, max_bytes=self.max_bytes, before=self.shown())
        else:
            # The model lives as long as the dashboard, as one loaded before the first frame does: frozen out of
            # the collector's sight, before it would scan its hundreds of thousands of objects (see launch.main).
            with no_cycle_scans():
                loaded = load(self.path, max_bytes=self.max_bytes, ahead=ahead)
                gc.freeze()
        if not get_current_worker().is_cancelled:
            self.screen.post_message(self.Read(loaded, writes_seen))
