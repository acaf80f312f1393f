"""Starting a session from the dashboard, as `tracker session start` does.

The user is asked what the session is about; git is asked where it starts,
in a worker thread; the change is posted as `SessionStarter.Prepared` and
goes to the write queue like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from tracker.support.textsafe import one_line


class SessionStarter:
    @dataclass
    class Prepared(Message):
        change: object  # a tracker.edit.AppendSession

    def __init__(self, screen: Screen, path: Path):
        self.screen = screen
        self.path = path

    def ask(self, repo_setting: str | None) -> None:
        from tracker.tui.screens.ask import AskScreen

        def asked(focus: str | None) -> None:
            if focus is not None:
                self.start(repo_setting, one_line(focus).strip() or None)

        self.screen.app.push_screen(
            AskScreen(
                "A session dated today, starting at the current git HEAD. What is it about? "
                "(optional; Enter starts it, Escape cancels)"
            ),
            asked,
        )

    def start(self, repo_setting: str | None, focus: str | None) -> None:
        self.screen.run_worker(
            lambda: self._prepare(repo_setting, focus),
            thread=True,
            exclusive=True,
            group="session",
            exit_on_error=False,
            description="start a session",
        )

    def _prepare(self, repo_setting: str | None, focus: str | None) -> None:
        from tracker import edit
        from tracker.git import session_start_revision
        from tracker.support.clock import now

        since = session_start_revision(self.path, repo_setting)
        moment = now()
        change = edit.AppendSession(moment.date().isoformat(), focus, since, started=moment.strftime("%H:%M"))
        if not get_current_worker().is_cancelled:
            self.screen.post_message(self.Prepared(change))
