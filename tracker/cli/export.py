"""`tracker export html|csv`: the plan for people without a terminal (tracker/export/ builds it)."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.context import Failed, Options, load_plan, write_output


@click.command("export")
@click.argument("kind", type=click.Choice(["html", "csv"]))
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically; a device or FIFO in place) instead of stdout.",
)
@click.option("--force", is_flag=True, help="Replace FILE even if it is not of the KIND, or is the plan or in .git.")
@click.pass_obj
def export(options: Options, kind: str, output: Path | None, force: bool) -> None:
    """The plan as one self-contained HTML report or a CSV with one row per issue.

    html: progress, issues, every deliverable's git state and blob id, what needs
    attention; no script and nothing loaded from the network; prints to PDF.
    csv: UTF-8 with a BOM, RFC 4180, formulas neutralised.
    """
    from tracker.export import export_bytes
    from tracker.support.atomicfile import EXPORTS
    from tracker.support.clock import BadClock

    loaded = load_plan(options)
    try:
        data = export_bytes(loaded, kind, options.max_bytes)
    except BadClock as exc:
        raise Failed(f"tracker: error: {exc}") from None
    write_output(data, output, f"the {kind} export", EXPORTS[kind], force, loaded.path)
