"""What git history tells about a session: where it started, the plan as it was
then, and which files it created or changed.

A session starts at a revision: `--since REV`, the session's `since:`, or,
from a date, just before the first commit made on or after that day (the
day's first commit is part of the session's work, so the state before it is
the start).  Git names the commits (any revision it understands, and the
first-parent walk by date); GitPython reads them and the plan as it was at
the start from the object database, never by checking anything out, so the
work tree and index stay untouched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from tracker.git import WORK_DATE, GitRepo, revision_args
from tracker.plan import is_iso_date
from tracker.support.ownfiles import is_own


class HistoryError(Exception):
    """A revision or date that does not lead to a commit; the message says why."""


class NoCommit(HistoryError):
    """A revision git holds no commit for (a sha a rebase rewrote, a branch this clone lacks)."""


@dataclass(frozen=True, slots=True)
class Start:
    sha: str | None  # None: before the first commit, so everything in the tree is new
    date: str | None  # the day the start commit's work was done (YYYY-MM-DD, repo.work_day)
    how: str  # why this is the start, in words for the note
    # The revision it was named by, which git resolved to `sha` (None: found from a day); the same commit
    # however named is the same start.
    name: str | None = field(default=None, compare=False)

    @property
    def short(self) -> str | None:
        return self.sha[:7] if self.sha else None


@dataclass(frozen=True, slots=True)
class Changes:
    """Paths (as git spells them) that the window added, moved, modified or deleted."""

    added: dict[str, str]  # path -> "" | "untracked" (a file moved in the window is in `moved` alone)
    modified: frozenset[str]
    deleted: frozenset[str] = frozenset()
    moved: dict[str, str] | None = None  # old path -> new path

    @property
    def touched(self) -> set[str]:
        return set(self.added) | set(self.modified) | set((self.moved or {}).values())

    def former(self, path: str) -> str | None:
        """The path that `path` had before the window, when git found it moved in it."""
        return next((old for old, new in (self.moved or {}).items() if new == path), None)


def head(repo: GitRepo) -> str | None:
    """HEAD's sha, or None on a branch with no commits yet."""
    return repo.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).decode().strip() or None


def revision(repo: GitRepo, rev: str, how: str) -> Start:
    """The commit `rev` names (a sha, branch, tag, HEAD~3 …)."""
    # A NUL (a plan's "\0") cannot be passed to git at all: the process would not start.
    if not rev or rev.startswith("-") or "\0" in rev:
        raise HistoryError(f"'{rev}' is not a revision")
    sha = repo.run(*revision_args(rev), check=False).decode("ascii", "replace")
    if not sha.strip():
        raise NoCommit(f"'{rev}' is not a commit in the repository at {repo.root}")
    return Start(sha.strip(), repo.work_day(sha.strip()), how, rev)


def day_start(repo: GitRepo, day: str) -> Start:
    """Where a session on `day` began: before the first commit on or after it on HEAD's first-parent line.

    The walk goes back from HEAD only as far as the first commit made (written and committed) before the day,
    never through the whole history: a commit dated on or after the day further back (dates out of order) is
    not seen, so the words say what the walk found, not what the whole history holds."""
    tip = head(repo)
    if tip is None:
        return Start(None, None, "no commits yet")
    first: tuple[str, str] | None = None
    parent_date: str | None = None  # the author day of the commit below `first`
    stop: str | None = None  # the first commit made before the day, where the walk stopped (None: none was)
    for sha, parents, authored, committed in _first_parent_line(repo, tip):
        if first is not None and parent_date is None:
            parent_date = authored[:10]
        if authored[:10] >= day:
            first, parent_date = (sha, parents), None
        elif committed[:10] < day:
            stop = sha
            break  # neither done nor written on or after the day: nor is anything below it, dates in order
        # else its work is older but a rebase wrote it here on or after the day: the day's commits may lie below
    if first is None:
        if stop == tip:
            how = f"HEAD, itself made before {day}"
        elif stop is None:
            how = f"HEAD, as nothing was written on or after {day}"
        else:
            how = f"HEAD, as nothing was written on or after {day} back to {stop[:7]}, the first commit made before it"
        return Start(tip, parent_date or repo.work_day(tip), how)
    sha, parents = first
    if not parents:
        if _is_shallow_boundary(repo, sha):
            raise HistoryError(
                f"the history of this shallow clone stops at {sha[:7]}, inside the session "
                f"of {day}; fetch more history (git fetch --deepen=50) or pass --since REV"
            )
        return Start(None, None, f"the start of history (the first commit, {sha[:7]}, is on or after {day})")
    parent = parents.split()[0]
    if parent == stop:
        how = f"the first commit made before {day}, going back from HEAD"
    elif stop is None:  # the whole line was read: the earliest is the earliest of all
        how = f"the last commit before the earliest one written on or after {day}"
    else:  # a commit a rebase wrote on or after the day lies between
        how = (
            f"the last commit before the earliest one written on or after {day}, going back from HEAD "
            f"to {stop[:7]}, the first commit made before it"
        )
    return Start(parent, parent_date or repo.work_day(parent), how)


_PAGE = 200  # commits asked of git at a time: a day's start is usually within the first page


