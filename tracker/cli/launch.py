"""The `tracker` program: a plain `status`, `validate` or `set ISSUE STATUS` is answered before click is imported.

Replaying a recorded answer (cli/replay.py) takes a tenth of a second;
importing click and the CLI would add a third to that, and a tenth to a
first run.  So the plain forms of the command, `tracker [-f|--file PATH]
[--max-bytes N] status [--json|--files] [--ascii]`, are recognised here and
answered by cli/status.py, as the CLI's `status` would; the global options may
also follow `status`, and the plan may be its argument (`tracker status PLAN`).  Anything else, and a
plan that is not found, goes to the click CLI (cli/commands.py).  Either way the
process then ends at once (see `main`).

A plain `tracker validate [--strict] [PLAN]` (pre-commit's hook) is taken the
same way, by cli/validation.py.

`tracker set ISSUE STATUS` and `tracker add issue PHASE TITLE` with the same
global options are taken here too (cli/quickset.py): on a big plan, click and
the whole cached model are most of their time.  What they cannot answer from
a part of the plan goes to the CLI.
"""

from __future__ import annotations

# signal's own core, without a stub: signal.py loads enum and functools, which a replayed status never needs
import _signal  # type: ignore[import-not-found]
import gc
import os
import sys

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")

_STATUS_FLAGS = {"--json": "json", "--ascii": "ascii", "--files": "files"}


def main() -> None:
    """Run the command line with the cyclic GC off while it starts, then end without tearing Python down.

    Starting up allocates what lives to the end (modules, classes, the plan,
    the dashboard's widgets), so the collector would scan it again and again
    for nothing: a tenth of the dashboard's first frame.  It is turned on
    again, with all of that frozen out of its sight, once the plan is loaded
    (`collect_again`) or the dashboard has drawn its first frame (TrackerApp).

    Unloading PyYAML, msgspec, click (GitPython, Jinja2 for a summary) module by module takes
    longer than many commands do (40-75 ms), and nothing is left to release by
    then: files are written and closed, locks are let go, git processes are
    done.  Only the standard streams still hold output: `run` flushes them.
    """
    gc.disable()
    os._exit(run())


def run() -> int:
    """The command line's exit status, its output flushed: a plain `status` answered here, else the click CLI.

    Output that cannot be written (a full disk, a quota) is a one-line error
    and status 1; a reader that went away (`tracker status | head`) is status
    1 without a word, as click has it.  A Ctrl+C is said by `interrupted`
    wherever it lands, up to the end of the process (see `hold_interrupts`).
    """
    try:
        try:
            status = _status()
            _flush()
            hold_interrupts()  # the command has ended: a Ctrl+C from here to os._exit is too late to stop it
        except KeyboardInterrupt as exc:  # Ctrl+C on a path taken here (the CLI says its own: TrackerGroup)
            hold_interrupts()  # a second one must not cut the line short
            status = interrupted(exc)
            _flush()
        return status
    except BrokenPipeError:
        return 1
    except OSError as exc:
        from tracker.support.textsafe import one_line

        where = f"{one_line(str(exc.filename))}: " if exc.filename else "cannot write the output: "
        try:  # not through sys.stderr: it may be the stream that failed
            os.write(2, f"tracker: error: {where}{exc.strerror or exc}\n".encode(errors="replace"))
        except OSError:
            pass
        return 1


def _status() -> int:
    """The command's exit status: a plain form answered here, else the click CLI's."""
    leaves(NOTHING_WRITTEN if _writes_a_file(sys.argv[1:]) else None)
    from tracker.support.clock import BadClock

    try:
        found = plain_status(sys.argv[1:])
        answered = _answered(*found) if found is not None else None
        checking = plain_validate(sys.argv[1:]) if found is None else None
        if checking is not None:
            answered = _validated(*checking)
        setting = plain_set(sys.argv[1:]) if found is None and checking is None else None
        adding = plain_add(sys.argv[1:]) if found is None and checking is None and setting is None else None
        if setting is not None or adding is not None:
            from tracker.cli import quickset

            _unless_ascii(sys.stdout, sys.stderr)
            if setting is not None:
                answered = quickset.answer(*setting)
            elif adding is not None:
                answered = quickset.add_issue(*adding)
        if answered is not None:
            return answered
        # click says a Ctrl+C that reaches its own code (parsing the command line, ending) as "Aborted!" and
        # status 1, which would hide a change already made: it is held there, let through around the
        # command itself (TrackerGroup.invoke, `interruptible`).  Held from before the CLI is imported, too:
        # one landing inside an import can crash it (support/faces.py's _module); it is raised as the command
        # starts.
        hold_interrupts()
        from tracker.cli.commands import main as cli

        cli()  # standalone: it always ends in SystemExit
        return 0
    except SystemExit as exc:
        return _exit_status(exc.code)
    except BadClock as exc:  # TRACKER_NOW is no date: whatever command asked for today
        if sys.stderr is not None:
            sys.stderr.write(f"tracker: error: {exc}\n")
        return 1


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None: started with that descriptor closed
            stream.flush()


