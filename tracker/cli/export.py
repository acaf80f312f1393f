"""`tracker export html|csv`: the plan for people without a terminal (tracker/export/ builds it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click

from tracker.cli.context import Failed, Options, load_plan, output_options, plan_path, write_output

if TYPE_CHECKING:
    from tracker.cli.replay import Write
    from tracker.plan import Loaded


@click.command("export")
@click.argument("kind", type=click.Choice(["html", "csv"]))
@output_options("an earlier export of the KIND (a deliverable, another file, a file that is not of the KIND)")
@click.pass_obj
def export(options: Options, kind: str, output: Path | None, force: bool) -> None:
    """The plan as one self-contained HTML report or a CSV with one row per issue.

    html: progress, issues, every deliverable's git state and blob id, what needs
    attention; no script and nothing loaded from the network; prints to PDF.
    csv: UTF-8 with a BOM, RFC 4180, formulas neutralised.
    """
    from tracker.support.atomicfile import EXPORTS
    from tracker.support.clock import BadClock

    plan = plan_path(options)
    pieces: list[bytes] = []
    stdout: BinaryIO | None = click.get_binary_stream("stdout") if output is None else None  # type: ignore[operator]

    def write(piece: str | bytes) -> None:
        """To stdout as it comes (17 MB of HTML at 10,000 issues); to a file whole, then atomically."""
        data = piece.encode() if isinstance(piece, str) else piece  # an export is bytes, and kept as bytes
        if stdout is not None:
            stdout.write(data)
        else:
            pieces.append(data)

    try:
        loaded = _exported(plan, kind, options.max_bytes, write)
    except BadClock as exc:
        raise Failed(f"tracker: error: {exc}") from None
    if output is not None:
        from tracker.export import export_check

        data = b"".join(pieces)
        # Over a file that is there only if it is an earlier export and no deliverable (export/replacing.py): an
        # existing file is looked up in the plan the export was computed from, else (a replayed export did not
        # read it) in the plan loaded for that alone.
        check = export_check(
            kind, data, lambda: loaded if loaded is not None else load_plan(options, fail_on_errors=False)
        )
        write_output(data, output, f"the {kind} export", EXPORTS[kind], force, plan, check=check)


def _exported(plan: Path, kind: str, max_bytes: int, write: Write) -> Loaded | None:
    """Write the export's bytes through `write`: replayed (cli/replay.py) while the plan, git's view, the linked files, tracker's
    code and the day are those it was computed from, else computed and kept; the plan it was computed from
    (None: replayed).

    Its history is read from the repository found from the plan's own folder: the answer is kept only when
    the links are read from that folder too (no `repo:` elsewhere), so that `git status` vouches for both.
    """
    from tracker.cli import replay
    from tracker.support.clock import today

    day = today()
    command = replay.command_line("export", day, kind=kind, max_bytes=max_bytes)
    loaded = replay.replayed_or_computed(
        plan,
        command,
        day.isoformat(),
        max_bytes,
        write,
        lambda loaded, basis: [_export_bytes(loaded, kind, max_bytes, basis.links)],
        history=True,
        plan_history=True,  # progress over time
    )
    if loaded is not None and not loaded.ok:
        raise Failed(loaded.report())
    return loaded


def _export_bytes(loaded, kind: str, max_bytes: int, links) -> bytes:
    from tracker.export import export_bytes  # here: not imported before a replay misses

    return export_bytes(loaded, kind, max_bytes, links)
