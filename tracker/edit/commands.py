"""The changes the writer can make to a plan, each knowing how to check, describe and edit itself.

A change checks itself against the plan (known issue, step, deliverable,
status), says which value it edits and what that value is now, builds the plan
it should produce (for the writer's verification) and edits the YAML text
through textedit.  writer.apply takes them to disk.
"""

from __future__ import annotations

from dataclasses import dataclass

from msgspec.structs import replace

from tracker.edit import textedit
from tracker.edit.nodes import Nodes
from tracker.plan import Issue, Project, Session, did_you_mean, is_iso_date, issue_key, normalize, yamltree

STEP_STATUSES = ("todo", "done")


class WriteRefused(Exception):
    """The change was not written; str() is the message in `path:line:column: error: ...` form."""


@dataclass(frozen=True)
class SetIssueStatus:
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


@dataclass(frozen=True)
class SetStepStatus:
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


@dataclass(frozen=True)
class SetDeliverableStatus:
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
        def change(issue: Issue) -> Issue:
            index = self._deliverable(project, "")[0]
            deliverables = list(issue.deliverables)
            deliverables[index] = replace(deliverables[index], status=self.status)
            return replace(issue, deliverables=deliverables)

        return _with_issue(project, self.issue_id, change)

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        issue = nodes.issue(_issue(project, self.issue_id, ""))
        node = _item_node(issue.get("deliverables"), self._deliverable(project, "")[1])
        return textedit.set_key(text, node, "status", self.status)

    def _deliverable(self, project: Project, where: str):
        issue = _issue(project, self.issue_id, where)
        if self.index is not None:
            if self.index < len(issue.deliverables) and issue.deliverables[self.index].path == self.path:
                return self.index, issue.deliverables[self.index]
            line, column = issue.where("deliverables" if issue.deliverables else "")
            raise WriteRefused(
                f"{where}:{line}:{column}: error: deliverable {self.index + 1} of issue #{issue.id} "
                f"is no longer '{self.path}'"
            )
        for exact in (True, False):  # `./src/a.js` names `src/a.js` when nothing matches exactly
            for index, deliverable in enumerate(issue.deliverables):
                if deliverable.path == self.path if exact else normalize(deliverable.path) == normalize(self.path):
                    return index, deliverable
        line, column = issue.where("deliverables" if issue.deliverables else "")
        paths = [d.path for d in issue.deliverables]
        known = f"its deliverables: {', '.join(paths)}" if paths else "it has none"
        raise WriteRefused(
            f"{where}:{line}:{column}: error: issue #{issue.id} has no deliverable "
            f"'{self.path}'{did_you_mean(self.path, paths)}; {known}"
        )


@dataclass(frozen=True)
class AppendSession:
    date: str
    focus: str | None = None
    since: str | None = None

    def what(self, project: Project) -> str:
        return f"the session on {self.date}"

    def value(self, project: Project, where: str) -> tuple | None:
        session = project.session(self.date)
        return None if session is None else (session.focus, session.since)

    @property
    def wanted(self) -> tuple:
        return self.focus, self.since

    def check(self, project: Project, where: str) -> None:
        line, column = project.where("sessions")
        if not is_iso_date(self.date):
            raise WriteRefused(
                f"{where}:{line}:{column}: error: a session date looks like YYYY-MM-DD, not '{self.date}'"
            )
        session = project.session(self.date)
        if session is not None:
            line, column = session.where()
            raise WriteRefused(
                f"{where}:{line}:{column}: error: a session on {self.date} is already in the plan; "
                "edit that one instead of starting another"
            )

    def position(self, project: Project) -> tuple[int, int]:
        session = project.session(self.date)
        return session.where() if session is not None else project.where("sessions")

    def expected(self, project: Project) -> Project:
        return replace(
            project, sessions=[*project.sessions, Session(date=self.date, focus=self.focus, since=self.since)]
        )

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        root = nodes.root
        fields = [("date", textedit.render_scalar(self.date, plain_date=True))]
        fields += [
            (key, textedit.render_scalar(value))
            for key, value in (("focus", self.focus), ("since", self.since))
            if value is not None
        ]
        return textedit.append_entry(text, root, "sessions", fields, like=root.get("phases"))


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
    shown = ", ".join(ids[:30]) + (f" and {len(ids) - 30} more (tracker status lists them)" if len(ids) > 30 else "")
    raise WriteRefused(
        f"{where}: error: no issue '{issue_key(issue_id)}' in the plan"
        f"{did_you_mean(issue_key(issue_id), ids)}; issues: {shown or 'none'}"
    )


def _with_issue(project: Project, issue_id: int | str, change) -> Project:
    key = issue_key(issue_id)
    phases = [
        replace(phase, issues=[change(i) if i.key == key else i for i in phase.issues]) for phase in project.phases
    ]
    return replace(project, phases=phases)


def _item_node(sequence: yamltree.Sequence, record) -> yamltree.Mapping:
    for node in sequence.items:
        if (node.line, node.column) == record.where():
            return node
    raise LookupError("a list item is in the model but not in the tree")  # a bug: both come from one text
