"""The plan as plain types: project → phases → issues → deliverables and steps.

These types are the single description of the file format: the loader checks
YAML against them field by field, and `tracker schema` derives the JSON Schema
from them.  They know nothing of the terminal, the CLI or git.

`at` on each record holds where it stands and the place (line and column) of
each of its values ("files.2" an item of a list), packed (see `pack_places`),
so that later checks and the TUI can point into the file; `where` and `places`
read it.
"""

from __future__ import annotations

import datetime
import re
import struct
from functools import lru_cache
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct, field

from tracker.support.textsafe import CONTROLS_AND_BREAKS, one_line

# Text the loader checks as an id (plan/shape.py, with id_fault): an id is typed on command lines and shown
# on one line, so one holding a line break or a control character could be shown but not typed.
_ID = {"id": True}
IssueId = int | Annotated[str, Meta(extra=_ID)]
Priority = Literal["critical", "high", "medium", "low"]
DeliverableType = Literal["source", "test", "doc", "report", "config", "other"]
StepStatus = Literal["todo", "done"]
STEP_DONE = "done"  # the status of a step that is done (Step.done; progress counts steps by it)
Text = Annotated[str, Meta(min_length=1)]
Id = Annotated[str, Meta(min_length=1, extra=_ID)]
Weight = Annotated[float, Meta(ge=0, le=1)]
IsoDate = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
Interval = Annotated[str, Meta(description="how often: 90d, 12w, 6m or 1y (days, weeks, months, years)")]
ClockTime = Annotated[str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="a time of day, HH:MM (24 hours)")]
Estimate = Annotated[
    str,
    Meta(description="a duration such as 30m, 1.5h, 1h30m, '2 hours', '30 mins'"),
]
# A place is one int (see place): a tuple per value would cost a 10,000-issue
# plan 17 MiB more, held by every command.
WIDE = 256  # a column below this is kept as line * WIDE + column, an int CPython computes and stores cheaply
# A record's places, packed in bytes (see pack_places): a dict of them on every record was 45% of
# decoding a cached plan (0.19 s of 0.41 at 100,000 issues) and a third of the memory a plan holds.
Positions = bytes
_LEAD = struct.Struct("<II")  # the record's own line and column
_RELATIVE = msgspec.msgpack.Decoder(dict[str, int])
_ENCODER = msgspec.msgpack.Encoder()


def place(line: int, column: int) -> int:
    """(line, column) as one int; a column of WIDE or more (rare) makes it negative."""
    return line * WIDE + column if column < WIDE else -(line << 32 | column)


def unplace(packed: int) -> tuple[int, int]:
    """The (line, column) a `place` packed."""
    return divmod(packed, WIDE) if packed > 0 else (-packed >> 32, -packed & 0xFFFFFFFF)


def pack_places(line: int, column: int, relative: dict[str, int]) -> Positions:
    """A record at (line, column) whose keys' values stand at `relative`: place(line of the value - `line`,
    its column) for each key, the record's own ("") left out.

    Its own line and column lead, as two unsigned 32-bit ints, then the rest as a msgpack map: a record
    moved down the file (as the writer moves those after an added issue) has only those first bytes
    rewritten (moved_places), its map kept as it is."""
    return _LEAD.pack(line, column) + (_ENCODER.encode(relative) if relative else b"")


def moved_places(at: Positions, lines: int) -> Positions:
    """`at` of a record moved down by `lines` lines (up when negative), every value with it."""
    if not at:
        return at
    line, column = _LEAD.unpack_from(at)
    return _LEAD.pack(line + lines, column) + at[_LEAD.size :]


def positions_of(places: dict[str, int]) -> Positions:
    """Positions from a record's places as Record.places gives them (each a `place`, "" the record's own)."""
    if "" not in places:
        return b""
    line, column = unplace(places[""])
    relative = {}
    for key, packed in places.items():
        if key:
            at_line, at_column = unplace(packed)
            relative[key] = place(at_line - line, at_column)
    return pack_places(line, column, relative)


