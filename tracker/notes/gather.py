"""`tracker summary`: the session note, about the session's window of history and nothing else.

A session is a window: from its start (`since`, else the day's first commit)
to its end (`until`; a session with none ends where the next one starts, and
the last one stays open: HEAD plus the work tree).  `gather_summary` gathers
plain data (the frozen records of views.py): the plan at the start and at the
end, and what git says the window created, moved, changed and deleted (a file moved is not one created).
`render.render` turns that into markdown through a Jinja2 template.  Nothing
here reads a clock but for the day an open session's overdue issues and stale
evidence are judged on (`_today`), and a closed window is read from commits
alone, so the note of a closed session is the same bytes whenever it is made
again.  `Gathered` says what else than the plan and git's view a note was
read from, for a replay of it to check (cli/summary.py).

An issue is accomplished when its status differs from the start, it gained
done steps, it was not in the plan at the start, or one of its deliverables
is: a deliverable counts when its file changed in the window or its own status
(set on it, not inherited from the issue) changed, and only if its file exists.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from tracker.git import (
    AtOnce,
    FileLink,
    GitRepo,
    GitUnavailable,
    Links,
    at_once,
    link_paths,
    links_at,
    measure,
    missing_revision,
    needs_attention,
    no_git,
    not_its_own,
    repo_start,
    taken_in,
)
from tracker.notes.errors import SummaryError
from tracker.notes.filetree import draw_tree
from tracker.notes.history import (
    Changes,
    HistoryError,
    NoCommit,
    Start,
    WindowCommit,
    changes,
    day_start,
    file_at,
    head,
    is_ignored,
    renamed_from,
    resolve_since,
    revision,
    window_commits,
)
from tracker.notes.place import front_matter as plan_front_matter
from tracker.notes.place import number_of_day
from tracker.notes.views import (
    Attention,
    Change,
    Changed,
    Closing,
    Created,
    DeliverableMove,
    DeliverableView,
    FileView,
    HistoryView,
    InsightView,
    IssueMove,
    IssueView,
    Move,
    Moved,
    Next,
    NextIssue,
    PhaseView,
    ProgressChange,
    SessionView,
    StatusView,
    StepView,
    WindowView,
)
from tracker.plan import (
    ISSUE_MENTION,
    Deliverable,
    Issue,
    Loaded,
    LoadError,
    Phase,
    Project,
    Session,
    StatusDef,
    Step,
    email_of,
    format_minutes,
    is_iso_date,
    load_data,
    named_file,
    normalize,
    parse_minutes,
    progress,
)
from tracker.support import clock
from tracker.support.figures import counted, first_few, line_count
from tracker.support.ownfiles import plan_locks
from tracker.support.textsafe import one_line
from tracker.support.treepath import inside_resolved

NEXT_LIMIT = 3  # open issues shown under "What's next"
WAITING_LIMIT = 5  # issues waiting on others, and blocked ones, named under it
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
    "moved": "🚚",
    "changed": "📝",
    "insights": "💡",
    "recommendation": "📋",
    "summary": "✨",
    "attention": "⚠️",
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
    after: Project | None = None  # the plan at the end of a closed window (None: the plan as loaded)
    changes: Changes | None = None
    root: Path | None = None
    end: str | None = None  # the commit a closed window ends at
    end_day: str | None = (
        None  # the day `until`'s work was done (repo.work_day): a session past midnight ended on or after it
    )
    plan: str | None = None  # the plan's path in the repository as the window's end has it
    # The day a window given with --since starts on, when it is not the session's own (None: the session's window).
    window_start: str | None = None
    problems: list[str] = field(default_factory=list)
    revisions: dict[str, str] = field(default_factory=dict)  # each revision named -> the commit git took it for


@dataclass(frozen=True, slots=True)
class Gathered:
    """The note's variables, and what else than the plan and git's HEAD, index and untracked files they
    were read from: what a replay of the note must find unchanged (cli/replay.py)."""

    context: dict  # the template's variables
    links: Links  # every file the note reports on
    revisions: tuple[tuple[str, str], ...]  # each revision named (--since, `since:`, `until:`) and its commit
    # Files whose content or presence the note depends on besides the links' (relative to the work
    # tree's root): the ignore files that decide whether the output is a file the session made.
    paths: tuple[str, ...]
    # The window ends in the work tree: what git finds changed there depends on every changed file's content.
    work_tree: bool

    def note(self, template: str | os.PathLike | None = None) -> str:
        """The note as markdown, through `template` (default: the shipped one)."""
        from tracker.notes.render import render

        return render(self.context, template)


def build_summary(
    loaded: Loaded,
    since: str | None = None,
    session: str | None = None,
    plain: bool = False,
    front_matter: bool | None = None,
    template: str | os.PathLike | None = None,
    output: str | os.PathLike | None = None,
) -> str:
    """The summary as markdown.  `output`, if given, is where it will be written (listed as "this file").

    `front_matter` None follows the plan's `notes: front_matter:` (default on).
    """
    gathered = gather_summary(
        loaded, since=since, session=session, plain=plain, front_matter=front_matter, output=output
    )
    return gathered.note(template)


def gather_summary(
    loaded: Loaded,
    since: str | None = None,
    session: str | None = None,
    plain: bool = False,
    front_matter: bool | None = None,
    output: str | os.PathLike | None = None,
) -> Gathered:
    """The template's variables (docs/summary-template.md) and what they were read from; raises SummaryError."""
    now = _valid(loaded)
    index = _pick_session(loaded, now, session)
    chosen = now.sessions[index]
    if front_matter is None:
        front_matter = plan_front_matter(now)
    try:
        repo = GitRepo.open(repo_start(loaded.path, now.repo))
    except GitUnavailable as exc:
        if since is not None:
            raise SummaryError(f"tracker: error: --since {one_line(since)} needs the git history, but {exc}") from None
        repo, facts = None, _Facts(HistoryView(False, str(exc), None, None, "", "", ""))
    try:
        if repo is not None:
            facts = _read_history(loaded, now, repo, index, since, output)
        project = facts.after or now
        # The plan at the window's start; None where it is not known (a session whose plan was never committed).
        start = None if chosen.plan_committed is False else facts.before
        changed = _changed_issues(project, start)
        moves = _own_status_changes(project, start)
        touched = facts.changes.touched if facts.changes else set()
        candidates = [
            (issue, d)
            for _, issue in project.issues()
            for d in issue.deliverables
            if (issue.key, normalize(d.path)) in moves or named_file(d.path, touched.__contains__) in touched
        ]
        created = sorted(facts.changes.added) if facts.changes else []
        # A file moved onto the note's own path is "this file", among the created ones.
        moved = (
            sorted((old, new) for old, new in (facts.changes.moved or {}).items() if new not in facts.changes.added)
            if facts.changes
            else []
        )
        # The plan's own changes are the status changes above; every other file changed is listed.
        modified = sorted(facts.changes.modified - {facts.plan}) if facts.changes else []
        # Every deliverable: drift and stale evidence are looked for in all of them.
        wanted = [d.path for _, issue in project.issues() for d in issue.deliverables] + [
            path for entry in chosen.accomplished for path in entry.files
        ]
        added = facts.changes.added if facts.changes else {}
        moved_to = [new for _, new in moved[:CREATED_LIMIT]]
        wanted += [p for p in created[:CREATED_LIMIT] if added[p] != "this file"] + moved_to + modified[:CREATED_LIMIT]
        wanted = list(dict.fromkeys(wanted))
        if repo is None:
            links = no_git(wanted, facts.history.reason)
        else:
            # The window's files are git's names: "[2026] review.md" is a file, not a pattern.
            names = set(created[:CREATED_LIMIT]) | set(moved_to) | set(modified[:CREATED_LIMIT])
            links = (
                links_at(repo, facts.end, wanted, names)
                if facts.end is not None
                else link_paths(repo, wanted, names=names, locks=plan_locks(repo.root, loaded.path))
            )
    except GitUnavailable as exc:
        where = repo.root if repo is not None else loaded.path.parent
        raise SummaryError(f"tracker: error: git failed in {where}: {exc}") from None
    finally:
        if repo is not None:
            repo.close()

    views = _Views(project, links, plain)
    listed = [(issue, d) for issue, d in candidates if _exists(links, d.path)]
    phases = [views.phase(phase) for phase in project.phases]
    accomplished = _accomplished(project, chosen, changed, moves, listed, facts.before, views)
    today = _today(chosen, facts)
    needs = _attention(project, chosen, facts, links, views, today)
    focus = set(ISSUE_MENTION.findall(chosen.focus or ""))
    next_up = _next(project, views, focus | {item.issue.id for item in accomplished if item.issue})
    removed = _removed(project, start, views)
    name = now.session_name(index)
    context = {
        "project": project.project,
        "session": SessionView(
            chosen.date,
            _long_date(chosen.date),
            chosen.focus or "",
            chosen.headline or "",
            chosen.duration or "",
            name,
            # The first of a day is never numbered: a later session that day must not change its note.
            number_of_day(now, index),
            chosen.started or "",
            chosen.ended or "",
            facts.end is not None,
            chosen.end_day(facts.end_day) or "",
            chosen.time_text(facts.end_day),
        ),
        "history": facts.history,
        "window": _window(chosen, facts, today),
        "accomplished": accomplished,
        "attention": needs,
        "phases": phases,
        "change": _change(start, project, len(removed)),
        "removed": removed,
        "issue_moves": _issue_moves(project, start, views),
        "deliverables": [views.deliverable(issue, d) for issue, d in listed],
        "next": next_up,
        "created": _created(facts, created, views),
        "moved": _moved(facts, moved, views),
        "changed": _changed_files(facts, modified, views),
        "insights": [InsightView(i.title, i.body or "") for i in chosen.insights],
        "closing": _closing(project, phases, next_up),
        "notes": _notes(facts),
        "plain": plain,
        "front_matter": front_matter,
        "icons": {key: "" if plain else icon + " " for key, icon in ICONS.items()},
    }
    work_tree = repo is not None and facts.end is None
    ignores = _ignore_files(Path(output), repo) if repo is not None and work_tree and output is not None else ()
    return Gathered(context, links, tuple(facts.revisions.items()), ignores, work_tree)


