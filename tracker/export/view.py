"""What both exports show, read once: the status report (`tracker status --json`'s data) and what needs attention.

The HTML report and the CSV are two layouts of this one view; neither reads
the plan or git itself, and neither repeats a rule: progress and drift come in
the report, computed by plan/progress.py and git/drift.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from tracker.export.report import status_report
from tracker.git import read_links
from tracker.plan import Loaded, Project


@dataclass(frozen=True, slots=True)
class Attention:
    """One thing an auditor should look at: what kind, which issue, which file, why."""

    kind: str  # drift
    issue: int | str
    title: str
    path: str
    reason: str


@dataclass(slots=True)
class ExportView:
    project: Project
    report: dict  # status_report with "repo"
    attention: list[Attention]
    today: str  # the day the view is of (clock.today(), fixed by TRACKER_NOW)
    labels: dict[str, str] = field(default_factory=dict)  # asked 40,000 times on a large plan

    def label(self, status_id: str) -> str:
        known = self.labels.get(status_id)
        if known is None:
            known = self.labels[status_id] = self.project.label(status_id)
        return known


def export_view(loaded: Loaded) -> ExportView:
    """The view of a plan that loaded without errors, with every path's git state and last commit."""
    from tracker.support.clock import today

    project = loaded.project
    assert project is not None, "export_view needs a plan that loaded"
    links = read_links(project, loaded.path, history=True)
    report = status_report(project, git_of=links.git_of, repo=links.repo.to_json())
    return ExportView(project, report, attention(report), today().isoformat())


def attention(report: dict) -> list[Attention]:
    """Deliverables marked done that git denies (the drift rule's own reasons), in plan order."""
    return [
        Attention("drift", issue["id"], issue["title"], deliverable["path"], deliverable["drift"])
        for phase in report["phases"]
        for issue in phase["issues"]
        for deliverable in issue["deliverables"]
        if deliverable["drift"]
    ]


def last_commit(issue: dict) -> dict | None:
    """The newest commit that touched any of the issue's deliverables, files or step files (first named wins a tie)."""
    newest: dict | None = None
    newest_at: datetime.datetime | None = None
    for git in _gits(issue):
        for commit in [git["last_commit"], *(m["last_commit"] for m in git.get("matches", ()))]:
            if commit is None:
                continue
            at = datetime.datetime.fromisoformat(commit["date"])
            if newest_at is None or at > newest_at:
                newest, newest_at = commit, at
    return newest


def _gits(issue: dict):
    yield from (d["git"] for d in issue["deliverables"])
    yield from (f["git"] for f in issue["files"])
    for step in issue["steps"]:
        yield from (f["git"] for f in step["file_links"])
