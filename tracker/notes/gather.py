"""`tracker summary`: the session note, from the plan, its git history and the work tree.

Two steps.  `summary_context` gathers plain data (the frozen records below and
a dict of them): the plan now, the plan as it was when the session started, and
what git says was created or changed since.  `summary_render.render` turns
that data into markdown through a Jinja2 template.  Nothing here reads a
clock: the session's own date is the only date, so the same plan, history and
work tree give the same bytes.

An issue is listed as accomplished when its status differs from the start,
when it gained done steps, or when it was not in the plan at the start.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from tracker.git import FileLink, GitRepo, GitUnavailable, Links, link_paths, measure, no_git, repo_start
from tracker.notes.errors import SummaryError
from tracker.notes.filetree import draw_tree
from tracker.notes.history import (
    Changes,
    HistoryError,
    Start,
    changes,
    day_start,
    file_at,
    is_ignored,
    resolve_since,
    revision,
)
from tracker.notes.views import (
    Change,
    Closing,
    Created,
    DeliverableView,
    FileView,
    HistoryView,
    InsightView,
    IssueView,
    Next,
    NextIssue,
    PhaseView,
    ProgressChange,
    SessionView,
    StatusView,
    StepView,
)
from tracker.plan import (
    Deliverable,
    Issue,
    Loaded,
    LoadError,
    Phase,
    Project,
    Session,
    StatusDef,
    Step,
    format_minutes,
    load_data,
    normalize,
    parse_minutes,
    progress,
)
from tracker.support.figures import line_count
from tracker.support.textsafe import one_line

NEXT_LIMIT = 3  # open issues shown under "What's next"
CREATED_LIMIT = 200  # files drawn in the "created" tree; the rest are counted

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The note's marks for the default workflow; other statuses get one by what they mean.
MARKS = {"not_started": "⬜", "in_progress": "🔄", "audit": "🔍", "blocked": "⛔", "verified": "☑️", "complete": "✅"}
# Statuses of the user's own workflow get the mark of what they mean.
KIND_MARKS = {
    "done": MARKS["complete"],
    "blocked": MARKS["blocked"],
    "todo": MARKS["not_started"],
    "active": MARKS["in_progress"],
}
ICONS = {
    "accomplished": "🎯",
    "status": "📊",
    "deliverables": "🎁",
    "next": "🚀",
    "files": "📁",
    "insights": "💡",
    "recommendation": "📋",
    "summary": "✨",
    "done": "✅",
}
TYPE_LABELS = {
    "source": "Source",
    "test": "Tests",
    "doc": "Documentation",
    "report": "Report",
    "config": "Config",
    "other": "Other",
}


@dataclass(slots=True)
class _Facts:
    """What git could tell; `before` is None when the plan at the start is unknown."""

    history: HistoryView
    before: Project | None = None
    changes: Changes | None = None
    root: Path | None = None


def build_summary(
    loaded: Loaded,
    since: str | None = None,
    session: str | None = None,
    plain: bool = False,
    front_matter: bool = True,
    template: str | os.PathLike | None = None,
    output: str | os.PathLike | None = None,
) -> str:
    """The summary as markdown.  `output`, if given, is where it will be written (listed as "this file")."""
    from tracker.notes.render import render

    context = summary_context(
        loaded, since=since, session=session, plain=plain, front_matter=front_matter, output=output
    )
    return render(context, template)


def summary_context(
    loaded: Loaded,
    since: str | None = None,
    session: str | None = None,
    plain: bool = False,
    front_matter: bool = True,
    output: str | os.PathLike | None = None,
) -> dict:
    """The template's variables (docs/summary-template.md); raises SummaryError."""
    project = _valid(loaded)
    chosen = _pick_session(loaded, project, session)
    try:
        repo = GitRepo.open(repo_start(loaded.path, project.repo))
    except GitUnavailable as exc:
        if since is not None:
            raise SummaryError(f"tracker: error: --since {one_line(since)} needs the git history, but {exc}") from None
        repo, facts = None, _Facts(HistoryView(False, str(exc), None, None, "", "", ""))
    try:
        if repo is not None:
            facts = _read_history(loaded, repo, chosen, since, output)
        changed = _changed_issues(project, facts.before)
        listed = _listed_deliverables(project, changed, facts.changes)
        added = facts.changes.added if facts.changes else {}
        created = sorted(added)
        wanted = [d.path for _, issue in project.issues() if issue.key in changed for d in issue.deliverables]
        wanted += [d.path for _, d in listed] + [path for entry in chosen.accomplished for path in entry.files]
        wanted += [p for p in created[:CREATED_LIMIT] if added[p] != "this file"]
        links = link_paths(repo, wanted, history=False) if repo else no_git(wanted, facts.history.reason)
    except GitUnavailable as exc:
        where = repo.root if repo is not None else loaded.path.parent
        raise SummaryError(f"tracker: error: git failed in {where}: {exc}") from None
    finally:
        if repo is not None:
            repo.close()

    views = _Views(project, links, plain)
    phases = [views.phase(phase) for phase in project.phases]
    accomplished = _accomplished(project, chosen, changed, facts.before, views)
    next_up = _next(project, views)
    return {
        "project": project.project,
        "session": SessionView(
            chosen.date, _long_date(chosen.date), chosen.focus or "", chosen.headline or "", chosen.duration or ""
        ),
        "history": facts.history,
        "accomplished": accomplished,
        "phases": phases,
        "change": _change(facts.before, project),
        "deliverables": [views.deliverable(issue, d) for issue, d in listed],
        "next": next_up,
        "created": _created(facts, created, views),
        "insights": [InsightView(i.title, i.body or "") for i in chosen.insights],
        "closing": _closing(project, phases, next_up),
        "notes": _notes(facts),
        "plain": plain,
        "front_matter": front_matter,
        "icons": {key: "" if plain else icon + " " for key, icon in ICONS.items()},
    }