def _ignore_files(output: Path, repo: GitRepo) -> tuple[str, ...]:
    """The files that decide whether git ignores `output` (none if it is outside the work tree), relative to
    the work tree's root: the .gitignore in each folder down to it, and the repository's exclude file, which
    a linked worktree reads from the repository it shares, outside the work tree (reached through `..`)."""
    path = inside_resolved(repo.root, output)
    if path is None:
        return ()
    folders = path.split("/")[:-1]
    exclude = os.path.relpath(repo.git_dir / "info" / "exclude", os.path.realpath(repo.root))
    return (*("/".join([*folders[:depth], ".gitignore"]) for depth in range(len(folders) + 1)), exclude)


def _today(session: Session, facts: _Facts) -> datetime.date:
    """The day overdue and stale are judged on: a closed session's own day, so its note never changes."""
    if facts.end is not None:
        return datetime.date.fromisoformat(session.date)
    try:
        return clock.today()
    except clock.BadClock as exc:
        raise SummaryError(f"tracker: error: {exc}") from None


def _valid(loaded: Loaded) -> Project:
    if not loaded.ok or loaded.project is None:
        raise SummaryError("\n".join(str(p) for p in loaded.errors) or f"{loaded.path}: error: no plan")
    return loaded.project


def _pick_session(loaded: Loaded, project: Project, name: str | None) -> int:
    index = project.session_index(name)
    if index is not None:
        return index
    line, column = project.where("sessions")
    if not project.sessions:
        raise SummaryError(
            f"{loaded.path}:{line}:{column}: error: the plan has no sessions; add one under "
            "'sessions:' with its date (- date: YYYY-MM-DD) or run 'tracker session start'"
        )
    raise SummaryError(f"{loaded.path}:{line}:{column}: error: {project.unknown_session(name or '')}")


