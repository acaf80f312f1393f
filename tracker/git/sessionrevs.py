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
a colleague's work.  Those are told by what the rebase kept and what it could
not (`moved_past`): a commit committed before the session began, or before a
commit of the session above it was authored, by another hand than the one
that moved it there.  They are named, and the commit the window should start
at offered in the same way: with the commit `until` probably is now, and at
`since` while the window holds them; `tracker summary` refuses to make such a
note.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from tracker.git.planhistory import plan_in
from tracker.git.repo import GitRepo, GitUnavailable, repo_start
from tracker.plan import Problem, Project, Session, email_of

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
    committed: int
    author: str  # email: who did the work
    committer: str  # email: who wrote the commit where it stands (made, amended, rebased or cherry-picked it)
    zone: str  # the committer's zone: +01:00
    subject: str


def moved_past(window: list[Commit], since_committed: int, began: int | None = None) -> list[Commit]:
    """The commits of `window` (the first-parent line after `since`, oldest first) that are not the session's
    own, oldest first: the window should start at the last of them.

    One that was committed before the session began (`began`, when the plan tells it), under a commit of the
    session's committer's own work written again later (its author date before its committer date: a rebase or
    an amend): the session's clone was at `since` when it began, so a rebase moved that commit under the
    session's (a pull that fast-forwarded the session's start past it, nothing rewritten above it, is no
    rebase; the window takes it in as it stands).  And one that a commit after it was authored
    before (its work was done before this one was written, so it was not written on it but moved there), when
    the two were not written by the same hand: a rebase by another committer, or the same committer moving their
    own work past a commit written once where it stands (its author and committer dates one) from another clone.
    So a rebase's reordering of the session's own commits, each of them written anew by the session's committer,
    and a colleague's commit that the session's committer cherry-picked, are the session's.  A later commit
    counts only when authored after `since` was committed: a cherry-pick keeps an older commit's author date
    without moving anything past it.

    Nothing tells a colleague's commit committed after the session began and before its first commit was
    authored, that a rebase moved under the session's, from one a fast-forward pull took in then: it is not
    found."""
    firsts: dict[str, int] = {}  # each committer's earliest author date among the commits after the one looked at
    own_first: int | None = None  # the same among those their committer authored too, whoever that was
    rewritten = False  # whether a commit after the one looked at is its committer's own work written again
    foreign: list[Commit] = []  # newest first
    for commit in reversed(window):
        moved_onto = any(
            authored < commit.committed for committer, authored in firsts.items() if committer != commit.committer
        ) or (commit.authored == commit.committed and own_first is not None and own_first < commit.committed)
        if moved_onto or (rewritten and began is not None and commit.committed < began):
            # Told, and the commits under it looked at in turn: one of the session's own there (its start commit,
            # pushed before the rebase) is not named as another's, though the window past the newest told leaves
            # it out as well.
            foreign.append(commit)
            continue
        own = commit.author == commit.committer
        rewritten = rewritten or (own and commit.authored < commit.committed)
        if commit.authored > since_committed:
            firsts[commit.committer] = min(firsts.get(commit.committer, commit.authored), commit.authored)
            if own:
                own_first = commit.authored if own_first is None else min(own_first, commit.authored)
    return foreign[::-1]


def taken_in(
    repo: GitRepo, since: str, end: str, session: Session, others: frozenset[str] = frozenset()
) -> list[Commit]:
    """The commits that the window of `session` from `since` (a full sha) to `end` takes in though they are not
    its own (moved_past), read from the window's first-parent line; none when `since` is not on that line (a
    window that a merge joined to it is not looked into).  The commits of `others` (e-mail addresses: at_once)
    are left out of the note whatever a rebase did with them, so they are neither told nor taken for the
    session's own."""
    walked = _walk(repo, end, since)
    if not walked or walked[-1][0] != "-" or walked[-1][1].sha != since:
        return []
    return _moved_in(walked, 0, len(walked) - 1, session, others)


def _moved_in(
    walked: list[tuple[str, Commit]], end: int, since: int, session: Session, others: frozenset[str] = frozenset()
) -> list[Commit]:
    """moved_past of the window of `session` from `walked[since]` to `walked[end]` (indexes into a _walk, newest
    first), the commits of `others` (at_once) aside."""
    window = [commit for mark, commit in walked[end:since] if mark != "-" and commit.committer.lower() not in others][
        ::-1
    ]
    return moved_past(window, walked[since][1].committed, _began(session, walked[end][1].zone))


def _began(session: Session, zone: str) -> int | None:
    """When `session` began, in seconds since the epoch: its date and `started`, a time of day in the zone
    `zone` (+01:00; the plan keeps no zone: the one the session's last commit was written in); None without
    `started`."""
    if session.started is None or not re.fullmatch(r"[+-]\d\d:\d\d", zone):
        return None
    offset = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:]))
    try:
        moment = datetime.datetime.fromisoformat(f"{session.date}T{session.started}")
    except ValueError:  # a day the calendar lacks (2026-02-30): its own problem, told where the plan is checked
        return None
    return int(moment.replace(tzinfo=datetime.timezone(-offset if zone[0] == "-" else offset)).timestamp())


