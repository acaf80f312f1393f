"""A session's `since` and `until` against the repository: the ones git does not hold, and the commit one
probably is now.

A rebase (`git pull --rebase`) or an amend writes new commits for old ones: a
session's `until`, written by `session end` as HEAD's short sha, then names a
commit that other clones never had.  The rebase keeps each commit's author
date, so the commit the session ended at is found again from what the plan
itself tells: the commit of HEAD's history that first wrote the revision into
the plan came after the session's end, and the session ended at `ended` (it
began at `started`, for `since`), so the commit sought is the newest one
before that commit authored by that minute.  The plan keeps times to the
minute: a commit made in the minute the session ended, after it ended, would
be taken for it, so the commit found is only ever offered, with its subject,
for the user to confirm by writing it into the plan; it is never used in
the revision's place.

The same rebase leaves `since` standing when the commit it names was pushed
before (the shared tip the session started from), but the session's commits
now come after the ones it moved them past: the window from `since` takes in
a colleague's work.  Those are told by the author dates the rebase kept
(`moved_past`), named, and the commit the window should start at offered in
the same way: with the commit `until` probably is now, and at `since` while
the window holds them; `tracker summary` refuses to make such a note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from tracker.git.planhistory import plan_in
from tracker.git.repo import GitRepo, GitUnavailable
from tracker.plan import Problem, Project, Session

_SHA = re.compile(r"[0-9a-fA-F]{7,40}")  # what `session start|end` writes; a branch name is not searched for


def rewritten(repo: GitRepo, plan: str, rev: str, day: str | None, time: str | None) -> tuple[str, str] | None:
    """(sha, subject) of the commit that `rev`, gone from the repository, probably is now: the newest commit
    authored by `day` `time` (the session's moment, in the author's own zone) before the commit of HEAD's
    history that first wrote `rev` into the plan at `plan` (its path in the repository).  None when the plan
    does not tell: no moment, a revision that is no sha, or no commit of HEAD's history that wrote it."""
    if day is None or time is None or not _SHA.fullmatch(rev):
        return None
    wrote = repo.run("log", "--reverse", "--format=%H", f"-S{rev}", "HEAD", paths=[plan], check=False).split()
    if not wrote:
        return None
    moment = f"{day}T{time}"
    out = repo.run(
        "log",
        "--first-parent",
        "--format=%H%x09%ad%x09%s",
        "--date=format:%Y-%m-%dT%H:%M",
        f"{wrote[0].decode()}^",
        check=False,
    ).decode("utf-8", "replace")
    for line in out.splitlines():
        sha, authored, subject = line.split("\t", 2)
        if authored <= moment:
            return sha, subject
    return None


class Commit(NamedTuple):
    sha: str
    authored: int  # seconds since the epoch: comparable whatever zone each author was in
    subject: str


def moved_past(window: list[Commit], since_committed: int) -> list[Commit]:
    """The commits at the start of `window` (the first-parent line after `since`, oldest first) that a rebase
    put the session's own commits after: each one authored after a later commit of the window (a commit is
    written on top of its ancestors, so that later one was not written on it but moved there, past it), with
    every commit before the last such one.  A later commit counts only when authored after `since` was
    committed: a cherry-pick keeps an older commit's author date without moving anything past it.

    Dates cannot tell a colleague's commit authored before the session's first one from one the session took
    in with a fast-forward pull: that one is not found."""
    earliest = None  # the earliest author date among the commits after the one looked at
    for number in range(len(window) - 1, -1, -1):
        if earliest is not None and earliest < window[number].authored:
            return window[: number + 1]
        if window[number].authored > since_committed and (earliest is None or window[number].authored < earliest):
            earliest = window[number].authored
    return []


def taken_in(repo: GitRepo, since: str, end: str) -> list[Commit]:
    """The commits that the window from `since` (a full sha) to `end` takes in though a rebase moved the
    session's own past them (moved_past), read from the window's first-parent line; none when `since` is not on
    that line (a window that a merge joined to it is not looked into)."""
    walked = _walk(repo, end, since)
    if not walked or walked[-1][0] != "-" or walked[-1][1].sha != since:
        return []
    return _moved_in(walked, 0, len(walked) - 1)


