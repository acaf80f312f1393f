"""A plan git has not merged: one side of a merge, unchanged, in the work tree, and the sides only in the index.

When git cannot run the plan's merge driver (the install `tracker git setup`
named has moved or gone), or the driver fails without writing a result, git
leaves the plan unmerged in the index (`git status`: `UU`) and the work tree
file as one side alone, without conflict markers.  That file loads, and a
`git add` and a commit would drop the other side's changes.  So every command
reports it as a located error, as it reports conflict markers, and no writer
writes into it.  A file that is no longer one side unchanged (the user merged
it, or `git checkout --merge` ran the driver again) is the user's merge, to be
checked and added: it is not reported.

Asking costs one `git ls-files -u` where no `git status` was read, and nothing
where one was (an answer's: its `u` records are all there is to look for; a
replayed answer was recorded from the same `git status` bytes, `u` records
and their stages included, so it cannot hide a merge made since).  The
dashboard asks with each git read, and keeps the answer with what it rests on
(`Unmerged`): its writes take that answer while it holds, and ask git again
only when the index (or, where git holds sides of the plan, the plan file) has
changed since.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from tracker.git.statusproc import StatusRun, ask_git
from tracker.plan import Problem, content_signature
from tracker.support.stablefile import RACY_NS, proves

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tracker.git.repo import GitRepo

_UNMERGED_RECORD = b"\0u "  # a `u` record of `git status --porcelain=v2 -z --branch` (never its first)


def ask_unmerged(plan: Path) -> StatusRun | None:
    """`git ls-files --unmerged` of `plan` set going, for unmerged_problem to read (its `asked`); None if git
    cannot run.  A writer starts it as it starts reading the plan: git's 2-10 ms (the whole index is read,
    however large the repository) then pass beside the read instead of before the write."""
    plan = Path(os.path.realpath(plan))
    return ask_git(str(plan.parent), ("ls-files", "--unmerged", "-z", "--", plan.name))


class Unmerged:
    """Git asked whether it left a plan unmerged, with what its answer rests on: git's index as it stood when
    asked (a merge, `git add`, a checkout: every change to what git holds unmerged writes a new index) and, when
    git held sides of the plan, the plan file too (then its content decides).  A writer takes the answer instead
    of asking git again while it `holds`; the signatures are taken before git is asked, so a change made while
    git answered shows as one."""

    __slots__ = ("plan", "index", "_run", "_asked_ns", "_index_seen", "_plan_seen", "_sides", "_answer")

    def __init__(self, plan: Path, index: Path | None):
        self.plan = Path(os.path.realpath(plan))
        self.index = index  # this work tree's index (GitRepo.index_file); None: not known, the answer never holds
        self._asked_ns = time.time_ns()
        self._index_seen = content_signature(index) if index is not None else None
        self._plan_seen = content_signature(self.plan)
        self._run = ask_unmerged(self.plan)
        self._sides = False  # whether git held sides of the plan
        self._answer: tuple[str, Problem | None] | None = None  # (where, problem), once read

    def problem(self, where: str) -> Problem | None:
        """Git's answer, as unmerged_problem gives it for `where` (git is read once)."""
        if self._answer is None or (self._answer[0] != where and self._answer[1] is not None):
            problem, self._sides = _problem(self.plan, where, self._run)
            self._answer = (where, problem)
        return self._answer[1]

    def holds(self, plan: Path) -> bool:
        """Whether the answer is still git's for `plan`: the same file, and nothing it rests on changed since."""
        if self.index is None or self._answer is None or self._run is None:
            return False  # no index to go by, not read yet, or git could not run
        if Path(os.path.realpath(plan)) != self.plan:
            return False
        before = self._asked_ns - RACY_NS
        watched = [(self.index, self._index_seen)] + ([(self.plan, self._plan_seen)] if self._sides else [])
        for path, seen in watched:
            now = content_signature(path)
            if now != seen or (seen is not None and not proves(seen, before)):
                return False
        return True


