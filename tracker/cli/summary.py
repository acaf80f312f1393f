"""`tracker summary`'s note, replayed (cli/replay.py) while nothing it was made from has changed, else made and kept.

A note on 100,000 issues takes seconds to gather and render, and most of the
time it is the one made last time.  Besides what every answer depends on (the
plan's bytes, tracker's code and libraries, `git status`), it depends on:

- its command line: every option that shapes it (`--since`, `--session`,
  `--plain`, `--front-matter`, and `-o`'s file, which the note lists as "this
  file", named by its real path) and today, on which an open session's
  overdue issues and stale evidence are judged;
- the revisions it names (`--since REV`, a session's `since:` and `until:`),
  asked of git again at each replay: a branch, a tag or a short object id may
  come to name another commit without `git status` saying anything new;
- the content of every file git calls changed (the window's changes are a
  diff against the work tree, whose renames git finds by content), every file
  it reports on (its links), and the ignore files (each folder's .gitignore,
  the repository's info/exclude) that decide whether the output is a file the
  session made (gather.Gathered).

Not recorded: a note through a template of the user's own (`--template`),
since what such a template prints need not follow from what it is given
(Jinja's `random` filter and `lipsum`), and whether it finishes within its
time limit depends on the machine's load; nor a note when the clock names no
day (TRACKER_NOW unreadable), whose closed session needs none and whose open
one says why; nor a note written to a descriptor tracker already has (`-o
/dev/stdout`), whose real path into a pipe names this process (/proc/PID/fd/
pipe:[N]): a new entry at every run, never replayed, would push the other
answers out of the cache.  All three are made as they always were.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.cli.context import Failed

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tracker.notes import Gathered
    from tracker.plan import Loaded


def recorded_note(
    plan: Path,
    max_bytes: int,
    since: str | None,
    session: str | None,
    plain: bool,
    front_matter: bool | None,
    output: Path | None,
) -> tuple[bytes, Loaded | None] | None:
    """The note (the shipped template's) as UTF-8, replayed or made and kept, with the plan it was made from
    (None when replayed: a replay reads no plan); None when it may not be kept (the clock names no day, -o
    names a descriptor: see above).  Raises SummaryError, and Failed for a plan with errors."""
    from tracker.cli import replay
    from tracker.support.atomicfile import names_descriptor
    from tracker.support.clock import BadClock, today

    if output is not None and names_descriptor(output):
        return None
    try:
        day = today()
    except BadClock:
        return None
    # repr: no option given is told from any value given (`--since None` names a branch called None).
    command = replay.command_line(
        "summary",
        day,
        since=repr(since),
        session=repr(session),
        plain=plain,
        front_matter=front_matter,
        output=repr(os.path.realpath(output) if output is not None else None),
        max_bytes=max_bytes,
    )
    pieces: list[bytes] = []

    def write(piece: str | bytes) -> None:
        pieces.append(piece.encode("utf-8") if isinstance(piece, str) else piece)

    made: list[Gathered] = []

    def read(loaded: Loaded) -> replay.Basis:
        from tracker.notes import gather_summary  # here: not imported before a replay misses

        gathered = gather_summary(
            loaded, since=since, session=session, plain=plain, front_matter=front_matter, output=output
        )
        made.append(gathered)
        return replay.Basis(gathered.links, gathered.revisions, gathered.paths, changed=gathered.work_tree)

    loaded = replay.replayed_or_computed(
        plan,
        command,
        day.isoformat(),
        max_bytes,
        write,
        lambda loaded, basis: [made[0].note().encode("utf-8")],  # bytes: kept with zstandard, as an export
        history=False,
        read=read,
    )
    if loaded is not None and not loaded.ok:
        raise Failed(loaded.report())
    return b"".join(pieces), loaded
