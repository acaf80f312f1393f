"""The changes the writer can make to a plan, each knowing how to check, describe and edit itself.

A change checks itself against the plan (known issue, step, deliverable,
status), says which value it edits and what that value is now, builds the plan
it should produce (for the writer's verification) and edits the YAML text
through textedit.  writer.apply takes them to disk.
"""

from __future__ import annotations

from msgspec import Struct
from msgspec.structs import astuple, replace

from tracker.edit import textedit
from tracker.edit.nodes import Nodes
from tracker.plan import (
    NOT_A_DAY,
    Accomplishment,
    Insight,
    Issue,
    Project,
    Session,
    did_you_mean,
    id_fault,
    is_iso_date,
    issue_key,
    normalize,
    text_fault,
    yamltree,
)
from tracker.support.figures import first_few
from tracker.support.textsafe import one_line

STEP_STATUSES = ("todo", "done")
# How a refusal that the user can get past by trying again ends; the dashboard says its key instead ("press s
# again": DashboardScreen.on_write_queue_refused).
RUN_AGAIN = "run the command again"


class WriteRefused(Exception):
    """The change was not written; str() is the message in `path:line:column: error: ...` form."""


class Interrupted(KeyboardInterrupt):
    """Ctrl+C once the change was in place under the plan's name: it is made, and `written` is the plan as
    written, so the caller can say so before it stops (a plain KeyboardInterrupt means nothing was written)."""

    def __init__(self, written):
        super().__init__()
        self.written = written


class SetIssueStatus(Struct, frozen=True):
    issue_id: int | str
    status: str

    def what(self, project: Project) -> str:
        return f"the status of issue #{self.issue_id}"

    def value(self, project: Project, where: str) -> str:
        return _issue(project, self.issue_id, where).status

    @property
    def wanted(self) -> str:
        return self.status

    def check(self, project: Project, where: str) -> None:
        _check_status(project, self.status, where, _issue(project, self.issue_id, where).where("status"))

    def position(self, project: Project) -> tuple[int, int]:
        return _issue(project, self.issue_id, "").where("status")

    def expected(self, project: Project) -> Project:
        return _with_issue(project, self.issue_id, lambda issue: replace(issue, status=self.status))

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        return textedit.set_key(text, nodes.issue(_issue(project, self.issue_id, "")), "status", self.status)


def left_open_warning(change, project: Project, where: str) -> str | None:
    """What `set ISSUE STATUS` says on stderr when it leaves an issue done whose steps are not all done, whether
    it marked it so or it already was (compliance.left_open, as `status` and `validate --strict` say it after,
    and the dashboard asks before), at the issue's steps; None for any other change."""
    if not isinstance(change, SetIssueStatus):
        return None
    from tracker.plan import compliance

    issue = _issue(project, change.issue_id, where)
    left = compliance.left_open(project, issue)
    if left is None:
        return None
    line, column = issue.where("steps")
    return (
        f"{where}:{line}:{column}: warning: issue #{issue.id} is {left[0]} (its steps are listed here); "
        f"finish them (tracker set {issue.id} --step N done) or reopen it"
    )


class SetStepStatus(Struct, frozen=True):
    issue_id: int | str
    step_index: int
    status: str

    def what(self, project: Project) -> str:
        return f"the status of step {self.step_index + 1} ('{self._step(project, '').title}') of issue #{self.issue_id}"

    def value(self, project: Project, where: str) -> str:
        return self._step(project, where).status

    def identity(self, project: Project, where: str) -> str:
        return self._step(project, where).title  # steps have no ids; the title tells if it is the same one

    @property
    def wanted(self) -> str:
        return self.status

    def check(self, project: Project, where: str) -> None:
        if self.status not in STEP_STATUSES:
            line, column = self._step(project, where).where("status")
            raise WriteRefused(
                f"{where}:{line}:{column}: error: a step's status is todo or done, "
                f"not '{self.status}'{did_you_mean(self.status, STEP_STATUSES)}"
            )

    def position(self, project: Project) -> tuple[int, int]:
        return self._step(project, "").where("status")

    def expected(self, project: Project) -> Project:
        def change(issue: Issue) -> Issue:
            steps = list(issue.steps)
            steps[self.step_index] = replace(steps[self.step_index], status=self.status)
            return replace(issue, steps=steps)

        return _with_issue(project, self.issue_id, change)

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        node = _item_node(nodes.issue(_issue(project, self.issue_id, "")).get("steps"), self._step(project, ""))
        return textedit.set_key(text, node, "status", self.status)

    def _step(self, project: Project, where: str):
        issue = _issue(project, self.issue_id, where)
        if 0 <= self.step_index < len(issue.steps):
            return issue.steps[self.step_index]
        line, column = issue.where("steps" if issue.steps else "")
        count = len(issue.steps)
        choice = f"choose a step from 1 to {count}" if count else "add steps to it in the file first"
        raise WriteRefused(
            f"{where}:{line}:{column}: error: issue #{issue.id} has {count or 'no'} "
            f"step{'s' * (count != 1)}, so there is no step {self.step_index + 1}; {choice}"
        )