def _walk(repo: GitRepo, tip: str, base: str) -> list[tuple[str, Commit]]:
    """The first-parent line from `tip` down to `base`, newest first, `base` last as git's boundary ('-'):
    each commit with its mark."""
    out = repo.run(
        "log",
        "--first-parent",
        "--boundary",
        "--format=%m%x09%H%x09%at%x09%ct%x09%ae%x09%ce%x09%cI%x09%s",
        tip,
        f"^{base}",
        check=False,
    ).decode("utf-8", "replace")
    walked = []
    for line in out.splitlines():
        mark, sha, authored, committed, author, committer, written, subject = line.split("\t", 7)
        walked.append((mark, Commit(sha, int(authored), int(committed), author, committer, written[-6:], subject)))
    return walked


def not_its_own(since: str, end: str, foreign: list[Commit]) -> str:
    """What to say of a window from `since` to `end` that takes in `foreign` (moved_past's answer, not empty)."""
    count = len(foreign)
    named = ", ".join(f"{commit.sha[:7]} '{commit.subject}'" for commit in foreign[-_NAMED:][::-1])
    more = f" and {count - _NAMED} before them" if count > _NAMED else ""
    them = "them" if count != 1 else "it"
    return (
        f"the window from '{since}' to {end[:7]} takes in {count} commit{'s' * (count != 1)} that "
        f"{'are' if count != 1 else 'is'} not the session's own ({named}{more}: committed before the session began, "
        f"or before a commit of the session that was moved on top of {them}), so the note would claim "
        f"{'their' if count != 1 else 'its'} work: check, then write since: {foreign[-1].sha[:7]}"
    )


_NAMED = 5  # commits named in a message; the rest counted


def others_since(plan_file: Path, repo_setting: str | None, rev: str) -> list[tuple[str, str]] | None:
    """(short sha, subject) of each commit of `rev..HEAD`, newest first, that is not the user's own work done
    here: a merge, or a commit not committed by the identity git commits as now (its `user.email`, or
    GIT_COMMITTER_EMAIL); empty when all are.  Its author does not count, as in moved_past: a colleague's commit
    the user cherry-picked (or a patch applied with `git am`) was written here by the user, where it stands, as
    the session's own work.  None when git cannot tell (no repository, `rev` no commit)."""
    if not _askable(rev):
        return None
    try:
        with GitRepo.open(repo_start(plan_file, repo_setting)) as repo:
            if not repo.ok("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"):
                return None
            me = email_of(repo.committer())  # None: no identity
            out = repo.run("log", "--format=%h%x09%p%x09%ce%x09%s", f"{rev}..HEAD").decode("utf-8", "replace")
    except GitUnavailable:
        return None
    others = []
    for line in out.splitlines():
        sha, parents, committer, subject = line.split("\t", 3)
        if " " in parents or me is None or committer.lower() != me:
            others.append((sha, subject))
    return others


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
        foreign = taken_in(repo, since, sha, session)
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
    # Sessions are told apart by who started them only where the plan names two people or more.
    several = len({session.starter for session in project.sessions} - {None}) > 1
    windows = []
    for index, session in enumerate(project.sessions):
        ends = project.window_end(index)
        end = "HEAD" if ends is None else ends[0]
        if session.since in held and end in held and not {session.since, end} & doubtful:
            others = frozenset(other.email for other in at_once(repo, project, index)) if several else frozenset()
            windows.append((session, held[session.since], held[end], others))
    if not windows:
        return []
    base = repo.run("merge-base", "--octopus", *{since for _, since, _, _ in windows}, check=False).decode().strip()
    walked = _walk(repo, "HEAD", base) if base else []
    at = {commit.sha: number for number, (_, commit) in enumerate(walked)}
    problems = []
    for session, since, end, others in windows:
        if since in at and end in at and at[end] < at[since] and session.since:
            foreign = _moved_in(walked, at[end], at[since], session, others)
            if foreign:
                said = not_its_own(session.since, end, foreign)
                problems.append(Problem(where, *session.where("since"), said, "warning"))
    return problems


class AtOnce(NamedTuple):
    """A session that ran at the same time as another (at_once): its place (index) in the plan, its starter's e-mail
    address, how the plan names them (`by`) and the session's name."""

    place: int
    email: str
    by: str
    name: str


def at_once(repo: GitRepo, project: Project, index: int) -> list[AtOnce]:
    """The sessions that ran at the same time as the one at `index` (neither ended before the other began),
    every one of them, a person's several too.  Only sessions that say who started them (`by`) are told apart.
    A note leaves out the commits each one's starter committed in its own window (notes/gather.py), and a
    rebase's moving their starters' commits is not looked into (taken_in)."""
    session = project.sessions[index]
    if session.starter is None:
        return []
    return [
        AtOnce(i, other.starter or "", other.by or "", project.session_name(i))
        for i, other in enumerate(project.sessions)
        if i != index
        and session.another_starter(other)
        and not _ended_before(repo, session, other)
        and not _ended_before(repo, other, session)
    ]


def _ended_before(repo: GitRepo, first: Session, then: Session) -> bool:
    """Whether session `first` had ended when `then` began: its end in the history of `then`'s start (`then`'s
    clone had it), or `then` began on a later day than `first` ended."""
    if not first.closed:
        return False
    if then.date > (first.end_day() or first.date):
        return True
    end, start = first.until, then.since
    return bool(end and start and _askable(end) and _askable(start)) and repo.ok(
        "merge-base", "--is-ancestor", str(end), str(start)
    )


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
