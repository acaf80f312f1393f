"""Whether a file an output is about to replace is one the plan names as evidence: an issue's deliverable.

The one home of that part of what a session note (notes/replacing.py) and an
export (export/replacing.py) may replace: such a file is kept, said to be
evidence with the place in the plan that names it, and only --force replaces
it (the dashboard does not even ask).  Here, in git/, because plan paths start
at the plan's work tree.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.support.atomicfile import Kept
from tracker.support.treepath import inside

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.plan import Loaded


def keep_evidence(loaded: Loaded | None, real: Path, seen: bytes, writing: str) -> None:
    """Kept, saying it is evidence and where, if the plan names `real` as a deliverable; `writing`: what would
    replace it ("a session note"), `seen`: the digest of its content."""
    place = _deliverable_naming(loaded, real)
    if place is not None:
        why = f"the plan names this file as evidence ({place}): {writing} does not replace it"
        raise Kept(why, real, seen, place)


def _deliverable_naming(loaded: Loaded | None, real: Path) -> str | None:
    """'the deliverable of issue #N, plan:line:column' if the plan names `real` as one: its path, a folder
    holding it, a pattern matching it, or a symlink to it."""
    from tracker.git.repo import work_tree
    from tracker.plan import glob_regex, is_glob, normalize, unsafe_reason

    project = loaded.project if loaded is not None else None
    if loaded is None or project is None:
        return None
    root = os.path.realpath(work_tree(loaded.path, project.repo))
    path = inside(root, str(real))
    if path is None:
        return None  # outside the repository: no plan path names it
    for _, issue in project.issues():
        for deliverable in issue.deliverables:
            named = normalize(deliverable.path)
            if unsafe_reason(deliverable.path) is None and (
                path in (named, deliverable.path)  # `a\b.md` may name either (plan/paths.py: named_file)
                or path.startswith(named + "/")
                or (glob_regex(named).match(path) if is_glob(named) else _leads_to(root, named, real))
            ):
                line, column = deliverable.where("path")
                return f"the deliverable of issue #{issue.id}, {loaded.path}:{line}:{column}"
    return None


def _leads_to(root: str, named: str, real: Path) -> bool:
    return os.path.realpath(os.path.join(root, named)) == str(real)