def unmerged_problem(
    plan: Path, where: str, status: bytes | None = None, asked: StatusRun | Unmerged | None = None
) -> Problem | None:
    """The error for `plan` when git left it unmerged as one side alone, else None.

    `status`: what `git status` (statusproc.STATUS_ARGS) said from the plan's own folder, when it was read:
    a status without a `u` record is the answer, without asking git again.  `asked`: ask_unmerged's run
    for the same plan, set going earlier, or a dashboard read's answer (taken while it `holds`); else git is
    asked here.
    """
    if isinstance(asked, Unmerged):
        if asked.holds(plan):
            return asked.problem(where)
        asked = None
    if status is not None and _UNMERGED_RECORD not in status:
        if asked is not None:
            asked.stop()
        return None
    return _problem(Path(os.path.realpath(plan)), where, asked if asked is not None else ask_unmerged(plan))[0]


def _problem(plan: Path, where: str, asked: StatusRun | None) -> tuple[Problem | None, bool]:
    """The error for `plan` (its real path) from git's answer `asked`, and whether git held sides of it."""
    if asked is None:
        return None, False  # git cannot run: it cannot have left a merge either
    code, out, _ = asked.answer()
    stages = _stages(out) if code == 0 else {}
    if not stages:
        return None, False
    from tracker.git.repo import GitRepo, GitUnavailable  # here: a plan not left unmerged needs neither

    try:
        repo = GitRepo.open(plan)
        # As git would store the file (its clean filters, line endings): compared with the sides' blobs.
        now = repo.run("hash-object", "--", str(plan)).decode("ascii").strip()
    except (GitUnavailable, OSError, UnicodeDecodeError):
        return None, True
    ours, theirs = stages.get(2), stages.get(3)
    if now not in (ours, theirs) or ours == theirs:
        return None, True  # merged by hand or by `git checkout --merge`: the user's to check and `git add`
    side = "HEAD's side (git's stage 2)" if now == ours else "the side being merged in (git's stage 3)"
    import shlex  # here: only this message needs it, and every write imports this module

    shown = shlex.quote(where)
    return (
        Problem(
            where,
            1,
            1,
            f"git has not merged this file ({_why(repo, plan)}): it holds {side} alone, the other side's changes are "
            f"only in git's index, and 'git add' would drop them; resolve it: run 'tracker git setup', then "
            f"'git checkout --merge -- {shown}' to merge it again with tracker's driver, check it and 'git add' it "
            "(or 'git add' it as it is to keep this side alone)",
        ),
        True,
    )


def _stages(listing: bytes) -> dict[int, str]:
    """{stage: object id} from `git ls-files --unmerged -z` of one file (`MODE OID STAGE\\tPATH\\0` each)."""
    stages = {}
    for entry in listing.split(b"\0"):
        head, tab, _ = entry.partition(b"\t")
        fields = head.split(b" ")
        if tab and len(fields) == 3 and fields[2].isdigit():
            stages[int(fields[2])] = fields[1].decode("ascii", "replace")
    return stages


def _why(repo: GitRepo, plan: Path) -> str:
    """Why git did not merge the plan, as far as its attributes and config tell."""
    name = plan.relative_to(os.path.realpath(repo.root)).as_posix()
    said = repo.run("check-attr", "merge", paths=[name], check=False).decode("utf-8", "replace")
    if not said.rstrip("\n").endswith(": merge: tracker"):
        return "git merged it without tracker's merge driver, which is not set up for it"
    driver = repo.run("config", "--get", "merge.tracker.driver", check=False).decode("utf-8", "replace").strip()
    if not driver:
        return "tracker's merge driver is not set up in this clone"
    from tracker.git.mergesetup import driver_program, missing_program

    missing = missing_program(driver_program(driver))
    if missing is not None and not missing[1]:
        return f"the merge driver could not run: {missing[0]} is not there"
    if missing is not None:
        import shutil

        fallback = "the 'tracker' on PATH failed" if shutil.which("tracker") else "no 'tracker' is on PATH"
        return f"the merge driver could not run: {missing[0]} is not there, and {fallback}"
    return "the merge driver failed; git's output of the merge says why"
