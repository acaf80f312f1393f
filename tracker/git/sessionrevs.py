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
"""

from __future__ import annotations

import re
from pathlib import Path

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
    return (
        f"{happened}; it is probably {sha[:7]} now ('{subject}', the last commit authored before the session "
        f"{when} in the history that wrote '{rev}' into the plan): check it, then write {key}: {sha[:7]}"
    )


def session_revision_problems(project: Project, plan_file: Path, root: str, where: str) -> list[Problem]:
    """A warning at each session's `since` or `until` that the repository at `root` holds no commit for, and
    at those of the newest sessions that name a commit HEAD's history does not hold (a rebase left it behind
    in this clone alone): from the newest session back to the first whose commits are all in it, as each
    older session's are then too, but for a branch's own."""
    named = [
        (session, key, rev)
        for session in project.sessions
        for key, rev in (("since", session.since), ("until", session.until))
        if rev
    ]
    if not named:
        return []
    try:
        with GitRepo.open(Path(root)) as repo:
            missing = _missing(repo, [rev for _, _, rev in named])
            astray: set[tuple[int, str]] = set()
            for number in range(len(named) - 1, -1, -1):
                session, key, rev = named[number]
                if rev in missing:
                    continue
                if repo.ok("merge-base", "--is-ancestor", f"{rev}^{{commit}}", "HEAD"):
                    break
                astray.add((number, rev))
            return [
                Problem(
                    where,
                    *session.where(key),
                    missing_revision(repo, plan_file, session, key, rev, held=(number, rev) in astray),
                    "warning",
                )
                for number, (session, key, rev) in enumerate(named)
                if rev in missing or (number, rev) in astray
            ]
    except GitUnavailable:
        return []


def _missing(repo: GitRepo, revs: list[str]) -> set[str]:
    """Which of `revs` git finds no commit for, asked in one `git cat-file --batch-check`."""
    asked = [rev for rev in dict.fromkeys(revs) if "\n" not in rev and "\0" not in rev and not rev.startswith("-")]
    given = "".join(f"{rev}^{{commit}}\n" for rev in asked).encode("utf-8", "surrogateescape")
    lines = repo.start("cat-file", "--batch-check", given=given).output().decode("utf-8", "replace").splitlines()
    return {rev for rev, line in zip(asked, lines, strict=False) if line.split(" ")[1:2] != ["commit"]}