# gc=False: a record holds text, numbers and records below it, never anything
# above, so it can be in no cycle, and the collector need not walk the 60,000
# records of a big plan each time it runs (a tenth of a second after each load).
class Record(Struct, kw_only=True, omit_defaults=True, gc=False):
    at: Positions = b""
    # `x-*` keys as written (text, numbers, lists, mappings): kept, shown, never checked.
    extensions: dict[str, Any] | None = None

    def where(self, key: str = "", fallback: str = "") -> tuple[int, int]:
        """(line, column) of `key`'s value, else of `fallback`'s, else of the record itself."""
        at = self.at
        if not at:
            return 1, 1
        line, column = _LEAD.unpack_from(at)
        if key and len(at) > _LEAD.size:
            relative = _RELATIVE.decode(at[_LEAD.size :])
            packed = relative.get(key) or relative.get(fallback)
            if packed:
                at_line, at_column = unplace(packed)
                return line + at_line, at_column
        return line, column

    def places(self) -> dict[str, int]:
        """Each key's place (a `place`, "" the record's own); empty for a record not read from a file."""
        at = self.at
        if not at:
            return {}
        line, column = _LEAD.unpack_from(at)
        out = {"": place(line, column)}
        if len(at) > _LEAD.size:
            for key, packed in _RELATIVE.decode(at[_LEAD.size :]).items():
                at_line, at_column = unplace(packed)
                out[key] = place(line + at_line, at_column)
        return out

    def start(self) -> int:
        """The record's own place (a `place`); 0 for a record not read from a file."""
        return place(*_LEAD.unpack_from(self.at)) if self.at else 0


class StatusDef(Record, kw_only=True):
    id: Id
    label: str | None = None
    done: bool = False
    weight: Weight | None = None

    @property
    def credit(self) -> float:
        if self.weight is not None:
            return self.weight
        return 1.0 if self.done else 0.0

    @property
    def name(self) -> str:
        """The label to show: one line, no control characters, whatever the file holds."""
        return one_line(self.label or status_words(self.id))


DEFAULT_STATUSES: tuple[StatusDef, ...] = (
    StatusDef(id="not_started", label="Not started"),
    StatusDef(id="in_progress", label="In progress"),
    StatusDef(id="audit", label="Audit"),
    StatusDef(id="blocked", label="Blocked"),
    StatusDef(id="verified", label="Verified"),
    StatusDef(id="complete", label="Complete", done=True),
)
_DEFAULT_BY_ID = {status.id: status for status in DEFAULT_STATUSES}


class Deliverable(Record, kw_only=True):
    path: Text
    type: DeliverableType | None = None
    purpose: str | None = None
    status: Text | None = None
    reviewed: IsoDate | None = None
    review_every: Interval | None = None


class Step(Record, kw_only=True):
    title: Text
    estimate: Estimate | None = None
    status: StepStatus = "todo"
    files: list[Text] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status == STEP_DONE


class Issue(Record, kw_only=True):
    id: IssueId
    title: Text
    status: Text
    summary: str | None = None
    description: str | None = None
    priority: Priority | None = None
    owner: Text | None = None
    due: IsoDate | None = None
    controls: list[Id] = field(default_factory=list)
    tags: list[Text] = field(default_factory=list)
    review_every: Interval | None = None
    reviewed: IsoDate | None = None
    depends_on: list[IssueId] = field(default_factory=list)
    files: list[Text] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def key(self) -> str:
        return issue_key(self.id)

    def status_of(self, deliverable: Deliverable) -> str:
        """A deliverable's effective status: its own, else this issue's."""
        return deliverable.status or self.status


class Phase(Record, kw_only=True):
    id: IssueId
    title: Text
    status: Text | None = None
    priority: Priority | None = None
    description: str | None = None
    review_every: Interval | None = None
    reviewed: IsoDate | None = None
    issues: list[Issue] = field(default_factory=list)


class Framework(Record, kw_only=True):
    id: Id
    title: str | None = None
    controls: list[Id] = field(default_factory=list)


class Accomplishment(Record, kw_only=True):
    title: Text
    details: list[str] = field(default_factory=list)
    files: list[Text] = field(default_factory=list)


