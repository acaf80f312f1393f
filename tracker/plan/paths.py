"""Which paths a plan names, and whether a path may be looked at at all.

A plan path is data relative to the repository root.  Anything that could
reach outside the work tree (absolute, `~`, a drive letter, `..` that climbs
out, `.git/`) is refused here, before any file system or git call sees it.
Symlinks are the git reader's concern, since only the disk knows where they go.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import NamedTuple

from tracker.plan.model import Issue, Project, Record

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
    reason = outside_reason(path)
    if reason is None and is_glob(path):
        try:
            glob_regex(normalize(path))
        except re.error as exc:
            return f"is a pattern that cannot be read ({exc.msg}); write ranges low to high, like [a-z]"
    return reason


def outside_reason(path: str) -> str | None:
    """Why `path`, taken as a plain name (not a pattern), leads outside the project's files, or None."""
    if "\x00" in path:
        return "contains a NUL character"
    if path.startswith("~"):
        return "starts with '~'; write it relative to the repository root"
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        return "is absolute; write it relative to the repository root"
    normal = posixpath.normpath(path.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return "leaves the repository through '..'; write it relative to the repository root"
    # At any depth: a nested repository's or a submodule's `.git` is git's storage too (and a
    # case-insensitive file system finds `.GIT` there).
    if ".git" in normal.lower() and any(part.lower() == ".git" for part in normal.split("/")):
        return "points into a '.git' folder, which is git's own storage, not a file of the project"
    return None


def notes_folder_message(folder: str, reason: str) -> str:
    """What is said of a notes folder the dashboard may not write in, whether its text or a symlink leads out."""
    return f"notes folder '{folder}' {reason}; no note is written there"


def normalize(path: str) -> str:
    """The path as git spells it: forward slashes, no `./`, no trailing slash."""
    return posixpath.normpath(path.replace("\\", "/")).lstrip("/") if path else path


def named_file(path: str, exists: Callable[[str], bool]) -> str:
    """The file the plan's `path` names, as git spells it: `path` itself when it holds a `\\` and `exists`
    says a file has that very name (on POSIX a `\\` is a character of a file name, as `[` is, and a
    committed `ev/a\\b.md` is never to be called missing); else `normalize(path)`, where a `\\`, as a plan
    written on Windows has it, stands for `/`.  `exists`: git's names, and the disk where it is looked at."""
    return path if "\\" in path and exists(path) else normalize(path)


def is_glob(path: str) -> bool:
    return not GLOB_CHARS.isdisjoint(path)  # in C: a generator over the characters was most of unsafe_reason


@cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A plan glob as a regex over git paths: `*` and `?` stay in one folder, `**` spans folders.

    re.error for a pattern no regex can hold (a range written high to low, `[z-a]`): unsafe_reason
    refuses such a path, so the git reader never meets one."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        at_segment = i == 0 or pattern[i - 1] == "/"
        if at_segment and pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif at_segment and pattern.startswith("**", i) and i + 2 == n:
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            close = pattern.find("]", i + 2 if pattern.startswith(("[!", "[^"), i) else i + 1)
            body = pattern[i + 1 : close]
            if close < 0 or not body.lstrip("!^"):
                out.append(re.escape("["))
                i += 1
                continue
            negate = body[0] in "!^"
            body = body[1:] if negate else body
            out.append("(?!/)[" + ("^" if negate else "") + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def plan_paths(project: Project, keep: Callable[[str], bool] | None = None) -> list[PlanPath]:
    """Every path the plan names (only those `keep` accepts, if given), in plan order, each at its own place.

    Placing a mention is most of the walk (a 10,000-issue plan has 100,000), and
    the checks that say something of a few paths need only those placed.
    """
    return [_placed(*mention) for mention in _mentions(project) if keep is None or keep(mention[0])]


def _placed(path: str, kind: str, record: Record, key: str, index: int | None) -> PlanPath:
    line, column = record.where(key if index is None else f"{key}.{index}", key)
    return PlanPath(path, kind, line, column)


_named: tuple[Project, tuple[str, ...]] | None = None  # the last plan asked about, and its answer


def named_paths(project: Project) -> tuple[str, ...]:
    """Each path the plan names once, in plan order: what git is asked about.

    No positions: working them out for every mention was most of linking an
    unchanged 10,000-issue plan, which names each file many times.  The
    dashboard asks again about the same plan each time it reads git, so the
    last answer is kept (a loaded plan is never changed in place).
    """
    global _named
    last = _named
    if last is not None and last[0] is project:
        return last[1]
    # The walk of _mentions without a tuple per mention, which took it from 40 to 16 ms.
    paths: list[str] = []
    for phase in project.phases:
        for issue in phase.issues:
            paths += issue.files
            paths += [deliverable.path for deliverable in issue.deliverables]
            for step in issue.steps:
                paths += step.files
    for session in project.sessions:
        for item in session.accomplished:
            paths += item.files
    named = tuple(dict.fromkeys(paths))
    _named = (project, named)
    return named


def _mentions(project: Project) -> Iterator[tuple[str, str, Record, str, int | None]]:
    """(path, kind, record, key, list index) of each mention, in plan order."""
    for _, issue in project.issues():
        yield from _issue_mentions(issue)
    for session in project.sessions:
        for item in session.accomplished:
            for index, path in enumerate(item.files):
                yield path, "session-file", item, "files", index


def unsafe_mentions(project: Project, issue: Issue | None = None) -> list[tuple[PlanPath, str]]:
    """Each mention of a path that may not be read, in the plan or only in `issue`, with the reason.

    Only these are placed: working out where each of a big plan's 50,000 mentions stands took most of the check.
    """
    mentions = _issue_mentions(issue) if issue is not None else _mentions(project)
    return [(_placed(*mention), reason) for mention in mentions if (reason := unsafe_reason(mention[0]))]


def _issue_mentions(issue: Issue) -> Iterator[tuple[str, str, Record, str, int | None]]:
    for index, path in enumerate(issue.files):
        yield path, "file", issue, "files", index
    for deliverable in issue.deliverables:
        yield deliverable.path, "deliverable", deliverable, "path", None
    for step in issue.steps:
        for index, path in enumerate(step.files):
            yield path, "step-file", step, "files", index