def _valid(loaded: Loaded) -> Project:
    if not loaded.ok or loaded.project is None:
        raise SummaryError("\n".join(str(p) for p in loaded.errors) or f"{loaded.path}: error: no plan")
    return loaded.project


def _pick_session(loaded: Loaded, project: Project, date: str | None) -> Session:
    chosen = project.session(date)
    if chosen is not None:
        return chosen
    line, column = project.where("sessions")
    if not project.sessions:
        raise SummaryError(
            f"{loaded.path}:{line}:{column}: error: the plan has no sessions; add one under "
            "'sessions:' with its date (- date: YYYY-MM-DD) or run 'tracker session start'"
        )
    dates = ", ".join(s.date for s in project.sessions)
    raise SummaryError(
        f"{loaded.path}:{line}:{column}: error: no session on {one_line(date or '')}; the plan has sessions on {dates}"
    )


def _read_history(loaded: Loaded, repo: GitRepo, session: Session, since: str | None, output) -> _Facts:
    try:
        if since is not None:
            start = resolve_since(repo, since)
        elif session.since:
            start = revision(repo, session.since, "the session's since")
        else:
            start = day_start(repo, session.date)
    except HistoryError as exc:
        if since is not None:
            raise SummaryError(
                f"tracker: error: --since {one_line(since)}: {one_line(str(exc))}; give a commit or a date (YYYY-MM-DD)"
            ) from None
        line, column = session.where("since" if session.since else "date")
        raise SummaryError(
            f"{loaded.path}:{line}:{column}: error: session {session.date}: "
            f"{one_line(str(exc))}; correct 'since' or remove it"
        ) from None

    facts = _Facts(HistoryView(True, "", start.short, start.date, start.how, "", ""), root=repo.root)
    plan = _relative(loaded.path, repo.root)
    if plan is None:
        facts.history = _with_plan(facts.history, "outside", "")
    elif loaded.project is not None:  # a summary is made only of a plan that loaded
        _read_plan_at_start(facts, repo, start, plan, loaded.project)
    facts.changes = _with_output(changes(repo, start), repo, start, output)
    return facts


def _read_plan_at_start(facts: _Facts, repo: GitRepo, start: Start, plan: str, now: Project) -> None:
    data = file_at(repo, start, plan)
    if data is None:
        facts.before = Project(project="", phases=[])  # nothing at the start: every issue is new
        facts.history = _with_plan(facts.history, "absent", "")
        return
    where = f"{start.short}:{plan}"
    try:
        old = load_data(data, where, like=now)  # the issues the session left alone are not held twice
    except LoadError as exc:
        facts.history = _with_plan(facts.history, "unreadable", str(exc.problem))
        return
    if old.project is None:
        facts.history = _with_plan(facts.history, "unreadable", str(old.errors[0]) if old.errors else where)
        return
    facts.before = old.project
    facts.history = _with_plan(facts.history, "read", "")


def _with_plan(history: HistoryView, plan: str, problem: str) -> HistoryView:
    return HistoryView(history.available, history.reason, history.start, history.start_date, history.how, plan, problem)


def _with_output(found: Changes, repo: GitRepo, start: Start, output) -> Changes:
    """The file being written is one the session creates, whether or not an earlier run left it there."""
    if output is None:
        return found
    path = _relative(Path(output), repo.root)
    if path is None or path in found.modified or is_ignored(repo, path):
        return found
    if path not in found.added and start.sha is not None and file_at(repo, start, path) is not None:
        return found
    return Changes({**found.added, path: "this file"}, found.modified)


def _relative(path: Path, root: Path) -> str | None:
    try:
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return None


