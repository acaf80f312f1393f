"""The files tracker makes for a moment beside a file it writes, by name: never the user's changes.

A writer's lock, `phases.yaml.lock` next to the plan (edit/lock.py), and a temporary file,
`.phases.yaml.tracker-PID-RANDOM.tmp` next to whatever is written (atomicfile.write_temp), exist while a write
is under way, or after a writer was killed.  In a repository without the `.gitignore` lines `tracker init`
offers for them (edit/starter.py), git lists them as untracked: git's readers leave them out (git/worktree.py,
git/repo.py's session_point), so the dashboard's header, `status --files` and a session's uncommitted work
never count them.  A lock is only ever a plan's: only a file of that name beside the plan is one.
"""

from __future__ import annotations

import os

from tracker.support.treepath import inside_resolved

TEMP_INFIX = ".tracker-"
LOCK_SUFFIX = ".lock"


def lock_name(name: str) -> str:
    """The name of the lock of the file named `name` (a path, or its last part)."""
    return name + LOCK_SUFFIX


def temp_name(name: str, pid: int, tag: str) -> str:
    """The name of a temporary file that a writer (process `pid`) puts next to the file named `name`."""
    return f".{name}{TEMP_INFIX}{pid}-{tag}.tmp"


def temp_pattern(name: str) -> str:
    """A glob of the temporary files of every writer of the file named `name` (`name` as a glob matches it)."""
    return f".{name}{TEMP_INFIX}*.tmp"


def is_own(path: str, locks: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether `path` (as git names it, `/` between folders) is one of tracker's own files: one of `locks` (the
    lock names of the plans read, as git would name them), or a temporary file of any writer of tracker's."""
    if path in locks:
        return True
    name = path.rpartition("/")[2]
    if not (name.startswith(".") and name.endswith(".tmp")):
        return False
    pid, dash, tag = name[:-4].rpartition(TEMP_INFIX)[2].partition("-")
    return TEMP_INFIX in name and bool(dash) and pid.isdigit() and tag.isalnum()


def plan_locks(root: str | os.PathLike, plan_file: str | os.PathLike) -> frozenset[str]:
    """The lock of the plan `plan_file`, as git names it in the work tree at `root`; none for a plan outside it."""
    inside = inside_resolved(root, plan_file)
    return frozenset() if inside is None else frozenset({lock_name(inside)})