class Insight(Record, kw_only=True):
    title: Text
    body: str | None = None


class Session(Record, kw_only=True):
    date: IsoDate
    started: ClockTime | None = None
    focus: str | None = None
    headline: str | None = None
    duration: str | None = None
    since: str | None = None
    by: str | None = None
    plan_committed: bool | None = None
    until: str | None = None
    ended: ClockTime | None = None
    left_uncommitted: bool | None = None
    accomplished: list[Accomplishment] = field(default_factory=list)
    insights: list[Insight] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.until is not None or self.ended is not None

    @property
    def starter(self) -> str | None:
        """The e-mail address of who started the session (`by`, as git writes an identity: "Name <email>"),
        lower-cased as git's identities are compared; None when the plan does not say."""
        return email_of(self.by)

    def held_by(self, identity: str | None) -> bool:
        """Whether the session is the one of `identity` (git's "Name <email>", who runs tracker here) to end, or to be
        held up by as a start: that person started it, or the session does not say who did (a plan from before
        `by`, or one written by hand: anyone's), or there is no identity to tell (None)."""
        mine, theirs = email_of(identity), self.starter
        return mine is None or theirs is None or mine == theirs

    def another_starter(self, other: Session) -> bool:
        """Whether `other` was started by someone else: both say who started them, and not the same one."""
        mine, theirs = self.starter, other.starter
        return mine is not None and theirs is not None and mine != theirs

    def end_day(self, until_day: str | None = None) -> str | None:
        """The day the session ended (YYYY-MM-DD); None when it has no `ended`.

        The format keeps one `date` (the day it began) and `ended` as a time of day, so a session past
        midnight is told by its times: an end earlier than the start can only be on a later day, the next
        one unless `until_day` (the day of `until`'s commit, HEAD as the session ended, by its author date, which a
        rebase keeps) is later still."""
        began = iso_day(self.date)
        if self.ended is None or began is None:
            return None
        day = began + datetime.timedelta(days=1 if self.started is not None and self.ended < self.started else 0)
        committed = iso_day(until_day) if until_day else None
        return max(day, committed or day).isoformat()

    def end_text(self, until_day: str | None = None) -> str:
        """`ended` as the views show it: "13:40", "09:00 the next day", "09:00 on 2025-12-03" ("" when not set)."""
        day = self.end_day(until_day)
        if day is None or self.ended is None:
            return self.ended or ""
        later = (datetime.date.fromisoformat(day) - datetime.date.fromisoformat(self.date)).days  # never < 0
        return self.ended + ("" if later == 0 else " the next day" if later == 1 else f" on {day}")

    def time_text(self, until_day: str | None = None) -> str:
        """The session's time as the note shows it: "09:10 to 13:40", "14:00 to 09:00 the next day",
        "09:10, still open"; "" without `started`."""
        if self.started is None:
            return ""
        return f"{self.started} to {self.end_text(until_day)}" if self.ended else f"{self.started}, still open"


class NotesSettings(Record, kw_only=True):
    folder: str | None = None
    front_matter: bool = True