def _changed_issues(project: Project, before: Project | None) -> dict[str, Issue | None]:
    """Issues that differ from the start: key -> the issue as it was (None: not in the plan then)."""
    if before is None:
        return {}
    old = {issue.key: issue for _, issue in before.issues()}
    out: dict[str, Issue | None] = {}
    for _, issue in project.issues():
        was = old.get(issue.key)
        if was is None or was.status != issue.status or _steps_done(issue, was):
            out[issue.key] = was
    return out


def _steps_done(issue: Issue, was: Issue | None) -> list[tuple[int, Step]]:
    """Steps done now that were not done at the start (matched by title), with their 1-based numbers."""
    done_before = {step.title for step in was.steps if step.done} if was else set()
    return [(n, step) for n, step in enumerate(issue.steps, 1) if step.done and step.title not in done_before]


def _listed_deliverables(project: Project, changed: dict, found: Changes | None) -> list[tuple[Issue, Deliverable]]:
    """Deliverables of the issues that changed, and any deliverable whose file the session created or changed."""
    touched = set(found.added) | set(found.modified) if found else set()
    out, seen = [], set()
    for _, issue in project.issues():
        for deliverable in issue.deliverables:
            path = normalize(deliverable.path)
            if path in seen or (issue.key not in changed and path not in touched):
                continue
            seen.add(path)
            out.append((issue, deliverable))
    return out


class _Views:
    """Plan records as views.

    Views are frozen, so one view of a status, an issue or a file serves every
    place that shows it: a note on 10,000 issues would otherwise hold each of
    them several times over.
    """

    def __init__(self, project: Project, links: Links, plain: bool):
        self.project = project
        self.links = links
        self.plain = plain
        self._statuses: dict[str, StatusView] = {}
        self._issues: dict[int, IssueView] = {}  # by id() of issues of `project`, which outlive this
        self._files: dict[tuple[str, str], FileView] = {}

    def status(self, status_id: str, fallback: Project | None = None) -> StatusView:
        if fallback is None and status_id in self._statuses:
            return self._statuses[status_id]
        owner = fallback if fallback is not None and self.project.status(status_id) is None else self.project
        known = owner.status(status_id)
        label = owner.label(status_id)
        done = bool(known and known.done)
        view = StatusView(status_id, label, "" if self.plain else _mark(self.project, status_id, known), done)
        if fallback is None:
            self._statuses[status_id] = view
        return view

    def issue(self, issue: Issue) -> IssueView:
        view = self._issues.get(id(issue))
        if view is None:
            view = self._issues[id(issue)] = IssueView(
                str(issue.id),
                issue.title,
                issue.summary or "",
                self.status(issue.status),
                progress.issue_percent(self.project, issue),
                sum(s.done for s in issue.steps),
                len(issue.steps),
                [str(d) for d in issue.depends_on],
            )
        return view

    def phase(self, phase: Phase) -> PhaseView:
        done = sum(progress.is_done(self.project, issue) for issue in phase.issues)
        return PhaseView(
            str(phase.id),
            _phase_name(phase),
            phase.title,
            self.status(progress.phase_status(self.project, phase)),
            progress.phase_percent(self.project, phase),
            done,
            len(phase.issues),
            [self.issue(issue) for issue in phase.issues],
        )

    def step(self, number: int, step: Step) -> StepView:
        minutes = parse_minutes(step.estimate) if step.estimate else None
        return StepView(number, step.title, step.estimate, minutes, step.done, list(step.files))

    def deliverable(self, issue: Issue, deliverable: Deliverable) -> DeliverableView:
        kind = deliverable.type
        return DeliverableView(
            deliverable.path,
            kind,
            TYPE_LABELS.get(kind or "", ""),
            deliverable.purpose or "",
            self.file(deliverable.path),
            self.status(issue.status_of(deliverable)),
            str(issue.id),
        )

    def file(self, path: str, how: str = "") -> FileView:
        view = self._files.get((path, how))
        if view is None:
            link = self.links.links.get(path)
            state = link.state if link else ""
            lines = link.lines if link else None
            parts = [_size_note(link) if link else "", how]
            view = self._files[path, how] = FileView(
                _shown(path), lines, state, ", ".join(part for part in parts if part)
            )
        return view


def _size_note(link: FileLink) -> str:
    """What to say about a file next to its name: its length, or why there is none."""
    if link.lines is not None:
        return line_count(link.lines)
    if link.state in ("missing", "unsafe"):
        return {"missing": "missing", "unsafe": "not read: " + (link.note or "unsafe path")}[link.state]
    if link.note == "a binary file":
        return "binary"
    return ""


def _mark(project: Project, status_id: str, known: StatusDef | None) -> str:
    if status_id in MARKS and not (known is not None and known.done):
        return MARKS[status_id]
    return KIND_MARKS[progress.status_kind(project, status_id)]


