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

A cherry-pick or a revert of several commits keeps them in sequencer/todo, the one being applied first
(`pick <commit> <subject>`, `revert …`); one of a single commit keeps nothing on disk until its merge is
over (CHERRY_PICK_HEAD and REVERT_HEAD come after it), so it is read from the git command the driver runs
under (`git cherry-pick <commit>`, the command line of a parent process where /proc shows it).  Theirs is
named as git's own markers name it: the picked commit `1a2b3c4 (Add retry)`, and for a revert the commit
before the reverted one, `parent of 1a2b3c4 (Add retry)`.

It also tells which side of the merge only this clone has, where git's state
says: in a rebase the commits being replayed (theirs), in `git pull`'s merge
of a fetched commit ours.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.git.repo import GitRepo, GitUnavailable, is_object_id

UNSUBSTITUTED = {"ours": "%X", "theirs": "%Y"}  # what git before 2.44 passes for them
_REBASES = ("rebase-merge", "rebase-apply")  # the rebase's state folder in git's default backend, and --apply's
_APPLIERS = {"cherry-pick": "pick", "revert": "revert"}  # git's commands, and their word in sequencer/todo
# Options whose value is the next argument: git's own (before the command), and cherry-pick's and revert's.
_GIT_VALUED = ("-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env")
_APPLY_VALUED = ("-m", "--mainline", "-X", "--strategy-option", "--strategy", "--cleanup")


class MergeState:
    """Where git keeps the state of the merge a driver runs in, found once per driver run (merge_state): the
    repository opened once, git asked once where the rebase folders and FETCH_HEAD are, FETCH_HEAD read once."""

    __slots__ = ("repo", "rebase_merge", "rebase_apply", "fetch_head", "sequencer", "_fetched")

    def __init__(self, repo: GitRepo, rebase_merge: Path, rebase_apply: Path, fetch_head: Path, sequencer: Path):
        self.repo = repo
        self.rebase_merge = rebase_merge
        self.rebase_apply = rebase_apply
        self.fetch_head = fetch_head
        self.sequencer = sequencer  # a cherry-pick's or revert's of several commits
        self._fetched: dict[str, str] | None = None  # FETCH_HEAD's {commit: name} of those fetched for merging

    def rebasing(self) -> bool:
        return self.rebase_merge.is_dir() or self.rebase_apply.is_dir()

    def fetched_name(self, label: str) -> str:
        """FETCH_HEAD's name for `label` when it is a bare commit id fetched for merging; else `label`."""
        if not is_object_id(label):
            return label
        if self._fetched is None:
            self._fetched = {}
            try:
                lines = self.fetch_head.read_text(encoding="utf-8", errors="replace")
            except OSError:
                lines = ""
            for line in lines.splitlines():
                commit, mark, name = (line.split("\t", 2) + ["", ""])[:3]
                if mark == "" and name.strip():
                    self._fetched.setdefault(commit, " ".join(name.split()))  # one line, as a marker's label must be
        return self._fetched.get(label, label)


def merge_state(work_tree: Path) -> MergeState | None:
    """The state of the merge under way in `work_tree`'s repository; None where git cannot tell it."""
    try:
        repo = GitRepo.open(work_tree)
        names = (*_REBASES, "FETCH_HEAD", "sequencer")
        said = repo.run("rev-parse", *(arg for name in names for arg in ("--git-path", name))).split(b"\n")[:-1]
        if len(said) != len(names):  # a newline in a path: each asked on its own
            said = [repo.run("rev-parse", "--git-path", name).removesuffix(b"\n") for name in names]
    except (GitUnavailable, OSError):
        return None
    merge, apply, fetch_head, sequencer = (repo.root / os.fsdecode(path) for path in said)
    return MergeState(repo, merge, apply, fetch_head, sequencer)


def driver_labels(ours: str, theirs: str, state: MergeState | None) -> tuple[str, str]:
    """The labels for ours and theirs, as given, or as git would name the sides when it did not give them."""
    if ours in (UNSUBSTITUTED["ours"], ""):
        ours = "HEAD"
    if theirs in (UNSUBSTITUTED["theirs"], ""):
        heads = [value for name, value in os.environ.items() if name.startswith("GITHEAD_") and value]
        theirs = heads[0] if len(heads) == 1 else _replayed(state) or "theirs"
    return ours, theirs if state is None else state.fetched_name(theirs)


