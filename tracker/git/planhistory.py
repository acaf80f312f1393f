"""The plan's progress over time, read from the git history of the plan file (`tracker history`).

One `git log --first-parent --follow` names every commit of the branch's
line that changed the plan, renames followed, with the blob each left; the blobs not met before are read through
the one `cat-file --batch` GitPython keeps (GitRepo.blob), oldest first, and
measured by the progress rule (plan/progress.py).  A blob id names one version
of the plan forever, so what a version comes to is kept in the cache folder
under its blob id and the code that measured it: a repeated history parses
only the versions it has not seen, and an upgrade or an edit of the loader or
of this module measures everything again.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import msgspec

from tracker.git.repo import WORK_DATE, GitRepo, GitUnavailable
from tracker.plan import MAX_BYTES, LoadError, Problem, Project, decode, is_iso_date, load_text, progress
from tracker.support.cachefiles import cache_dir, code_key, read_entry, write_entry
from tracker.support.treepath import inside_resolved

FORMAT = "tracker history cache 2"
KEEP = 4  # cache files: one per version of the code that measured
# What a version comes to depends on the loader, the progress rule and this module.
MEASURE_PARTS = ("plan", "support", "git")
NO_BLOB = "0" * 40  # git's id for "no file": the plan was deleted in that commit
LOG_FORMAT = f"%x01%H%x00{WORK_DATE}%x00%s"


class BadSince(Exception):
    """`--since` names neither a day nor a commit; the message says so."""


class Measure(msgspec.Struct, array_like=True, frozen=True):
    """What one version of the plan comes to, by the progress rule; or why it does not load."""

    percent: int | None
    phases: list[tuple[str, str, int | None]]  # id, title, percent
    done: int
    total: int
    open_minutes: int  # the estimate left (progress.open_minutes)
    due: list[tuple[str, int]] = []  # the `due` days of open issues, earliest first, with how many fall on each
    problem: str = ""  # the first error, when the version does not load
    line: int | None = None
    column: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def measure(project: Project) -> Measure:
    """A loaded plan's figures: the one rule, as `status` shows them."""
    issues = [issue for _, issue in project.issues()]
    done = [progress.is_done(project, issue) for issue in issues]
    due = Counter(issue.due for issue, closed in zip(issues, done, strict=True) if issue.due and not closed)
    return Measure(
        progress.project_percent(project),
        [(str(phase.id), phase.title, progress.phase_percent(project, phase)) for phase in project.phases],
        sum(done),
        len(issues),
        progress.open_minutes(project, issues),
        sorted(due.items()),
    )


def _broken(problem: Problem) -> Measure:
    return Measure(None, [], 0, 0, 0, [], problem.message, problem.line, problem.column)


@dataclass(frozen=True, slots=True)
class Row:
    """One commit that changed the plan, and what the plan came to in it."""

    sha: str
    when: str  # when its work was done (the author date, WORK_DATE), ISO 8601 in the author's zone
    subject: str
    path: str  # the plan's path in this commit (from the work tree's root)
    blob: str
    measure: Measure

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def day(self) -> str:
        return self.when[:10]

    @property
    def problem(self) -> str:
        """Why the plan does not load here, located in the file as it was named then; "" when it loads."""
        found = self.measure
        if found.ok:
            return ""
        return str(Problem(self.path, found.line, found.column, found.problem))


@dataclass(frozen=True, slots=True)
class History:
    rows: list[Row]  # oldest first
    parsed: int  # plan versions parsed by this read (the others came from the cache)


@dataclass(frozen=True, slots=True)
class _Change:
    sha: str
    when: str
    subject: str
    path: str
    blob: str


def timeline(rows: list[Row]) -> list[tuple[datetime.date, Measure]]:
    """The versions that load, in the history's order, each with the day it stood from: the forecast's, the
    chart's and the report's.  A commit is dated by when its work was done, and a rebase puts work done earlier
    on top of work done later; a version cannot stand before the one it was made on, so it stands from the
    later of its own day and the day of the version before it."""
    points: list[tuple[datetime.date, Measure]] = []
    for row in rows:
        if row.measure.ok:
            day = datetime.date.fromisoformat(row.day)
            points.append((max(day, points[-1][0]) if points else day, row.measure))
    return points


def read_history(repo: GitRepo, plan: str, max_bytes: int = MAX_BYTES) -> History:
    """Every commit that changed `plan` (a path from the work tree's root), oldest first, measured."""
    changes = _log(repo, plan)
    known = _load_cache()
    fresh: dict[str, Measure] = {}
    # A version over this read's --max-bytes: said for this limit only, so never kept in the cache,
    # which holds what a blob comes to (a later read with the usual limit measures it).
    refused: dict[str, Measure] = {}
    rows: list[Row] = []
    for change in changes:
        if change.blob == NO_BLOB:
            found = _broken(Problem(change.path, None, None, "the plan file was deleted in this commit"))
        else:
            found = known.get(change.blob) or fresh.get(change.blob) or refused.get(change.blob)  # type: ignore[assignment]
            if found is None:
                data = repo.blob(change.blob)
                if len(data) > max_bytes:
                    found = refused[change.blob] = _broken(
                        Problem(
                            change.path, None, None, f"the file is {len(data):,} bytes, over the limit of {max_bytes:,}"
                        )
                    )
                else:
                    found = fresh[change.blob] = _measure_blob(data, change.path)
        rows.append(Row(change.sha, change.when, change.subject, change.path, change.blob, found))
    if fresh:
        _store_cache({**known, **fresh})
    return History(rows, len(fresh))


