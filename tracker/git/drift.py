"""What `tracker validate` and the views say about the plan's paths on disk and in git.

Drift: a deliverable the plan calls done whose file is missing, untracked or
changed.  Escapes: a path that reaches outside the work tree through a
symlink.  Spelling: a path that misses a file only by Unicode form or case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tracker.plan import (
    Deliverable,
    Issue,
    Problem,
    Project,
    notes_folder_message,
    outside_reason,
    plan_paths,
    unsafe_reason,
)

if TYPE_CHECKING:  # the dashboard's first frame uses these checks before git is read
    from tracker.git.links import FileLink, Links

# What a done deliverable must not be, and how to say so.
DRIFT = {
    "missing": "the file does not exist",
    "untracked": "the file was never committed",
    "modified": "the file has changes that are not committed",
    "staged": "its changes are staged but not committed",
    "ignored": "git ignores the file, so it is not in the repository",
    # A symlink out of the work tree or into `.git` (the link's note says which): never read, so nothing vouches
    # for it.  `validate` already says it as an error at the path (unsafe_link_problems, plan/rules.py).
    "unsafe": "its path leads outside the repository's files, so it is never read",
}


class Drift(NamedTuple):
    issue: Issue
    deliverable: Deliverable
    link: FileLink
    reason: str


def deliverable_drift(project: Project, issue: Issue, deliverable: Deliverable, link: FileLink | None) -> str | None:
    """The drift rule: why a deliverable marked done does not match git; None when it does or git cannot tell."""
    if link is None or not project.deliverable_done(issue, deliverable):
        return None
    return drift_reason(link)


def issue_drift(project: Project, issue: Issue, link_of: Callable[[str], FileLink | None]) -> Iterator[Drift]:
    """Each deliverable of `issue` that drifts; `link_of` may not know a path yet (None)."""
    for deliverable in issue.deliverables:
        link = link_of(deliverable.path)
        reason = deliverable_drift(project, issue, deliverable, link)
        if reason and link is not None:
            yield Drift(issue, deliverable, link, reason)


def plan_drift(project: Project, links: Links) -> Iterator[Drift]:
    """Each deliverable of the plan that drifts, in plan order."""
    for _, issue in project.issues():
        yield from issue_drift(project, issue, links.get)


def drift_reason(link: FileLink) -> str | None:
    """Why a deliverable marked done does not match git, or None when it does (or git cannot tell)."""
    return drift_reason_of(link.state, link.kind)


def drift_reason_of(state: str, kind: str = "file") -> str | None:
    if state not in DRIFT:
        return None
    if kind == "pattern" and state == "missing":
        return "the pattern matches no file"
    return DRIFT[state]


def drift_problems(project: Project, links: Links, where: str) -> list[Problem]:
    """Warnings for deliverables marked done whose file is missing or not committed as it is."""
    out = []
    for issue, deliverable, link, reason in plan_drift(project, links):
        if link.state == "unsafe":  # an error already, at the path, in the words of why (unsafe_link_problems)
            continue
        hint = f" ({link.note})" if link.state == "missing" and link.note else ""
        out.append(
            Problem(
                where,
                *deliverable.where("path"),
                f"deliverable '{deliverable.path}' of issue #{issue.id} is '{issue.status_of(deliverable)}' but "
                f"{reason}{hint}; commit it or change the status",
                "warning",
            )
        )
    return out


def unsafe_link_problems(project: Project, links: Links, where: str) -> list[Problem]:
    """Errors for plan paths that reach outside the work tree through a symlink.

    Textual escapes (absolute, `..`, …) are already reported by plan/rules.py.
    """

    def unsafe(link: FileLink) -> bool:
        return link.state == "unsafe" or any(match.state == "unsafe" for match in link.matches)

    # Judged once per path (a 10,000-issue plan names 5,000 paths 100,000 times); the plan is walked for
    # the mentions' places only when a path is unsafe.
    reaching_out = {path for path, link in links.links.items() if unsafe(link) and not unsafe_reason(path)}
    if not reaching_out:
        return []
    out = []
    seen = set()
    for mention in plan_paths(project, reaching_out.__contains__):
        if (mention.path, mention.line, mention.column) in seen:
            continue
        seen.add((mention.path, mention.line, mention.column))
        link = links.get(mention.path)
        for bad in [link] if link.state == "unsafe" else [m for m in link.matches if m.state == "unsafe"]:
            name = f"path '{mention.path}'" if bad is link else f"'{bad.path}', matched by '{mention.path}',"
            out.append(Problem(where, mention.line, mention.column, f"{name} {bad.note}"))
    return out


def spelling_problems(project: Project, links: Links, where: str) -> list[Problem]:
    """Warnings for paths that miss a file only by Unicode form or letter case: a typo, not a plan."""

    def misspelt(link: FileLink) -> bool:
        note = link.note if link.state == "missing" else None
        return note is not None and ("Unicode form" in note or "letter case" in note)

    typos = {path for path, link in links.links.items() if misspelt(link)}  # as in unsafe_link_problems
    if not typos:
        return []
    return [
        Problem(
            where, mention.line, mention.column, f"path '{mention.path}': {links.get(mention.path).note}", "warning"
        )
        for mention in plan_paths(project, typos.__contains__)
    ]


def link_problems(project: Project, links: Links, where: str, drift: bool = True) -> list[Problem]:
    """Everything `tracker validate` says about the plan's paths on disk and in git.

    Without `drift`, drift is left to the caller (`validate --strict` makes it an error; see attention.py).
    """
    root = links.repo.root or links.base  # the work tree, or without git the folder paths start from
    notes = notes_folder_problem(project, Path(root), where) if root is not None else None
    return (
        unsafe_link_problems(project, links, where)
        + (drift_problems(project, links, where) if drift else [])
        + spelling_problems(project, links, where)
        + ([notes] if notes is not None else [])
    )


def notes_folder_problem(project: Project, root: Path, where: str) -> Problem | None:
    """An error at the plan's `notes: folder:` when a symlink on its way, resolved from the work tree `root`,
    leads outside it or into `.git`: the dashboard writes notes (and makes folders) there.  None when none
    does, or there is no folder.  The folder's text is plan/rules.py's to judge (absolute, `..`)."""
    from tracker.git.links import escape_reason  # here: the dashboard's first frame uses this module

    notes = project.notes
    folder = notes.folder if notes is not None else None
    if notes is None or not folder or outside_reason(folder):
        return None
    reason = escape_reason(root, folder, then="")
    return None if reason is None else Problem(where, *notes.where("folder"), notes_folder_message(folder, reason))
