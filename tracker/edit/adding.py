"""Changes that add an entry: a phase, an issue to a phase, a step or a deliverable to an issue.

Each is a text insertion at the end of its list (textedit.append_entry), in
the style of the entries around it: their indentation, block or flow, blank
lines between them, the quote character of their titles.  An id left out is
the next one in the plan's own sequence (7 after 6, P5 after P4, SEC-13 after
SEC-12), worked out from the plan as it is when the writer edits it, so two
`tracker add issue` run at once both land with different ids.

Except where the issues' ids are control ids (an imported catalog: AC-1,
AC-2(1)), for there the next in the sequence is a control too: AC-23 after
AC-22 is NIST's Data Mining Protection, outside the moderate baseline, and an
issue under that id reads as that control.  Such a plan's new issue is a task
of its phase, `AC-T1` (issue_id): a letter where NIST's, SOC 2's and ISO
27001's controls have a digit, and never an id a declared framework lists.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import msgspec
from msgspec.structs import replace

from tracker.edit import textedit
from tracker.edit.commands import WriteRefused, _check_field, _check_status, _issue, _with_issue
from tracker.edit.nodes import Nodes
from tracker.plan import (
    NOT_A_DAY,
    Deliverable,
    Issue,
    Phase,
    Project,
    Step,
    did_you_mean,
    is_iso_date,
    issue_key,
    plain_id,
    yamltree,
)
from tracker.support.figures import first_few
from tracker.support.textsafe import one_line

ADDED = "added"  # what an addition's value becomes: never equal to its value before, so the writer always edits
_NUMBERED = re.compile(r"(.*?)(\d+)\Z")
# NIST's enhancement, AC-2(1) or AC-02(01): a plan that has one names its issues by control, with or without a
# framework declared.
_ENHANCEMENT = re.compile(r"[A-Za-z]+-\d+\(\d+\)\Z")
TASK = "-T"  # between a phase's id and the number of a task added to a plan of controls: AC-T1


def next_id(ids: list, near: list | None = None) -> int | str:
    """A new id in the sequence of `ids` (all ids of its kind): the next number, or prefix and next number.

    `near` (the ids of the same phase) decides the prefix when the plan uses several.
    """
    if set(map(type, ids)) <= {int}:  # every id a number (a bool's type is its own): 1 ms for 100,000 ids, not 12
        return max(ids, default=0) + 1
    taken = {issue_key(i).casefold() for i in ids}  # only for ids not all numbers: 10,000 keys are 3 ms
    matches = [m for m in (_NUMBERED.match(str(i)) for i in (near or ids)) if m] or [
        m for m in (_NUMBERED.match(str(i)) for i in ids) if m
    ]
    if matches:
        prefix = Counter(m.group(1) for m in matches).most_common(1)[0][0]
        sequence = [
            (i, m.group(2)) for i, m in ((i, _NUMBERED.match(str(i))) for i in ids) if m and m.group(1) == prefix
        ]
        same = [digits for _, digits in sequence]
        new = _free(prefix, max(int(n) for n in same) + 1, _width(same), lambda new: new.casefold() in taken)
        # Bare numbers among text ids (1, X-1) go on as numbers: the text '2' is an id of another type, quoted.
        return int(new) if not prefix and any(type(i) is int for i, _ in sequence) else new
    number = len(ids) + 1
    while str(number).casefold() in taken:
        number += 1
    return number


def issue_id(ids: list, phase: Phase, controls: list) -> int | str:
    """A new issue's id in `phase`: next_id's, unless the plan's `ids` are control ids (one is an enhancement,
    AC-2(1), or one of the declared frameworks' `controls`); then the phase's next task, AC-T1, padded as the
    phase's numbers are (AC-T01 among AC-01, AC-02), and never one of `controls`."""
    near = [issue.id for issue in phase.issues]
    declared = {plain_id(c) for c in controls}
    if not _named_by_control(ids, declared):
        return next_id(ids, near)
    prefix = f"{issue_key(phase.id)}{TASK}"
    tasks = [key[len(prefix) :] for key in map(issue_key, ids) if key.casefold().startswith(prefix.casefold())]
    numbers = [m.group(2) for m in (_NUMBERED.match(str(i)) for i in near or ids) if m]
    taken = {issue_key(i).casefold() for i in ids}
    number = max((int(t) for t in tasks if t.isascii() and t.isdigit()), default=0) + 1
    return _free(prefix, number, _width(numbers), lambda new: new.casefold() in taken or plain_id(new) in declared)


