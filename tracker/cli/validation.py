"""`tracker validate [--strict]` without its command line: the last verdict replayed, or a new one computed.

Two doors call `answer`: the click CLI, and cli/launch.py, which takes a plain
`tracker validate [--strict] [PLAN]` without importing click (pre-commit runs
it on every commit).  The verdict is what validate writes to each stream and
its exit status; it is kept in the answer cache (cli/replay.py) as one small
JSON document, under the same checks as a `status` answer: the plan's bytes,
`git status`, every linked file, tracker's code, today's date and the command
line (the plan's path as given: the messages quote it).  A plan that does not
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
    verdict = _computed(plan, max_bytes, strict, day, replay.Recorder(plan, command))
    return verdict.show(out, err)


def _computed(plan: Path, max_bytes: int, strict: bool, day: datetime.date, recorder: replay.Recorder) -> Verdict:
    from tracker.plan import load, sort_key
    from tracker.support.memory import collect_again

    loaded = load(plan, max_bytes=max_bytes)
    collect_again()
    links = None
    if loaded.project is not None:
        from tracker.git import link_problems, read_links, repo_start, strict_problems
        from tracker.plan import compliance

        where = str(loaded.path)
        recorder.before_git(repo_start(loaded.path, loaded.project.repo))
        history = strict and compliance.reviews_anything(loaded.project)  # last commits date the evidence
        links = read_links(loaded.project, loaded.path, history=history)
        found = link_problems(loaded.project, links, where, drift=not strict)
        if strict:
            found += strict_problems(loaded.project, links, day, where)
        loaded.problems = sorted(loaded.problems + found, key=sort_key)
    verdict = _verdict(loaded)
    if links is not None:
        recorder.record(loaded.digest, links, [_encoded(verdict)], lambda _: None)
    return verdict


def _verdict(loaded) -> Verdict:
    from tracker.support.textsafe import block, one_line

    err = "".join(f"{problem}\n" for problem in loaded.problems)
    if not loaded.ok:
        errors = len(loaded.errors)
        return Verdict(err + block(f"{loaded.path}: {errors} error{'s' * (errors != 1)}") + "\n", "", 1)
    warnings = len(loaded.problems)
    counted = f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else ""
    return Verdict(err, f"{one_line(str(loaded.path))}: ok{counted}\n", 0)


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
