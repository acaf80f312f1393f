"""Where the cursor is, in terms that survive a reload.

Tree nodes and model records are rebuilt every time the file is read, so the
selection is kept as a Ref (phase id, issue id, index of the part) and looked
up again in the new plan; when the exact item is gone, its nearest surviving
ancestor takes its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tracker.plan import Deliverable, Issue, Phase, Project, Step, issue_key

Kind = Literal["phase", "issue", "deliverable", "file", "step"]


@dataclass(frozen=True, slots=True)
class Ref:
    kind: Kind
    phase: str
    issue: str | None = None
    index: int | None = None

    def parent(self) -> Ref | None:
        if self.kind == "phase":
            return None
        if self.kind == "issue":
            return Ref("phase", self.phase)
        return Ref("issue", self.phase, self.issue)


@dataclass(frozen=True, slots=True)
class Item:
    """A resolved Ref: the records it names in one loaded plan."""

    ref: Ref
    phase: Phase
    issue: Issue | None = None
    part: Deliverable | Step | str | None = None

    @property
    def line(self) -> int:
        """The plan line of the item itself, for the editor."""
        if self.ref.kind == "file" and self.issue is not None:
            return self.issue.where("files")[0]
        record = self.part if isinstance(self.part, (Deliverable, Step)) else self.issue or self.phase
        return record.where()[0]

    @property
    def path(self) -> str | None:
        """The repository file this item stands for, if any."""
        if isinstance(self.part, Deliverable):
            return self.part.path
        if isinstance(self.part, str):
            return self.part
        if isinstance(self.part, Step) and self.part.files:
            return self.part.files[0]
        return None


def phase_ref(phase: Phase) -> Ref:
    return Ref("phase", issue_key(phase.id))


def issue_ref(phase: Phase, issue: Issue) -> Ref:
    return Ref("issue", issue_key(phase.id), issue.key)


def resolve(project: Project, ref: Ref) -> Item | None:
    phase = next((p for p in project.phases if issue_key(p.id) == ref.phase), None)
    if phase is None:
        return None
    if ref.kind == "phase":
        return Item(ref, phase)
    issue = next((i for i in phase.issues if i.key == ref.issue), None)
    if issue is None:
        return None
    if ref.kind == "issue":
        return Item(ref, phase, issue)
    parts: list = (
        issue.deliverables if ref.kind == "deliverable" else issue.files if ref.kind == "file" else issue.steps
    )
    if ref.index is None or not 0 <= ref.index < len(parts):
        return None
    return Item(ref, phase, issue, parts[ref.index])


def nearest(project: Project, ref: Ref | None) -> Item | None:
    """The item `ref` names, else its closest ancestor still in the plan."""
    while ref is not None:
        item = resolve(project, ref)
        if item is not None:
            return item
        ref = ref.parent()
    return None