class SetDeliverableStatus(Struct, frozen=True):
    issue_id: int | str
    path: str
    status: str
    index: int | None = None  # which of the issue's deliverables (the dashboard's row): a path may be named twice

    def what(self, project: Project) -> str:
        return f"the status of deliverable '{self.path}' of issue #{self.issue_id}"

    def value(self, project: Project, where: str) -> str | None:
        return self._deliverable(project, where)[1].status

    @property
    def wanted(self) -> str:
        return self.status

    def check(self, project: Project, where: str) -> None:
        _check_status(project, self.status, where, self._deliverable(project, where)[1].where("status"))

    def position(self, project: Project) -> tuple[int, int]:
        return self._deliverable(project, "")[1].where("status")

    def expected(self, project: Project) -> Project:
        return _with_deliverable(project, self.issue_id, self.path, self.index, status=self.status)

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        node = _deliverable_node(nodes, project, self.issue_id, self.path, self.index)
        return textedit.set_key(text, node, "status", self.status)

    def _deliverable(self, project: Project, where: str):
        return _find_deliverable(project, self.issue_id, self.path, self.index, where)


class SetIssueField(Struct, frozen=True):
    """An issue's `owner` or `due`: one line, replaced or added."""

    issue_id: int | str
    key: str  # owner | due
    text: str

    def what(self, project: Project) -> str:
        return f"the {'due date' if self.key == 'due' else self.key} of issue #{self.issue_id}"

    def value(self, project: Project, where: str) -> str | None:
        return getattr(_issue(project, self.issue_id, where), self.key)

    @property
    def wanted(self) -> str:
        return self.text

    def check(self, project: Project, where: str) -> None:
        _check_field(self.key, self.text, where, self.position(project, where))

    def position(self, project: Project, where: str = "") -> tuple[int, int]:
        return _issue(project, self.issue_id, where).where(self.key)

    def expected(self, project: Project) -> Project:
        return _with_issue(project, self.issue_id, lambda issue: replace(issue, **{self.key: self.text}))

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        node = nodes.issue(_issue(project, self.issue_id, ""))
        return textedit.set_key(text, node, self.key, self.text, plain_date=self.key == "due", after=_ISSUE_HEAD)


class SetDeliverableReviewed(Struct, frozen=True):
    """A deliverable's `reviewed` day: how evidence is marked reviewed again."""

    issue_id: int | str
    path: str
    day: str
    index: int | None = None  # which of the issue's deliverables (the dashboard's row)

    def what(self, project: Project) -> str:
        return f"the review date of deliverable '{self.path}' of issue #{self.issue_id}"

    def value(self, project: Project, where: str) -> str | None:
        return self._deliverable(project, where)[1].reviewed

    @property
    def wanted(self) -> str:
        return self.day

    def check(self, project: Project, where: str) -> None:
        _check_field("reviewed", self.day, where, self.position(project, where))

    def position(self, project: Project, where: str = "") -> tuple[int, int]:
        return self._deliverable(project, where)[1].where("reviewed")

    def expected(self, project: Project) -> Project:
        return _with_deliverable(project, self.issue_id, self.path, self.index, reviewed=self.day)

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        node = _deliverable_node(nodes, project, self.issue_id, self.path, self.index)
        return textedit.set_key(text, node, "reviewed", self.day, plain_date=True, after=_DELIVERABLE_HEAD)

    def _deliverable(self, project: Project, where: str):
        return _find_deliverable(project, self.issue_id, self.path, self.index, where)