def _read_history(loaded: Loaded, project: Project, repo: GitRepo, index: int, since: str | None, output) -> _Facts:
    session = project.sessions[index]
    try:
        start = resolve_since(repo, since) if since is not None else _session_start(repo, session)
    except HistoryError as exc:
        if since is not None:
            raise SummaryError(
                f"tracker: error: --since {one_line(since)}: {one_line(str(exc))}; give a commit or a date (YYYY-MM-DD)"
            ) from None
        line, column = session.where("since" if session.since else "date")
        said = _missing(loaded, repo, session, "since", exc)
        raise SummaryError(
            f"{loaded.path}:{line}:{column}: error: session {project.session_name(index)}: {one_line(said)}"
        ) from None
    ends = project.window_end(index)
    end: str | None = None
    end_sha = None
    end_by = ""
    if ends is not None:
        end, end_of, end_key = ends
        # A window cut at a later session's start is not where this one ended: it may well be open still.
        if end_key != "until":
            end_by = project.session_name(next(i for i, s in enumerate(project.sessions) if s is end_of))
        try:
            end_sha = revision(repo, end, "where the session ended").sha
        except HistoryError as exc:
            line, column = end_of.where(end_key)
            said = _missing(loaded, repo, end_of, end_key, exc)
            raise SummaryError(
                f"{loaded.path}:{line}:{column}: error: session {project.session_name(index)}: {one_line(said)}"
            ) from None
    # A start that is not in the end's history would make the note count the changes backwards
    # (complete -> not started) or take in another branch's work: refused, never reported as done.
    if start.sha is not None and not repo.ok("merge-base", "--is-ancestor", start.sha, end_sha or "HEAD"):
        end_words = f"the session's end, {end_sha[:7]}" if end_sha else "HEAD"
        if since is not None:
            raise SummaryError(
                f"tracker: error: --since {one_line(since)}: {start.short} ({start.how}) is not in the history of "
                f"{end_words}, so the note would count its changes backwards; give a commit or a date before it"
            )
        line, column = session.where("since" if session.since else "date")
        raise SummaryError(
            f"{loaded.path}:{line}:{column}: error: session {project.session_name(index)}: it starts at "
            f"{start.short} ({start.how}), which is not in the history of {end_words}; correct 'since' or 'until'"
        )
    # A rebase that moved the session's commits past others leaves `since` before them: the note would claim
    # their work.  Refused, with the commit to start at; a --since given is the user's own word.
    # Sessions others ran at the same time: the commits they made in those sessions are left out of this note.
    others = at_once(repo, project, index)
    if since is None and session.since and start.sha is not None:
        foreign = taken_in(repo, start.sha, end_sha or "HEAD", session, frozenset(other.email for other in others))
        if foreign:
            line, column = session.where("since")
            said = not_its_own(session.since, end_sha or "HEAD", foreign)
            raise SummaryError(
                f"{loaded.path}:{line}:{column}: error: session {project.session_name(index)}: {one_line(said)} "
                f"(or keep this start: tracker summary --since {one_line(session.since)})"
            )

    history = HistoryView(
        True, "", start.short, start.date, start.how, "", "", end_sha[:7] if end_sha else None, end_by
    )
    window_start = None
    own: dict[str, str] = {}  # the revision naming the session's own start, when --since gave one: it sets the title
    if since is not None and not _own_start(repo, session, start, own):
        window_start = since if is_iso_date(since) else start.date
    # Only `until` was HEAD as the session ended; a window closed by the next session's start says nothing of it.
    end_day = repo.work_day(end_sha) if end_sha is not None and session.until else None
    facts = _Facts(history, root=repo.root, end=end_sha, end_day=end_day, window_start=window_start)
    facts.revisions.update(own)
    if start.name is not None and start.sha is not None:
        facts.revisions[start.name] = start.sha
    if end is not None and end_sha is not None:
        facts.revisions[end] = end_sha
    plan = inside_resolved(repo.root, loaded.path)
    found = changes(repo, start, end_sha, plan_locks(repo.root, loaded.path))
    if plan is None:
        facts.history = _with_plan(facts.history, "outside", "")
    else:
        if end_sha is not None:
            facts.after, plan = _plan_at_end(facts, repo, end_sha, plan, project)
        # A plan moved in the window is read at the start under the name it had then, not taken as new.
        before = found.former(plan) or plan
        _read_plan_at_start(facts, repo, start, before, project)
        facts.plan = plan
    facts.changes = found if end_sha is not None else _with_output(found, repo, start, output)
    if start.sha is not None and others:
        _leave_out_others(facts, repo, project, others, start.sha, end_sha)
    return facts