def _first_parent_line(repo: GitRepo, tip: str) -> Iterator[tuple[str, str, str, str]]:
    """(sha, parents, author date, committer date) of each commit on the first-parent line from `tip`, newest
    first, both dates ISO 8601 in their own zones, asked of git a page at a time so a walk that stops early
    never reads the whole history."""
    while True:
        out = repo.run(
            "log", "--first-parent", f"-n{_PAGE}", f"--format=%H%x09%P%x09{WORK_DATE}%x09%cI", tip, "--"
        ).decode("ascii", "replace")
        parents = ""
        for line in out.splitlines():
            sha, parents, authored, committed = line.split("\t")
            yield sha, parents, authored, committed
        if out.count("\n") < _PAGE or not parents:
            return
        tip = parents.split()[0]  # the page ended at this commit: the next begins at its first parent


def _is_shallow_boundary(repo: GitRepo, sha: str) -> bool:
    if not repo.shallow:
        return False
    try:
        return sha.encode() in repo.shallow_file.read_bytes().split()
    except OSError:
        return False


def resolve_since(repo: GitRepo, since: str) -> Start:
    """`--since`: a date (YYYY-MM-DD) means that day's start; anything else is a revision."""
    if is_iso_date(since):
        return day_start(repo, since)
    return revision(repo, since, f"given with --since {since}")


def file_at(repo: GitRepo, start: Start, path: str) -> bytes | None:
    """The bytes of `path` (relative to the work tree root) at the start, or None if it did not exist."""
    return repo.file_at(start.sha, path) if start.sha is not None else None


def changes(repo: GitRepo, start: Start, end: str | None = None, locks: frozenset[str] = frozenset()) -> Changes:
    """What changed from the start to `end` (a commit), or to the work tree (staged and untracked included, but
    not tracker's own files: its temporary files and the plans' `locks`, support/ownfiles.py)."""
    added: dict[str, str] = {}
    modified: set[str] = set()
    deleted: set[str] = set()
    moved: dict[str, str] = {}
    if start.sha is None:
        listing = repo.run("ls-tree", "-r", "-z", "--name-only", end) if end else repo.run("ls-files", "-z")
        for path in _paths(listing):
            added[path] = ""
    else:
        target = (end,) if end else ()
        fields = _paths(
            repo.run("diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-color", start.sha, *target)
        )
        i = 0
        while i < len(fields):
            code = fields[i]
            if code.startswith("R"):  # -M: a rename comes as R<score>, old path, new path
                moved[fields[i + 1]] = fields[i + 2]
                i += 3
                continue
            path = fields[i + 1]
            if code == "A":
                added[path] = ""
            elif code in ("M", "T"):
                modified.add(path)
            elif code == "D":
                deleted.add(path)
            i += 2
    if end is None:
        for path in _paths(repo.run("ls-files", "--others", "--exclude-standard", "-z")):
            if not is_own(path, locks):  # a write's lock or temporary file, there while it is under way
                added[path] = "untracked"
    return Changes(added, frozenset(modified), frozenset(deleted), moved)


@dataclass(frozen=True, slots=True)
class WindowCommit:
    """A commit of a window that is no merge: who committed it and what it touched."""

    sha: str
    parent: str | None  # None: the first commit of the history
    committer: str  # e-mail address, lower-cased
    subject: str
    paths: frozenset[str]  # every path it added, changed or deleted; a rename's both names


def window_commits(repo: GitRepo, start: str, end: str | None) -> list[WindowCommit]:
    """The commits of start..end (HEAD when `end` is None) that are no merge, newest first.  A merge carries
    the work of its sides, each commit of which is listed; what it resolves is nobody's session work alone."""
    out = repo.run(
        "log",
        "--no-merges",
        "-z",
        "--name-status",
        "-M",
        "--format=%x01%H%x02%P%x02%ce%x02%s",
        f"{start}..{end or 'HEAD'}",
    )
    found = []
    for chunk in out.split(b"\x01")[1:]:
        head, _, listing = chunk.partition(b"\0")
        sha, parent, committer, subject = head.decode("utf-8", "replace").split("\x02", 3)
        fields = _paths(listing.lstrip(b"\n"))
        paths: set[str] = set()
        i = 0
        while i < len(fields):  # each change: its status, then its path (a rename's and a copy's: two)
            count = 2 if fields[i][:1] in ("R", "C") else 1
            paths.update(fields[i + 1 : i + 1 + count])
            i += 1 + count
        found.append(WindowCommit(sha, parent or None, committer.lower(), subject, frozenset(paths)))
    return found


def renamed_from(repo: GitRepo, sha: str, path: str) -> str | None:
    """The path that `path` of the work tree had at commit `sha`, when git finds it renamed since then."""
    return changes(repo, Start(sha, None, ""), None).former(path)


def is_ignored(repo: GitRepo, path: str) -> bool:
    return bool(repo.run("check-ignore", "--no-index", paths=[path], check=False).strip())


def _paths(out: bytes) -> list[str]:
    # git prints paths as they are on disk; surrogateescape keeps odd bytes so the path still opens.
    return [os.fsdecode(part) for part in out.split(b"\0") if part]
