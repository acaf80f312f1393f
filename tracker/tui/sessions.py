"""Starting and ending a session from the palette, as `tracker session start|end` do (tracker.edit's
start_session and end_session make the changes for both).

What the user types is never lost to a refusal: a session cannot end when none is
open, and that is said before anything is asked; starting while one is open asks
first whether to end it (as `session start --end-open` does; the question says
what the plan holds that is not committed, which a yes leaves to the next
session, as --leave-uncommitted), then for the focus.  With several sessions
open (a pull brought in a colleague's), the end form asks which one ends, as
`session end --session DATE#N` names it.  What was typed is kept as a draft for the same session, so if the writer refuses
later (the file changed on disk, say), asking again starts from it.  Git is
read in a worker thread; the changes are posted as `Sessions.Prepared` and go
to the write queue like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.screen import Screen

from tracker.plan import Loaded, LoadedOk, is_ok
from tracker.support.textsafe import one_line


@dataclass(frozen=True)
class Ending:
    """What the user says the session did (the fields of `tracker session end`)."""

    session: str | None = None  # the one it ends, as --session names it (DATE or DATE#N)
    headline: str | None = None
    duration: str | None = None
    accomplished: tuple[tuple[str, tuple[str, ...]], ...] = ()
    insights: tuple[tuple[str, str | None], ...] = ()


class Sessions:
    @dataclass
    class Prepared(Message):
        base: Loaded  # the plan the changes were made from
        changes: tuple  # tracker.edit changes, written in this order
        warning: str | None

    @dataclass
    class Failed(Message):
        reason: str

    def __init__(self, screen: Screen):
        self.screen = screen
        self.focus_draft: tuple[int, str] | None = None  # (sessions seen, focus typed)
        self.ending_draft: tuple[tuple, Ending] | None = None  # (the session's _identity, what was typed)

    # -- start ------------------------------------------------------------

    def ask_start(self, loaded: Loaded | None) -> None:
        project = self._writable(loaded, "to add a session to")
        if project is None or loaded is None or not is_ok(loaded):  # the second and third: for the type checker
            return
        from tracker.git import committer_of

        # This person's: a colleague's open session, pulled in, runs on beside a new one (as `session start`).
        opened = project.open_sessions(committer_of(loaded.path, project.repo))
        if not opened:
            self._ask_focus(loaded, project, end_open=False)
            return
        if len(opened) > 1:  # after a pull: which to end is for End the session's form to ask
            self.screen.notify(
                f"{project.open_sessions_said(opened)}; end each with End the session, in this palette, then start "
                "one.",
                title="Not started",
                severity="warning",
                markup=False,
            )
            return
        index = opened[0]
        from tracker.tui.screens.confirm import ConfirmScreen

        name = f"Session {project.session_name(index)} (started {project.sessions[index].started})"

        def answered(yes: bool | None, leave: bool) -> None:
            if yes:
                self._ask_focus(loaded, project, end_open=True, leave=leave)
            else:
                self.screen.notify(
                    f"{name} is still open; end it with End the session, in this palette, then start a new one.",
                    title="Not started",
                    severity="warning",
                    markup=False,
                )

        def question(unsaved: str | None) -> ConfirmScreen:
            asked = f"{name} is still open. End it now, at the current git HEAD, and start a new one?"
            # The question says what `session start --end-open` would refuse; a yes after reading it is the
            # choice that --leave-uncommitted is there.
            return ConfirmScreen(f"{unsaved}\n\n{asked}" if unsaved else asked)

        # Asked before the focus is typed, so a No loses nothing; Yes ends it as `session start --end-open`.
        self._ask_once_git_said(loaded, question, answered)

    def _ask_focus(self, loaded, project, end_open: bool, leave: bool = False) -> None:
        from tracker.tui.screens.ask import AskScreen

        count = len(project.sessions)
        draft = self.focus_draft[1] if self.focus_draft and self.focus_draft[0] == count else ""

        def asked(focus: str | None) -> None:
            if focus is not None:
                self.focus_draft = (count, focus)
                text = one_line(focus).strip() or None
                self._prepare(loaded, lambda moment: _start(loaded, moment, text, end_open, leave))

        self.screen.app.push_screen(
            AskScreen(
                "A session dated today, starting at the current git HEAD. What is it about? "
                "(optional; name issues as #4 to put them first in What's Next; Enter starts it, Escape cancels)",
                draft,
            ),
            asked,
        )

    # -- end --------------------------------------------------------------

    def ask_end(self, loaded: Loaded | None) -> None:
        from tracker.tui.screens.session_end import SessionEndScreen

        project = self._writable(loaded, "with a session to end")
        if project is None or loaded is None or not is_ok(loaded):  # the second and third: for the type checker
            return
        if not project.sessions:
            self._refuse("The plan has no session to end; start one with Start a session, in this palette.")
            return
        from tracker.git import committer_of

        by = committer_of(loaded.path, project.repo)  # whose open sessions this one ends, as `session end`
        opened = project.open_sessions(by)
        if len(opened) > 1:
            # A pull brought in a colleague's session, open: the form asks which ends (`--session DATE#N`), offering
            # first the one typed for last time if it is still open, else the first (where `session end` points).
            index = next((i for i in opened if self._drafted(project, i) is not None), opened[0])
        else:
            from tracker.edit import WriteRefused, session_to_end

            try:
                index = session_to_end(loaded, by)
            except WriteRefused as exc:
                self._refuse(str(exc))
                return
            session = project.sessions[index]
            if session.closed:
                at = f" at {session.end_text()}" if session.ended else ""
                self._refuse(f"Session {project.session_name(index)} already ended{at}; start a new one first.")
                return
            opened = [index]
        choices = tuple(
            (project.session_name(i), project.sessions[i].started, project.sessions[i].focus) for i in opened
        )
        draft = self._drafted(project, index) or Ending()

        def asked(ending: Ending | None, leave: bool) -> None:
            if ending is not None:
                chosen = project.session_index(ending.session) if ending.session else None
                if chosen is not None:
                    self.ending_draft = (_identity(project, chosen), ending)
                self._prepare(loaded, lambda moment: _end(loaded, moment, ending, leave))

        # The form says what `tracker session end` would refuse; Enter after reading it is the choice that
        # --leave-uncommitted is there.
        self._ask_once_git_said(
            loaded, lambda unsaved: SessionEndScreen(choices, project.session_name(index), draft, unsaved), asked
        )

    # -- shared -----------------------------------------------------------

    def _ask_once_git_said(
        self, loaded: LoadedOk, form: Callable[[str | None], Screen], answered: Callable[[Any, bool], None]
    ) -> None:
        """Push `form(unsaved)`, once git has said what the plan holds that HEAD does not (`_unsaved`, in a
        worker), and hand its answer on as `answered(answer, leave)`: `leave` is True when the form said what
        the session leaves uncommitted, so going on is the choice --leave-uncommitted is there."""

        def ask() -> None:
            unsaved = self._unsaved(loaded)
            self.screen.app.call_from_thread(
                self.screen.app.push_screen, form(unsaved), lambda answer: answered(answer, unsaved is not None)
            )

        self.screen.run_worker(
            ask, thread=True, exclusive=True, group="session", exit_on_error=False, description="a session"
        )

    def _writable(self, loaded: Loaded | None, what: str):
        if loaded is None or not is_ok(loaded):
            self.screen.notify(f"There is no plan that loads {what}.", markup=False)
            return None
        return loaded.project

    def _drafted(self, project, index: int) -> Ending | None:
        """What was typed last for session `index`, if it was for that session."""
        if self.ending_draft and self.ending_draft[0] == _identity(project, index):
            return self.ending_draft[1]
        return None

    @staticmethod
    def _unsaved(loaded: LoadedOk) -> str | None:
        """What ending the open session now leaves out of its note (the plan's changes not committed:
        edit.uncommitted_work), said before it ends; None when nothing.  Asks git: call it in a worker."""
        from tracker.edit import uncommitted_work
        from tracker.git import session_point

        work = uncommitted_work(loaded, session_point(loaded.path, loaded.project.repo))
        if work is None:
            return None
        return (
            f"The plan has changes that are not committed ({work}): ending now leaves them out of this "
            "session's note, to the next session. To keep them in it, Escape, commit the plan, and end it then."
        )

    def _refuse(self, reason: str) -> None:
        self.screen.notify(reason, title="Not ended", severity="warning", markup=False)

    def _prepare(self, loaded, make) -> None:
        def work() -> None:
            from tracker.support.clock import BadClock, now

            try:
                moment = now()
            except BadClock as exc:
                self.screen.post_message(self.Failed(f"tracker: error: {exc}"))
                return
            from tracker.edit import WriteRefused

            try:
                planned = make(moment)
            except WriteRefused as exc:  # the plan changed since the form was asked (a session end refused)
                self.screen.post_message(self.Failed(str(exc)))
                return
            self.screen.post_message(self.Prepared(loaded, planned.changes, planned.warning))

        self.screen.run_worker(
            work, thread=True, exclusive=True, group="session", exit_on_error=False, description="a session"
        )


def _start(loaded, moment, focus, end_open: bool, leave: bool):
    from tracker.edit import start_session

    return start_session(loaded, moment, focus, end_open, leave)


def _end(loaded, moment, ending: Ending, leave: bool):
    from tracker.edit import end_session

    return end_session(
        loaded, moment, ending.headline, ending.duration, ending.accomplished, ending.insights, ending.session, leave
    )


def _identity(project, index: int) -> tuple:
    """A session as a draft is kept for: what a pull that adds sessions before it does not change (its name may)."""
    session = project.sessions[index]
    return session.date, session.started, session.since