def _leave_out_others(
    facts: _Facts, repo: GitRepo, project: Project, others: list[AtOnce], start: str, end: str | None
) -> None:
    """Take out of the window the work of `others`, sessions that ran at the same time (at_once): two sessions in
    two clones, merged by a pull, share their windows' history, and each note would claim the other's work.  A
    commit is such a session's when its starter committed it (a commit cherry-picked here is the picker's, as in
    others_since) within that session's own window (_own_window): what they committed outside each of those
    windows is in none of those notes, so it stays in this one.  The files only their commits touched, and the issues
    only their commits changed, are left out, the latter as if the start had them already.  An open window's
    work tree is the clone's: theirs, when one of them commits here (their clone, where this session is a
    colleague's).  Said in the note, naming the commits and the session each one is in."""
    commits = window_commits(repo, start, end)
    belongs: dict[str, AtOnce] = {}  # a left-out commit's sha -> the session whose window holds it
    for other in others:
        window = _own_window(repo, project, other.place)
        for commit in commits:
            if commit.committer == other.email and commit.sha in window:
                belongs.setdefault(commit.sha, other)
    theirs = [commit for commit in commits if commit.sha in belongs]
    tip = head(repo) if end is None else None
    identity = repo.committer() if tip is not None else None  # who commits in this clone (one `git var`)
    here = [other for other in others if other.email == email_of(identity)]
    # The work tree goes on from HEAD: it is their open session's, when one of theirs is open.
    tree_of = next((other for other in here if project.window_end(other.place) is None), here[0] if here else None)
    tree_theirs = tree_of is not None
    if not theirs and not tree_theirs:
        return
    mine = [commit for commit in commits if commit.sha not in belongs]
    own_paths = set().union(*(commit.paths for commit in mine))
    their_paths = set().union(*(commit.paths for commit in theirs))
    if tree_theirs and tip is not None:
        tree = changes(repo, Start(tip, None, ""), None, plan_locks(repo.root, repo.root / (facts.plan or "")))
        their_paths |= tree.touched | tree.deleted
        if tree.touched | tree.deleted and tree_of is not None:
            facts.problems.append(
                f"Left out: the changes not committed in this clone, which commits as {one_line(identity or '')}, "
                f"who ran session {tree_of.name} at the same time: they are that session's."
            )
    their_paths -= own_paths
    if facts.changes is not None:
        facts.changes = _without(facts.changes, their_paths)
    if facts.before is not None and facts.plan is not None:
        after = facts.after or project
        own = _issues_changed(repo, mine, facts.plan, project)
        their_issues = _issues_changed(repo, theirs, facts.plan, project)
        if tip is not None and (at_head := _plan_at(repo, tip, facts.plan, project)) is not None:
            if tree_theirs:
                their_issues |= _reported(at_head, project)
            else:
                own |= _reported(at_head, project)
        their_issues -= own
        if their_issues:
            facts.before = _with_their_work(facts.before, after, their_issues)
    for other in others:
        made = [commit for commit in theirs if belongs[commit.sha] is other]
        if made:
            named = first_few([f"{commit.sha[:7]} '{one_line(commit.subject)}'" for commit in made[::-1]], 3)
            facts.problems.append(
                f"Left out: {counted(len(made), 'commit')} of this window that {one_line(other.by)} made in session "
                f"{other.name}, which ran at the same time ({named}): that work is in that session's note."
            )