class Project(Record, kw_only=True):
    project: Text
    repo: str | None = None
    statuses: list[StatusDef] | None = None
    frameworks: list[Framework] = field(default_factory=list)
    review_every: Interval | None = None
    reviewed: IsoDate | None = None
    phases: list[Phase]
    sessions: list[Session] = field(default_factory=list)
    notes: NotesSettings | None = None

    @property
    def workflow(self) -> tuple[StatusDef, ...]:
        return tuple(self.statuses) if self.statuses else DEFAULT_STATUSES

    def status(self, status_id: str) -> StatusDef | None:
        """The workflow's status with that id (the first, if the plan repeats one); None if there is none.

        Asked for each issue and deliverable by every view (an export at 100,000 issues: millions of times),
        so the default workflow is a dict lookup and a plan's own is walked as it is, not copied first."""
        statuses = self.statuses
        if not statuses:
            return _DEFAULT_BY_ID.get(status_id)
        for status in statuses:
            if status.id == status_id:
                return status
        return None

    def is_done(self, status_id: str) -> bool:
        """Whether a status counts as done in this plan's workflow (an unknown one does not)."""
        status = self.status(status_id)
        return status is not None and status.done

    def deliverable_done(self, issue: Issue, deliverable: Deliverable) -> bool:
        return self.is_done(issue.status_of(deliverable))

    def is_blocked(self, status_id: str) -> bool:
        """Whether a status means the work cannot go on (the workflow's `blocked`)."""
        return status_id == "blocked"

    def next_status(self, status_id: str) -> str | None:
        """The status `n` moves to: the next in the workflow (from the first, for an unknown one) that is
        neither blocked nor done; None when none is left.  Blocking and finishing are chosen on purpose."""
        ids = [status.id for status in self.workflow]
        at = ids.index(status_id) if status_id in ids else -1
        for status in self.workflow[at + 1 :]:
            if not status.done and not self.is_blocked(status.id):
                return status.id
        return None

    def following_status(self, status_id: str) -> str | None:
        """The status right after `status_id` in the workflow, whatever it is; None after the last."""
        ids = [status.id for status in self.workflow]
        at = ids.index(status_id) if status_id in ids else -1
        return ids[at + 1] if at + 1 < len(ids) else None

    def label(self, status_id: str) -> str:
        """How a status is shown: its label in this plan's workflow, else its id in words."""
        status = self.status(status_id)
        return status.name if status is not None else status_words(status_id)

    def issues(self):
        for phase in self.phases:
            yield from ((phase, issue) for issue in phase.issues)

    def find_issue(self, issue_id: IssueId) -> tuple[Phase, Issue] | None:
        wanted = issue_key(issue_id)
        for phase, issue in self.issues():
            if issue.key == wanted:
                return phase, issue
        return None

    def session(self, name: str | None = None) -> Session | None:
        """The session named `name`: DATE (alone that day), DATE#N (N from 1, in file order) or `last`."""
        index = self.session_index(name)
        return None if index is None else self.sessions[index]

    def session_index(self, name: str | None = None) -> int | None:
        if not self.sessions:
            return None
        if name is None or name == "last":
            return len(self.sessions) - 1
        date, _, number = name.partition("#")
        same_day = [i for i, session in enumerate(self.sessions) if session.date == date]
        if not number:
            return same_day[0] if len(same_day) == 1 else None
        if number.isdigit() and 1 <= int(number) <= len(same_day):
            return same_day[int(number) - 1]
        return None

    def open_sessions(self, of: str | None = None) -> list[int]:
        """The indexes of the sessions `tracker session start` opened and nothing ended yet: the last one, and,
        once a pull merged in a colleague's later session, one before it (merged sessions go in date order).
        With `of` (a git identity), only those `of` holds (Session.held_by): a colleague's open session neither
        stops a start nor is ended by `session end` here."""
        return [
            i
            for i, session in enumerate(self.sessions)
            if session.started is not None and not session.closed and (of is None or session.held_by(of))
        ]

    def window_end(self, index: int) -> tuple[str, Session, str] | None:
        """Where the window of the session at `index` ends: its `until`, else where the next session began
        (None: still open, up to HEAD and the work tree); with the session and the key that name it.

        A session someone else started (a colleague's, merged in by a pull) does not end this one: both ran at
        once, each in its own clone, and this one goes on until its own end."""
        session = self.sessions[index]
        if session.until:
            return session.until, session, "until"
        for later in self.sessions[index + 1 :]:
            if later.since and not session.another_starter(later):
                return later.since, later, "since"
        return None

    def unknown_session(self, name: str) -> str:
        """Why `name` names no session of a plan that has some (session_index gave None): the message's text,
        after `path:line:column: error: `, for `tracker summary --session` and `tracker session end --session`."""
        names = ", ".join(self.session_name(i) for i in range(len(self.sessions)))
        shown = one_line(name)
        if "#" not in shown and any(s.date == shown for s in self.sessions):
            return f"several sessions on {shown}; name one as {shown}#1, {shown}#2 … (the plan has {names})"
        return f"no session {'' if '#' in shown else 'on '}{shown}; the plan has sessions {names} (or name the newest: last)"

    def open_sessions_said(self, opened: list[int]) -> str:
        """'2 sessions are open (2026-12-05#1 started 09:00, 2026-12-05#2 started 09:20)': several `opened`
        sessions (open_sessions) in words, each with its start time, which tells one's own from a colleague's a
        pull merged in; `validate`'s warning, `session start`'s and `session end`'s refusals and the dashboard's
        each add what to do."""
        named = [
            self.session_name(i) + (f" started {self.sessions[i].started}" if self.sessions[i].started else "")
            for i in opened
        ]
        return f"{len(opened)} sessions are open ({', '.join(named)})"

    def session_name(self, index: int) -> str:
        """How the session at `index` is named: its date when it is alone that day, else DATE#N."""
        date = self.sessions[index].date
        same_day = [i for i, session in enumerate(self.sessions) if session.date == date]
        return date if len(same_day) == 1 else f"{date}#{same_day.index(index) + 1}"


