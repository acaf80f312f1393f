"""What both exports show, read once: the status report (`tracker status --json`'s data), what needs
attention, coverage per framework and progress over time.

The HTML report and the CSV are two layouts of this one view; neither reads
the plan or git itself, and neither repeats a rule: progress and drift come in
the report (plan/progress.py, git/drift.py), attention and coverage from
git/attention.py over plan/compliance.py, history and forecast from
git/planhistory.py and git/pace.py (as `tracker history`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from tracker import git
from tracker.export.report import status_report
from tracker.git import Attention, Forecast, GitRepo, GitUnavailable, Links, Row, coverage_of, read_links
from tracker.plan import MAX_BYTES, Coverage, Loaded, Project, progress
from tracker.support.treepath import inside_resolved


@dataclass(slots=True)
class ExportView:
    project: Project
    report: dict  # status_report with "repo"
    attention: list[Attention]  # git.attention's: overdue, stale, drift, done with open steps
    coverage: list[Coverage]  # per framework
    today: str  # the day the view is of (clock.today(), fixed by TRACKER_NOW)
    history: list[Row] | None  # the plan's progress at each commit that changed it; None without git
    forecast: Forecast | None  # the pace of the commits, applied to what is left in the plan on disk
    labels: dict[str, str] = field(default_factory=dict)  # asked 40,000 times on a large plan
    moment: Callable[[str], datetime.datetime] = field(default_factory=lambda: cache(datetime.datetime.fromisoformat))

    def label(self, status_id: str) -> str:
        known = self.labels.get(status_id)
        if known is None:
            known = self.labels[status_id] = self.project.label(status_id)
        return known

    @property
    def committed_left(self) -> int | None:
        """Issues left in the last commit of the plan that loads (None without one): the end of the history,
        which differs from the plan on disk, and from the forecast's count, by uncommitted changes."""
        last = next((row.measure for row in reversed(self.history or ()) if row.measure.ok), None)
        return last.total - last.done if last else None

    @property
    def overdue(self) -> set[str]:
        """Keys of the issues past their due day and not done."""
        return {item.issue.key for item in self.attention if item.kind == "overdue"}


def export_view(loaded: Loaded, max_bytes: int = MAX_BYTES, links: Links | None = None) -> ExportView:
    """The view of a plan that loaded without errors, with every path's git state and last commit
    (`links`: read with history; default: read here)."""
    from tracker.support.clock import today

    project = loaded.project
    assert project is not None, "export_view needs a plan that loaded"
    day = today()
    if links is None:
        links = read_links(project, loaded.path, history=True)
    report = status_report(project, git_of=links.git_of, repo=links.repo.to_json())
    rows = _history(loaded, max_bytes)
    return ExportView(
        project,
        report,
        list(git.attention(project, links, day)),
        coverage_of(project, links, day),
        day.isoformat(),
        rows,
        git.forecast(rows, day, now=git.measure(project)) if rows else None,
    )


def _history(loaded: Loaded, max_bytes: int) -> list[Row] | None:
    """What `tracker history` reads: the plan's progress at every commit that changed it (cached per blob)."""
    try:
        with GitRepo.open(loaded.path) as repo:
            plan = inside_resolved(repo.root, loaded.path)
            return None if plan is None else git.read_history(repo, plan, max_bytes).rows
    except (GitUnavailable, ValueError):  # no git (a plan outside the work tree: None above): no history to show
        return None


def coverage_percent(entry: Coverage) -> int | None:
    """Satisfied controls over declared ones (else mapped ones), as progress shows a share."""
    total = len(entry.declared) if entry.declared is not None else len(entry.mapped)
    return progress.percent(len(entry.satisfied) / total, len(entry.satisfied) == total) if total else None


def last_commit(
    issue: dict, moment: Callable[[str], datetime.datetime] = datetime.datetime.fromisoformat
) -> dict | None:
    """The newest commit that touched any of the issue's deliverables, files or step files (first named wins a tie).

    `moment` reads a commit's date (ExportView.moment remembers them: the same commits come back often).
    """
    newest: dict | None = None
    newest_at: datetime.datetime | None = None
    for link in _gits(issue):
        for commit in [link["last_commit"], *(m["last_commit"] for m in link.get("matches", ()))]:
            if commit is None:
                continue
            at = moment(commit["date"])
            if newest_at is None or at > newest_at:
                newest, newest_at = commit, at
    return newest


def _gits(issue: dict):
    yield from (d["git"] for d in issue["deliverables"])
    yield from (f["git"] for f in issue["files"])
    for step in issue["steps"]:
        yield from (f["git"] for f in step["file_links"])