def _moved_in(walked: list[tuple[str, Commit, int]], end: int, since: int) -> list[Commit]:
    """moved_past of the window from `walked[since]` to `walked[end]` (indexes into a _walk, newest first)."""
    return moved_past([commit for mark, commit, _ in walked[end:since] if mark != "-"][::-1], walked[since][2])


def _walk(repo: GitRepo, tip: str, base: str) -> list[tuple[str, Commit, int]]:
    """The first-parent line from `tip` down to `base`, newest first, `base` last as git's boundary ('-'):
    each commit with its mark and when it was committed."""
    out = repo.run(
        "log", "--first-parent", "--boundary", "--format=%m%x09%H%x09%at%x09%ct%x09%s", tip, f"^{base}", check=False
    ).decode("utf-8", "replace")
    walked = []
    for line in out.splitlines():
        mark, sha, authored, committed, subject = line.split("\t", 4)
        walked.append((mark, Commit(sha, int(authored), subject), int(committed)))
    return walked


def not_its_own(since: str, end: str, foreign: list[Commit]) -> str:
    """What to say of a window from `since` to `end` that takes in `foreign` (moved_past's answer, not empty)."""
    count = len(foreign)
    named = ", ".join(f"{commit.sha[:7]} '{commit.subject}'" for commit in foreign[-_NAMED:][::-1])
    more = f" and {count - _NAMED} before them" if count > _NAMED else ""
    return (
        f"the window from '{since}' to {end[:7]} takes in {count} commit{'s' * (count != 1)} a rebase moved the "
        f"session's own past ({named}{more}: authored after a commit of the session that now comes after "
        f"{'them' if count != 1 else 'it'}), so the note would claim {'their' if count != 1 else 'its'} work: check, "
        f"then write since: {foreign[-1].sha[:7]}"
    )


_NAMED = 5  # commits named in a message; the rest counted


def moment_of(session: Session, key: str) -> tuple[str | None, str | None]:
    """The day and time (HH:MM) that the session's `key` (since or until) was HEAD at, as the plan tells it."""
    if key == "since":
        return session.date, session.started
    return session.end_day(), session.ended


def missing_revision(repo: GitRepo, plan_file: Path, session: Session, key: str, rev: str, held: bool = False) -> str:
    """What to say of `rev`, the session's `key`, which is no commit of the repository (`held`: a commit that
    is not in HEAD's history): what probably happened, and how to repair the plan."""
    try:
        found = rewritten(repo, plan_in(repo, plan_file), rev, *moment_of(session, key))
    except GitUnavailable:  # a plan outside the work tree: its history is not git's to tell
        found = None
    happened = (
        f"'{rev}' is not in the history of HEAD (a rebase or an amend may have rewritten it)"
        if held
        else f"'{rev}' is not a commit in the repository at {repo.root} (a rebase or an amend may have rewritten "
        "it, or it was never pushed)"
    )
    if found is None:
        return f"{happened}; correct '{key}' or remove it"
    sha, subject = found
    when = "ended" if key == "until" else "began"
    said = (
        f"{happened}; it is probably {sha[:7]} now ('{subject}', the last commit authored before the session "
        f"{when} in the history that wrote '{rev}' into the plan): check it, then write {key}: {sha[:7]}"
    )
    since = _commits(repo, [session.since]).get(session.since or "") if key == "until" else None
    if since is not None and session.since:  # the rebase may have moved the session's commits past others
        foreign = taken_in(repo, since, sha)
        if foreign:
            said += f"; and {not_its_own(session.since, sha, foreign)}"
    return said


class SessionRevisions(NamedTuple):
    """What session_revision_problems found, and what it read of git to find it that `git status` does not vouch
    for: each revision (once) whose answer can change while HEAD stays where it is, with the commit it named
    then ("" for none), for a kept verdict to ask again (cli/replay.py's Basis.revisions).  A fetch can bring a
    commit git did not hold, gc can prune one outside HEAD's history, a branch or a tag can move; a sha in
    HEAD's history names the same commit for as long as HEAD does, so the usual verdict asks git nothing more."""

    problems: list[Problem]
    unpinned: list[tuple[str, str]]