def email_of(identity: str | None) -> str | None:
    """The e-mail address in a git identity ("Name <email>", or the address alone), lower-cased as git's
    identities are compared; None for none."""
    if not identity:
        return None
    return (identity.partition("<")[2].partition(">")[0] if "<" in identity else identity).strip().lower() or None


def day_number(dates: list[str], index: int) -> int:
    """The number that the note of the session at `index` (of sessions dated `dates`, in file order) carries in
    its title and file name: N for the day's second session on, 0 for the first, so a later session that day
    never changes an earlier note (nor its file's name)."""
    number = sum(date == dates[index] for date in dates[: index + 1])
    return number if number > 1 else 0


def same_work(a: Project, b: Project) -> bool:
    """Whether two plans hold the same work: everything but the sessions and the places of values.  Issue by
    issue, so that each one equal as it is (in C) is not taken apart."""

    def shell(project: Project) -> Project:
        return msgspec.structs.replace(head_only(project), sessions=[])

    return (
        _same(shell(a), shell(b))
        and [len(phase.issues) for phase in a.phases] == [len(phase.issues) for phase in b.phases]
        and all(_same(was, issue) for (_, was), (_, issue) in zip(a.issues(), b.issues(), strict=True))
    )


def head_only(project: Project) -> Project:
    """`project` with every phase's issues taken out: what the parse cache and the outline keep of the plan beside
    its issues, and what same_work compares before them, issue by issue."""
    phases = [msgspec.structs.replace(phase, issues=[]) for phase in project.phases]
    return msgspec.structs.replace(project, phases=phases)


def changed_issues(a: Project, b: Project) -> list[str]:
    """The keys of the issues of `b` that `a` lacks or holds otherwise (the places of values aside)."""
    before = {issue.key: issue for _, issue in a.issues()}
    return [issue.key for _, issue in b.issues() if (was := before.get(issue.key)) is None or not _same(was, issue)]


def _same(a: Record, b: Record) -> bool:
    """Whether two records hold the same values, their places (`at`) aside: equal as they are (in C, places and
    all), or else field by field."""
    return a == b or _plain(a) == _plain(b)


_LEAVES = (str, int, float, bool, type(None))


def _plain(value):
    """A record's values, field by field, without its places (`at`), which move with every line added above it.
    Not msgspec.to_builtins: it leaves out a field holding its default only when it is the default object itself,
    so a `status: todo` parsed from the text and the same read back from the parse cache came out different."""
    if type(value) in _LEAVES:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, msgspec.Struct):
        fields = value.__struct_fields__
        return tuple(_plain(v) for name, v in zip(fields, msgspec.structs.astuple(value), strict=True) if name != "at")
    return value


