"""The compliance rules of the plan (README.md, "Compliance fields"; docs/format.md): review intervals, evidence freshness,
overdue issues, and controls mapped to frameworks.

Each rule lives here once; views and `validate --strict` call it.  Nothing
here reads git or the clock: the last commit's day and today are given.

- `review_every` and `reviewed` are inherited downward: deliverable, issue,
  phase, top level; the nearest one set wins.
- A deliverable is stale when today is past its review due day: its last
  review (`reviewed`, else the day of the last commit touching it) plus its
  `review_every`.  With no interval, or no known last review, it is not stale.
  A `reviewed` day after today is a review nobody has made yet: it proves
  nothing, so it is passed over as if it were not written.
- An issue is overdue when its `due` day is past and it is not done.
- A control is written `FRAMEWORK:CONTROL`, or bare when the plan declares one
  framework (or none).  It is satisfied when every issue mapping it is done and
  none of their evidence is drifted or stale (the caller says which are not).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

from msgspec import Struct, field

from tracker.plan.model import Deliverable, Issue, Phase, Project, iso_day
from tracker.plan.progress import is_done

_INTERVAL = re.compile(r"\s*([1-9][0-9]{0,4})\s*(d|days?|w|weeks?|m|mo|months?|y|years?)\s*\Z", re.IGNORECASE)
_MONTHS_PER = {"m": 1, "y": 12}
INTERVAL_HINT = "write it like 90d, 12w, 6m or 1y (days, weeks, months, years)"


@cache
def parse_interval(text: str) -> tuple[int, int] | None:
    """`90d` → (90, 0) days and months; `6m` → (0, 6); `1y` → (0, 12); None when it is no interval."""
    found = _INTERVAL.match(text)
    if found is None:
        return None
    count, unit = int(found[1]), found[2][0].lower()
    if unit == "d":
        return count, 0
    if unit == "w":
        return 7 * count, 0
    return 0, count * _MONTHS_PER[unit]


def add_interval(day: datetime.date, interval: tuple[int, int]) -> datetime.date:
    """`day` plus (days, months); a month end stays in its month (Jan 31 + 1m is Feb 28 or 29)."""
    days, months = interval
    if months:
        import calendar  # here: its import (and locale's) is 2 ms of every `tracker set`, which never asks

        index = day.month - 1 + months
        year, month = day.year + index // 12, index % 12 + 1
        day = day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
    return day + datetime.timedelta(days=days)


def review_every_of(project: Project, phase: Phase, issue: Issue, deliverable: Deliverable | None = None) -> str | None:
    """The review interval in force, inherited from the nearest level that sets one."""
    if deliverable is not None and deliverable.review_every:
        return deliverable.review_every
    return issue.review_every or phase.review_every or project.review_every


def reviewed_of(
    project: Project, phase: Phase, issue: Issue, deliverable: Deliverable | None, today: datetime.date
) -> str | None:
    """The last review day written in the plan, inherited from the nearest level that sets one; a day still to
    come is passed over (`is_to_come`)."""
    for record in (deliverable, issue, phase, project):
        if record is not None and record.reviewed and not is_to_come(record.reviewed, today):
            return record.reviewed
    return None


def is_to_come(reviewed: str, today: datetime.date) -> bool:
    """Whether a `reviewed` day is after today: typed ahead (or mistyped), it would keep evidence fresh for a
    review nobody has made yet, so freshness passes over it and `validate` reports it."""
    day = iso_day(reviewed)
    return day is not None and day > today


class Freshness(Struct, frozen=True):
    reviewed: str | None  # the last review's day: `reviewed`, else the last commit's; None when unknown
    review_due: str | None  # the day the next review is due; None without an interval
    stale: bool

    def words(self) -> str:
        """'last reviewed 2025-11-30 · review due 2026-02-28' ('review was due' when stale); '' when not known.
        The dashboard's detail and the HTML report's evidence say it alike."""
        if self.reviewed is None:
            return ""
        text = f"last reviewed {self.reviewed}"
        if self.review_due is not None:
            text += f" · review {'was ' if self.stale else ''}due {self.review_due}"
        return text


NOT_REVIEWED = Freshness(None, None, False)


def freshness(
    project: Project, phase: Phase, issue: Issue, deliverable: Deliverable, committed: str | None, today: datetime.date
) -> Freshness:
    """How fresh a deliverable is, given the day (YYYY-MM-DD...) of the last commit touching its file, if any."""
    reviewed = reviewed_of(project, phase, issue, deliverable, today) or (committed[:10] if committed else None)
    return _freshness(reviewed, review_every_of(project, phase, issue, deliverable), today)


# A plan's evidence shares a few review days and intervals: 30,000 deliverables, a few hundred pairs.
@lru_cache(maxsize=1 << 12)
def _freshness(reviewed: str | None, every: str | None, today: datetime.date) -> Freshness:
    interval = parse_interval(every) if every else None
    day = iso_day(reviewed) if reviewed is not None else None
    if day is None:  # never reviewed, or not a day
        return NOT_REVIEWED
    if interval is None:
        return Freshness(reviewed, None, False)
    due = add_interval(day, interval)
    return Freshness(reviewed, due.isoformat(), today > due)


def reviews_anything(project: Project) -> bool:
    """Whether any evidence has a review interval, so that freshness needs the files' last commits."""
    if project.review_every:
        return True
    for phase in project.phases:
        if phase.review_every:
            return True
        for issue in phase.issues:
            if issue.review_every or any(d.review_every for d in issue.deliverables):
                return True
    return False