def session_revision_problems(project: Project, plan_file: Path, root: str, where: str) -> SessionRevisions:
    """A warning at each session's `since` or `until` that the repository at `root` holds no commit for, and
    at those of the newest sessions that name a commit HEAD's history does not hold (a rebase left it behind
    in this clone alone): from the newest session back to the first whose commits are all in it, as each
    older session's are then too, but for a branch's own.  And one at the `since` of each session whose
    window takes in commits a rebase moved the session's own past (moved_past)."""
    named = [
        (session, key, rev)
        for session in project.sessions
        for key, rev in (("since", session.since), ("until", session.until))
        if rev
    ]
    if not named:
        return SessionRevisions([], [])
    try:
        with GitRepo.open(Path(root)) as repo:
            held = _commits(repo, [rev for _, _, rev in named] + ["HEAD"])  # HEAD: where an open window ends
            astray: set[tuple[int, str]] = set()
            for number in range(len(named) - 1, -1, -1):
                session, key, rev = named[number]
                if rev not in held:
                    continue
                if repo.ok("merge-base", "--is-ancestor", held[rev], "HEAD"):
                    break
                astray.add((number, rev))
            problems = [
                Problem(
                    where,
                    *session.where(key),
                    missing_revision(repo, plan_file, session, key, rev, held=(number, rev) in astray),
                    "warning",
                )
                for number, (session, key, rev) in enumerate(named)
                if rev not in held or (number, rev) in astray
            ]
            doubtful = {rev for _, _, rev in named if rev not in held} | {rev for _, rev in astray}
            problems += _taking_in(project, repo, where, held, doubtful)
    except GitUnavailable:
        return SessionRevisions([], [])
    outside = {rev for _, rev in astray}
    unpinned = [
        (rev, held.get(rev, ""))
        for rev in dict.fromkeys(rev for _, _, rev in named)
        if _askable(rev) and (rev not in held or rev in outside or not _SHA.fullmatch(rev))  # a name: it moves
    ]
    return SessionRevisions(problems, unpinned)


def _taking_in(project: Project, repo: GitRepo, where: str, held: dict[str, str], doubtful: set[str]) -> list[Problem]:
    """A warning at the `since` of each session whose window takes in commits a rebase moved the session's own
    past, read from one walk of HEAD's first-parent line down to where every session began.  A window whose
    end is told of already (`doubtful`: that message says this too) or off that line is left out."""
    windows = []
    for index, session in enumerate(project.sessions):
        ends = project.window_end(index)
        end = "HEAD" if ends is None else ends[0]
        if session.since in held and end in held and not {session.since, end} & doubtful:
            windows.append((session, held[session.since], held[end]))
    if not windows:
        return []
    base = repo.run("merge-base", "--octopus", *{since for _, since, _ in windows}, check=False).decode().strip()
    walked = _walk(repo, "HEAD", base) if base else []
    at = {commit.sha: number for number, (_, commit, _) in enumerate(walked)}
    problems = []
    for session, since, end in windows:
        if since in at and end in at and at[end] < at[since] and session.since:
            foreign = _moved_in(walked, at[end], at[since])
            if foreign:
                said = not_its_own(session.since, end, foreign)
                problems.append(Problem(where, *session.where("since"), said, "warning"))
    return problems


def _commits(repo: GitRepo, revs: Sequence[str | None]) -> dict[str, str]:
    """The full sha of the commit each of `revs` names, for those git finds one for, asked in one
    `git cat-file --batch-check`."""
    asked = [rev for rev in dict.fromkeys(revs) if rev and _askable(rev)]
    given = "".join(f"{rev}^{{commit}}\n" for rev in asked).encode("utf-8", "surrogateescape")
    lines = repo.start("cat-file", "--batch-check", given=given).output().decode("utf-8", "replace").splitlines()
    return {
        rev: line.split(" ")[0] for rev, line in zip(asked, lines, strict=False) if line.split(" ")[1:2] == ["commit"]
    }


def _askable(rev: str) -> bool:
    """Whether `rev` can go to git as a revision: no line break or NUL, and not taken for an option."""
    return "\n" not in rev and "\0" not in rev and not rev.startswith("-")