NOTHING_WRITTEN = "nothing was written"
CHANGE_WRITTEN = "the change above was written"
# The commands whose every write is a change of the plan through its writer: nothing is written until a
# change is in place, and each one says when it is (CHANGE_WRITTEN).
_PLAN_WRITERS = ("set", "add", "session")
# What a Ctrl+C now leaves, as `interrupted` says it (`leaves`): NOTHING_WRITTEN from the start for the plan's
# writers, from its -o for a summary or an export (cli/context.py), then what each write put in place.  None
# for a command that writes no file (`status`, `validate`, `serve`, whose browsers' dashboards may well have
# written), or has not said what it writes: a line saying "nothing was written" would then claim too much.
_left: str | None = None
# The list said_once_written hands the write under way, which the writer appends the plan it put in place to in
# the step of its rename (each write its own list: the writer reads it as its own): however late a Ctrl+C comes
# after that, even while the change's line is being said, the change was written.
_landed: list = []


def leaves(said: str | None) -> None:
    """From now on, a Ctrl+C leaves what `said` says (NOTHING_WRITTEN, CHANGE_WRITTEN, an output's words), or
    nothing to speak of (None)."""
    global _left
    _left = said


def said_once_written(write: Callable[[list], T], say: Callable[[T], None]) -> T:
    """`write(landed)`, a change through the writer (edit.apply with `landed`: the plan it put in place, added in
    the same step as the rename), then `say(the plan written)`, its line; from then on a Ctrl+C leaves the
    change written.  One that comes once the rename is done, even in the few bytecodes after the writer
    returned and before the line was said, says the line and that the change was written: the writer noted
    it, where this caller's own note would come too late."""
    from tracker.support.signals import interrupt_held

    global _landed
    landed: list = []
    _landed = landed
    said = False
    try:
        written = write(landed)
        with interrupt_held():  # the line and its note, one step: a Ctrl+C meanwhile is raised once both are made
            say(written)
            leaves(CHANGE_WRITTEN)
            said = True
    except KeyboardInterrupt:  # edit.Interrupted too: the writer's watch after the rename
        if said or not landed:
            raise  # before the rename, nothing was written; once said, the change above was
        # Held, and the note first: a second Ctrl+C while the line is said must not leave "nothing was written".
        with interrupt_held():
            leaves(CHANGE_WRITTEN)
            say(landed[-1])
        raise
    return written


def interrupted(exc: KeyboardInterrupt) -> int:
    """Say what a Ctrl+C left, on one line, and give the status a shell gives a process ended by SIGINT.

    A change in place when it came (edit.Interrupted: the writer's rename is done, its line already said)
    is written; any other Ctrl+C left what the command last said it would (`leaves`): before a write's
    rename, which is atomic, nothing; after it, that file.  A command that writes no file says only that
    it was interrupted.
    """
    from tracker.support.signals import INTERRUPTED

    # edit.Interrupted, told by its attribute: its module may not be loaded
    left = CHANGE_WRITTEN if hasattr(exc, "written") or (_landed and _left == NOTHING_WRITTEN) else _left
    if sys.stderr is not None:
        sys.stderr.write(f"tracker: interrupted; {left}\n" if left else "tracker: interrupted\n")
    return INTERRUPTED


_held: list[int] = []  # the Ctrl+Cs that came while held (hold_interrupts), not yet raised