def _own_window(repo: GitRepo, project: Project, index: int) -> set[str]:
    """The commits of the window of the session at `index`, from its start to its end (HEAD while open), both
    found as its own note finds them (_session_start, Project.window_end); none where git does not hold them,
    so nothing is left out of another note for a session whose note cannot be made."""
    try:
        start = _session_start(repo, project.sessions[index])
        ends = project.window_end(index)
        end = "HEAD" if ends is None else revision(repo, ends[0], "where the session ended").sha
    except HistoryError:
        return set()
    if end is None:
        return set()
    span = end if start.sha is None else f"{start.sha}..{end}"
    return set(repo.run("rev-list", span).decode().split())


def _without(found: Changes, paths: set[str]) -> Changes:
    """The window's changes without those of `paths`."""
    return dataclasses.replace(
        found,
        added={path: how for path, how in found.added.items() if path not in paths or how == "this file"},
        modified=found.modified - paths,
        deleted=found.deleted - paths,
        moved={old: new for old, new in (found.moved or {}).items() if old not in paths and new not in paths},
    )


def _issues_changed(repo: GitRepo, commits: list[WindowCommit], plan: str, like: Project) -> set[str]:
    """The keys of the issues whose change a note reports (_reported) that `commits` made, each to its parent."""
    keys: set[str] = set()
    for commit in commits:
        if plan not in commit.paths:
            continue
        after = _plan_at(repo, commit.sha, plan, like)
        before = _plan_at(repo, commit.parent, plan, like) if commit.parent else Project(project="", phases=[])
        if after is not None and before is not None:
            keys |= _reported(before, after)
    return keys


def _plan_at(repo: GitRepo, sha: str, plan: str, like: Project) -> Project | None:
    """The plan as commit `sha` holds it; an empty one where it held none, None where it does not read."""
    data = repo.file_at(sha, plan)
    if data is None:
        return Project(project="", phases=[])
    try:
        return load_data(data, f"{sha[:7]}:{plan}", like=like).project
    except LoadError:
        return None


def _reported(before: Project, after: Project) -> set[str]:
    """The keys of the issues a note reports changed from `before` to `after`: added, removed, their status,
    their done steps, their deliverables' own status."""
    keys = set(_changed_issues(after, before)) | {key for key, _ in _own_status_changes(after, before)}
    return keys | ({issue.key for _, issue in before.issues()} - {issue.key for _, issue in after.issues()})


def _with_their_work(before: Project, after: Project, keys: set[str]) -> Project:
    """The plan at the start as if the work that another session did on the issues `keys` had been done before it:
    those issues as `after` has them (none, where it has them no more), so the note reports nothing of them."""
    now = {issue.key: (phase, issue) for phase, issue in after.issues()}
    phases = []
    for phase in before.phases:
        issues = [
            now[issue.key][1] if issue.key in keys else issue
            for issue in phase.issues
            if issue.key not in keys or issue.key in now
        ]
        phases.append(msgspec.structs.replace(phase, issues=issues))
    held = {issue.key for _, issue in before.issues()}
    for key in sorted(keys - held):
        if key not in now:
            continue
        phase, issue = now[key]
        at = next((i for i, kept in enumerate(phases) if kept.id == phase.id), None)
        if at is None:
            phases.append(msgspec.structs.replace(phase, issues=[issue]))
        else:
            phases[at] = msgspec.structs.replace(phases[at], issues=[*phases[at].issues, issue])
    return msgspec.structs.replace(before, phases=phases)


