"""Checks that need the whole plan: ids, statuses, dependencies, estimates, paths."""

from __future__ import annotations

from tracker.plan.compliance import INTERVAL_HINT, parse_interval, split_control
from tracker.plan.estimate import estimate_error
from tracker.plan.model import NOT_A_DAY, UNREAD, Issue, Project, is_iso_date, issue_key
from tracker.plan.paths import notes_folder_message, outside_reason, unsafe_mentions
from tracker.plan.problems import Problem, did_you_mean


def check(project: Project, where: str, problems: list[Problem], unread: frozenset[str] = frozenset()) -> None:
    """Every rule `project` breaks, added to `problems`.  `unread`: what the lines after a syntax error may hold
    (plan/loader.py): "statuses" and "frameworks" (values are not judged against a workflow or catalogue that
    may be declared further on), "issues" (a dependency may be one of them) and "sessions" (one read in part
    may end further on)."""
    error = _reporter(where, problems)
    if "statuses" not in unread:
        _check_workflow(project, error)
    issue_rules = _IssueRules(project, error, unread=unread)
    _check_review(project, "the plan", error)
    phase_ids: dict[str, object] = {}
    issue_ids: dict[str, object] = {}
    for phase in project.phases:
        _unique(phase_ids, phase, "phase", error)
        _check_review(phase, f"phase {phase.id}", error)
        if phase.status is not None:
            issue_rules.status(phase, "status", phase.status, "phase status")
        for issue in phase.issues:
            _unique(issue_ids, issue, "issue", error)
            issue_rules.check(issue)

    for _phase, issue in project.issues():
        for index, dep in enumerate(issue.depends_on):
            key = issue_key(dep)
            at = f"depends_on.{index}"  # the item's own place, else the list's
            if key == issue.key:
                error(issue, at, f"issue #{issue.id} depends on itself", fallback="depends_on")
            elif key not in issue_ids and "issues" not in unread:
                error(
                    issue,
                    at,
                    f"issue #{issue.id} depends on #{dep}, which is not in the plan{did_you_mean(key, issue_ids)}",
                    fallback="depends_on",
                )
    _check_cycles(project, issue_ids, error)

    for session in project.sessions:  # several sessions may share a day (DATE#N names them)
        if not is_iso_date(session.date) and session.date is not UNREAD:
            error(session, "date", f"session date '{session.date}' is {NOT_A_DAY}")
    # A pull merged in a session started elsewhere: `session end` must be told which.  Not when each open session
    # is another person's (`by`): each is ended in its starter's clone (Project.open_sessions(of)).
    opened = project.open_sessions()
    sessions = project.sessions
    opened = [i for i in opened if any(j != i and not sessions[i].another_starter(sessions[j]) for j in opened)]
    if len(opened) > 1 and "sessions" not in unread:
        error(
            project.sessions[opened[-1]],
            "started",
            f"{project.open_sessions_said(opened)}, where one at a time is meant to be; end each with "
            "'tracker session end --session DATE#N'",
            "warning",
        )
    _check_session_order(project, error)

    _check_paths(unsafe_mentions(project), where, problems)
    _check_notes_folder(project, error)


def _check_notes_folder(project: Project, error) -> None:
    """The dashboard writes notes (and makes folders) there: by the rule a deliverable's path keeps, so
    plan text cannot send a write outside the repository or into `.git`."""
    folder = project.notes.folder if project.notes is not None else None
    reason = outside_reason(folder) if folder else None
    if folder and reason is not None:
        error(project.notes, "folder", notes_folder_message(folder, reason))


def issue_problems(project: Project, issue: Issue, where: str) -> list[Problem]:
    """What `check` finds in `issue` on its own: all of it but its id's uniqueness and its dependencies,
    which need the other issues.  The writer's windowed verification asks it of the one issue it edited."""
    problems: list[Problem] = []
    _IssueRules(project, _reporter(where, problems), frameworks_checked=True).check(issue)
    _check_paths(unsafe_mentions(project, issue), where, problems)
    return problems


def _reporter(where: str, problems: list[Problem]):
    def error(record, key: str, message: str, severity: str = "error", fallback: str = "") -> None:
        line, column = record.where(key, fallback)
        problems.append(Problem(where, line, column, message, severity))  # type: ignore[arg-type]

    return error


class _IssueRules:
    """The rules one issue must keep by itself, against the plan's workflow and frameworks."""

    def __init__(self, project: Project, error, frameworks_checked: bool = False, unread: frozenset[str] = frozenset()):
        self.project = project
        self.error = error
        self.allowed = [s.id for s in project.workflow]
        # A workflow or catalogue that may be declared in lines never read judges nothing.
        self.known: set[str] | None = None if "statuses" in unread else set(self.allowed)
        self.controls_known = "frameworks" not in unread
        # The frameworks' own problems are the plan's, reported once by `check`; here only their controls.
        self.catalogue = _check_frameworks(project, (lambda *_, **__: None) if frameworks_checked else error)

    def status(self, record, key: str, value: str, what: str) -> None:
        if self.known is not None and value not in self.known and value is not UNREAD:
            hint = did_you_mean(value, self.allowed)
            if value.lower() in ("no", "yes", "on", "off", "true", "false"):
                hint += " (if you meant a status, write one of the ids above)"
            self.error(
                record, key, f"{what} '{value}' is not a status of this plan; allowed: {', '.join(self.allowed)}{hint}"
            )

    def check(self, issue: Issue) -> None:
        error = self.error
        self.status(issue, "status", issue.status, f"status of issue #{issue.id}")
        _check_review(issue, f"issue #{issue.id}", error)
        if issue.due is not None and not is_iso_date(issue.due):
            error(issue, "due", f"due date '{issue.due}' of issue #{issue.id} is {NOT_A_DAY}")
        if issue.controls and self.controls_known:
            _check_controls(self.project, issue, self.catalogue, error)
        _check_repeats(issue, error)
        for deliverable in issue.deliverables:
            if deliverable.status is not None:
                self.status(deliverable, "status", deliverable.status, "deliverable status")
            if deliverable.reviewed is not None or deliverable.review_every is not None:
                # One a syntax error cut off before its path is named by its issue.
                what = f"deliverable '{deliverable.path}'" if deliverable.path is not UNREAD else None
                _check_review(deliverable, what or f"a deliverable of issue #{issue.id}", error)
        for step in issue.steps:
            wrong = estimate_error(step.estimate) if step.estimate is not None else None
            if wrong is not None:
                error(step, "estimate", wrong)