def hold_interrupts() -> None:
    """From now on a Ctrl+C is noted, not raised, except inside `interruptible`: where click's own code runs
    (it would say it as "Aborted!", status 1) and once the command has ended, up to os._exit.

    Only Python's usual handler is replaced: a SIGINT ignored (a job started in the background by a script)
    stays ignored, and one that asyncio or another caller set is theirs."""
    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, _note)


def _note(signum, frame) -> None:
    _held.append(signum)


def interruptible(command: Callable[..., T], *args) -> T:
    """`command(*args)` with a Ctrl+C raised as usual, KeyboardInterrupt (one held before it, at once); held
    again after it.  Where none is held (nested, or hold_interrupts not called), it just runs."""
    if _signal.getsignal(_signal.SIGINT) is not _note:
        return command(*args)
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    try:
        if _held:
            _held.clear()
            raise KeyboardInterrupt
        return command(*args)
    finally:
        _signal.signal(_signal.SIGINT, _note)


def _command(args: list[str]) -> str | None:
    """The command's name: the first argument that is neither an option nor the value of a global one."""
    index = 0
    while index < len(args):
        if args[index] in ("-f", "--file", "--max-bytes"):
            index += 2
        elif args[index].startswith("-"):
            index += 1
        else:
            return args[index]
    return None


def _writes_a_file(args: list[str]) -> bool:
    """Whether the command line writes a file: the plan's writers, `init` (but `--template list`), `git` (setup)
    always; `import` unless to `-o -` (stdout); `summary` and `export` with `-o FILE`; all read here before click
    reads them (cli/context.output_options), so that a Ctrl+C meanwhile is said as one before their rename, not
    as a command's that writes no file."""
    command = _command(args)
    if command in _PLAN_WRITERS or command == "git":
        return True
    if command == "init":
        return _last_value(args, "-t", "--template") != "list"
    if command == "import":  # its plan goes to --file or data/phases.yaml without -o
        return _last_value(args, "-o", "--output") != "-"
    if command not in ("summary", "export"):
        return False
    return _last_value(args, "-o", "--output") not in (None, "-")


def _last_value(args: list[str], short: str, long: str) -> str | None:
    """The value of the option spelt `short` or `long`, the last one given as click takes it; None if none is."""
    value = None
    for index, arg in enumerate(args):
        if arg in (short, long):
            value = args[index + 1] if index + 1 < len(args) else None
        elif arg.startswith(f"{long}="):
            value = arg.partition("=")[2]
        elif arg.startswith(short):
            value = arg[len(short) :]
    return value