def _named_by_control(ids: list, declared: set[str]) -> bool:
    """Whether `ids` are control ids: one is an enhancement, or one is among the `declared` controls (plain_id)."""
    if any(isinstance(i, str) and _ENHANCEMENT.match(i) for i in ids):
        return True
    return bool(declared) and any(isinstance(i, str) and plain_id(i) in declared for i in ids)


def _width(numbers: list[str]) -> int:
    """The digits a new number is padded to, as `numbers` (a sequence's) are: 1 unless they all are padded."""
    return max(len(n) for n in numbers) if numbers and all(n.startswith("0") or len(n) > 1 for n in numbers) else 1


def _free(prefix: str, number: int, width: int, taken: Callable[[str], bool]) -> str:
    """`prefix` and the first number from `number` on, padded to `width`, that makes an id not `taken`."""
    while taken(f"{prefix}{number:0{width}d}"):
        number += 1
    return f"{prefix}{number:0{width}d}"


def typed_id(text: str, ids: list, near: Callable[[], int | str]) -> int | str:
    """An id typed on the command line in the plan's form: a number when it is one and so is the id the plan's own
    sequence gives next (`near`, the id given without --id: all ids numbers, or bare numbers among text ids)."""
    if text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0")):
        if all(type(i) is int for i in ids) or type(near()) is int:
            return int(text)
    return text


def check_form(text: str, ids: list, near: Callable[[], int | str], kind: str, where: str, at: tuple[int, int]) -> None:
    """Refuse a bare number typed where the plan's sequence goes on with text (`near`, AC-03 after AC-02): it would
    be written as the text '2', quoted, the one id of its form, and the entries added after it take its quotes."""
    if not (text.isascii() and text.isdigit()) or all(type(i) is int for i in ids):
        return
    after = near()
    if type(after) is int or str(after).isdigit():  # the plan's numbers, or its numbers written as text ('3')
        return
    raise WriteRefused(
        f"{where}:{at[0]}:{at[1]}: error: --id {text} is a bare number, and the plan's {kind} ids are text "
        f"({first_few([one_line(str(i)) for i in ids], 3)}); give the id in their form, e.g. --id {after} (the "
        "next one), or leave --id out"
    )


def _render_id(value: int | str, style: str | None) -> str:
    return str(value) if isinstance(value, int) else textedit.render_scalar(value, style)


def _style(text: str, node) -> str | None:
    """The quote character a neighbour's scalar is written with, else None (plain when that is safe)."""
    if node is not None and node.kind == "scalar" and node.end > node.start and text[node.start] in "'\"":
        return text[node.start]
    return None


def _last_item(seq) -> yamltree.Mapping | None:
    if seq is not None and seq.kind == "sequence" and seq.items and seq.items[-1].kind == "mapping":
        return seq.items[-1]
    return None


# A control id as plans write it in a flow list, unquoted: FRAMEWORK:CONTROL (SOC2:CC6.1, ISO27001:A.8.28).
_CONTROL_ID = re.compile(r"[A-Za-z][\w.-]*:[\w.()-]*[\w)]\Z")


def _flow_list(values: list[str]) -> str:
    """`[a, b]`, each value plain where a control id reads back as itself, as the plans and `tracker init`'s
    templates write them (`[SOC2:CC6.1]`, not `['SOC2:CC6.1']`); else quoted as render_scalar quotes it."""
    quoted = "[" + ", ".join(textedit.render_scalar(v) for v in values) + "]"
    plain = "[" + ", ".join(v if _CONTROL_ID.match(v) else textedit.render_scalar(v) for v in values) + "]"
    if plain != quoted and textedit.reads_back(plain, values):
        return plain
    return quoted


