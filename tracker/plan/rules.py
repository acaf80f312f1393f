"""Checks that need the whole plan: ids, statuses, dependencies, estimates, paths."""

from __future__ import annotations

from tracker.plan.estimate import parse_minutes
from tracker.plan.model import Project, is_iso_date, issue_key
from tracker.plan.paths import plan_paths, unsafe_reason
from tracker.plan.problems import Problem, did_you_mean


def check(project: Project, where: str, problems: list[Problem]) -> None:
    def error(record, key: str, message: str, severity: str = "error") -> None:
        line, column = record.where(key)
        problems.append(Problem(where, line, column, message, severity))  # type: ignore[arg-type]

    _check_workflow(project, error)
    allowed = [s.id for s in project.workflow]
    known = set(allowed)

    def check_status(record, key: str, value: str, what: str) -> None:
        if value not in known:
            hint = did_you_mean(value, allowed)
            if value.lower() in ("no", "yes", "on", "off", "true", "false"):
                hint += " (if you meant a status, write one of the ids above)"
            error(record, key, f"{what} '{value}' is not a status of this plan; allowed: {', '.join(allowed)}{hint}")

    phase_ids: dict[str, object] = {}
    issue_ids: dict[str, object] = {}
    for phase in project.phases:
        _unique(phase_ids, phase, "phase", error)
        if phase.status is not None:
            check_status(phase, "status", phase.status, "phase status")
        for issue in phase.issues:
            _unique(issue_ids, issue, "issue", error)
            check_status(issue, "status", issue.status, f"status of issue #{issue.id}")
            for deliverable in issue.deliverables:
                if deliverable.status is not None:
                    check_status(deliverable, "status", deliverable.status, "deliverable status")
            for step in issue.steps:
                if step.estimate is not None and parse_minutes(step.estimate) is None:
                    error(
                        step,
                        "estimate",
                        f"estimate '{step.estimate}' is not a duration; "
                        "write it like 30m, 1.5h, 1h30m, '2 hours' or '30 mins'",
                    )

    for _phase, issue in project.issues():
        for index, dep in enumerate(issue.depends_on):
            key = issue_key(dep)
            at = f"depends_on.{index}" if f"depends_on.{index}" in issue.at else "depends_on"
            if key == issue.key:
                error(issue, at, f"issue #{issue.id} depends on itself")
            elif key not in issue_ids:
                error(
                    issue,
                    at,
                    f"issue #{issue.id} depends on #{dep}, which is not in the plan{did_you_mean(key, issue_ids)}",
                )
    _check_cycles(project, issue_ids, error)

    seen_dates: dict[str, object] = {}
    for session in project.sessions:
        if not is_iso_date(session.date):
            error(session, "date", f"session date '{session.date}' is not a real calendar date")
        if session.date in seen_dates:
            line, column = seen_dates[session.date].where("date")  # type: ignore[attr-defined]
            error(
                session,
                "date",
                f"a second session on {session.date} (the first is at line {line}, column {column}); merge them",
                "warning",
            )
        seen_dates.setdefault(session.date, session)

    for mention in plan_paths(project):
        reason = unsafe_reason(mention.path)
        if reason:
            problems.append(
                Problem(where, mention.line, mention.column, f"path '{mention.path}' {reason}; it is never read")
            )


def _check_workflow(project: Project, error) -> None:
    seen: dict[str, object] = {}
    for status in project.statuses or ():
        if status.id in seen:
            line, column = seen[status.id].where("id")  # type: ignore[attr-defined]
            error(status, "id", f"status '{status.id}' is declared twice (also at line {line}, column {column})")
        seen[status.id] = status
    if project.statuses is not None and not project.statuses:
        error(project, "statuses", "'statuses' is an empty list; remove it to use the default workflow")


def _unique(seen: dict, record, what: str, error) -> None:
    key = issue_key(record.id)
    first = seen.get(key)
    if first is None:
        seen[key] = record
        return
    line, column = first.where("id")
    error(
        record,
        "id",
        f"duplicate {what} id '{key}'; the same id is used at line {line}, column {column} "
        '(ids compare as text, so 1 and "1" are the same)',
    )


def _check_cycles(project: Project, issue_ids: dict, error) -> None:
    """Report each dependency cycle once, at the first issue in plan order on it."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for _, start in project.issues():
        if state.get(start.key):
            continue
        stack = [(start, iter(start.depends_on))]
        path = [start.key]
        state[start.key] = 1
        while stack:
            issue, deps = stack[-1]
            dep = next(deps, None)
            if dep is None:
                state[issue.key] = 2
                stack.pop()
                path.pop()
                continue
            key = issue_key(dep)
            target = issue_ids.get(key)
            if target is None or key == issue.key:
                continue
            if state.get(key) == 1:
                cycle = path[path.index(key) :] + [key]
                error(target, "depends_on", "dependency cycle: " + " → ".join(f"#{k}" for k in cycle))
            elif not state.get(key):
                state[key] = 1
                path.append(key)
                stack.append((target, iter(target.depends_on)))