def is_overdue(project: Project, issue: Issue, today: datetime.date) -> bool:
    """`due` is past and the issue is not done."""
    day = iso_day(issue.due) if issue.due else None
    return day is not None and day < today and not is_done(project, issue)


def open_steps(issue: Issue) -> int:
    return sum(not step.done for step in issue.steps)


def left_open(project: Project, issue: Issue) -> tuple[str, str] | None:
    """An issue marked done with steps still open, in words: how it is marked and what is open ('marked complete
    but 2 of its steps are not done'), and what is open alone; None for any other issue.  `status` and `validate
    --strict` say it (git/attention.py), and `set` as it marks one done (edit/commands.left_open_warning)."""
    count = open_steps(issue) if is_done(project, issue) else 0
    if not count:
        return None
    steps = f"{count} of its steps {'is' if count == 1 else 'are'} not done"
    return f"marked {project.label(issue.status).lower()} but {steps}", steps


# --- controls and frameworks ---------------------------------------------------------------------


def split_control(project: Project, control: str) -> tuple[str | None, str]:
    """(framework id, control id) of a control as written: `SOC2:CC7.1` → ('SOC2', 'CC7.1').

    A bare id belongs to the one declared framework; with none or several declared, to no framework.
    """
    prefix, colon, rest = control.partition(":")
    if colon and prefix and rest:
        return prefix, rest
    if len(project.frameworks) == 1:
        return str(project.frameworks[0].id), control
    return None, control


class Coverage(Struct):
    """One framework's coverage: declared (None when the plan lists no controls of it), mapped, satisfied, unmapped."""

    framework: str | None
    title: str | None
    declared: list[str] | None
    mapped: list[str] = field(default_factory=list)  # in the order of `declared`, else as first mapped
    satisfied: list[str] = field(default_factory=list)
    issues: dict[str, list[str]] = field(default_factory=dict)  # control → keys of the issues mapping it

    @property
    def unmapped(self) -> list[str]:
        if self.declared is None:
            return []
        return [control for control in self.declared if control not in self.issues]

    def counts(self) -> str:
        """'5 declared · 4 mapped · 1 satisfied · 1 unmapped', as `tracker coverage` and the dashboard say it."""
        declared = "no control list" if self.declared is None else f"{len(self.declared)} declared"
        text = f"{declared} · {len(self.mapped)} mapped · {len(self.satisfied)} satisfied"
        return text if self.declared is None else f"{text} · {len(self.unmapped)} unmapped"

    def to_json(self) -> dict:
        return {
            "framework": self.framework,
            "title": self.title,
            "declared": None if self.declared is None else len(self.declared),
            "mapped": len(self.mapped),
            "satisfied": len(self.satisfied),
            "unmapped": self.unmapped,
            "controls": [
                {"id": c, "issues": self.issues[c], "satisfied": c in set(self.satisfied)} for c in self.mapped
            ],
        }


def coverage(
    project: Project, unsatisfied: Callable[[Phase, Issue], bool], frameworks: Iterable[str] | None = None
) -> list[Coverage]:
    """Coverage per framework: the declared ones in their order, then those only mapped.

    `unsatisfied(phase, issue)` says whether a done issue's evidence is drifted or stale.
    `frameworks` keeps only those ids.
    """
    out: dict[str | None, Coverage] = {}
    for declared in project.frameworks:
        key = str(declared.id)
        # Without a control list a framework accepts any control id (plan/rules.py), as one not declared does:
        # its controls are the ones mapped, not none.
        out.setdefault(key, Coverage(key, declared.title, list(dict.fromkeys(declared.controls)) or None))
    bad: dict[tuple[str | None, str], bool] = {}
    for phase, issue in project.issues():
        if not issue.controls:
            continue
        failed = not is_done(project, issue) or unsatisfied(phase, issue)
        for control in issue.controls:
            framework, ident = split_control(project, control)
            entry = out.get(framework)
            if entry is None:
                entry = out[framework] = Coverage(framework, None, None)
            keys = entry.issues.setdefault(ident, [])
            if issue.key not in keys:
                keys.append(issue.key)
            bad[framework, ident] = bad.get((framework, ident), False) or failed
    wanted = None if frameworks is None else set(frameworks)
    result = []
    for framework, entry in out.items():
        if wanted is not None and framework not in wanted:
            continue
        order = entry.declared or []
        known = set(order)
        entry.mapped = [c for c in order if c in entry.issues] + [c for c in entry.issues if c not in known]
        entry.satisfied = [c for c in entry.mapped if not bad[framework, c]]
        result.append(entry)
    return result
