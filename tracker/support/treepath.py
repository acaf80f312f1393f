"""Whether a path is inside a work tree, and where: one rule for every reader that must not step out of it.

A plan's lock is one only inside the plan's work tree (ownfiles.plan_locks), a symlink's target is looked at only
inside it (cachefiles.link_target, git/links.py's symlink_reason), and a note or a plan outside it has no git
path (notes/gather.py, git/planhistory.py).  All of them compare resolved paths (os.path.realpath: symlinks
and `..` followed, no trailing separator), as they are, letter case and all: `/Repo` is not `/repo`, as git's
own paths are not.  This module imports only `os`: the replay path (cachefiles) imports it.
"""

from __future__ import annotations

import os


def inside(root: str, real: str) -> str | None:
    """`real` as a path from the folder `root`, `/` between its parts ("." for `root` itself); None when it is
    outside.  Both are taken as resolved: linking and the replay resolve the root once for thousands of files."""
    base = root.rstrip(os.sep)  # "/" itself is "" here, and every absolute path starts with "" + os.sep
    if real == root or real == base:
        return "."
    if not real.startswith(base + os.sep):
        return None
    return real[len(base) + 1 :].replace(os.sep, "/")


def inside_resolved(root: str | os.PathLike, path: str | os.PathLike) -> str | None:
    """inside() of `path` and `root`, each resolved first (symlinks, `..`)."""
    return inside(os.path.realpath(root), os.path.realpath(path))
