"""`tracker set ISSUE STATUS` and `tracker add issue PHASE TITLE` without the click CLI, from a part of the
parse cache.

On a 10,000-issue plan a `set` spent most of its time on what one line does
not need: importing click, and decoding the whole cached model (a tenth of a
second) to change one issue.  cli/launch.py gives the plain forms here; the
plan is read in part (plan.load_part: the plan's head and that issue, or the
last issues of the phase an issue is added to, from the parse cache) and the
change goes through the writer as any other, with its lock, its checks of the
file on disk and its verification of the edited lines (edit/writer.py).
Whatever the part cannot settle — a plan not cached, one with errors, an id
or phase not found, an edit the writer cannot vouch for from those lines —
goes to the CLI, which reads the whole plan: None.
"""

from __future__ import annotations

import sys


def answer(file: str | None, max_bytes: int, issue: str, status: str) -> int | None:
    """The exit status of `tracker set ISSUE STATUS`, its line or its error written; None for the CLI to take."""
    reading = _read_ahead(file, max_bytes)
    if reading is None:
        return None
    from tracker.edit import SetIssueStatus, summary  # the writer's modules, while the plan is read and git asked

    change = SetIssueStatus(issue, status)
    return _apply(reading, change, {"issue_id": issue}, lambda loaded, _: summary(change, loaded.project))


def add_issue(file: str | None, max_bytes: int, phase: str, title: str) -> int | None:
    """The exit status of `tracker add issue PHASE TITLE`, as answer has it."""
    if not title.strip():
        return None  # the CLI says what is wrong with it
    reading = _read_ahead(file, max_bytes)
    if reading is None:
        return None
    from tracker.edit import AddIssue

    change = AddIssue(phase, title)
    return _apply(reading, change, {"issue_id": None, "phase": phase}, lambda _, new: change.added(new.project))


def _read_ahead(file: str | None, max_bytes: int):
    """The plan's ReadAhead (plan.ReadAhead: read and hashed in a thread while the writer is imported), and
    git asked meanwhile whether it left the plan unmerged (git.ask_unmerged); None when the plan is not found
    (the CLI says so)."""
    from tracker.cli.discovery import PlanNotFound, find_plan

    try:
        plan = find_plan(file)
    except PlanNotFound:
        return None
    from tracker.git import ask_unmerged
    from tracker.plan import ReadAhead

    return ReadAhead(plan, max_bytes), ask_unmerged(plan)


def _apply(reading, change, part: dict, said) -> int | None:
    """Write `change` into the plan `reading` (_read_ahead's) read in part as `part` says (load_part's
    arguments); `said(loaded, written)` is the line to show for it."""
    from tracker.plan import is_ok, load_part

    ahead, unmerged = reading
    loaded = load_part(ahead.path, max_bytes=ahead.max_bytes, ahead=ahead, **part)
    if loaded is None or not is_ok(loaded):
        if unmerged is not None:
            unmerged.stop()
        return None  # not cached, no such issue or phase, or the plan's errors: the CLI says what it must
    from tracker.cli.launch import said_once_written
    from tracker.edit import NeedWhole, WriteRefused, apply, left_open_warning
    from tracker.support.textsafe import block, one_line

    def write(landed: list):
        return apply(
            loaded, change, warn=lambda message: _write(sys.stderr, one_line(message)), unmerged=unmerged, landed=landed
        )

    try:
        # A Ctrl+C once the change is in place says it, then stops the command (cli/launch.py).
        written = said_once_written(
            write, lambda written: _write(sys.stdout, one_line(f"{loaded.path}: {said(loaded, written)}"))
        )
    except NeedWhole:
        return None
    except WriteRefused as exc:
        _write(sys.stderr, block(str(exc)))  # as cli.Failed shows it
        return 1
    warning = left_open_warning(change, written.project, str(loaded.path))
    if warning is not None:  # on stderr, after the change's line: a script's stdout stays that line
        _write(sys.stderr, one_line(warning))
    # Held to the end: launch.main ends the process with os._exit, which lets the memory go at once, where
    # freeing the plan's bytes and the cache's 100,000 keys object by object took 10 ms at 100,000 issues.
    _HELD.append((reading, loaded, written))
    return 0


_HELD: list[tuple] = []


def _write(stream, line: str) -> None:
    if stream is not None:  # started with it closed: nowhere to write, as click.echo has it
        stream.write(line + "\n")