def _duplicate(project_ids: list, wanted, what: str, where: str, at: tuple[int, int]) -> None:
    key = issue_key(wanted).casefold()
    for existing in project_ids:
        if issue_key(existing).casefold() == key:
            same = issue_key(existing) == issue_key(wanted)
            raise WriteRefused(
                f"{where}:{at[0]}:{at[1]}: error: {what} '{issue_key(existing)}' is already in the plan"
                f"{'' if same else ' (ids differ only in case)'}; choose another id or leave --id out"
            )


class AddPhase(msgspec.Struct, frozen=True):
    title: str
    id: str | None = None

    def what(self, project: Project) -> str:
        return f"phase '{self.title}'"

    def value(self, project: Project, where: str) -> None:
        return None

    wanted = ADDED

    def check(self, project: Project, where: str) -> None:
        if self.id is not None:
            ids = [p.id for p in project.phases]
            _check_field("id", self.id, where, project.where("phases"))
            check_form(self.id, ids, lambda: next_id(ids), "phase", where, project.where("phases"))
            _duplicate(ids, self.id, "a phase", where, project.where("phases"))

    def position(self, project: Project) -> tuple[int, int]:
        return project.where("phases")

    def new_id(self, project: Project) -> int | str:
        ids = [p.id for p in project.phases]
        return typed_id(self.id, ids, lambda: next_id(ids)) if self.id is not None else next_id(ids)

    def expected(self, project: Project) -> Project:
        phase = msgspec.convert({"id": self.new_id(project), "title": self.title}, Phase)
        return replace(project, phases=[*project.phases, phase])

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        phases = nodes.root.get("phases")
        last = _last_item(phases)
        fields = [
            ("id", _render_id(self.new_id(project), _style(text, last and last.get("id")))),
            ("title", textedit.render_scalar(self.title, _style(text, last and last.get("title")))),
        ]
        return textedit.append_entry(text, nodes.root, "phases", fields, spaced=True)

    def added(self, project: Project) -> str:
        return f"added phase {project.phases[-1].id} '{self.title}'"