def _own_start(repo: GitRepo, session: Session, start: Start, named: dict[str, str]) -> bool:
    """Whether `start` (given with --since) is where the session's own window starts: its `since`, else its day's
    start.  A `since` git does not hold starts no window, so a start given in its place is not the session's.
    The session's `since` goes into `named` with the commit it names ("" none): a replay asks git about it again,
    since a branch or a tag may come to name another commit, and the answer with it."""
    try:
        own = _session_start(repo, session)
    except NoCommit:  # raised for a `since` alone (a day's start is always found)
        named[session.since or ""] = ""
        return False
    except HistoryError:
        return False
    if own.name is not None and own.sha is not None:
        named[own.name] = own.sha
    return own.sha == start.sha


def _session_start(repo: GitRepo, session: Session) -> Start:
    """Where the session's own window starts: its `since`, else the start of its day (HistoryError if git does not
    hold it)."""
    return (
        revision(repo, session.since, "where the session started") if session.since else day_start(repo, session.date)
    )


def _window(session: Session, facts: _Facts, today: datetime.date) -> WindowView | None:
    """The window the note is about when --since gave one that is not the session's own: from the day it
    starts to the day it ends (the session's end, or today while the session is open)."""
    if facts.window_start is None:
        return None
    end = (session.end_day(facts.end_day) or session.date) if facts.end is not None else today.isoformat()
    return WindowView(facts.window_start, _long_date(facts.window_start), end, _long_date(end))


def _missing(loaded: Loaded, repo: GitRepo, session: Session, key: str, exc: HistoryError) -> str:
    """Why the session's `key` leads to no commit, and how to repair it: a revision git does not hold may
    have been rewritten by a rebase, and the commit it probably is now is named (git/sessionrevs.py)."""
    rev = getattr(session, key)
    if not isinstance(exc, NoCommit) or not rev:
        return f"{exc}; correct '{key}' or remove it"
    return missing_revision(repo, loaded.path, session, key, rev)


def _plan_at_end(facts: _Facts, repo: GitRepo, end: str, plan: str, now: Project) -> tuple[Project | None, str]:
    """The plan as the end commit holds it (what the window left, whatever was done after it), and its path
    there: the plan moved since the session is read under the name it had then, so the note stays the same."""
    data = repo.file_at(end, plan)
    if data is None and (former := renamed_from(repo, end, plan)) is not None:
        plan, data = former, repo.file_at(end, former)
    problem = "it is not in the repository at the end"
    if data is not None:
        try:
            held = load_data(data, f"{end[:7]}:{plan}", like=now)
        except LoadError as exc:
            held, problem = None, str(exc.problem)
        if held is not None and held.project is not None:
            return held.project, plan
        if held is not None:
            problem = str(held.errors[0]) if held.errors else problem
    facts.problems.append(
        f"The plan at the end of the session could not be read ({problem}): the plan as it is now is shown."
    )
    return None, plan


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
    return msgspec.structs.replace(history, plan=plan, plan_problem=problem)


def _with_output(found: Changes, repo: GitRepo, start: Start, output) -> Changes:
    """The file being written is one the session creates, whether or not an earlier run left it there."""
    if output is None:
        return found
    path = inside_resolved(repo.root, output)
    if path is None or path in found.modified or is_ignored(repo, path):
        return found
    if path not in found.added and start.sha is not None and file_at(repo, start, path) is not None:
        return found
    # Only the output is added: what the window deleted and moved stays (it needs attention).
    return dataclasses.replace(found, added={**found.added, path: "this file"})


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


def _own_status_changes(project: Project, before: Project | None) -> dict[tuple[str, str], tuple[str, str]]:
    """Deliverables whose own `status` changed: (issue key, path) -> (status then, status now), as shown.

    A deliverable without a status of its own has its issue's; a change of the issue alone is the
    issue's change, not the deliverable's, and an own status equal to the one it had is none.  Issues
    new in the window are said as added, not here.
    """
    if before is None:
        return {}
    old = {issue.key: issue for _, issue in before.issues()}
    out = {}
    for _, issue in project.issues():
        was = old.get(issue.key)
        if was is None:
            continue
        then = {normalize(d.path): d for d in was.deliverables}
        for deliverable in issue.deliverables:
            path = normalize(deliverable.path)
            prior = then.get(path)
            if prior is None or prior.status == deliverable.status:
                continue
            shown = (prior.status or was.status, deliverable.status or issue.status)
            if shown[0] != shown[1]:  # a status written out that it had already inherited is no change
                out[issue.key, path] = shown
    return out


