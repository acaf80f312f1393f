"""Starting and ending a session: the changes `tracker session start|end` and the dashboard's palette write.

Both front ends come here, so a session starts and ends the same way from
either: at the current git HEAD, with the same fields and the same warnings
(a plan not committed as the session starts, files not committed as it ends).
A session does not end while the plan has work not committed (uncommitted_work,
the one rule for both front ends, whether `session end` ends it or a start ends
the one still open), unless the user says to leave it to the next one:
`until` is written once, and a note of the window it closes is the same bytes
for good, so a warning after the fact would come too late to act on.
Work left so (`left_uncommitted`), or plan changes made after the last
session ended and not committed as the next starts, are the next session's:
its note takes them in (start_session), so no note leaves them out.
The writer then applies the changes and refuses what its rules refuse.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.edit.commands import AppendSession, EndSession, WriteRefused
from tracker.plan import LoadedOk
from tracker.support.figures import counted, first_few

if TYPE_CHECKING:
    from tracker.git import SessionPoint


@dataclass(frozen=True)
class SessionWrite:
    changes: tuple  # to apply in this order, each to the plan the one before left
    warning: str | None = None  # what the user should know, located at the plan


def start_session(
    loaded: LoadedOk,
    moment: datetime.datetime,
    focus: str | None = None,
    end_open: bool = False,
    leave_uncommitted: bool = False,
) -> SessionWrite:
    """A session dated `moment`, from HEAD; with `end_open`, the session still open is ended first, as
    `session end` ends it: refused (WriteRefused) while the plan has work not committed, unless
    `leave_uncommitted`."""
    from tracker.git import others_since, session_point

    point = session_point(loaded.path, loaded.project.repo)
    work = uncommitted_work(loaded, point)
    changes: list = []
    project = loaded.project
    opened = project.open_sessions(point.by)  # this person's: a colleague's open session runs on beside the new one
    follows: tuple[int, str | None, bool] | None = None  # the session this one follows: its index, until, what it left
    others: list[tuple[str, str]] = []  # commits by others since the session before ended, that left work
    if len(opened) == 1 and end_open:  # several: the writer refuses the start and names them
        _refuse_uncommitted(loaded, point, opened[0], work, leave_uncommitted)
        changes.append(
            EndSession(
                opened[0],
                _hhmm(moment),
                point.head,
                day=moment.date().isoformat(),
                left_uncommitted=True if work is not None else None,
            )
        )
        follows = (opened[0], point.head, work is not None)
    elif project.sessions and not opened and (last := project.sessions[-1]).closed:
        left = last.until if last.left_uncommitted else None  # where the work it left begins, if anywhere
        if left:
            # A window from its until would take in all that came since (a pull): the note would claim others' work.
            others = others_since(loaded.path, project.repo, left) or []
        follows = (len(project.sessions) - 1, last.until, bool(left) and not others)
    # The plan's work a session's end left (recorded as left_uncommitted), or did not commit, was done before it ended;
    # an end refuses the plan not committed otherwise, so the changes not committed now were made since.  Either
    # way they are in no note but this one's: its window begins where the session before left them.
    takes_in = follows is not None and (follows[2] or work is not None)
    start = AppendSession(
        moment.date().isoformat(),
        focus or None,
        follows[1] if follows is not None and follows[2] else point.head,
        started=_hhmm(moment),
        plan_committed=False if work is not None and not takes_in else None,
        count=len(project.sessions),
        by=point.by,
    )
    changes.append(start)
    warnings = []
    if len(changes) > 1:  # the open session ends here, as `session end` would end it
        warnings.append(_not_in_session(loaded, point))
    if follows is not None and (others or takes_in):
        name = start.expected(project).session_name(follows[0])  # once this one is added
        if others:
            warnings.append(_others_came_in(loaded, point, name, follows[1], others, work))
        else:
            warnings.append(
                f"{loaded.path}: the plan's changes left by session {name}{f' ({work})' if work is not None else ''} "
                f"are this session's: it starts where that one ended, at {follows[1]}, so its note takes them in"
                if follows[2]
                else f"{loaded.path}: the plan's changes made since session {name} ended ({work}) are this "
                "session's: its note takes them in"
            )
    elif work is not None:
        warnings.append(
            f"{loaded.path}: warning: the plan has changes that are not committed; the session's note compares "
            "with the plan as last committed, so commit the plan first for a note that shows only this "
            "session's work"
        )
    return SessionWrite(tuple(changes), "\n".join(w for w in warnings if w) or None)


def _others_came_in(
    loaded: LoadedOk, point: SessionPoint, name: str, until: str | None, others: list[tuple[str, str]], work: str | None
) -> str:
    """Why a session starts at HEAD, not at the `until` of session `name` that left plan work not committed:
    `others` (others_since, not empty) came in since; and where that work goes."""
    named = first_few([f"{sha} '{subject}'" for sha, subject in others], 3)
    return (
        f"{loaded.path}: warning: this session starts at HEAD ({point.head}), not where session {name} ended "
        f"({until}) to take in the plan's changes it left: {counted(len(others), 'commit')} by others came in after "
        f"it ended ({named}), and this session's note would claim their work; "
    ) + (
        f"the plan's changes not committed ({work}) are this session's, and its note takes them in, but any that "
        f"session {name} left and were committed since are in no note"
        if work is not None
        else f"so the changes it left are in no note (since: {until} written by hand takes them in, with the others' "
        "work)"
    )


def end_session(
    loaded: LoadedOk,
    moment: datetime.datetime,
    headline: str | None = None,
    duration: str | None = None,
    accomplished: tuple[tuple[str, tuple[str, ...]], ...] = (),
    insights: tuple[tuple[str, str | None], ...] = (),
    name: str | None = None,
    leave_uncommitted: bool = False,
) -> SessionWrite:
    """The session `name` (else the open one: session_to_end) ended at `moment` and HEAD, with what the user
    says it did.  Raises WriteRefused while the plan has work not committed, unless `leave_uncommitted`
    (the writer refuses a session already ended)."""
    from tracker.git import session_point

    point = session_point(loaded.path, loaded.project.repo)
    index = session_to_end(loaded, point.by, name)
    work = uncommitted_work(loaded, point)
    _refuse_uncommitted(loaded, point, index, work, leave_uncommitted)
    change = EndSession(
        index,
        _hhmm(moment),
        point.head,
        left_uncommitted=True if work is not None else None,
        headline=headline or None,
        duration=duration or None,
        accomplished=accomplished,
        insights=insights,
        day=moment.date().isoformat(),
    )
    return SessionWrite((change,), _not_in_session(loaded, point))


def session_to_end(loaded: LoadedOk, by: str | None, name: str | None = None) -> int:
    """The index of the session `tracker session end` ends: the one `name` names, else the open one `by` (git's
    identity here) holds (Session.held_by), else the last (one written by hand, with no start time).  Raises
    WriteRefused when `name` names none, or none is named and several of `by`'s are open, or only others' are
    (a pull merged in a colleague's session: theirs to end, unless named)."""
    project = loaded.project
    line, column = project.where("sessions")
    if not project.sessions:
        raise WriteRefused(
            f"{loaded.path}:{line}:{column}: error: the plan has no session; start one with 'tracker session start'"
        )
    if name is not None:
        index = project.session_index(name)
        if index is None:
            raise WriteRefused(f"{loaded.path}:{line}:{column}: error: {project.unknown_session(name)}")
        return index
    opened = project.open_sessions(by)
    if len(opened) > 1:
        line, column = project.sessions[opened[0]].where()
        raise WriteRefused(
            f"{loaded.path}:{line}:{column}: error: {project.open_sessions_said(opened)}; say which one ends with "
            "--session DATE#N"
        )
    theirs = project.open_sessions()
    if not opened and theirs:
        line, column = project.sessions[theirs[0]].where()
        named = [
            f"{project.session_name(i)} (started {project.sessions[i].started} by {project.sessions[i].by})"
            for i in theirs
        ]
        raise WriteRefused(
            f"{loaded.path}:{line}:{column}: error: no session of yours ({by}) is open; "
            f"{'the open one is' if len(named) == 1 else 'the open ones are'} {', '.join(named)}, for "
            f"{'its starter' if len(named) == 1 else 'their starters'} to end in their own clone; to end "
            f"{'it' if len(named) == 1 else 'one'} here all the same, name it: "
            f"'tracker session end --session {project.session_name(theirs[0])}'"
        )
    return opened[0] if opened else len(project.sessions) - 1


def uncommitted_work(loaded: LoadedOk, point: SessionPoint) -> str | None:
    """The plan's changes that git has not committed, the sessions aside, in words ("issue #4", "issues #1, #2",
    or "the plan is not in HEAD"); None when there are none, or no git to ask.  A session's window holds
    commits only, so these are in no session that starts or ends now: `session start` warns, `session end`
    (and `session start --end-open`, which ends one) refuses, and `tracker summary` of the last session, ended, warns that its note leaves them out."""
    from tracker.plan import LoadError, changed_issues, load_data, same_work

    if point.plan_committed is not False:
        return None
    if point.plan_at_head is None:
        return "the plan is not in HEAD"
    try:
        then = load_data(point.plan_at_head, f"HEAD:{loaded.path.name}", like=loaded.project)
    except LoadError:
        return "the plan as HEAD holds it does not load"
    if then.project is None:
        return "the plan as HEAD holds it does not load"
    if same_work(then.project, loaded.project):
        return None
    keys = changed_issues(then.project, loaded.project)
    if not keys:
        return "outside the issues"
    return f"issue{'s' * (len(keys) != 1)} {first_few([f'#{key}' for key in keys])}"


def _refuse_uncommitted(loaded: LoadedOk, point: SessionPoint, index: int, work: str | None, leave: bool) -> None:
    """Raise WriteRefused when session `index` would end at `point` without `work` (uncommitted_work's words),
    unless the user said to `leave` it to the next session: `session end` and `session start --end-open` alike."""
    if work is not None and not leave:
        raise WriteRefused(
            f"{loaded.path}: error: the plan has changes that are not committed ({work}); session "
            f"{loaded.project.session_name(index)} would end at {point.head or 'no commit'} without them, and its "
            "note would not show them. Commit the plan first, then end the session; or end it now with "
            "--leave-uncommitted, which leaves them to the next session"
        )


def left_out_of_note(loaded: LoadedOk) -> str | None:
    """The warning when the plan's changes not committed are left out of the note of the last session, ended
    (`tracker summary` and the dashboard's preview of it): its window ends at a commit, so they are the next
    session's (an open session's note reads the work tree).  None when nothing is left out."""
    from tracker.git import session_point

    project = loaded.project
    if not project.sessions or not project.sessions[-1].closed:
        return None
    work = uncommitted_work(loaded, session_point(loaded.path, project.repo))
    if work is None:
        return None
    name = project.session_name(len(project.sessions) - 1)
    last = project.sessions[-1]
    # What start_session does with them: a session that left them starts the next one at its until.
    then = (
        "they are the next session's, which starts where this one ended and takes them in"
        if last.left_uncommitted
        else "start the next session before you commit them, and its note takes them in"
    )
    return (
        f"{loaded.path}: warning: the plan has changes that are not committed ({work}); the note of session "
        f"{name}, which ended at {last.until or 'no commit'}, leaves them out: {then}"
    )


def _not_in_session(loaded: LoadedOk, point: SessionPoint) -> str | None:
    """The warning for files left out of a session that ends at `point`: git's window holds commits only."""
    if not point.uncommitted:
        return None
    count = len(point.uncommitted)
    shown = first_few(point.uncommitted)
    files = f"{counted(count, 'file')} not committed ({shown}) {'is' if count == 1 else 'are'}"
    return f"{loaded.path}: warning: {files} not part of the session, which ends at {point.head or 'no commit'}"


def _hhmm(moment: datetime.datetime) -> str:
    return moment.strftime("%H:%M")
