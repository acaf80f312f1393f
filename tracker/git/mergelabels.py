"""The names on the plan merge driver's conflict markers: git's labels for the two sides.

git 2.44 and later hand them to a merge driver as %X and %Y, which `tracker git
setup` puts in merge.tracker.driver; older git leaves `%X` and `%Y` as they
are.  Then they are found as git finds them for its own markers: `HEAD` for
ours, and for theirs the name `git merge` was given, which git leaves in the
environment as GITHEAD_<commit>.  `git pull` merges a bare commit id; that is
named as FETCH_HEAD names it, e.g. `branch 'main' of /srv/plan.git`.

A rebase (`git pull --rebase`) sets no GITHEAD_ (git 2.39 gives its driver
nothing but the three files, the path and the marker size): theirs is the
commit being replayed, named as git's own markers name it, `1a2b3c4 (Add
retry)`, found where the rebase keeps it: the last command of
rebase-merge/done (`pick <commit> <subject>`, the default backend) or
rebase-apply/original-commit (`--apply`, whose own markers say the subject
alone).  Ours stays `HEAD`, as git's markers in the same rebase say: the
upstream with the commits replayed so far, which no one name covers.

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
        theirs = heads[0] if len(heads) == 1 else _replayed(work_tree) or "theirs"
    return ours, _fetched_name(theirs, work_tree)


_REBASES = ("rebase-merge", "rebase-apply")  # the rebase's state folder in git's default backend, and --apply's


def local_side(work_tree: Path) -> str | None:
    """ "theirs" during a rebase, "ours" in the merge of a commit fetched for it (`git pull`), else None."""
    try:
        repo = GitRepo.open(work_tree)
        if any(_git_path(repo, name).is_dir() for name in _REBASES):
            return "theirs"
    except (GitUnavailable, OSError):
        return None
    heads = [name[len("GITHEAD_") :] for name, value in os.environ.items() if name.startswith("GITHEAD_")]
    if len(heads) == 1 and is_object_id(heads[0]) and _fetched_name(heads[0], work_tree) != heads[0]:
        return "ours"
    return None


def _replayed(work_tree: Path) -> str | None:
    """The commit a rebase is replaying, as git's markers name it (`1a2b3c4 (Add retry)`); None outside one."""
    try:
        repo = GitRepo.open(work_tree)
        done = _git_path(repo, "rebase-merge/done")
        if done.is_file():
            # The last command is the one being run: `pick <commit> <subject>` (or reword, edit, fixup -C …).
            lines = [line for line in done.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
            words = [word for word in lines[-1].split()[1:] if not word.startswith("-")] if lines else []
            commit = words[0] if words else ""
        else:
            commit = _git_path(repo, "rebase-apply/original-commit").read_text(encoding="ascii", errors="replace")
        said = repo.run("show", "--no-patch", "--format=%h%n%B", f"{commit.strip()}^{{commit}}", check=False)
    except (GitUnavailable, OSError):
        return None
    short, _, message = said.decode("utf-8", "replace").partition("\n")
    subject = message.split("\n", 1)[0].strip()
    return (f"{short} ({' '.join(subject.split())})" if subject else short) or None


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
