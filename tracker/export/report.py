"""The plan with computed progress as plain data: what `tracker status --json` prints.

Keys are those README.md's "What it does" promises for `--json`; more may be added, none removed.
`git_of` gives the git object of a path (see git/links.py); without it the git fields say there is no
repository to ask.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

from msgspec.structs import replace

from tracker.git import drift_reason_of
from tracker.plan import Deliverable, Issue, Phase, Project, compliance, progress

NO_GIT = {"state": "no-git", "lines": None, "last_commit": None}
GitOf = Callable[[str], dict]


def status_report(
    project: Project, git_of: GitOf | None = None, repo: dict | None = None, today: datetime.date | None = None
) -> dict:
    """`today` decides what is overdue and stale (default: clock.today())."""
    git_of = _once(git_of or (lambda path: dict(NO_GIT)))
    today = today or _today()
    out = {
        "project": project.project,
        "progress": progress.project_percent(project) or 0,
        "today": today.isoformat(),
        "phases": [_phase(project, phase, git_of, today) for phase in project.phases],
    }
    if project.frameworks:
        out["frameworks"] = [{"id": f.id, "title": f.title, "controls": list(f.controls)} for f in project.frameworks]
    if repo is not None:
        out["repo"] = repo
    return {**out, **(project.extensions or {})}


def _today() -> datetime.date:
    from tracker.support.clock import today

    return today()


def status_json(
    project: Project, git_of: GitOf | None = None, repo: dict | None = None, today: datetime.date | None = None
) -> Iterator[bytes]:
    """`status_report` as JSON indented by 2 (the bytes of json.dumps(indent=2, ensure_ascii=False)), in pieces.

    A phase at a time, so that a plan of 10,000 issues is never held as one
    report plus its encodings (tens of megabytes each) at once.
    """
    import msgspec

    git_of = _once(git_of or (lambda path: dict(NO_GIT)))
    today = today or _today()
    top = status_report(replace(project, phases=[]), git_of, repo, today)
    top["progress"] = progress.project_percent(project) or 0
    text = msgspec.json.format(msgspec.json.encode(top), indent=2)
    if not project.phases:
        yield text
        return
    # Only a top-level key sits after a newline and two spaces; string values hold no raw newline.
    at = text.index(b'\n  "phases": []')
    yield text[:at] + b'\n  "phases": [\n    '
    for index, phase in enumerate(project.phases):
        body = msgspec.json.format(msgspec.json.encode(_phase(project, phase, git_of, today)), indent=2)
        yield (b",\n    " if index else b"") + body.replace(b"\n", b"\n    ")
    yield b"\n  ]" + text[at + len(b'\n  "phases": []') :]


def _once(git_of: GitOf) -> GitOf:
    """`git_of`, asked once per path: a plan names the same files many times."""
    known: dict[str, dict] = {}

    def cached(path: str) -> dict:
        git = known.get(path)
        if git is None:
            git = known[path] = git_of(path)
        return git

    return cached


def _phase(project: Project, phase: Phase, git_of: GitOf, today: datetime.date) -> dict:
    pct = progress.phase_percent(project, phase)
    return {
        "id": phase.id,
        "title": phase.title,
        "status": progress.phase_status(project, phase),
        "progress": pct or 0,
        "priority": phase.priority,
        "issues": [_issue(project, phase, issue, git_of, today) for issue in phase.issues],
        **(phase.extensions or {}),
    }


def _issue(project: Project, phase: Phase, issue: Issue, git_of: GitOf, today: datetime.date) -> dict:
    return {
        "id": issue.id,
        "title": issue.title,
        "status": issue.status,
        "progress": progress.issue_percent(project, issue),
        "summary": issue.summary,
        "owner": issue.owner,
        "due": issue.due,
        "overdue": compliance.is_overdue(project, issue, today),
        "controls": list(issue.controls),
        "tags": list(issue.tags),
        "review_every": compliance.review_every_of(project, phase, issue),
        "depends_on": list(issue.depends_on),
        "deliverables": [_deliverable(project, phase, issue, d, git_of, today) for d in issue.deliverables],
        "steps": [
            {
                "title": s.title,
                "status": s.status,
                "estimate": s.estimate,
                "files": list(s.files),
                "file_links": [{"path": path, "git": git_of(path)} for path in s.files],
            }
            for s in issue.steps
        ],
        "files": [{"path": path, "git": git_of(path)} for path in issue.files],
        **(issue.extensions or {}),
    }


def _deliverable(
    project: Project, phase: Phase, issue: Issue, deliverable: Deliverable, git_of: GitOf, today: datetime.date
) -> dict:
    git = git_of(deliverable.path)
    done = project.deliverable_done(issue, deliverable)
    commit = git.get("last_commit")
    fresh = compliance.freshness(project, phase, issue, deliverable, commit.get("date") if commit else None, today)
    return {
        "path": deliverable.path,
        "type": deliverable.type,
        "purpose": deliverable.purpose,
        "status": issue.status_of(deliverable),
        "git": git,
        # Marked done, yet the file is missing or not committed as it is: why, else null.
        "drift": drift_reason_of(git["state"], git.get("kind", "file")) if done else None,
        # The last review (`reviewed`, else the last commit's day), when the next is due, and whether that is past.
        "reviewed": fresh.reviewed,
        "review_due": fresh.review_due,
        "stale": fresh.stale,
        **(deliverable.extensions or {}),
    }
