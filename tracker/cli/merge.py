"""`tracker merge-file`: the plan's three-way merge, as git's merge driver (`%O %A %B %P %L`)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from tracker.cli.context import Failed, Options, plan_path, said_written


@click.command("merge-file")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--path", "path", default=None, help="The plan's path in the repository (git's %P), for messages.")
@click.option("--marker-size", default=7, type=click.IntRange(1, 100), help="Length of conflict markers (git's %L).")
@click.option(
    "--ours-label", default="ours", help="Label after <<<<<<< (default: ours; %X as git before 2.44 passes it: HEAD)."
)
@click.option(
    "--theirs-label",
    default="theirs",
    help="Label after >>>>>>> (default: theirs; %Y as older git passes it: what git merges).",
)
def merge_file(
    base: Path, ours: Path, theirs: Path, path: str | None, marker_size: int, ours_label: str, theirs_label: str
) -> None:
    """Merge THEIRS' changes from BASE into OURS by the plan's structure; exit 1 on conflict.

    The result replaces OURS.  Set it up as git's merge driver with `tracker git setup`.
    """
    from tracker.edit import merge_plans
    from tracker.git import GitUnavailable, driver_labels, local_side, merge_state
    from tracker.support.atomicfile import write_atomic
    from tracker.support.textsafe import one_line

    shown = path or str(ours)
    state = merge_state(Path.cwd())  # git runs the driver from the work tree's top
    ours_label, theirs_label = driver_labels(ours_label, theirs_label, state)
    try:
        old, mine, other = (name.read_bytes() for name in (base, ours, theirs))
    except OSError as exc:
        raise Failed(f"tracker: error: cannot read {exc.filename}: {exc.strerror}") from None
    local = local_side(state)
    try:
        merged = merge_plans(
            old,
            mine,
            other,
            path=shown,
            labels=("base", ours_label, theirs_label),
            marker_size=marker_size,
            local=local,
        )
    except GitUnavailable as exc:
        raise Failed(f"tracker: error: {exc}; {ours} was left as it was") from None
    if merged.fallback:
        click.echo(f"tracker: {shown}: merged line by line with git merge-file: {merged.fallback}", err=True)
    for moved in merged.renumbered:
        click.echo(
            f"tracker: {shown}: issue #{moved.old} was added on both sides; yours, {one_line(moved.title)!r}, "
            f"is now #{moved.new}",
            err=True,
        )
    for session in merged.renamed:
        whose = {"ours": "our", "theirs": "their"}[session.side]
        if local is not None:
            whose = "your" if session.side == local else "the other side's"
        date = one_line(session.date)  # as the plan's text has them: a quoted scalar may hold a line break
        began = f" started {one_line(session.started)}" if session.started else ""
        now = f"{date}#{session.after}" if session.after else "the day's first"
        click.echo(
            f"tracker: {shown}: {whose} session of {date}{began} is now {now}: the sessions of that day "
            f"from both sides go in date order, so its note is titled and named as {_numbered(session.after)}, "
            f"no longer as {_numbered(session.before)} (a note made before keeps its name)",
            err=True,
        )
    write_atomic(ours, merged.data)
    if merged.conflicts:
        click.echo(f"tracker: {shown}: {merged.conflicts} conflict(s) left to resolve", err=True)
        sys.exit(1)


def _numbered(number: int) -> str:
    """A session's place among its day's, as its day number (plan.day_number) names it."""
    return f"the day's session {number}" if number else "the day's first"


@click.group("git")
def git_group() -> None:
    """How git works with the plan."""


@git_group.command("setup")
@click.option("--undo", is_flag=True, help="Remove the .gitattributes line and the merge.tracker config.")
@click.pass_obj
def git_setup(options: Options, undo: bool) -> None:
    """Make git merge the plan with `tracker merge-file` (.gitattributes and this repository's config)."""
    from tracker.git import GitUnavailable, set_up_merge, undo_merge

    plan = plan_path(options)
    changes: list[str] = []

    def changed(line: str) -> None:
        said_written(line)
        changes.append(line)

    try:
        if undo:
            undo_merge(plan, changed)
        else:
            set_up_merge(plan, own_command(), changed)
    except OSError as exc:
        where = exc.filename if exc.filename is not None else "tracker"
        raise Failed(f"{where}: error: {exc.strerror or exc}; nothing more was changed") from None
    except (GitUnavailable, ValueError) as exc:
        raise Failed(f"tracker: error: {exc}; nothing more was changed") from None
    if not changes:
        click.echo("nothing to change: " + ("not set up" if undo else "already set up"))


def own_command() -> str:
    """This tracker as an absolute command git can run (a venv's script, or the interpreter with -m)."""
    program = Path(sys.argv[0]).resolve()
    if program.suffix == ".py" or not program.is_file():
        return f"{shlex.quote(sys.executable)} -m tracker"
    return shlex.quote(str(program))