# A new owner or due date goes among the keys that say what an issue is, before its lists.
_ISSUE_HEAD = ("id", "title", "status", "summary", "description", "priority", "owner", "due")
_DELIVERABLE_HEAD = ("path", "type", "purpose", "status")


def _check_field(key: str, text: str, where: str, at: tuple[int, int]) -> None:
    if key in ("id", "controls"):  # the loader's rule (model.id_fault): refused before anything is written
        fault = id_fault(text)
        if fault is not None:
            what = "an id" if key == "id" else "a control id"
            raise WriteRefused(
                f"{where}:{at[0]}:{at[1]}: error: '{one_line(text)}' holds {fault}; {what} is one line without "
                f"control characters (it is typed on command lines), so take {fault} out"
            )
    if key == "owner" and not text.strip():
        raise WriteRefused(f"{where}:{at[0]}:{at[1]}: error: an owner is a name, not blank")
    if key in ("due", "reviewed") and not is_iso_date(text):
        raise WriteRefused(f"{where}:{at[0]}:{at[1]}: error: '{one_line(text)}' is {NOT_A_DAY}")


def check_text(change: Struct, where: str) -> None:
    """Refuse a change whose text the plan cannot hold (model.text_fault: a byte of the command line that is not
    UTF-8), whichever command or field it came from: unrefused, it failed as a traceback where it was quoted."""
    for text in _texts(astuple(change)):
        fault = text_fault(text)
        if fault is not None:
            raise WriteRefused(f"{where}: error: {fault}")


def _texts(values):
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, tuple):  # controls, a closing session's accomplished and insights
            yield from _texts(value)


def _find_deliverable(project: Project, issue_id: int | str, path: str, index: int | None, where: str):
    """(index, deliverable) of the issue's deliverable `path`; with `index`, that entry, which must still be `path`."""
    issue = _issue(project, issue_id, where)
    if index is not None:
        if index < len(issue.deliverables) and issue.deliverables[index].path == path:
            return index, issue.deliverables[index]
        line, column = issue.where("deliverables" if issue.deliverables else "")
        raise WriteRefused(
            f"{where}:{line}:{column}: error: deliverable {index + 1} of issue #{issue.id} is no longer '{path}'"
        )
    for exact in (True, False):  # `./src/a.js` names `src/a.js` when nothing matches exactly
        found = [
            (at, deliverable)
            for at, deliverable in enumerate(issue.deliverables)
            if (deliverable.path == path if exact else normalize(deliverable.path) == normalize(path))
        ]
        if len(found) > 1:  # which one is meant is not for the writer to guess (validate warns of it)
            places = " and ".join("line {}, column {}".format(*d.where("path")) for _, d in found)
            line, column = found[1][1].where("path")
            raise WriteRefused(
                f"{where}:{line}:{column}: error: issue #{issue.id} names deliverable '{path}' {len(found)} times "
                f"({places}); merge them into one entry, or change the one you mean in the dashboard"
            )
        if found:
            return found[0]
    line, column = issue.where("deliverables" if issue.deliverables else "")
    paths = [d.path for d in issue.deliverables]
    known = f"its deliverables: {', '.join(paths)}" if paths else "it has none"
    raise WriteRefused(
        f"{where}:{line}:{column}: error: issue #{issue.id} has no deliverable "
        f"'{path}'{did_you_mean(path, paths)}; {known}"
    )


