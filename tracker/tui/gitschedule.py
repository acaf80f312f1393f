"""When git is read: after each plan change, on demand, and again on a timer.

One reader at a time, so a slow repository does not pile up git processes; a
request made while one runs is kept and served when it ends.  A repository
that is slow to read is read less often, so reading git never takes more than
a fifth of the time.  Each read posts `GitSchedule.Read` to the screen: the
same GitView as the read before when neither the plan nor what git shows changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from tracker.git import git_index
from tracker.plan import Project
from tracker.tui.gitview import GitView, read_git


class GitSchedule:
    @dataclass
    class Read(Message):
        git: GitView
        seconds: float  # how long the read took

    def __init__(self, screen: Screen, path: Path, project: Callable[[], Project | None], every: float | None):
        self.screen = screen
        self.path = path
        self.project = project  # the plan on screen when a read starts
        self.every = every  # seconds between reads; None: only when asked
        self._busy = self._again = False
        self._timer: Timer | None = None
        self._took = 0.0  # seconds the last read took
        self._last: tuple[Project, GitView] | None = None  # the last read, and the plan it was made for

    def refresh(self) -> None:
        project = self.project()
        if project is None:
            return
        if self._busy:
            self._again = True
            return
        self._busy, self._again = True, False
        # A description, or Textual names the worker by the repr of its arguments: the whole plan.
        self.screen.run_worker(
            lambda: self._read(project),
            thread=True,
            exclusive=True,
            group="git",
            exit_on_error=False,
            description="read git",
        )

    @cached_property
    def _index(self) -> Path | None:
        """The plan's git index (git.git_index), looked for once, by the first read (one worker reads at a time)."""
        return git_index(self.path)

    def _read(self, project: Project) -> None:
        start = time.perf_counter()
        last = self._last
        before = last[1] if last is not None and last[0] is project else None
        git = read_git(project, self.path, before, self._index)
        self._last = (project, git)
        self._took = time.perf_counter() - start  # read by finished(), after this worker ends
        self.screen.post_message(self.Read(git, self._took))

    def finished(self) -> None:
        """The read's worker ended (done, failed or cancelled): serve a waiting request, or plan the next read."""
        self._busy = False
        if self._again:
            self.refresh()
        elif self.every:
            if self._timer is not None:
                self._timer.stop()
            self._timer = self.screen.set_timer(max(self.every, 5 * self._took), self.refresh)
