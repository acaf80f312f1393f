"""`tracker set ISSUE STATUS` without the click CLI, and from the one issue's part of the parse cache.

On a 10,000-issue plan a `set` spent most of its time on what one line does
not need: importing click, and decoding the whole cached model (a tenth of a
second) to change one issue.  cli/launch.py gives the plain form here; the plan
is read in part (plan.load_part: the plan's head and that issue, from the parse
cache) and the change goes through the writer as any other, with its lock,
its checks of the file on disk and its verification of the edited lines
(edit/writer.py).  Whatever the issue alone cannot settle — a plan not cached,
one with errors, an id not found, an edit the writer cannot vouch for from the
issue's lines — goes to the CLI, which reads the whole plan: None.
"""

from __future__ import annotations

import sys


def answer(file: str | None, max_bytes: int, issue: str, status: str) -> int | None:
    """The exit status of `tracker set ISSUE STATUS`, its line or its error written; None for the CLI to take."""
    from tracker.cli.discovery import PlanNotFound, find_plan
    from tracker.plan import is_ok, load_part

    try:
        plan = find_plan(file)
    except PlanNotFound:
        return None
    loaded = load_part(plan, issue, max_bytes)
    if loaded is None or not is_ok(loaded):
        return None  # not cached, no such issue, or the plan's errors: the CLI says what it must
    from tracker.edit import NeedWhole, SetIssueStatus, WriteRefused, apply, summary
    from tracker.support.textsafe import block, one_line

    change = SetIssueStatus(issue, status)
    try:
        apply(loaded, change, warn=lambda message: _write(sys.stderr, one_line(message)))
    except NeedWhole:
        return None
    except WriteRefused as exc:
        _write(sys.stderr, block(str(exc)))  # as cli.Failed shows it
        return 1
    _write(sys.stdout, one_line(f"{loaded.path}: {summary(change, loaded.project)}"))
    return 0


def _write(stream, line: str) -> None:
    if stream is not None:  # started with it closed: nowhere to write, as click.echo has it
        stream.write(line + "\n")
