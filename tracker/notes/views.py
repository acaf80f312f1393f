"""The records a summary template sees (docs/summary-template.md lists them).

They are frozen and hold only text, numbers and other records, so a template
can read them and do nothing else.
"""

from __future__ import annotations

from msgspec import Struct


class StatusView(Struct, frozen=True):
    id: str
    label: str
    mark: str  # "" with --plain
    done: bool


class FileView(Struct, frozen=True):
    path: str
    lines: int | None
    state: str  # committed | modified | staged | untracked | ignored | missing | unsafe | no-git (tracker.git.links)
    note: str  # "145 lines", "missing", "binary", "moved from …", "this file" … ("" when there is nothing to say)


class DeliverableView(Struct, frozen=True):
    path: str
    type: str | None
    type_label: str
    purpose: str
    file: FileView
    status: StatusView
    issue_id: str


class StepView(Struct, frozen=True):
    number: int  # 1-based place in the issue's steps
    title: str
    estimate: str | None
    minutes: int | None
    done: bool
    files: list[str]


class IssueView(Struct, frozen=True):
    id: str
    title: str
    summary: str
    status: StatusView
    percent: int
    steps_done: int
    steps_total: int
    depends_on: list[str]


class PhaseView(Struct, frozen=True):
    id: str
    name: str  # "Phase 2" for P2 or 2, else "Phase <id>"
    title: str
    status: StatusView
    percent: int | None  # None: a phase without issues
    done: int
    total: int
    issues: list[IssueView]


class Change(Struct, frozen=True):
    """One numbered item of "Accomplished": an issue that changed, or a session `accomplished` entry."""

    kind: str  # "issue" | "entry"
    title: str
    issue: IssueView | None
    before: StatusView | None  # the status at the start, when it differs from now
    added: bool  # the issue was not in the plan at the start
    steps_done: list[StepView]
    deliverables: list[DeliverableView]
    details: list[str]
    files: list[FileView]


class NextIssue(Struct, frozen=True):
    issue: IssueView
    phase: str  # the phase's name
    verb: str  # Start | Continue | Finish | Then
    steps: list[StepView]  # the open ones
    minutes: int
    time: str  # "2h 10m", "" when no step has an estimate
    unestimated: int  # open steps without an estimate
    waits_for: list[str]  # issue ids not done yet (only for waiting issues)


class Next(Struct, frozen=True):
    issues: list[NextIssue]
    waiting: list[NextIssue]  # open issues of the same phase whose depends_on is not done
    minutes: int
    time: str
    unestimated: int


class TreeLine(Struct, frozen=True):
    prefix: str  # "├── ", "│   └── " …
    name: str
    note: str


class TreeBlock(Struct, frozen=True):
    root: str  # "src/api/base/", "./" for files at the top of the repository
    lines: list[TreeLine]


class Created(Struct, frozen=True):
    files: list[FileView]  # note: "145 lines", "moved from …", "untracked", "this file"
    tree: list[TreeBlock]
    more: int  # files left out after CREATED_LIMIT


class HistoryView(Struct, frozen=True):
    available: bool
    reason: str  # why not, when not available
    start: str | None  # short sha; None before the first commit
    start_date: str | None
    how: str
    plan: str  # "read" | "absent" | "outside" | "unreadable" | "" (no git)
    plan_problem: str


class SessionView(Struct, frozen=True):
    date: str
    date_long: str  # "November 30, 2025"
    focus: str
    headline: str
    duration: str


class InsightView(Struct, frozen=True):
    title: str
    body: str  # markdown


class Closing(Struct, frozen=True):
    phase: PhaseView | None  # the phase the next work is in; None when everything is done
    next: NextIssue | None
    percent: int
    done: int
    total: int


class ProgressChange(Struct, frozen=True):
    """Where the session took the plan: the overall percent at its start and now, and issues done."""

    before: int
    now: int
    gained: int  # issues done now less those done at the start (negative when some were reopened)
    done: int
    total: int