def _check_repeats(issue: Issue, error) -> None:
    """A deliverable's path and a step's title name it: `set --deliverable PATH` refuses a path named twice, and
    the merge driver pairs list items by name, so a repeat may be merged as the wrong one.  Warnings: the
    dashboard and `set --step N` name rows by their place, so both still work on such a plan."""
    repeats = (
        (issue.deliverables, "path", "deliverable", "merge the two entries into one"),
        (issue.steps, "title", "step", "give each step its own title (a merge pairs steps by title)"),
    )
    for records, key, what, fix in repeats:
        seen: dict[str, object] = {}
        for record in records:
            name = getattr(record, key)
            first = seen.setdefault(name, record)
            if first is not record:
                line, column = first.where(key)  # type: ignore[attr-defined]
                error(
                    record,
                    key,
                    f"{what} '{name}' is listed twice on issue #{issue.id} (also at line {line}, column {column}); {fix}",
                    "warning",
                )


def _check_session_order(project: Project, error) -> None:
    """Sessions are kept oldest first: `last` is the one at the end, and a session without `until` ends where
    the next one in the file starts."""
    newest = None
    for session in project.sessions:
        if not is_iso_date(session.date):
            continue  # told above
        # A session of the same day without a time could be either side of one with a time.
        if newest is not None and (
            session.date < newest.date
            or (session.date == newest.date and session.started and newest.started and session.started < newest.started)
        ):
            line, column = newest.where("date")
            error(
                session,
                "date",
                f"session {session.date}{' ' + session.started if session.started else ''} comes after a later "
                f"one (line {line}, column {column}); sessions are kept oldest first, so move it up",
                "warning",
            )
        else:
            newest = session


def _check_paths(unsafe, where: str, problems: list[Problem]) -> None:
    for mention, reason in unsafe:
        problems.append(
            Problem(where, mention.line, mention.column, f"path '{mention.path}' {reason}; it is never read")
        )


def _check_review(record, what: str, error) -> None:
    """`reviewed` is a real day and `review_every` an interval, wherever they are set."""
    if record.reviewed is not None and not is_iso_date(record.reviewed):
        error(record, "reviewed", f"'reviewed' of {what} is '{record.reviewed}', which is {NOT_A_DAY}")
    if record.review_every is not None and parse_interval(record.review_every) is None:
        error(
            record,
            "review_every",
            f"'review_every' of {what} is '{record.review_every}', which is not an interval; {INTERVAL_HINT}",
        )


def _check_frameworks(project: Project, error) -> dict[str, set[str]]:
    """Declared frameworks and their control ids; a framework or control declared twice is an error."""
    catalogue: dict[str, set[str]] = {}
    for framework in project.frameworks:
        key = str(framework.id)
        if key in catalogue:
            error(framework, "id", f"framework '{key}' is declared twice; merge the two entries")
            continue
        controls: set[str] = set()
        for index, control in enumerate(framework.controls):
            if control in controls:
                error(framework, f"controls.{index}", f"control '{control}' is listed twice in framework '{key}'")
            controls.add(control)
        catalogue[key] = controls
    return catalogue


def _check_controls(project: Project, issue, catalogue: dict[str, set[str]], error) -> None:
    """Each control names a declared control of its framework, with a prefix when several are declared, once."""
    seen: set[tuple[str | None, str]] = set()
    for index, control in enumerate(issue.controls):
        at = f"controls.{index}"  # the item's own place, else the list's
        framework, ident = split_control(project, control)
        if framework is None and len(catalogue) > 1:
            homes = [name for name, controls in catalogue.items() if ident in controls]
            example = f"{homes[0] if homes else next(iter(catalogue))}:{ident}"
            error(
                issue,
                at,
                f"control '{control}' of issue #{issue.id} names no framework, and this plan declares "
                f"{', '.join(catalogue)}; write it as {example}",
                fallback="controls",
            )
            continue
        known = catalogue.get(framework) if framework is not None else None
        if known and ident not in known:
            error(
                issue,
                at,
                f"control '{ident}' of issue #{issue.id} is not a control of framework '{framework}'"
                f"{_control_hint(ident, known)}; add it to the framework's controls or fix the id",
                fallback="controls",
            )
        elif (framework, ident) in seen:
            error(
                issue, at, f"control '{control}' is listed twice on issue #{issue.id}; remove one", fallback="controls"
            )
        seen.add((framework, ident))


_LOOKALIKE = str.maketrans("lIiOo", "11100")  # letters typed for digits: CC7.l is CC7.1


def _control_hint(ident: str, known: set[str]) -> str:
    """Did-you-mean for a control id: one that differs only by a letter typed for a digit, else the closest."""
    folded = ident.translate(_LOOKALIKE).upper()
    same = [control for control in known if control.translate(_LOOKALIKE).upper() == folded]
    return f" (did you mean '{same[0]}'?)" if len(same) == 1 else did_you_mean(ident, sorted(known))


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