def local_side(state: MergeState | None) -> str | None:
    """ "theirs" during a rebase, "ours" in the merge of a commit fetched for it (`git pull`), else None."""
    if state is None:
        return None
    if state.rebasing():
        return "theirs"
    heads = [name[len("GITHEAD_") :] for name, value in os.environ.items() if name.startswith("GITHEAD_")]
    if len(heads) == 1 and is_object_id(heads[0]) and state.fetched_name(heads[0]) != heads[0]:
        return "ours"
    return None


def _replayed(state: MergeState | None) -> str | None:
    """The commit a rebase is replaying or a cherry-pick applying, as git's markers name it (`1a2b3c4 (Add
    retry)`), or the one a revert undoes (`parent of 1a2b3c4 (Add retry)`); None outside these."""
    if state is None:
        return None
    try:
        commit, reverted = _applied(state)
        if not commit:
            return None
        said = state.repo.run("show", "--no-patch", "--format=%h%n%B", f"{commit}^{{commit}}", check=False)
    except (GitUnavailable, OSError):
        return None
    short, _, message = said.decode("utf-8", "replace").partition("\n")
    subject = message.split("\n", 1)[0].strip()
    named = (f"{short} ({' '.join(subject.split())})" if subject else short) or None
    return f"parent of {named}" if named and reverted else named


def _applied(state: MergeState) -> tuple[str, bool]:
    """The commit being applied (as git's state names it; "" when none is found), and whether it is reverted."""
    done = state.rebase_merge / "done"
    if done.is_file():
        # The last command is the one being run: `pick <commit> <subject>` (or reword, edit, fixup -C …).
        lines = _todo_lines(done)
        return _commit_of(lines[-1].split()[1:] if lines else []), False
    if state.rebase_apply.is_dir():
        return (state.rebase_apply / "original-commit").read_text(encoding="ascii", errors="replace").strip(), False
    todo = state.sequencer / "todo"
    if todo.is_file():  # the first command is the one being run
        lines = _todo_lines(todo)
        words = lines[0].split() if lines else []
        return (
            (_commit_of(words[1:]), words[0] == "revert") if words and words[0] in _APPLIERS.values() else ("", False)
        )
    return _commanded()


def _todo_lines(path: Path) -> list[str]:
    """The commands of git's list `path` (a rebase's done, a sequencer's todo), blank lines left out."""
    return [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]


def _commit_of(words: list[str]) -> str:
    """The commit of a todo line's words after its command (`-C` and other options left out)."""
    commits = [word for word in words if not word.startswith("-")]
    return commits[0] if commits else ""


def _commanded() -> tuple[str, bool]:
    """The commit of the `git cherry-pick COMMIT` or `git revert COMMIT` this driver runs under, read from the
    command line of the nearest parent process that is git (Linux's /proc; git runs the driver through a
    shell); ("", False) for any other command, or where it cannot be read (an alias, a range)."""
    pid = os.getpid()
    for _ in range(4):  # the driver, maybe its console script's interpreter, the shell, git
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                pid = int(stat.read().rpartition(b")")[2].split()[1])  # after the name, which may hold spaces
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                args = [arg.decode("utf-8", "replace") for arg in cmdline.read().split(b"\0")[:-1]]
        except (OSError, ValueError, IndexError):
            return "", False
        if args and os.path.basename(args[0]) == "git":
            return _commit_in(args[1:])
    return "", False


def _commit_in(args: list[str]) -> tuple[str, bool]:
    """The one commit of `cherry-pick`'s or `revert`'s arguments (git's own options before it), and whether it
    is reverted; ("", False) for another command, or for more than one commit or a range."""
    rest = iter(args)
    command = None
    for arg in rest:
        if arg in _GIT_VALUED:
            next(rest, None)
        elif not arg.startswith("-"):
            command = arg
            break
    if command not in _APPLIERS:
        return "", False
    commits = []
    for arg in rest:
        if arg in _APPLY_VALUED:
            next(rest, None)
        elif not arg.startswith("-"):
            commits.append(arg)
    if len(commits) != 1 or ".." in commits[0] or commits[0].startswith("^"):
        return "", False
    return commits[0], command == "revert"
