"""Which paths a plan names, and whether a path may be looked at at all.

A plan path is data relative to the repository root.  Anything that could
reach outside the work tree (absolute, `~`, a drive letter, `..` that climbs
out, `.git/`) is refused here, before any file system or git call sees it.
Symlinks are the git reader's concern, since only the disk knows where they go.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache
from typing import NamedTuple

from .model import Project

_DRIVE = re.compile(r"^[A-Za-z]:")
GLOB_CHARS = frozenset("*?[")


class PlanPath(NamedTuple):
    """One mention of a path in the plan (a plan of 10,000 issues makes 50,000 of them)."""

    path: str  # as written
    kind: str  # deliverable | file | step-file | session-file
    line: int
    column: int


@cache  # a plan names the same paths many times, and every command asks
def unsafe_reason(path: str) -> str | None:
    """Why `path` may not be read, or None when it stays inside the repository."""
    if "\x00" in path:
        return "contains a NUL character"
    if path.startswith("~"):
        return "starts with '~'; write it relative to the repository root"
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        return "is absolute; write it relative to the repository root"
    normal = posixpath.normpath(path.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return "leaves the repository through '..'; write it relative to the repository root"
    if normal == ".git" or normal.startswith(".git/"):
        return "points into '.git/', which is git's own storage, not a file of the project"
    return None


def normalize(path: str) -> str:
    """The path as git spells it: forward slashes, no `./`, no trailing slash."""
    return posixpath.normpath(path.replace("\\", "/")).lstrip("/") if path else path


def is_glob(path: str) -> bool:
    return any(ch in GLOB_CHARS for ch in path)


def plan_paths(project: Project) -> list[PlanPath]:
    """Every path the plan names, in plan order, each at its own place in the file."""
    out: list[PlanPath] = []
    add = out.append
    for phase in project.phases:
        for issue in phase.issues:
            for index, path in enumerate(issue.files):
                add(PlanPath(path, "file", *_item_at(issue, "files", index)))
            for deliverable in issue.deliverables:
                line, column = deliverable.where("path")
                add(PlanPath(deliverable.path, "deliverable", line, column))
            for step in issue.steps:
                for index, path in enumerate(step.files):
                    add(PlanPath(path, "step-file", *_item_at(step, "files", index)))
    for session in project.sessions:
        for item in session.accomplished:
            for index, path in enumerate(item.files):
                add(PlanPath(path, "session-file", *_item_at(item, "files", index)))
    return out


def _item_at(record, key: str, index: int) -> tuple[int, int]:
    return record.where(f"{key}.{index}", key)