def _exit_status(code: object) -> int:
    """What Python itself would exit with for `sys.exit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def plain_status(args: list[str]) -> tuple[str | None, int, dict[str, bool]] | None:
    """(--file, --max-bytes, flags) of a plain `status` command line, or None for anything else.

    As in the click CLI (cli/commands.py), --file/-f and --max-bytes may come
    before or after `status`, and the plan may be named as its argument.
    """
    found = _plain(args, "status", _STATUS_FLAGS, 1)
    if found is None:
        return None
    file, max_bytes, flags, named = found
    if flags["json"] and flags["files"]:
        return None  # a usage error worded by the CLI
    if named:
        if file is not None and file != named[0]:
            return None
        file = named[0]
    return file, max_bytes, flags


def plain_validate(args: list[str]) -> tuple[str | None, int, bool] | None:
    """(--file, --max-bytes, --strict) of a plain `validate [--strict] [PLAN]` command line (pre-commit's), or
    None for anything else."""
    found = _plain(args, "validate", {"--strict": "strict"}, 1)
    if found is None:
        return None
    file, max_bytes, flags, named = found
    if named:
        if file is not None and file != named[0]:
            return None  # a usage error worded by the CLI
        file = named[0]
    return file, max_bytes, flags["strict"]


def plain_set(args: list[str]) -> tuple[str | None, int, str, str] | None:
    """(--file, --max-bytes, ISSUE, STATUS) of a plain `set ISSUE STATUS` command line, or None for anything
    else (another option of `set`, a missing STATUS, `--` before a value)."""
    found = _plain(args, "set", {}, 2)
    if found is None or len(found[3]) != 2:
        return None
    file, max_bytes, _, (issue, status) = found
    return file, max_bytes, issue, status


def plain_add(args: list[str]) -> tuple[str | None, int, str, str] | None:
    """(--file, --max-bytes, PHASE, TITLE) of a plain `add issue PHASE TITLE` command line, or None for anything
    else (an option of `add issue`, a title that starts with a dash)."""
    found = _plain(args, "add", {}, 3)
    if found is None or len(found[3]) != 3 or found[3][0] != "issue":
        return None
    file, max_bytes, _, (_, phase, title) = found
    return file, max_bytes, phase, title


def _plain(
    args: list[str], command: str, flag_names: dict[str, str], most: int
) -> tuple[str | None, int, dict[str, bool], list[str]] | None:
    """(--file, --max-bytes, flags, arguments) of `command` with the global options before or after it,
    its flags and at most `most` arguments; None for any other command line."""
    from tracker.cli.discovery import DEFAULT_MAX_BYTES

    file, max_bytes = None, DEFAULT_MAX_BYTES
    named: list[str] = []
    flags = dict.fromkeys(flag_names.values(), False)
    seen = False
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == command and not seen:
            seen = True
            index += 1
            continue
        if seen and arg in flag_names:
            flags[flag_names[arg]] = True
            index += 1
            continue
        if seen and not arg.startswith("-") and len(named) < most:
            named.append(arg)
            index += 1
            continue
        value = args[index + 1] if index + 1 < len(args) else ""
        if not value or value.startswith("-"):
            return None
        if arg in ("-f", "--file"):
            file = value  # the last one, as click takes it
        elif arg == "--max-bytes" and value.isascii() and value.isdigit() and int(value) >= 1:
            max_bytes = int(value)
        else:
            return None
        index += 2
    return (file, max_bytes, flags, named) if seen else None


def _answered(file: str | None, max_bytes: int, flags: dict[str, bool]) -> int | None:
    """The exit status of a plain `status`, its answer or the plan's problems written; None for the CLI to take."""
    from tracker.cli.status import answer

    plan = _found_plan(file)
    if plan is None:
        return None
    try:
        from tracker.cli.status import terminal_width

        width = terminal_width(sys.stdout) if flags["files"] else None
        problems = answer(plan, max_bytes, flags["json"], flags["ascii"], flags["files"], _write, width)
    except BrokenPipeError:  # `tracker status | head`
        return _reader_gone()
    if problems is None:
        return 0
    from tracker.support.textsafe import block

    if sys.stderr is not None:
        sys.stderr.write(block(problems) + "\n")  # as cli.Failed shows them
    return 1


def _validated(file: str | None, max_bytes: int, strict: bool) -> int | None:
    """The exit status of a plain `validate`, its verdict written; None for the CLI to take."""
    from pathlib import Path

    from tracker.cli.validation import answer

    plan = _found_plan(file)
    if plan is None:
        return None
    try:
        return answer(Path(plan), max_bytes, strict, _write, _write_error)
    except BrokenPipeError:  # `tracker validate | head`
        return _reader_gone()


def _found_plan(file: str | None) -> str | None:
    """The plan to answer for, the output streams made ready; None when it is not found (the CLI says so
    properly)."""
    from tracker.cli.discovery import PlanNotFound, find_plan_name

    try:
        plan = find_plan_name(file)
    except PlanNotFound:
        return None
    _unless_ascii(sys.stdout, sys.stderr)
    return plan


def _reader_gone() -> int:
    """Status 1 without a word once the reader of the output went away, as the click CLI ends."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def _unless_ascii(*streams) -> None:
    """Streams set to ASCII (PYTHONIOENCODING=ascii, an old locale) write UTF-8 instead, as click.echo has it."""
    import codecs

    for stream in streams:
        encoding = getattr(stream, "encoding", None)
        if encoding and codecs.lookup(encoding).name == "ascii" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


def _write_error(text: str | bytes) -> None:
    if sys.stderr is not None:  # started with stderr closed: nowhere to write, as click.echo has it
        sys.stderr.write(text if isinstance(text, str) else text.decode())


def _write(piece: str | bytes) -> None:
    if sys.stdout is None:  # started with stdout closed: nowhere to write, as click.echo has it
        return
    if isinstance(piece, bytes):
        sys.stdout.buffer.write(piece)
    else:
        sys.stdout.write(piece)
