"""Git set going for a plan before the plan is read.

A first run with nothing cached spends most of its time parsing the plan (1.3 s
for 10,000 issues) and then waits for git's walk of history (0.3 s more on a
20,000-commit repository).  The work tree is almost always the one around the
plan's file (a plan names another only with `repo:`), so the walk and `git
status` can start before the plan is parsed and run on another core meanwhile.
Linking then shows the work tree as it was when the command started.  If the plan turns
out to name another work tree, or not to need history, what was started is
stopped and nothing of it is used.

A command whose answer is recorded (cli/replay.py) has already started the
`git status` that vouches for it, from the same folder and with the same
arguments and environment (git/statusproc.py); porcelain output names paths
from the work tree's root wherever git is asked from, so its bytes are
linking's too, and one process does for both.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from tracker.git.lastcommit import Walk, early_walk
from tracker.git.repo import GitRepo, GitUnavailable, Lent, Owned, Running, repo_start
from tracker.git.statusproc import STATUS_ARGS, StatusRun, ask_status


class Started(NamedTuple):
    """What Ahead set going, now the taker's: the repository (close it), the walk of "HEAD" if one is
    needed, and `git status`."""

    repo: GitRepo
    walk: Walk | None
    status: Running | Lent

    def close(self) -> None:
        """Stop git and close the repository (what a taker that fails before linking leaves)."""
        if self.walk is not None:
            self.walk.close()
        self.status.close()
        self.repo.close()


def set_going(start: Path, history: bool, status: StatusRun | None = None) -> Started | GitUnavailable:
    """`git status` started in the work tree around `start` (or `status`, lent: see Ahead), the work tree
    opened, and the walk of its history started when nothing is cached for it (and `history`); why there
    is no work tree, if not."""
    # `git status` first, from `start` itself, without waiting for `git rev-parse` to find the work tree's
    # root: its porcelain names paths from the root wherever it runs (as a lent one's are), and git
    # looks at the work tree while the repository is opened (warm linking mostly waits for it).
    own = ask_status(str(start)) if status is None else None
    repo, walk = None, None
    try:
        repo = GitRepo.open(start)
        # A walk of "HEAD" begun after `git status` looked at HEAD is walked again should HEAD have
        # moved between them (lastcommit.LastCommits).
        if history:
            walk = early_walk(repo)
        if status is not None:
            return Started(repo, walk, Lent(status))
        # git that could not start from `start` (gone meanwhile): started as the repository starts it, or
        # why not
        return Started(repo, walk, Owned(own) if own is not None else repo.start(*STATUS_ARGS))
    except GitUnavailable as exc:
        if own is not None:
            own.stop()
        if walk is not None:
            walk.close()
        if repo is not None:
            repo.close()
        return exc


class Ahead:
    """The work tree around a plan's file, opened before the plan is read, its `git status` and the walk
    of its history when nothing is cached for it.  `read_links` takes it over; `close` stops what it
    does not take."""

    def __init__(self, plan_file: Path, history: bool, status: StatusRun | None = None):
        """`status`: a `git status` already started from the plan's folder (statusproc.ask_status), read
        instead of starting another; it is never stopped here (its starter still wants its answer)."""
        self.start = repo_start(plan_file, None)  # where git is asked from when the plan has no `repo:`
        self.repo: GitRepo | None = None
        self.failed: GitUnavailable | None = None  # why there is no work tree there
        self.walk: Walk | None = None
        self.status: Running | Lent | None = None
        going = set_going(self.start, history, status)
        if isinstance(going, GitUnavailable):
            self.failed = going
        else:
            self.repo, self.walk, self.status = going

    def take(self, start: Path) -> Started | GitUnavailable | None:
        """What was opened and started, for a plan whose work tree is looked for from `start`, or why
        there is no work tree there; None (all of it stopped) when `start` is another folder, or it
        was taken or closed before."""
        if start != self.start:
            self.close()
            return None
        if self.repo is None or self.status is None:
            return self.failed
        taken = Started(self.repo, self.walk, self.status)
        self.repo, self.walk, self.status = None, None, None
        return taken

    def close(self) -> None:
        if self.walk is not None:
            self.walk.close()
            self.walk = None
        if self.status is not None:
            self.status.close()
            self.status = None
        if self.repo is not None:
            self.repo.close()
            self.repo = None