class AddIssue(msgspec.Struct, frozen=True):
    phase: str
    title: str
    id: str | None = None
    owner: str | None = None
    due: str | None = None
    controls: tuple[str, ...] = ()
    # The new id as `numbered` worked it out for the plan the writer edits; None: worked out when asked.
    numbered_as: int | str | None = None

    def what(self, project: Project) -> str:
        return f"issue '{self.title}' in phase {self.phase}"

    def value(self, project: Project, where: str) -> None:
        return None

    wanted = ADDED

    def check(self, project: Project, where: str) -> None:
        phase = self._phase(project, where)
        at = phase.where("issues")
        if self.id is not None:
            ids = [i.id for _, i in project.issues()]
            _check_field("id", self.id, where, at)
            check_form(self.id, ids, lambda: self._next_id(ids, project), "issue", where, at)
            _duplicate(ids, self.id, "an issue", where, at)
        for control in self.controls:
            _check_field("controls", control, where, at)
        if self.due is not None and not is_iso_date(self.due):
            raise WriteRefused(f"{where}:{at[0]}:{at[1]}: error: due date '{self.due}' is {NOT_A_DAY}")
        if self.owner is not None:  # '' otherwise reaches the model's own check in the verify: a traceback
            _check_field("owner", self.owner, where, at)
        _check_status(project, project.workflow[0].id, where, at)

    def position(self, project: Project) -> tuple[int, int]:
        return self._phase(project, "").where("issues")

    def new_id(self, project: Project) -> int | str:
        if self.numbered_as is not None:
            return self.numbered_as
        ids = [issue.id for _, issue in project.issues()]
        if self.id is not None:
            return typed_id(self.id, ids, lambda: self._next_id(ids, project))
        return self._next_id(ids, project)

    def _next_id(self, ids: list, project: Project) -> int | str:
        """The id the plan's sequence gives this issue when none is typed."""
        controls = [control for framework in project.frameworks for control in framework.controls]
        return issue_id(ids, self._phase(project, ""), controls)

    def numbered(self, project: Project) -> AddIssue:
        """This change with its new id worked out for `project`, the plan the writer edits: its edit and the
        writer's check of the result (`expected`) then share one, which in a plan of control ids reads every id
        as a catalogue reads it (100,000 of them: a tenth of a second)."""
        return replace(self, numbered_as=self.new_id(project))

    def _record(self, project: Project) -> dict:
        record: dict = {"id": self.new_id(project), "title": self.title, "status": project.workflow[0].id}
        record.update({k: v for k, v in (("owner", self.owner), ("due", self.due)) if v is not None})
        if self.controls:
            record["controls"] = list(self.controls)
        return record

    def expected(self, project: Project) -> Project:
        issue = msgspec.convert(self._record(project), Issue)
        target = self._phase(project, "")
        phases = [replace(p, issues=[*p.issues, issue]) if p is target else p for p in project.phases]
        return replace(project, phases=phases)

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        target = self._phase(project, "")
        index = project.phases.index(target)
        phase_node = nodes.phase(target, index)
        last = _last_item(phase_node.get("issues"))
        if last is not None:  # in the style of the phase's own issues: nothing else is looked at
            return textedit.append_entry(text, phase_node, "issues", self._fields(text, last, project), spaced=True)
        # A phase without issues yet: the first is written like the issues of the other phases.
        phase_nodes = nodes.root.get("phases")
        phase_node = phase_nodes.items[index]
        last = next(
            (
                _last_item(p.get("issues"))
                for p in reversed(phase_nodes.items)
                if p.kind == "mapping" and _last_item(p.get("issues"))
            ),
            None,
        )
        like = next(
            (p.get("issues") for p in phase_nodes.items if p.kind == "mapping" and _last_item(p.get("issues"))), None
        )
        return textedit.append_entry(
            text, phase_node, "issues", self._fields(text, last, project), like=like, spaced=True
        )

    def append_to(self, text: str, issues: yamltree.Sequence, project: Project) -> str:
        """`text` with the new issue at the end of `issues` (a block list of the phase's issues in it), as `edit`
        writes it: edit/addwindow.py gives the lines of the phase's last issues alone."""
        return textedit.append_to_list(text, issues, self._fields(text, _last_item(issues), project), spaced=True)

    def _fields(self, text: str, last: yamltree.Mapping | None, project: Project) -> list[tuple[str, str]]:
        """The new issue's keys and values, written as `last` (an issue of the plan) writes them."""
        fields = []
        for key, value in self._record(project).items():
            if key == "id":
                fields.append((key, _render_id(value, _style(text, last and last.get("id")))))
            elif key == "controls":
                fields.append((key, _flow_list(value)))
            else:
                style = _style(text, last and last.get(key))
                fields.append((key, textedit.render_scalar(value, style, plain_date=key == "due")))
        return fields

    def added(self, project: Project) -> str:
        phase = self._phase(project, "")
        return f"added issue #{phase.issues[-1].id} '{self.title}' to phase {phase.id}"

    def _phase(self, project: Project, where: str) -> Phase:
        return find_phase(project, self.phase, where)


def find_phase(project: Project, phase_id: str, where: str) -> Phase:
    """The phase whose id is `phase_id` as typed; else a refusal that suggests a close one."""
    for phase in project.phases:
        if issue_key(phase.id) == phase_id:
            return phase
    ids = [issue_key(p.id) for p in project.phases]
    line, column = project.where("phases")
    typed = one_line(phase_id)  # what was typed may hold a line break; the message is one line
    raise WriteRefused(
        f"{where}:{line}:{column}: error: no phase '{typed}' in the plan"
        f"{did_you_mean(typed, ids)}; phases: {', '.join(ids) or 'none'}"
    )