def _exists(links: Links, path: str) -> bool:
    """Whether the file is there to be shown as made (a missing one never is)."""
    link = links.links.get(path)
    return link is not None and link.state not in ("missing", "unsafe", "no-git", "") and link.kind != "pattern"


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
            view = self._issues[id(issue)] = self._issue_of(self.project, issue)
        return view

    def former_issue(self, before: Project, issue: Issue) -> IssueView:
        """An issue of the plan at the start that the end no longer holds, with its status and figures then."""
        return self._issue_of(before, issue)

    def _issue_of(self, plan: Project, issue: Issue) -> IssueView:
        """The view of `issue`, an issue of `plan` (this note's, or the plan at the start)."""
        return IssueView(
            str(issue.id),
            issue.title,
            issue.summary or "",
            self.status(issue.status, None if plan is self.project else plan),
            progress.issue_percent(plan, issue),
            sum(s.done for s in issue.steps),
            len(issue.steps),
            [str(d) for d in issue.depends_on],
        )

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
    project: Project,
    session: Session,
    changed: dict[str, Issue | None],
    moves: dict[tuple[str, str], tuple[str, str]],
    listed: list[tuple[Issue, Deliverable]],
    before: Project | None,
    views: _Views,
) -> list[Change]:
    out: list[Change] = []
    made: dict[str, list[Deliverable]] = {}
    for issue, deliverable in listed:
        made.setdefault(issue.key, []).append(deliverable)
    moved_in = {key for key, _ in moves}
    for _, issue in project.issues():
        if issue.key not in changed and issue.key not in made and issue.key not in moved_in:
            continue
        was = changed.get(issue.key)
        then_status = was.status if was is not None and was.status != issue.status else None
        out.append(
            Change(
                "issue",
                issue.title,
                views.issue(issue),
                views.status(then_status, before) if then_status is not None else None,
                issue.key in changed and was is None,
                [views.step(n, step) for n, step in _steps_done(issue, was)] if issue.key in changed else [],
                [views.deliverable(issue, d) for d in made.get(issue.key, [])],
                [],
                [],
                [
                    DeliverableMove(_shown(d.path), views.status(move[0], before), views.status(move[1]))
                    for d in issue.deliverables
                    if (move := moves.get((issue.key, normalize(d.path)))) is not None
                ],
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


def _attention(
    project: Project, session: Session, facts: _Facts, links: Links, views: _Views, today: datetime.date
) -> list[Attention]:
    """What the note must not let pass: the plan unknown at the start, evidence gone or moved, and what
    `tracker status` warns about (drift, overdue issues, stale evidence) as of the window's end."""
    out: list[Attention] = []
    if session.plan_committed is False:
        out.append(Attention("plan", "", "", "", None, "", ""))
    gone = facts.changes.deleted if facts.changes else frozenset()
    moved = (facts.changes.moved or {}) if facts.changes else {}
    said = set()
    for _, issue in project.issues():
        for deliverable in issue.deliverables:
            path = named_file(deliverable.path, lambda name: name in moved or name in gone)
            if path in moved:
                out.append(
                    Attention(
                        "moved", _shown(deliverable.path), str(issue.id), issue.title, None, "", _shown(moved[path])
                    )
                )
                said.add(path)
            elif path in gone:
                out.append(Attention("deleted", _shown(deliverable.path), str(issue.id), issue.title, None, "", ""))
                said.add(path)
    for item in needs_attention(project, links, today, ("overdue", "drift", "stale")):
        issue, deliverable = item.issue, item.deliverable
        if item.kind == "overdue":
            out.append(
                Attention("overdue", "", str(issue.id), issue.title, views.status(issue.status), issue.due or "", "")
            )
        elif deliverable is not None and named_file(deliverable.path, said.__contains__) not in said:
            status = views.status(issue.status_of(deliverable))
            reason = item.reason
            if item.freshness is not None:
                reason = f"last reviewed {item.freshness.reviewed}; its review was due {item.freshness.review_due}"
            out.append(Attention(item.kind, _shown(deliverable.path), str(issue.id), issue.title, status, reason, ""))
    return out


def _next(project: Project, views: _Views, first: set[str]) -> Next:
    """Open issues to do next: those in the focus or touched first, then by priority, then in plan order.

    Done issues and verified ones with no step left are never next; an issue whose dependencies are
    not done waits on them, and a blocked one is listed as blocked.
    """
    done = {issue.key for _, issue in project.issues() if progress.is_done(project, issue)}
    ready: list[tuple[tuple, Phase, Issue]] = []
    waiting: list[tuple[tuple, Phase, Issue, list[str]]] = []
    blocked: list[tuple[Phase, Issue, list[str]]] = []
    sign_off: list[Issue] = []
    for order, (phase, issue) in enumerate(project.issues()):
        if issue.key in done:
            continue
        blockers = [str(dep) for dep in issue.depends_on if str(dep) not in done]
        rank = (issue.key not in first, progress.priority_rank(phase, issue), order)
        if progress.status_kind(project, issue.status) == "blocked":
            blocked.append((phase, issue, blockers))
        elif progress.awaits_sign_off(project, issue):
            sign_off.append(issue)
        elif blockers:
            waiting.append((rank, phase, issue, blockers))
        else:
            ready.append((rank, phase, issue))
    ready.sort(key=lambda item: item[0])
    waiting.sort(key=lambda item: item[0])
    chosen = [_next_issue(project, views, p, issue, []) for _, p, issue in ready[:NEXT_LIMIT]]
    held = [_next_issue(project, views, p, issue, deps) for _, p, issue, deps in waiting[:WAITING_LIMIT]]
    minutes = sum(item.minutes for item in chosen)
    return Next(
        chosen,
        held,
        minutes,
        format_minutes(minutes) if minutes else "",
        sum(item.unestimated for item in chosen),
        [_next_issue(project, views, p, issue, deps, "Unblock") for p, issue, deps in blocked],
        [views.issue(issue) for issue in sign_off],
        max(0, len(waiting) - WAITING_LIMIT),
    )


def _next_issue(
    project: Project, views: _Views, phase: Phase, issue: Issue, blockers: list[str], verb: str = ""
) -> NextIssue:
    steps = [views.step(n, step) for n, step in enumerate(issue.steps, 1) if not step.done]
    minutes = sum(step.minutes or 0 for step in steps)
    if not verb:
        verb = _verb(project, issue, steps, blockers)
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


def _verb(project: Project, issue: Issue, steps: list[StepView], blockers: list[str]) -> str:
    if blockers:
        return "Then"
    if issue.status == project.workflow[0].id and not any(step.done for step in issue.steps):
        return "Start"
    return "Continue" if steps else "Finish"


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


def _change(before: Project | None, now: Project, removed: int) -> ProgressChange | None:
    """The plan's figures at the session's start and now, measured as `tracker history` measures each commit;
    `removed`: how many of its issues the plan lost since (_removed)."""
    if before is None:
        return None
    was, is_ = measure(before), measure(now)
    return ProgressChange(was.percent or 0, is_.percent or 0, is_.done - was.done, is_.done, is_.total, removed)


def _issue_keys(project: Project) -> set[str]:
    return {issue.key for _, issue in project.issues()}


def _removed(project: Project, before: Project | None, views: _Views) -> list[IssueView]:
    """Issues in the plan at the start and not at the end, as they were then, in the plan's order then."""
    if before is None:
        return []
    now = _issue_keys(project)
    return [views.former_issue(before, issue) for _, issue in before.issues() if issue.key not in now]


def _issue_moves(project: Project, before: Project | None, views: _Views) -> list[IssueMove]:
    """Issues that are in another phase than at the start, in the plan's order."""
    if before is None:
        return []
    then = {issue.key: phase for phase, issue in before.issues()}
    out = []
    for phase, issue in project.issues():
        was = then.get(issue.key)
        if was is not None and str(was.id) != str(phase.id):
            out.append(IssueMove(views.issue(issue), _phase_name(was), _phase_name(phase)))
    return out


def _created(facts: _Facts, paths: list[str], views: _Views) -> Created | None:
    if facts.changes is None:
        return None
    shown = [views.file(path, facts.changes.added[path]) for path in paths[:CREATED_LIMIT]]
    return Created(shown, draw_tree(shown), max(0, len(paths) - CREATED_LIMIT))


def _moved(facts: _Facts, moves: list[tuple[str, str]], views: _Views) -> Moved | None:
    if facts.changes is None:
        return None
    shown = [Move(_shown(old), views.file(new)) for old, new in moves[:CREATED_LIMIT]]
    return Moved(shown, max(0, len(moves) - CREATED_LIMIT))


def _changed_files(facts: _Facts, modified: list[str], views: _Views) -> Changed | None:
    if facts.changes is None:
        return None
    deleted = sorted(facts.changes.deleted)
    shown = [views.file(path) for path in modified[:CREATED_LIMIT]]
    room = max(0, CREATED_LIMIT - len(shown))
    more = max(0, len(modified) - CREATED_LIMIT) + max(0, len(deleted) - room)
    return Changed(shown, [_shown(path) for path in deleted[:room]], more)


def _notes(facts: _Facts) -> list[str]:
    history = facts.history
    if not history.available:
        return [f"No git history ({history.reason}): issue changes and created files are left out."]
    if history.plan == "outside":
        return [f"The plan file is outside the repository at {facts.root}: issue changes are left out."]
    if history.plan == "unreadable":
        return [
            f"The plan at the start could not be read ({history.plan_problem}): issue changes are left out.",
            *facts.problems,
        ]
    return list(facts.problems)
