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
    note: str  # "145 lines", "missing", "binary", "this file" … ("" when there is nothing to say)


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


class IssueMove(Struct, frozen=True):
    """An issue the window moved from one phase to another (its status and steps are said under its own item)."""

    issue: IssueView
    source: str  # the phase's name at the start ("Phase 1")
    target: str  # and at the end


class DeliverableMove(Struct, frozen=True):
    """A deliverable whose own status (set on it, not its issue's) changed in the window."""

    path: str
    before: StatusView
    after: StatusView


class Change(Struct, frozen=True):
    """One numbered item of "Accomplished": an issue that changed, or a session `accomplished` entry."""

    kind: str  # "issue" | "entry"
    title: str
    issue: IssueView | None
    before: StatusView | None  # the status at the start, when it differs from now
    added: bool  # the issue was not in the plan at the start
    steps_done: list[StepView]
    deliverables: list[DeliverableView]  # only those whose file changed in the window, or whose own status did
    details: list[str]
    files: list[FileView]
    moves: list[DeliverableMove] = []


class Attention(Struct, frozen=True):
    """One item of "Needs attention"."""

    kind: str  # plan | moved | deleted | overdue | drift | stale
    path: str  # the deliverable's path as the plan names it ("" for plan and overdue)
    issue_id: str
    issue_title: str
    status: StatusView | None  # the deliverable's status (drift, stale), the issue's (overdue)
    detail: str  # drift: why git denies the status; stale: when reviewed and due; overdue: the due date
    moved_to: str  # moved: the path git followed it to


class NextIssue(Struct, frozen=True):
    issue: IssueView
    phase: str  # the phase's name
    verb: str  # Start | Continue | Finish | Then
    steps: list[StepView]  # the open ones
    minutes: int
    time: str  # "2h 10m", "" when no step has an estimate
    unestimated: int  # open steps without an estimate
    waits_for: list[str]  # issue ids not done yet (only for waiting and blocked issues)


class Next(Struct, frozen=True):
    issues: list[NextIssue]  # focus and touched first, then by priority, then plan order
    waiting: list[NextIssue]  # open issues whose depends_on is not done ("waiting on #5")
    minutes: int
    time: str
    unestimated: int
    blocked: list[NextIssue] = []  # issues whose status is blocked; waits_for names undone dependencies
    sign_off: list[IssueView] = []  # verified with no open step: nothing left but to mark them done
    more_waiting: int = 0  # waiting issues left out after the first few


class TreeLine(Struct, frozen=True):
    prefix: str  # "├── ", "│   └── " …
    name: str
    note: str


class TreeBlock(Struct, frozen=True):
    root: str  # "src/api/base/", "./" for files at the top of the repository
    lines: list[TreeLine]


class Changed(Struct, frozen=True):
    files: list[FileView]  # changed files as the window leaves them (note: "12 lines" …), the plan aside
    deleted: list[str]  # paths deleted in the window (a move is listed under Moved)
    more: int  # files left out after CREATED_LIMIT


class Created(Struct, frozen=True):
    files: list[FileView]  # note: "145 lines", "untracked", "this file"
    tree: list[TreeBlock]
    more: int  # files left out after CREATED_LIMIT


class Move(Struct, frozen=True):
    """A file the window moved (`git mv`, or git finding it renamed by its content)."""

    source: str  # its path at the start
    file: FileView  # as the window leaves it, at its new path


class Moved(Struct, frozen=True):
    files: list[Move]  # sorted by the path at the start
    more: int  # files left out after CREATED_LIMIT


class HistoryView(Struct, frozen=True):
    available: bool
    reason: str  # why not, when not available
    start: str | None  # short sha; None before the first commit
    start_date: str | None
    how: str
    plan: str  # "read" | "absent" | "outside" | "unreadable" | "" (no git)
    plan_problem: str
    end: str | None = None  # short sha where a closed session ended; None: open (HEAD and the work tree)
    # The session whose start closed the window (DATE or DATE#N), when the session has no `until` of its own;
    # "" when `end` is where the session ended.
    end_by: str = ""


class WindowView(Struct, frozen=True):
    """A window given with --since that is not the session's own: the note is about it, not about the session."""

    start_date: str  # YYYY-MM-DD: the day given, else the day of the commit given
    start_long: str  # "December 2, 2026"
    end_date: str  # the day the window ends: the session's end, or today while it is open
    end_long: str


class SessionView(Struct, frozen=True):
    date: str
    date_long: str  # "November 30, 2025"
    focus: str
    headline: str
    duration: str
    name: str = ""  # DATE, or DATE#N when several sessions share the day
    number: int = 0  # which session of its day (2, 3 …); 0 for the first, whose note later sessions must not change
    started: str = ""  # HH:MM
    ended: str = ""  # HH:MM; "" while open
    closed: bool = False
    end_date: str = ""  # YYYY-MM-DD the session ended (a later day than `date` past midnight); "" while open
    time: str = ""  # "09:10 to 13:40", "14:00 to 09:00 the next day", "09:10, still open" (Session.time_text)


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
    removed: int = 0  # issues in the plan at the start and not at the end: the percent moved with them