class AddStep(msgspec.Struct, frozen=True):
    issue_id: str
    title: str
    estimate: str | None = None

    def what(self, project: Project) -> str:
        return f"step '{self.title}' of issue #{self.issue_id}"

    def value(self, project: Project, where: str) -> None:
        return None

    wanted = ADDED

    def check(self, project: Project, where: str) -> None:
        issue = _issue(project, self.issue_id, where)
        if self.estimate is not None:
            from tracker.plan import estimate_error

            wrong = estimate_error(self.estimate)
            if wrong is not None:
                line, column = issue.where("steps")
                raise WriteRefused(f"{where}:{line}:{column}: error: {wrong}")

    def position(self, project: Project) -> tuple[int, int]:
        return _issue(project, self.issue_id, "").where("steps")

    def _record(self) -> dict:
        return {"title": self.title, **({"estimate": self.estimate} if self.estimate is not None else {})}

    def expected(self, project: Project) -> Project:
        step = msgspec.convert(self._record(), Step)
        return _with_issue(project, _issue(project, self.issue_id, "").id, lambda i: replace(i, steps=[*i.steps, step]))

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        node = nodes.issue(_issue(project, self.issue_id, ""))
        return _append_child(text, node, "steps", self._record(), like=node.get("deliverables"))

    def added(self, project: Project) -> str:
        issue = _issue(project, self.issue_id, "")
        return f"added step {len(issue.steps)} '{self.title}' to issue #{issue.id}"


class AddDeliverable(msgspec.Struct, frozen=True):
    issue_id: str
    path: str
    type: str | None = None
    purpose: str | None = None

    def what(self, project: Project) -> str:
        return f"deliverable '{self.path}' of issue #{self.issue_id}"

    def value(self, project: Project, where: str) -> None:
        return None

    wanted = ADDED

    def check(self, project: Project, where: str) -> None:
        issue = _issue(project, self.issue_id, where)
        from tracker.plan import unsafe_reason

        reason = unsafe_reason(self.path)
        if reason:
            line, column = issue.where("deliverables")
            raise WriteRefused(f"{where}:{line}:{column}: error: '{self.path}' {reason}")
        if any(d.path == self.path for d in issue.deliverables):
            line, column = issue.where("deliverables")
            raise WriteRefused(
                f"{where}:{line}:{column}: error: issue #{issue.id} already has the deliverable '{self.path}'"
            )

    def position(self, project: Project) -> tuple[int, int]:
        return _issue(project, self.issue_id, "").where("deliverables")

    def _record(self) -> dict:
        record = {"path": self.path}
        record.update({k: v for k, v in (("type", self.type), ("purpose", self.purpose)) if v is not None})
        return record

    def expected(self, project: Project) -> Project:
        deliverable = msgspec.convert(self._record(), Deliverable)
        return _with_issue(
            project,
            _issue(project, self.issue_id, "").id,
            lambda i: replace(i, deliverables=[*i.deliverables, deliverable]),
        )

    def edit(self, text: str, nodes: Nodes, project: Project) -> str:
        node = nodes.issue(_issue(project, self.issue_id, ""))
        return _append_child(text, node, "deliverables", self._record(), like=node.get("steps"))

    def added(self, project: Project) -> str:
        issue = _issue(project, self.issue_id, "")
        return f"added deliverable '{self.path}' to issue #{issue.id}"


def _append_child(text: str, issue_node: yamltree.Mapping, key: str, record: dict, like) -> str:
    last = _last_item(issue_node.get(key))
    fields = [(k, textedit.render_scalar(v, _style(text, last and last.get(k)))) for k, v in record.items()]
    return textedit.append_entry(text, issue_node, key, fields, like=like, spaced=True)


Addition = AddPhase | AddIssue | AddStep | AddDeliverable
