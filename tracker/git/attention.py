"""What needs attention in a plan, as git and today's date see it: overdue issues, stale evidence,
drift, and issues marked done with steps still open; and coverage per framework (README.md, "Compliance fields").

The rules are plan.compliance's; this module gives them the last commit of each
file from the links (read in one history walk for all files, never a git
process per file) and today's date from the caller.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from tracker.git.drift import deliverable_drift
from tracker.git.links import Links
from tracker.plan import Coverage, Deliverable, Freshness, Issue, Phase, Problem, Project, compliance

Kind = Literal["overdue", "stale", "drift", "open-steps"]
KINDS: tuple[Kind, ...] = ("overdue", "stale", "drift", "open-steps")


@dataclass(frozen=True, slots=True)
class Attention:
    """One thing to look at: what kind, where in the plan, and what to say about it."""

    kind: Kind
    phase: Phase
    issue: Issue
    deliverable: Deliverable | None
    message: str
    freshness: Freshness | None = None  # of stale evidence: when last reviewed, when due
    # Of drift and open steps: what the message says of it after naming it ("marked done but 2 of its steps are
    # not done"), for a view that names it its own way (status's `!` lines); and what is wrong, after "but"
    # (drift: what git says against the file, deliverable_drift), for a view that says the status apart (notes).
    marked: str = ""
    reason: str = ""

    def where(self) -> tuple[int, int]:
        if self.deliverable is not None:
            return self.deliverable.where("reviewed" if self.kind == "stale" else "path", "path")
        return self.issue.where({"overdue": "due", "open-steps": "steps"}.get(self.kind, "status"))


def evidence_freshness(
    project: Project, phase: Phase, issue: Issue, deliverable: Deliverable, links: Links, today: datetime.date
) -> Freshness:
    """compliance.freshness of a deliverable, with its file's last commit from the links."""
    commit = links.get(deliverable.path).last_commit
    return compliance.freshness(project, phase, issue, deliverable, commit.date if commit else None, today)


def attention(
    project: Project, links: Links, today: datetime.date, kinds: Iterable[Kind] = KINDS
) -> Iterator[Attention]:
    """Everything of `kinds` that needs attention, in plan order."""
    wanted = set(kinds)
    for phase, issue in project.issues():
        if "overdue" in wanted and compliance.is_overdue(project, issue, today):
            yield Attention("overdue", phase, issue, None, f"issue #{issue.id} was due {issue.due} and is not done")
        left = compliance.left_open(project, issue) if "open-steps" in wanted else None
        if left is not None:
            marked, steps = left
            yield Attention(
                "open-steps", phase, issue, None, f"issue #{issue.id} is {marked}", marked=marked, reason=steps
            )
        for deliverable in issue.deliverables:
            reason = (
                deliverable_drift(project, issue, deliverable, links.get(deliverable.path))
                if "drift" in wanted
                else None
            )
            if reason:
                marked = f"marked {project.label(issue.status_of(deliverable)).lower()} but {reason}"
                yield Attention(
                    "drift",
                    phase,
                    issue,
                    deliverable,
                    f"deliverable '{deliverable.path}' of issue #{issue.id} is {marked}",
                    marked=marked,
                    reason=reason,
                )
            if "stale" in wanted:
                fresh = evidence_freshness(project, phase, issue, deliverable, links, today)
                if fresh.stale:
                    yield Attention(
                        "stale",
                        phase,
                        issue,
                        deliverable,
                        f"evidence '{deliverable.path}' of issue #{issue.id} was last reviewed {fresh.reviewed}; "
                        f"its review was due {fresh.review_due}",
                        fresh,
                    )


# The face offers `attention` under this name too: `from tracker.git import attention` names the module
# as well, which import-linter takes for a way around the face (and Python may hand out the module).
needs_attention = attention


# How to clear each kind, said after what is wrong.
_FIX = {
    "overdue": "finish it or move its due date",
    "stale": "review it, then run: tracker set {issue} --deliverable {path} --reviewed today",
    "drift": "commit it or change the status",
    "open-steps": "finish its steps or reopen it",
}


