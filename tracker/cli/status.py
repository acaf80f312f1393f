"""`tracker status` without its command line: the last answer replayed, or a new one computed and recorded.

Two doors call `answer`: the click CLI, and cli/launch.py, which takes a plain
`tracker status` without importing click at all (click is a tenth of a
first run on a small plan).
"""

from __future__ import annotations

from tracker.cli import replay

TYPE_CHECKING = False  # nothing but the replay is imported before a replay misses (see cli/replay.py)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def answer(
    plan: str | Path,
    max_bytes: int,
    as_json: bool,
    ascii_only: bool,
    files: bool,
    write: replay.Write,
    width: int | None = None,
) -> str | None:
    """Write the status of `plan`; None once written, else the plan's problems (one per line), nothing written.

    `width`: the terminal's, which `--files` rows fit (None: piped, rows whole).
    """
    from tracker.support.clock import today_text

    day_text = today_text()  # what is overdue or stale
    width = width if files else None
    command = replay.status_command(as_json, ascii_only, files, max_bytes, day_text) + (
        [f"--width={width}"] if width else []
    )
    loaded = replay.replayed_or_computed(
        plan,
        command,
        day_text,
        max_bytes,
        write,
        lambda loaded, basis: _pieces(loaded, basis.links, as_json, ascii_only, files, width, day_text),
        # The phase table needs states (for drift marks), and last commits only for evidence with a
        # review interval, which is known once the plan is read.
        history=True if as_json or files else _reviews_anything,
    )
    if loaded is None:  # replayed
        return None
    from tracker.plan import is_ok

    return None if is_ok(loaded) else loaded.report()


def _reviews_anything(project) -> bool:
    from tracker.plan import compliance  # here: not imported before a replay misses

    return compliance.reviews_anything(project)


def _pieces(
    loaded, links, as_json: bool, ascii_only: bool, files: bool, width: int | None, day_text: str
) -> Iterator[str | bytes]:
    import datetime

    today = datetime.date.fromisoformat(day_text)  # the day of the answer's name, even past midnight
    if as_json:
        from tracker.export import status_json

        # A phase at a time: a big plan is never held as one document.
        yield from status_json(loaded.project, git_of=links.git_of, repo=links.repo.to_json(), today=today)
        yield b"\n"
    elif files:
        from tracker.cli.files import render_files

        yield render_files(loaded.project, links, width)
    else:
        from tracker.cli.files import attention_lines
        from tracker.cli.table import render

        yield render(loaded.project, ascii_only=ascii_only) + attention_lines(loaded.project, links, today)


def terminal_width(stream) -> int | None:
    """The width to fit rows to when `stream` is a terminal; None when piped (rows stay whole)."""
    import os

    try:
        if stream is None or not os.isatty(stream.fileno()):
            return None
    except (AttributeError, OSError, ValueError):
        return None
    # shutil.get_terminal_size's rule (COLUMNS, else the terminal's, else 80) without importing shutil,
    # which brings bz2 and lzma: 2.4 ms of a replayed `status --files`.
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
    return columns if columns > 0 else 80