class AppendSession(Struct, frozen=True):
    """A new session at the end of `sessions`; `count` is how many the caller saw (the change adds one)."""

    date: str
    focus: str | None = None
    since: str | None = None
    started: str | None = None
    plan_committed: bool | None = None  # False: the plan had uncommitted changes as the session started
    count: int | None = None  # None: append whatever is there (no check for a session added meanwhile)
    by: str | None = None  # who starts it, as git names whoever commits here

    def what(self, project: Project) -> str:
        return f"a session on {self.date}" + (f" at {self.started}" if self.started else "")

    def value(self, project: Project, where: str) -> int | None:
        return len(project.sessions) if self.count is not None else None

    @property
    def wanted(self) -> int:
        return self.count + 1 if self.count is not None else -1

    def check(self, project: Project, where: str) -> None:
        line, column = project.where("sessions")
        if not is_iso_date(self.date):
            raise WriteRefused(f"{where}:{line}:{column}: error: session date '{one_line(self.date)}' is {NOT_A_DAY}")
        opened = project.open_sessions(self.by)  # a colleague's, pulled in, runs on beside this one
        if len(opened) == 1:
            session = project.sessions[opened[0]]
            line, column = session.where()
            raise WriteRefused(
                f"{where}:{line}:{column}: error: session {project.session_name(opened[0])} "
                f"(started {session.started}) is still open; end it first with 'tracker session end', "
                "or start with --end-open to end it now"
            )
        if opened:
            line, column = project.sessions[opened[0]].where()
            raise WriteRefused(
                f"{where}:{line}:{column}: error: {project.open_sessions_said(opened)}; end each first with "
                "'tracker session end --session DATE#N'"
            )

    def position(self, project: Project) -> tuple[int, int]:
        return project.where("sessions")

    def expected(self, project: Project) -> Project:
        session = Session(
            date=self.date,
            started=self.started,
            focus=self.focus,
            since=self.since,
            by=self.by,
            plan_committed=self.plan_committed,
        )
        return replace(project, sessions=[*project.sessions, session])

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        root = nodes.root
        fields = [(key, textedit.render_value(value, plain_date=key == "date")) for key, value in self._fields()]
        return textedit.append_entry(text, root, "sessions", fields, like=root.get("phases"))

    def _fields(self) -> list[tuple[str, str | bool]]:
        values = (
            ("date", self.date),
            ("started", self.started),
            ("focus", self.focus),
            ("since", self.since),
            ("by", self.by),
            ("plan_committed", self.plan_committed),
        )
        return [(key, value) for key, value in values if value is not None]


class EndSession(Struct, frozen=True):
    """Close the session at `index`: its end time and revision, and what the user says it did."""

    index: int
    ended: str
    until: str | None = None
    headline: str | None = None
    duration: str | None = None
    accomplished: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (title, details)
    insights: tuple[tuple[str, str | None], ...] = ()  # (title, body)
    # True: it ends with plan changes not committed, left to the next session (edit/sessions.py).
    left_uncommitted: bool | None = None
    # The day it ends (YYYY-MM-DD), for the message alone: the file keeps `ended` as a time of day.
    day: str | None = None

    def what(self, project: Project) -> str:
        return f"session {project.session_name(self.index)}" if self.index < len(project.sessions) else "the session"

    def value(self, project: Project, where: str) -> tuple:
        session = self._session(project, where)
        return session.ended, session.until

    def identity(self, project: Project, where: str) -> tuple:
        session = self._session(project, where)
        return session.date, session.started, session.since

    @property
    def wanted(self) -> tuple:
        return self.ended, self.until

    def check(self, project: Project, where: str) -> None:
        session = self._session(project, where)
        if session.closed:
            line, column = session.where("ended", "until")
            raise WriteRefused(
                f"{where}:{line}:{column}: error: session {project.session_name(self.index)} already ended"
                f"{' at ' + session.end_text() if session.ended else ''}; start a new one with 'tracker session start'"
            )

    def position(self, project: Project) -> tuple[int, int]:
        return self._session(project, "").where()

    def expected(self, project: Project) -> Project:
        session = project.sessions[self.index]
        changed = replace(
            session,
            ended=self.ended,
            until=self.until if self.until is not None else session.until,
            left_uncommitted=self.left_uncommitted if self.left_uncommitted is not None else session.left_uncommitted,
            headline=self.headline if self.headline is not None else session.headline,
            duration=self.duration if self.duration is not None else session.duration,
            accomplished=[
                *session.accomplished,
                *(Accomplishment(title=t, details=list(d)) for t, d in self.accomplished),
            ],
            insights=[*session.insights, *(Insight(title=t, body=b) for t, b in self.insights)],
        )
        sessions = list(project.sessions)
        sessions[self.index] = changed
        return replace(project, sessions=sessions)

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        # One edit at a time on a fresh parse: each one moves what follows it.
        values: tuple[tuple[str, str | bool | None], ...] = (
            ("ended", self.ended),
            ("until", self.until),
            ("left_uncommitted", self.left_uncommitted),
            ("headline", self.headline),
            ("duration", self.duration),
        )
        for key, value in values:
            if value is not None:
                text = textedit.set_key(text, self._node(text), key, value)
        for title, details in self.accomplished:
            fields = [("title", textedit.render_scalar(title))]
            if details:
                fields.append(("details", "[" + ", ".join(textedit.render_scalar(d) for d in details) + "]"))
            text = textedit.append_entry(text, self._node(text), "accomplished", fields)
        for title, body in self.insights:
            fields = [("title", textedit.render_scalar(title))]
            if body is not None:
                fields.append(("body", textedit.render_scalar(body)))
            text = textedit.append_entry(text, self._node(text), "insights", fields)
        return text

    def _node(self, text: str) -> yamltree.Mapping:
        sessions = Nodes(text).root.get("sessions")
        node = sessions.items[self.index] if isinstance(sessions, yamltree.Sequence) else None
        if not isinstance(node, yamltree.Mapping):  # a bug: the model was loaded from this text
            raise LookupError("a session is in the model but not in the tree")
        return node

    def _session(self, project: Project, where: str) -> Session:
        if 0 <= self.index < len(project.sessions):
            return project.sessions[self.index]
        line, column = project.where("sessions")
        raise WriteRefused(f"{where}:{line}:{column}: error: the plan has no session to end; start one first")