def plan_in(repo: GitRepo, path: Path) -> str:
    """The plan's path from the work tree's root, as git names it; GitUnavailable when it is outside."""
    inside = inside_resolved(repo.root, path)
    if inside is None and os.path.islink(path):  # the work tree is the link's (repo_start): its file is elsewhere
        raise GitUnavailable(
            f"the plan is a symlink to {os.path.realpath(path)}, outside the work tree at {repo.root}: git keeps "
            "the link, not the plan; to have git keep the plan (its history, its merges), move it into the "
            "repository in place of the link"
        )
    if inside is None:
        raise GitUnavailable(f"the plan is not inside the work tree at {repo.root}")
    return inside


def rows_since(repo: GitRepo, rows: list[Row], since: str) -> list[Row]:
    """The rows from day `since` (YYYY-MM-DD) on, or those of commits after revision `since`."""
    if is_iso_date(since):
        return [row for row in rows if row.day >= since]
    if not since or since.startswith("-"):
        raise BadSince(f"'{since}' is neither a day (YYYY-MM-DD) nor a revision")
    sha = repo.run("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}", check=False).strip()
    if not sha:
        raise BadSince(f"'{since}' is neither a day (YYYY-MM-DD) nor a commit in the repository at {repo.root}")
    before = set(repo.run("rev-list", sha.decode("ascii")).split())
    return [row for row in rows if row.sha.encode() not in before]


def _measure_blob(data: bytes, path: str) -> Measure:
    try:
        # Not through the parse cache: a thousand old versions would push the current plan out of it.
        loaded = load_text(decode(data, path), path)
    except LoadError as exc:
        return _broken(exc.problem)
    if not loaded.ok or loaded.project is None:
        return _broken((loaded.errors or loaded.problems)[0])
    return measure(loaded.project)


def _log(repo: GitRepo, plan: str) -> list[_Change]:
    """The commits that changed `plan`, oldest first, each with the plan's path and blob after it.

    `-z --raw` prints, per commit, the header then `:modes blobs STATUS` and the
    path (two for a rename), every field ended by NUL, so no name needs unquoting.
    Only the first-parent line is walked, the history this branch had: a merge is compared with its first
    parent and brings the other side's work in at once.  (Both sides' commits mixed by date made states
    neither side ever had: a phase went 32, 31, 32, 31, 32%.)
    """
    if not repo.ok("rev-parse", "--verify", "--quiet", "HEAD^{commit}"):
        return []
    out = repo.run(
        "log", "--first-parent", "--follow", "--raw", "-z", "--no-abbrev", "--diff-merges=first-parent", f"--format={LOG_FORMAT}",
        "HEAD", paths=[plan],
    )  # fmt: skip
    fields = out.split(b"\0")
    changes: list[_Change] = []
    head: tuple[str, str, str] | None = None
    i = 0
    while i < len(fields):
        field = fields[i]
        if field.startswith(b"\x01"):
            head = (field[1:].decode("ascii"), fields[i + 1].decode("ascii"), fields[i + 2].decode("utf-8", "replace"))
            i += 3
            continue
        raw = field.lstrip(b"\n")
        if raw.startswith(b":") and head is not None:
            meta = raw.split()
            status = meta[-1][:1]
            paths = 2 if status in (b"R", b"C") else 1
            path = os.fsdecode(fields[i + paths])
            changes.append(_Change(*head, path, meta[3].decode("ascii")))
            head = None  # one row per commit, even if a merge listed the plan more than once
            i += 1 + paths
            continue
        i += 1
    changes.reverse()
    return changes


class _Entry(msgspec.Struct, array_like=True):
    format: str
    code: str
    measures: dict[str, Measure]  # blob id -> what that version of the plan comes to


def _cache_file(code: str):
    name = hashlib.sha256(f"{FORMAT}\0{code}".encode()).hexdigest()[:40]
    return cache_dir() / f"history-{name}.msgpack"


def _load_cache() -> dict[str, Measure]:
    """Every version measured before by this code; anything wrong with the cache is an empty one."""
    code = code_key(*MEASURE_PARTS)
    data = read_entry(_cache_file(code))
    try:
        entry = msgspec.msgpack.decode(data, type=_Entry) if data is not None else None
    except (OSError, ValueError, RecursionError, msgspec.MsgspecError):
        return {}
    if entry is None:
        return {}
    return entry.measures if entry.format == FORMAT and entry.code == code else {}


def _store_cache(measures: dict[str, Measure]) -> None:
    code = code_key(*MEASURE_PARTS)
    write_entry(_cache_file(code), msgspec.msgpack.encode(_Entry(FORMAT, code, measures)), KEEP)
