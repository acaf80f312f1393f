"""`tracker validate [--strict]` without its command line: the last verdict replayed, or a new one computed.

Two doors call `answer`: the click CLI, and cli/launch.py, which takes a plain
`tracker validate [--strict] [PLAN]` without importing click (pre-commit runs
it on every commit).  The verdict is what validate writes to each stream and
its exit status; it is kept in the answer cache (cli/replay.py) as one small
JSON document, under the same checks as a `status` answer: the plan's bytes,
`git status`, every linked file, tracker's code, today's date and the command
line (the plan's path as given: the messages quote it); and the sessions'
revisions whose answer `git status` does not vouch for (one git held no
commit for, or none in HEAD's history, or a branch or tag name), asked again:
a `git fetch` that brings the missing commit changes the verdict, not HEAD.  A plan that does not
load is not kept: its errors need no git, and it is about to be fixed.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import NamedTuple

from tracker.cli import replay


class Verdict(NamedTuple):  # not a dataclass: importing dataclasses is a tenth of a replay
    err: str  # the problems, one per line, then the count of errors when there are any
    out: str  # "PLAN: ok", with the count of warnings, when there is no error
    status: int  # the exit status: 1 if any problem is an error

    def show(self, out: replay.Write, err: replay.Write) -> int:
        """Write the verdict as validate does, and give its exit status."""
        if self.err:
            err(self.err)
        if self.out:
            out(self.out)
        return self.status


def answer(plan: Path, max_bytes: int, strict: bool, out: replay.Write, err: replay.Write) -> int:
    """Validate `plan` (with `strict`: drift, overdue, stale and done-with-open-steps are errors), write the
    verdict through `out` and `err` (text in the terminal's encoding), and give the exit status."""
    from tracker.support.clock import today

    day = today()  # what is overdue or stale
    command = replay.command_line("validate", day, strict=strict, max_bytes=max_bytes, plan=str(plan))
    kept: list[str | bytes] = []
    if replay.replay(plan, command, kept.append, max_bytes):
        verdict = _decoded(kept)
        if verdict is not None:
            return verdict.show(out, err)
    return _computed(plan, max_bytes, strict, day, command).show(out, err)


def _computed(plan: Path, max_bytes: int, strict: bool, day: datetime.date, command: list[str]) -> Verdict:
    """The verdict computed, and recorded as validate's answer when the plan loaded far enough to link."""
    from tracker.cli.computing import compute
    from tracker.plan import compliance

    kept: list[str | bytes] = []
    loaded = compute(
        plan,
        command,
        day.isoformat(),
        max_bytes,
        kept.append,  # the verdict is read back as a replay reads it
        lambda loaded, basis: [_encoded(_linked(loaded, basis, strict, day))],
        history=compliance.reviews_anything if strict else False,  # last commits date the evidence
        with_errors=True,  # a plan with errors is linked too: its links' problems are told with them
    )
    return _decoded(kept) or _verdict(loaded)  # nothing kept: no plan to link (its errors need no git)


def _linked(loaded, basis: replay.Basis, strict: bool, day: datetime.date) -> Verdict:
    """The verdict on a plan and its links (`basis.links`): the plan's problems, drift, sessions' revisions git
    does not hold, reviews dated after `day` (with `strict`, what strict adds), and a merge driver git cannot
    run.  The revisions whose answer `git status` does not vouch for are added to `basis`, for a replay to ask
    git again, and so are the files the driver's warning is read from (the config that names it, the program)."""
    from tracker.git import driver_problem, link_problems, reviews_to_come, session_revision_problems, strict_problems
    from tracker.plan import sort_key

    where = str(loaded.path)
    links = basis.links
    found = link_problems(loaded.project, links, where, drift=not strict)
    if links.repo.root is not None:
        # `git status` changes with HEAD, which fixes what a sha in its history names; a fetch that brings a
        # commit git did not hold, or a branch that moves, leaves it as it was: those revisions are asked again.
        revisions = session_revision_problems(loaded.project, loaded.path, links.repo.root, where)
        found += revisions.problems
        basis.revisions += [[rev, sha] for rev, sha in revisions.unpinned]
    found += reviews_to_come(loaded.project, day, where, strict)
    if strict:
        found += strict_problems(loaded.project, links, day, where)
    driver, files = driver_problem(loaded.path)
    found += [driver] if driver is not None else []
    basis.read_too(files)
    loaded.problems = sorted(loaded.problems + found, key=sort_key)
    return _verdict(loaded)


def _verdict(loaded) -> Verdict:
    from tracker.support.figures import counted
    from tracker.support.textsafe import block, one_line

    err = "".join(f"{problem}\n" for problem in loaded.problems)
    if not loaded.ok:
        errors = len(loaded.errors)
        return Verdict(err + block(f"{loaded.path}: {counted(errors, 'error')}") + "\n", "", 1)
    warnings = len(loaded.problems)
    warned = f" ({counted(warnings, 'warning')})" if warnings else ""
    return Verdict(err, f"{one_line(str(loaded.path))}: ok{warned}\n", 0)


def _encoded(verdict: Verdict) -> str:
    return json.dumps([verdict.err, verdict.out, verdict.status])  # ASCII: a lone surrogate survives it


def _decoded(kept: list[str | bytes]) -> Verdict | None:
    """The verdict an entry held; None if it holds anything else (then it is computed again)."""
    try:
        err, out, status = json.loads("".join(piece if isinstance(piece, str) else piece.decode() for piece in kept))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not (isinstance(err, str) and isinstance(out, str) and type(status) is int):
        return None
    return Verdict(err, out, status)
