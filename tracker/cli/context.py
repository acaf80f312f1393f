"""What every command shares: its options, finding and loading the plan, and failing with a located message.

A command lives in the module of its topic (commands.py has the first ones)
and is added to the group in commands.py; it reaches the plan through
`load_plan`, so discovery, --max-bytes and the GC rule are the same for all.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click

from tracker.support.memory import collect_again

if TYPE_CHECKING:
    from tracker.git import StatusRun
    from tracker.plan import LoadedOk


class Failed(click.ClickException):
    """A failed operation: its message is already in the compiler form."""

    exit_code = 1

    def show(self, file=None) -> None:
        # The message may quote the plan or the command line; no escape sequence passes.
        from tracker.support.textsafe import block

        click.echo(block(self.format_message()), err=True)


@dataclass
class Options:
    file: str | None
    max_bytes: int


def plan_path(options: Options) -> Path:
    from tracker.cli.discovery import PlanNotFound, find_plan

    try:
        return find_plan(options.file)
    except PlanNotFound as exc:
        raise Failed(f"tracker: error: {exc}") from None


def load_plan(options: Options, fail_on_errors: bool = True, start_gc: bool = True, ahead=None):
    """The loaded plan; with fail_on_errors, every problem printed and exit 1 if any is an error, or if git left
    the plan unmerged (git.unmerged_problem, asked as the plan is read: git's few milliseconds, the whole index
    read, pass beside the read instead of after it).

    `tracker` starts with the cyclic GC off (launch.main); start_gc turns it on again.
    `ahead`: the plan read and hashed meanwhile (plan.ReadAhead of plan_path(options)).
    """
    path = ahead.path if ahead is not None else plan_path(options)
    if not fail_on_errors:
        return _load(options, path, fail_on_errors=False, start_gc=start_gc, ahead=ahead)
    from tracker.git import ask_unmerged, unmerged_problem

    asked = ask_unmerged(path)
    loaded = _load(options, path, start_gc=start_gc, ahead=ahead, asked=asked)
    # One side of a merge alone: no plan to answer for.
    left = unmerged_problem(loaded.path, str(loaded.path), asked=asked)
    if left is not None:
        raise Failed(str(left))
    return loaded


def load_to_write(options: Options) -> tuple[LoadedOk, StatusRun | None]:
    """The plan a command writes to, as load_plan loads it, refused as a write refuses it if git left it unmerged
    (edit.refuse_unmerged: "nothing was written"); and git's run that answered, for each of the command's
    writes (edit.apply's `unmerged`): its answer is kept, so a command asks git once however many writes it
    makes, and git's few milliseconds (the whole index is read) pass while the plan is read."""
    from tracker.edit import WriteRefused, refuse_unmerged
    from tracker.git import ask_unmerged

    path = plan_path(options)
    asked = ask_unmerged(path)
    loaded = _load(options, path, asked=asked)
    try:
        refuse_unmerged(loaded, asked)
    except WriteRefused as exc:
        raise Failed(str(exc)) from None
    return loaded, asked


def write_change(change, loaded, unmerged, said=None):
    """Apply `change` to `loaded` through the writer (the TUI's path too), say what it did, and give the plan as
    now written (`loaded`, `unmerged`: load_to_write's).  `said(written)`: what it did, from the plan written (an
    added record's id is there); else edit.summary of it on the plan before."""
    from tracker.cli.launch import said_once_written
    from tracker.edit import WriteRefused, apply, left_open_warning, summary
    from tracker.support.textsafe import one_line

    def line(written) -> None:
        click.echo(one_line(f"{loaded.path}: {summary(change, loaded.project) if said is None else said(written)}"))

    def write(landed: list):
        return apply(
            loaded,
            change,
            warn=lambda message: click.echo(one_line(message), err=True),
            unmerged=unmerged,
            landed=landed,
        )

    try:
        # A Ctrl+C once the change is in place says it, then stops the command; from here on (before the next
        # write's rename) one comes after this change.
        written = said_once_written(write, line)
    except WriteRefused as exc:
        raise Failed(str(exc)) from None
    warning = left_open_warning(change, written.project, str(loaded.path))
    if warning is not None:  # on stderr, after the change's line: a script's stdout stays that line
        click.echo(one_line(warning), err=True)
    return written


def _load(
    options: Options,
    path: Path,
    *,
    fail_on_errors: bool = True,
    start_gc: bool = True,
    ahead=None,
    asked: StatusRun | None = None,
):
    """load_plan's load of `path`, without the question to git; `asked`, git's run set going for it, is stopped
    if the load fails (the plan's errors, Ctrl+C): git is not left running."""
    from tracker.plan import load

    try:
        loaded = load(path, max_bytes=options.max_bytes, ahead=ahead)
        if start_gc:
            collect_again()
        else:
            gc.freeze()  # the dashboard turns the GC on itself, freezing what its first frame made too
        if fail_on_errors and not loaded.ok:
            raise Failed(loaded.report())
    except BaseException:
        if asked is not None:
            asked.stop()
        raise
    return loaded


def output_options(kept: str, folders_made: bool = False) -> Callable[[Callable], Callable]:
    """The -o FILE and --force options of a command whose answer write_output writes: `kept`, the files --force
    is needed for besides .git (the plan is never replaced: atomicfile.write_output's rule), as the help says them."""
    made = "; missing folders are made" if folders_made else ""
    output = click.option(
        "-o",
        "--output",
        metavar="FILE",
        type=click.Path(dir_okay=False),
        callback=_output_file,
        help=f"Write to FILE (atomically; a device or FIFO in place) instead of stdout{made}. FILE - means stdout "
        "(a file named - is ./-).",
    )
    force = click.option(
        "--force",
        is_flag=True,
        help=f"Replace FILE even if it exists and is not {kept}, or is in .git (never the plan).",
    )
    return lambda command: output(force(command))


def _output_file(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """An `-o` file; `-` is standard output (None), as Unix tools take it.  Read as text, before any Path, which
    would spell `./-` as `-` too: a file named `-` is still `-o ./-`."""
    if value is None or value == "-":
        return None
    from tracker.cli.launch import NOTHING_WRITTEN, leaves

    leaves(NOTHING_WRITTEN)  # until write_output puts it in place
    return Path(value)


def said_written(line: str) -> None:
    """Say `line`, a change's, as its file is put in place (atomicfile's `placed`, Ctrl+C held): from then on a
    Ctrl+C says the change above was written (cli/launch.py), and the line is there above it."""
    from tracker.cli.launch import CHANGE_WRITTEN, leaves

    click.echo(line)
    leaves(CHANGE_WRITTEN)


def write_output(
    data: bytes,
    output: Path | None,
    what: str,
    kinds: tuple[str, ...],
    force: bool,
    plan: Path,
    make_folders: bool = False,
    check: Callable[[Path], None] | None = None,
) -> None:
    """`data` to stdout as it is, or to `output` (atomicfile.write_output: never over the plan; into .git,
    over a file of another kind or one `check` refuses unless `force`; missing folders made with
    `make_folders`); a file that cannot be written is a located failure."""
    if output is None:
        stdout: BinaryIO = click.get_binary_stream("stdout")  # type: ignore[operator]  # click types it `object`
        stdout.write(data)
        return
    from tracker.cli.launch import leaves
    from tracker.support import atomicfile
    from tracker.support.textsafe import one_line

    def placed(whole: bool) -> None:  # what a Ctrl+C from now on leaves: a part of it in a device, or it all
        leaves(f"{what} was written to {one_line(str(output))}" if whole else None)

    try:
        atomicfile.write_output(
            output, data, kinds, force=force, keep=(plan,), make_folders=make_folders, check=check, placed=placed
        )
    except atomicfile.PlanItself as exc:  # --force or not: nothing to insist on
        raise Failed(f"{output}: error: cannot write {what}: {exc.strerror}") from None
    except atomicfile.Refused as exc:
        where = f"{output}:{exc.at[0]}:{exc.at[1]}" if exc.at else f"{output}"
        raise Failed(f"{where}: error: cannot write {what}: {exc.strerror}, or add --force to replace it") from None
    except OSError as exc:
        raise Failed(f"{output}: error: cannot write {what}: {exc.strerror or exc}") from None


def command_day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A day given on the command line: YYYY-MM-DD, or `today` (clock.today(), so TRACKER_NOW holds).  A bad
    one is wrong usage (exit 2), whichever command it is given to."""
    from tracker.plan import NOT_A_DAY, is_iso_date
    from tracker.support.clock import today

    if value is None:
        return None
    if value.lower() == "today":
        return today().isoformat()
    if not is_iso_date(value):
        raise click.BadParameter(f"'{value}' is {NOT_A_DAY}, or 'today'")
    return value


def command_estimate(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A step's estimate given on the command line, kept as typed.  One tracker cannot read is wrong usage
    (exit 2), as a bad day is (command_day); it used to reach the writer, whose refusal (AddStep.check) is a
    failed operation (exit 1)."""
    from tracker.plan import estimate_error

    if value is None:
        return None
    wrong = estimate_error(value)
    if wrong is not None:
        raise click.BadParameter(wrong)
    return value
