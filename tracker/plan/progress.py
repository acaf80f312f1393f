"""The one progress rule (README.md and docs/format.md, "Progress, the one rule").

An issue counts 1 when its status is done; otherwise the larger of its
status's weight and the share of its steps that are done (v2: v1 ignored the
weight of an issue with steps).  A phase is the
mean of its issues, the project the mean of all issues.  Percentages are whole
and rounded down, except that anything begun and unfinished never shows as 0%
or 100%.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from operator import attrgetter

from tracker.plan.estimate import parse_minutes
from tracker.plan.model import DEFAULT_STATUSES, STEP_DONE, Issue, Phase, Project

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"


def issue_credit(project: Project, issue: Issue) -> float:
    return _credits(_weights(project), (issue,))[0]


def _weights(project: Project) -> dict[str, float | None]:
    """Each status's credit by id (the first of a repeated id, as Project.status finds it); None for a
    done status, which counts 1 whatever the steps say.  Looked up once per plan, not once per issue:
    the dashboard works out the progress of 10,000 issues each time the plan changes."""
    if not project.statuses:  # the default workflow: most plans
        return _DEFAULT_WEIGHTS
    return _weights_of(project.workflow)


def _weights_of(workflow) -> dict[str, float | None]:
    weights: dict[str, float | None] = {}
    for status in workflow:
        weights.setdefault(status.id, None if status.done else status.credit)
    return weights


_DEFAULT_WEIGHTS = _weights_of(DEFAULT_STATUSES)  # never changed: callers only read it


def _credits(weights: dict[str, float | None], issues: Iterable[Issue]) -> list[float]:
    """Each issue's credit, in order: 1 in a done status, else the larger of its status's weight and the
    share of its steps that are done.

    Every issue of the plan passes here for the dashboard's first frame: one loop, with the steps counted
    in C by their status (STEP_DONE, as Step.done has it) rather than a call per issue and a property per
    step (100,000 issues, 200,000 steps: 0.10 s, now 0.066 s).
    """
    out: list[float] = []
    add = out.append
    weight_of = weights.get
    for issue in issues:
        weight = weight_of(issue.status, 0.0)  # an unknown status counts nothing
        if weight is None:
            add(1.0)
            continue
        steps = issue.steps
        if steps:
            done = list(map(_STEP_STATUS, steps)).count(STEP_DONE) / len(steps)
            add(done if done > weight else weight)
        else:
            add(weight)
    return out


_STEP_STATUS = _ISSUE_STATUS = attrgetter("status")


def is_done(project: Project, issue: Issue) -> bool:
    return project.is_done(issue.status)


def done_count(project: Project, issues: Iterable[Issue]) -> int:
    """How many of `issues` are in a done status, as is_done says, by the workflow's weights (None for a done
    status, as Project.status finds it): is_done looks the status up in the workflow each time, and the outline
    the dashboard keeps after each write at 100,000 issues counted them all so (plan/outline.py)."""
    weight_of = _weights(project).get
    return sum(1 for status in map(_ISSUE_STATUS, issues) if weight_of(status, 0.0) is None)


def percent(credit: float | None, all_done: bool = True) -> int | None:
    """Whole percent rounded down; 100 only when all is done, 0 only when nothing is.

    Credit can reach 1 without everything being done (every step ticked, or a
    status weighted 1 that is not a done status); that shows as 99.
    """
    if credit is None:
        return None
    if credit >= 1.0:
        return 100 if all_done else 99
    if credit <= 0.0:
        return 0
    # Float noise (0.1 + 0.2 ...) must not push a value just under a boundary.
    value = math.floor(credit * 100 + 1e-9)
    return min(max(value, 1), 99)


def phase_percent(project: Project, phase: Phase) -> int | None:
    tally = _tally(project)
    known = tally.phases.get(id(phase))
    return known[2] if known is not None and known[0] is phase else _percent_of(project, phase.issues)


def project_percent(project: Project) -> int | None:
    return _tally(project).project


class _Tally:
    """Every phase's percent and the project's, worked out in one pass over the issues.

    A plan is not changed once loaded (an edit is a new load), and each view
    asks for them all: the dashboard's bars, tree and header each asked again,
    three passes over 100,000 issues (0.3 s of its first frame).  The credits
    are summed per phase and for the project in the same order as before, so
    the percentages are the same to the last bit.

    An edit is a new plan, but one whose unchanged phases are the very objects
    of the plan before (the writer and the reload splice in the issues that
    changed): their credits are taken from the tally `before` while the
    workflow's weights are the same.  At 100,000 issues a key in the dashboard
    waited 0.17 s for the credits of every issue.  So with each phase's
    derived status (`statuses`, worked out when first asked): the bars and the
    tree each walked every issue for it again; and with how many of its issues
    are done (`done`, when first asked: the dashboard's phase figures).
    """

    __slots__ = ("done", "phases", "plan", "project", "statuses", "weights")

    def __init__(self, project: Project, before: _Tally | None = None):
        self.plan = project  # held, so that no other phase can have the id of one of its phases
        self.weights = weights = _weights(project)
        if before is not None and before.weights == weights:
            known, statuses, done = before.phases, before.statuses, before.done
        else:
            known, statuses, done = {}, {}, {}
        # By id(phase): the phase, its issues' credits and its percent; its derived status and its issues done,
        # once asked.
        self.phases: dict[int, tuple[Phase, list[float], int | None]] = {}
        self.statuses: dict[int, str] = {}
        self.done: dict[int, int] = {}
        credits: list[float] = []
        for phase in project.phases:
            kept = known.get(id(phase))
            # `is`: an id is another phase's once the phase it was is gone (the tally before held its own)
            if kept is not None and kept[0] is phase:
                own = kept[1]
                if id(phase) in statuses:
                    self.statuses[id(phase)] = statuses[id(phase)]
                if id(phase) in done:
                    self.done[id(phase)] = done[id(phase)]
            else:
                own = _credits(weights, phase.issues)
            self.phases[id(phase)] = (phase, own, _percent(project, own, phase.issues))
            credits += own
        self.project = _percent(project, credits, (issue for _, issue in project.issues()))  # walked only if >= 1


_last: list[_Tally] = []  # the tally of the plan asked last (one plan at a time is shown)


def _tally(project: Project) -> _Tally:
    last = _last[0] if _last else None  # read once: the dashboard's git thread may ask at the same time
    if last is None or last.plan is not project:
        last = _Tally(project, last)
        _last[:] = [last]
    return last


def issue_percent(project: Project, issue: Issue) -> int:
    return percent(issue_credit(project, issue), is_done(project, issue)) or 0


def _percent_of(project: Project, issues: list[Issue]) -> int | None:
    weights = _weights(project)
    return _percent(project, _credits(weights, issues), issues)


def _percent(project: Project, credits: list[float], issues: Iterable[Issue]) -> int | None:
    """The percent of `issues`, whose credits (in their order) are `credits`: their mean, 100 only when every
    one is done."""
    credit = sum(credits) / len(credits) if credits else None
    if credit is not None and credit >= 1.0:
        return percent(credit, all(is_done(project, issue) for issue in issues))
    return percent(credit)


def phase_done(project: Project, phase: Phase) -> int:
    """How many of the phase's issues are in a done status (kept in the tally: see _Tally)."""
    tally = _tally(project)
    known = tally.phases.get(id(phase))
    if known is None or known[0] is not phase:  # not a phase of `project`
        return done_count(project, phase.issues)
    done = tally.done.get(id(phase))
    if done is None:
        done = tally.done[id(phase)] = done_count(project, phase.issues)
    return done


def phase_status(project: Project, phase: Phase) -> str:
    """The phase's own `status` if given, else derived from its issues (kept in the tally: see _Tally)."""
    if phase.status:
        return phase.status
    tally = _tally(project)
    known = tally.phases.get(id(phase))
    if known is None or known[0] is not phase:  # not a phase of `project`
        return _derived_status(project, phase.issues, _credits(_weights(project), phase.issues))
    status = tally.statuses.get(id(phase))
    if status is None:
        status = tally.statuses[id(phase)] = _derived_status(project, phase.issues, known[1])
    return status


def _derived_status(project: Project, issues: list[Issue], credits: list[float]) -> str:
    """Complete when every issue is done, not started when none is begun (each in the workflow's first status
    with no credit: `credits`, in their order), else in progress."""
    if issues and all(is_done(project, issue) for issue in issues):
        return COMPLETE
    first = project.workflow[0].id
    if not any(issue.status != first or credit > 0 for issue, credit in zip(issues, credits, strict=True)):
        return NOT_STARTED
    return IN_PROGRESS


def status_kind(project: Project, status_id: str) -> str:
    """What a status means, whatever the user named it: done, blocked, todo (the first) or active."""
    if project.is_done(status_id):
        return "done"
    if project.is_blocked(status_id):
        return "blocked"
    if status_id == project.workflow[0].id:
        return "todo"
    return "active"


def open_minutes(project: Project, issues) -> int:
    """The estimate left: minutes of the steps still to do in issues not done (an estimate tracker cannot read counts 0)."""
    total = 0
    for issue in issues:
        if is_done(project, issue):
            continue
        for step in issue.steps:
            if not step.done and step.estimate:
                total += parse_minutes(step.estimate) or 0
    return total


def awaits_sign_off(project: Project, issue: Issue) -> bool:
    """Verified, with no step left: nothing to do but mark it done, so never "the next thing to do"."""
    return (
        not is_done(project, issue)
        and issue.status == "verified"
        and project.status("verified") is not None
        and not any(not step.done for step in issue.steps)
    )


PRIORITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def priority_rank(phase: Phase, issue: Issue) -> int:
    """The issue's priority, else its phase's, as a rank (0 first); an unset one ranks as medium."""
    return PRIORITY_RANK[issue.priority or phase.priority or "medium"]