# What each key means, as editors show it on hover (schema.py puts it on every property).
HELP: dict[str, dict[str, str]] = {
    "Project": {
        "project": "The programme's name, shown as the title of every view.",
        "repo": "The git work tree, relative to this file; default: the work tree that contains it.",
        "statuses": "Replaces the default workflow (not_started, in_progress, audit, blocked, verified, complete).",
        "frameworks": "The control catalogues that issues' `controls` refer to (SOC2, ISO27001, NIST 800-53...).",
        "review_every": "Default review interval for all evidence, e.g. 90d, 12w, 6m, 1y.",
        "reviewed": "Default date (YYYY-MM-DD) all evidence was last reviewed.",
        "phases": "The phases of the programme, in order.",
        "sessions": "Working sessions, oldest first; `tracker session start` appends one.",
        "notes": "How session notes are written: their folder and front matter.",
    },
    "NotesSettings": {
        "folder": "Where the dashboard writes session notes, relative to the repository root (folders are made).",
        "front_matter": "Whether a note starts with its front matter block (default true; --no-front-matter).",
    },
    "StatusDef": {
        "id": "The status as issues write it.",
        "label": "How the status is shown; default: its id in words.",
        "done": "Whether an issue in this status counts as finished.",
        "weight": "Partial credit between 0 and 1 for an issue in this status (default 1 when done, else 0).",
    },
    "Framework": {
        "id": "The framework's short name, used as the prefix in controls (SOC2 in SOC2:CC7.1).",
        "title": "The framework's full name.",
        "controls": "Every control id of the framework; a control outside this list is an error.",
    },
    "Phase": {
        "id": "Unique among phases, e.g. P1; one line, without control characters.",
        "title": "The phase's name.",
        "status": "Overrides the status derived from its issues.",
        "priority": "critical, high, medium or low.",
        "description": "Markdown text about the phase.",
        "review_every": "Review interval for the evidence of this phase's issues (overrides the top level).",
        "reviewed": "Date (YYYY-MM-DD) this phase's evidence was last reviewed.",
        "issues": "The phase's issues, in order.",
    },
    "Issue": {
        "id": "A number or a name (one line, without control characters), unique in the whole file.",
        "title": "The issue's name.",
        "status": "One of the workflow's status ids.",
        "summary": "One line about what was done or is to be done.",
        "description": "Markdown text about the issue.",
        "priority": "critical, high, medium or low.",
        "owner": "Who answers for the issue (free text).",
        "due": "Date (YYYY-MM-DD) it must be done by; overdue when past and not done.",
        "controls": "Control ids it satisfies, written FRAMEWORK:CONTROL (SOC2:CC7.1).",
        "tags": "Free labels to filter by.",
        "review_every": "Review interval for this issue's evidence (overrides its phase's), e.g. 90d.",
        "reviewed": "Date (YYYY-MM-DD) this issue's evidence was last reviewed.",
        "depends_on": "Ids of issues that must be done first.",
        "files": "Files the issue touches (paths or globs, relative to the repository).",
        "deliverables": "Files the issue produces: its evidence.",
        "steps": "The work, in order, with estimates.",
    },
    "Deliverable": {
        "path": "The file, relative to the repository root.",
        "type": "source, test, doc, report, config or other.",
        "purpose": "What the file is for.",
        "status": "Its own status; default: the issue's.",
        "reviewed": "Date (YYYY-MM-DD) of its last review; default: the date of its last commit.",
        "review_every": "How often it must be reviewed (overrides the issue's), e.g. 180d; stale after that.",
    },
    "Step": {
        "title": "What to do.",
        "estimate": "How long: 30m, 1.5h, 1h30m, '2 hours', '30 mins'.",
        "status": "todo or done.",
        "files": "Files the step touches.",
    },
    "Session": {
        "date": "The day the session began (YYYY-MM-DD); several sessions may share a day (DATE#N names them).",
        "started": "When it began, HH:MM (tracker session start writes it).",
        "focus": "What the session is about; issues named as #4 come first in What's Next.",
        "headline": "The session's main result, in one line.",
        "duration": "How long it lasted, as free text.",
        "since": "The git revision where the session started (HEAD then).",
        "by": "Who started it, as git names whoever commits: Name <email> (tracker session start writes it). A "
        "session started by someone else, at the same time in another clone, does not end this one, and each "
        "one's note leaves out the commits the other one's starter made in that session's own window.",
        "plan_committed": "false when the plan had uncommitted changes as the session started: its note leaves "
        "status changes out, as they cannot be told apart from earlier ones.",
        "until": "The git revision where the session ended (tracker session end writes HEAD then).",
        "ended": "When it ended, HH:MM (tracker session end writes it); earlier than started: on a later day, the "
        "next unless until's commit is later still.",
        "left_uncommitted": "true when it ended with plan changes not committed (session end --leave-uncommitted): "
        "they are the next session's, which starts at this one's until, so its note takes them in, unless commits "
        "of others came in since (a pull): then it starts at HEAD, and says which of them are in no note.",
        "accomplished": "Work that is no issue (moved docs, guides).",
        "insights": "What was learnt.",
    },
    "Accomplishment": {
        "title": "What was done.",
        "details": "Lines of detail.",
        "files": "Files it produced or touched.",
    },
    "Insight": {"title": "The insight in one line.", "body": "Markdown text."},
}


