"""The names on the plan merge driver's conflict markers: git's labels for the two sides.

git 2.44 and later hand them to a merge driver as %X and %Y, which `tracker git
setup` puts in merge.tracker.driver; older git leaves `%X` and `%Y` as they
are.  Then they are found as git finds them for its own markers: `HEAD` for
ours, and for theirs the name `git merge` was given, which git leaves in the
environment as GITHEAD_<commit>.  `git pull` merges a bare commit id; that is
named as FETCH_HEAD names it, e.g. `branch 'main' of /srv/plan.git`.

It also tells which side of the merge only this clone has, where git's state
says: in a rebase the commits being replayed (theirs), in `git pull`'s merge
of a fetched commit ours.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.git.repo import GitRepo, GitUnavailable, is_object_id

UNSUBSTITUTED = {"ours": "%X", "theirs": "%Y"}  # what git before 2.44 passes for them


def driver_labels(ours: str, theirs: str, work_tree: Path) -> tuple[str, str]:
    """The labels for ours and theirs, as given, or as git would name the sides when it did not give them."""
    if ours in (UNSUBSTITUTED["ours"], ""):
        ours = "HEAD"
    if theirs in (UNSUBSTITUTED["theirs"], ""):
        heads = [value for name, value in os.environ.items() if name.startswith("GITHEAD_") and value]
        theirs = heads[0] if len(heads) == 1 else "theirs"
    return ours, _fetched_name(theirs, work_tree)


def local_side(work_tree: Path) -> str | None:
    """ "theirs" during a rebase, "ours" in the merge of a commit fetched for it (`git pull`), else None."""
    try:
        repo = GitRepo.open(work_tree)
        if any(_git_path(repo, name).is_dir() for name in ("rebase-merge", "rebase-apply")):
            return "theirs"
    except (GitUnavailable, OSError):
        return None
    heads = [name[len("GITHEAD_") :] for name, value in os.environ.items() if name.startswith("GITHEAD_")]
    if len(heads) == 1 and is_object_id(heads[0]) and _fetched_name(heads[0], work_tree) != heads[0]:
        return "ours"
    return None


def _git_path(repo: GitRepo, name: str) -> Path:
    return repo.root / os.fsdecode(repo.run("rev-parse", "--git-path", name).rstrip(b"\n"))


def _fetched_name(label: str, work_tree: Path) -> str:
    """FETCH_HEAD's name for `label` when it is a bare commit id fetched for merging; else `label`."""
    if not is_object_id(label):
        return label
    try:
        lines = _git_path(GitRepo.open(work_tree), "FETCH_HEAD").read_text(encoding="utf-8", errors="replace")
    except (GitUnavailable, OSError):
        return label
    for line in lines.splitlines():
        commit, mark, name = (line.split("\t", 2) + ["", ""])[:3]
        if commit == label and mark == "" and name.strip():
            return " ".join(name.split())  # one line, as a marker's label must be
    return label