def _phase_name(phase: Phase) -> str:
    number = re.fullmatch(r"[Pp]?(\d+)", str(phase.id))
    return f"Phase {number.group(1) if number else phase.id}"


def _long_date(date: str) -> str:
    year, month, day = (int(part) for part in date.split("-"))
    return f"{MONTHS[month - 1]} {day}, {year}"


def _shown(path: str) -> str:
    """A path as text: bytes that are not UTF-8 (kept by git as surrogates) become U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _accomplished(
    project: Project, session: Session, changed: dict[str, Issue | None], before: Project | None, views: _Views
) -> list[Change]:
    out: list[Change] = []
    for _, issue in project.issues():
        if issue.key not in changed:
            continue
        was = changed[issue.key]
        moved = was is not None and was.status != issue.status
        out.append(
            Change(
                "issue",
                issue.title,
                views.issue(issue),
                views.status(was.status, before) if was is not None and moved else None,
                was is None,
                [views.step(n, step) for n, step in _steps_done(issue, was)],
                [views.deliverable(issue, d) for d in issue.deliverables],
                [],
                [],
            )
        )
    for entry in session.accomplished:
        out.append(
            Change(
                "entry",
                entry.title,
                None,
                None,
                False,
                [],
                [],
                list(entry.details),
                [views.file(path) for path in entry.files],
            )
        )
    return out


def _next(project: Project, views: _Views) -> Next:
    """The first open issues in plan order whose dependencies are done, all from one phase."""
    done = {issue.key for _, issue in project.issues() if progress.is_done(project, issue)}
    ready: list[tuple[Phase, Issue]] = []
    waiting: list[tuple[Phase, Issue, list[str]]] = []
    for phase, issue in project.issues():
        if issue.key in done:
            continue
        blockers = [str(dep) for dep in issue.depends_on if str(dep) not in done]
        if blockers:
            waiting.append((phase, issue, blockers))
        else:
            ready.append((phase, issue))
    if not ready:
        return Next([], [], 0, "", 0)
    phase = ready[0][0]
    chosen = [_next_issue(project, views, p, issue, []) for p, issue in ready if p is phase][:NEXT_LIMIT]
    held = [_next_issue(project, views, p, issue, blockers) for p, issue, blockers in waiting if p is phase]
    minutes = sum(item.minutes for item in chosen)
    return Next(
        chosen, held, minutes, format_minutes(minutes) if minutes else "", sum(item.unestimated for item in chosen)
    )


def _next_issue(project: Project, views: _Views, phase: Phase, issue: Issue, blockers: list[str]) -> NextIssue:
    steps = [views.step(n, step) for n, step in enumerate(issue.steps, 1) if not step.done]
    minutes = sum(step.minutes or 0 for step in steps)
    if blockers:
        verb = "Then"
    elif issue.status == project.workflow[0].id and not any(step.done for step in issue.steps):
        verb = "Start"
    elif steps:
        verb = "Continue"
    else:
        verb = "Finish"
    return NextIssue(
        views.issue(issue),
        _phase_name(phase),
        verb,
        steps,
        minutes,
        format_minutes(minutes) if minutes else "",
        sum(step.minutes is None for step in steps),
        blockers,
    )


def _closing(project: Project, phases: list[PhaseView], next_up: Next) -> Closing:
    issues = [issue for _, issue in project.issues()]
    done = sum(progress.is_done(project, issue) for issue in issues)
    first = next_up.issues[0] if next_up.issues else None
    phase = None
    if first is not None:
        phase = next(p for p in phases if any(i.id == first.issue.id for i in p.issues))
    else:
        phase = next((p for p in phases if not p.status.done and p.done < p.total), None)
    return Closing(phase, first, progress.project_percent(project) or 0, done, len(issues))


def _change(before: Project | None, now: Project) -> ProgressChange | None:
    """The plan's figures at the session's start and now, measured as `tracker history` measures each commit."""
    if before is None:
        return None
    was, is_ = measure(before), measure(now)
    return ProgressChange(was.percent or 0, is_.percent or 0, is_.done - was.done, is_.done, is_.total)


def _created(facts: _Facts, paths: list[str], views: _Views) -> Created | None:
    if facts.changes is None:
        return None
    shown = [views.file(path, facts.changes.added[path]) for path in paths[:CREATED_LIMIT]]
    return Created(shown, draw_tree(shown), max(0, len(paths) - CREATED_LIMIT))


def _notes(facts: _Facts) -> list[str]:
    history = facts.history
    if not history.available:
        return [f"No git history ({history.reason}): issue changes and created files are left out."]
    if history.plan == "outside":
        return [f"The plan file is outside the repository at {facts.root}: issue changes are left out."]
    if history.plan == "unreadable":
        return [f"The plan at the start could not be read ({history.plan_problem}): issue changes are left out."]
    return []