def _check_status(project: Project, status: str, where: str, at: tuple[int, int]) -> None:
    if project.status(status) is None:
        allowed = [s.id for s in project.workflow]
        raise WriteRefused(
            f"{where}:{at[0]}:{at[1]}: error: '{status}' is not a status of this plan"
            f"{did_you_mean(status, allowed)}; allowed: {', '.join(allowed)}"
        )


def _issue(project: Project, issue_id: int | str, where: str) -> Issue:
    found = project.find_issue(issue_id)
    if found is not None:
        return found[1]
    ids = [issue.key for _, issue in project.issues()]
    shown = first_few(ids, 30, " (tracker status lists them)")
    typed = one_line(issue_key(issue_id))  # what was typed may hold a line break; the message is one line
    # An issue that is not there has no line of its own: point at `phases:`, as an unknown phase does, so the
    # message keeps the path:line:column form editors jump to.
    line, column = project.where("phases")
    raise WriteRefused(
        f"{where}:{line}:{column}: error: no issue '{typed}' in the plan{did_you_mean(typed, ids)}; "
        f"issues: {shown or 'none'}"
    )


def _with_issue(project: Project, issue_id: int | str, change) -> Project:
    """`project` with the issue changed; every other phase and issue is the same object, so that the writer's
    comparison with the plan it wrote settles them by identity (a 10,000-issue plan is not walked)."""
    found = project.find_issue(issue_id)
    if found is None:
        return project  # no such issue: nothing changes (the change was checked against the plan first)
    owner, issue = found
    phases = [
        replace(phase, issues=[change(i) if i is issue else i for i in phase.issues]) if phase is owner else phase
        for phase in project.phases
    ]
    return replace(project, phases=phases)


def _with_deliverable(project: Project, issue_id: int | str, path: str, index: int | None, **fields: str) -> Project:
    """`project` with `fields` of the deliverable _find_deliverable names changed, as _with_issue changes an issue."""

    def change(issue: Issue) -> Issue:
        at = _find_deliverable(project, issue_id, path, index, "")[0]
        deliverables = list(issue.deliverables)
        deliverables[at] = replace(deliverables[at], **fields)
        return replace(issue, deliverables=deliverables)

    return _with_issue(project, issue_id, change)


def _deliverable_node(
    nodes: Nodes, project: Project, issue_id: int | str, path: str, index: int | None
) -> yamltree.Mapping:
    """The tree node of the deliverable _find_deliverable names."""
    issue = nodes.issue(_issue(project, issue_id, ""))
    return _item_node(issue.get("deliverables"), _find_deliverable(project, issue_id, path, index, "")[1])


def _item_node(sequence: yamltree.Sequence, record) -> yamltree.Mapping:
    for node in sequence.items:
        if (node.line, node.column) == record.where():
            return node
    raise LookupError("a list item is in the model but not in the tree")  # a bug: both come from one text