def strict_problems(project: Project, links: Links, today: datetime.date, where: str) -> list[Problem]:
    """What `validate --strict` fails on: drift, overdue issues, stale evidence, done issues with open steps."""
    out = []
    for item in attention(project, links, today):
        unsafe = item.kind == "drift" and item.deliverable and links.get(item.deliverable.path).state == "unsafe"
        if unsafe:  # an error already (drift.link_problems): left out by its state, as drift_problems does
            continue
        fix = _FIX[item.kind].format(
            issue=item.issue.id, path=_shell_word(item.deliverable.path) if item.deliverable else ""
        )
        out.append(Problem(where, *item.where(), f"{item.message}; {fix}"))
    return out


@dataclass(frozen=True, slots=True)
class ReviewToCome:
    """A `reviewed` day after today, where it is written: freshness passes over it (compliance.is_to_come), so
    the user is told why the evidence under it is judged without it (`validate`'s warning, the dashboard's line)."""

    record: Project | Phase | Issue | Deliverable
    what: str  # "the plan", "phase P1", "issue #1", "evidence 'docs/a.md'"
    today: datetime.date
    command: str = ""  # for evidence: the command that records a review made today

    @property
    def message(self) -> str:
        return (
            f"'reviewed' of {self.what} is {self.record.reviewed}, after today ({self.today.isoformat()}): "
            "a review still to come proves nothing, so it is not counted"
        )

    @property
    def said(self) -> str:
        """What is wrong and how to fix it, in the words of `validate` and the dashboard alike."""
        fix = "write the day it was reviewed, today or earlier"
        return f"{self.message}; {fix}" + (f", or once reviewed run: {self.command}" if self.command else "")

    def where(self) -> tuple[int, int]:
        return self.record.where("reviewed")


def reviews_to_come(project: Project, today: datetime.date, where: str, strict: bool) -> list[Problem]:
    """Each `reviewed` day after today in the plan, as `validate` says it: a warning, with `strict` an error."""
    return [
        Problem(where, *item.where(), item.said, "error" if strict else "warning")
        for item in _reviews_to_come_in(project, today)
    ]


def _reviews_to_come_in(project: Project, today: datetime.date) -> Iterator[ReviewToCome]:
    """Every `reviewed` day after today in the plan, in plan order."""
    yield from _to_come(project, "the plan", today)
    for phase in project.phases:
        yield from _to_come(phase, f"phase {phase.id}", today)
        for issue in phase.issues:
            yield from _issue_reviews_to_come(issue, today)


def reviews_to_come_over(
    project: Project, phase: Phase, issue: Issue | None, today: datetime.date
) -> Iterator[ReviewToCome]:
    """The `reviewed` days after today that an issue's evidence would inherit or holds (the plan's, its phase's,
    its own and its deliverables'), or without an issue those a phase's would: what the dashboard shows of it."""
    yield from _to_come(project, "the plan", today)
    yield from _to_come(phase, f"phase {phase.id}", today)
    if issue is not None:
        yield from _issue_reviews_to_come(issue, today)


def _issue_reviews_to_come(issue: Issue, today: datetime.date) -> Iterator[ReviewToCome]:
    yield from _to_come(issue, f"issue #{issue.id}", today)
    for deliverable in issue.deliverables:
        command = f"tracker set {issue.id} --deliverable {_shell_word(deliverable.path)} --reviewed today"
        yield from _to_come(deliverable, f"evidence '{deliverable.path}'", today, command)


def _to_come(
    record: Project | Phase | Issue | Deliverable, what: str, today: datetime.date, command: str = ""
) -> Iterator[ReviewToCome]:
    if record.reviewed and compliance.is_to_come(record.reviewed, today):
        yield ReviewToCome(record, what, today, command)


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


def coverage_of(
    project: Project, links: Links, today: datetime.date, frameworks: Iterable[str] | None = None
) -> list[Coverage]:
    """Coverage per framework; a done issue whose evidence is drifted or stale satisfies nothing."""

    def unsatisfied(phase: Phase, issue: Issue) -> bool:
        for deliverable in issue.deliverables:
            if deliverable_drift(project, issue, deliverable, links.get(deliverable.path)):
                return True
            if evidence_freshness(project, phase, issue, deliverable, links, today).stale:
                return True
        return False

    return compliance.coverage(project, unsatisfied, frameworks)