def is_iso_date(text: str) -> bool:
    """A real calendar day written YYYY-MM-DD (what a session's `date` holds)."""
    return iso_day(text) is not None


# What every check of a day says of one that is_iso_date refuses, in the plan (validate) or on the command
# line (set, add, session): `2026-02-30` is written in the form, so the reason is the day, and the fix.
NOT_A_DAY = "not a real calendar date; write a day that exists, as YYYY-MM-DD"


class _Unread(str):
    """The text a required key holds in a record a syntax error cut off before that key (plan/shape.py): no rule
    judges it, the record's other values are judged as written."""


UNREAD = _Unread()


@lru_cache(maxsize=1 << 12)  # a plan writes the same few hundred days thousands of times
def iso_day(text: str) -> datetime.date | None:
    """The day `text` writes as YYYY-MM-DD, or None when it writes none (or writes one otherwise)."""
    if len(text) != 10:
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.isoformat() == text else None


def status_words(status_id: str) -> str:
    """`in_progress` → `In progress`, for statuses without a label."""
    return one_line(status_id.replace("_", " ").capitalize())


_ID_FAULT = re.compile(f"[{CONTROLS_AND_BREAKS}]")
_FAULT_NAMES = {**dict.fromkeys("\n\r\x85\u2028\u2029", "a line break"), "\t": "a tab"}


def id_fault(text: str) -> str | None:
    """What makes `text` no id ('a line break', 'a tab', 'the control character U+001B'), or None when it is one.

    An id is refused what textsafe.one_line would change: shown, it would read as other text than it is."""
    found = _ID_FAULT.search(text)
    if found is None:
        return None
    char = found.group()
    if char >= "\udc80":  # os.fsdecode's stand-in for a byte of a command line that is not UTF-8
        return _byte_words(char)
    return _FAULT_NAMES.get(char) or f"the control character U+{ord(char):04X}"


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # os.fsdecode's stand-in for each byte of a command line that is not UTF-8


def text_fault(text: str) -> str | None:
    """Why `text` cannot go into a plan, in words ending a `path: error:` line, or None when it can: a byte
    of the command line that is not UTF-8 (a terminal set to Latin-1 types `é` as \\xe9)."""
    found = _NOT_UTF8.search(text)
    if found is None:
        return None
    return (
        f"'{one_line(text)}' holds {_byte_words(found.group())}; the plan is UTF-8 text, so type it as UTF-8 "
        "(is the terminal set to another encoding?)"
    )


def _byte_words(char: str) -> str:
    return f"the byte \\x{ord(char) - 0xDC00:02x} (not UTF-8)"


def issue_key(issue_id: IssueId) -> str:
    """Ids compare as text: `1` and `"1"` name the same issue."""
    return str(issue_id)


# How free text names an issue: `#4` in a session's focus (its What's Next puts #4 first).
ISSUE_MENTION = re.compile(r"#([\w.-]+)")


def encode(project: Project) -> bytes:
    return msgspec.json.encode(project)


def decode(data: bytes) -> Project:
    return msgspec.json.decode(data, type=Project)
