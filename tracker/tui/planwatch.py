"""Keeping the plan on screen in step with the disk.

A cheap stat poll (FileWatch) notices new content; a worker thread loads it
and posts `PlanWatcher.Read` to the screen, which decides what to show.  No
poll acts while one of our own writes is on its way: its result replaces the
plan anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from tracker.plan import Loaded, load
from tracker.tui.filewatch import FileWatch


class PlanWatcher:
    @dataclass
    class Read(Message):
        loaded: Loaded

    def __init__(
        self,
        screen: Screen,
        path: Path,
        digest: str,
        writing: Callable[[], bool],
        max_bytes: int,
        shown: Callable[[], Loaded | None] = lambda: None,
    ):
        self.screen = screen
        self.shown = shown  # the plan on screen: a change to a few issues is read from their lines alone
        self.path = path
        self.max_bytes = max_bytes  # --max-bytes holds for every reload, not only the first read
        self.file = FileWatch(path, digest, max_bytes)
        self.writing = writing

    def start(self, seconds: float) -> None:
        self.screen.set_interval(seconds, self.poll)

    def poll(self) -> None:
        if not self.writing() and self.file.changed():
            self.load()

    def seen(self, digest: str) -> None:
        """Our own write: finding its content on disk is not a change."""
        self.file.seen(digest)

    def load(self) -> None:
        self.screen.run_worker(self._load, thread=True, exclusive=True, group="load", exit_on_error=False)

    def _load(self) -> None:
        loaded = load(self.path, max_bytes=self.max_bytes, before=self.shown())
        if not get_current_worker().is_cancelled:
            self.screen.post_message(self.Read(loaded))
