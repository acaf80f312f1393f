"""The command line: parse arguments, call the core, map results to exit codes.

0 success, 1 bad data or a failed operation, 2 wrong usage (click's own).
Problems go to stderr as `path:line:column: severity: message`.  Heavy
imports (Textual, GitPython, Jinja2) happen inside the command that needs them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tracker import __version__
from tracker.cli.context import (
    Failed,
    Options,
    command_day,
    load_plan,
    load_to_write,
    output_options,
    plan_path,
    write_change,
    write_output,
)
from tracker.cli.coverage import coverage
from tracker.cli.discovery import DEFAULT_MAX_BYTES


def _set_global(ctx: click.Context, param: click.Parameter, value) -> None:
    """--file / --max-bytes given after a command's name: as if given before it."""
    if value is not None and isinstance(ctx.obj, Options):
        setattr(ctx.obj, "file" if param.name == "file_" else "max_bytes", value)


def _global_options() -> list[click.Option]:
    return [
        click.Option(
            ["--file", "-f", "file_"],
            metavar="PATH",
            expose_value=False,
            callback=_set_global,
            help="The plan file (as before the command's name).",
        ),
        click.Option(
            ["--max-bytes"],
            type=click.IntRange(min=1),
            expose_value=False,
            callback=_set_global,
            help="Refuse plan files larger than this (as before the command's name).",
        ),
    ]


class TrackerGroup(click.Group):
    """A group whose every command also takes the global options, so they may follow the command's name."""

    group_class = type  # subgroups (session, import) are TrackerGroups too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _take_global_options(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        """Run the command; a Ctrl+C is said as launch.py says it (what it left written, status 130), not as
        click's `Aborted!` and status 1, which would hide a change already made.  (The dashboard ends by its
        own Ctrl+C, SystemExit(130), before this sees it.)  Around click's own code, launch.py holds a Ctrl+C
        back; it is let through here, around the command alone."""
        from tracker.cli.launch import interrupted, interruptible

        try:
            return interruptible(super().invoke, ctx)
        except KeyboardInterrupt as exc:  # held again: a second one does not cut this line short
            sys.exit(interrupted(exc))


def _take_global_options(cmd: click.Command) -> None:
    """Give `cmd` and, if it is a group made elsewhere, every command in it the global options."""
    names = {opt for param in cmd.params for opt in getattr(param, "opts", [])}
    cmd.params.extend(option for option in _global_options() if not names & set(option.opts))
    for sub in getattr(cmd, "commands", {}).values():
        _take_global_options(sub)


@click.group(cls=TrackerGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--file",
    "-f",
    "file_",
    metavar="PATH",
    help="The plan file (default: $TRACKER_FILE, else the nearest data/phases.yaml).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse plan files larger than this.",
)
@click.version_option(__version__, prog_name="tracker")
@click.pass_context
def main(ctx: click.Context, file_: str | None, max_bytes: int) -> None:
    """Keep a compliance programme's plan in git: dashboard, progress and session notes.

    With no command, opens the dashboard on the plan.
    """
    ctx.obj = Options(file_, max_bytes)
    if ctx.invoked_subcommand is None:
        try:
            _dashboard(ctx.obj)
        except KeyboardInterrupt:  # Ctrl+C before the dashboard's first frame: it quits as its Ctrl+C key does
            from tracker.support.signals import INTERRUPTED

            sys.exit(INTERRUPTED)


def _dashboard(options: Options) -> None:
    """The dashboard on the plan, until it quits: the process exits with its status."""
    from tracker.plan import ReadAhead

    # The plan is read and hashed in a thread (in C, without Python's lock) while Textual and the
    # dashboard are imported, and its parse cache entry read: 0.15 s of the first frame at 100,000 issues.
    ahead = ReadAhead(plan_path(options), options.max_bytes, whole=True)
    if not ahead.path.is_file():
        # A plan that loads badly is shown with its errors and watched until fixed;
        # a path with no file behind it is a typo, not a plan to watch.
        raise Failed(load_plan(options, fail_on_errors=False, start_gc=False, ahead=ahead).report())
    from tracker.cli.serve import READ_ONLY_ENV, in_a_browser

    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not in_a_browser():
        raise click.UsageError(
            "the dashboard needs a terminal; in a script or a pipe use "
            "'tracker status' (or --json) and 'tracker summary'"
        )
    from tracker.tui import first_look, run_dashboard

    read_only = os.environ.get(READ_ONLY_ENV) == "1"
    # A big plan whose outline is kept: the first frame is drawn from it, the model decoded after it.
    first = first_look(ahead)
    if first is not None:
        sys.exit(run_dashboard(first[0], read_only, outline=first[1], ahead=ahead))
    # The dashboard turns the cyclic GC back on after its first frame (TrackerApp.on_ready).
    loaded = load_plan(options, fail_on_errors=False, start_gc=False, ahead=ahead)
    sys.exit(run_dashboard(loaded, read_only=read_only))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="The whole model with computed progress and git state.")
@click.option("--ascii", "ascii_only", is_flag=True, help="Draw bars with ASCII only.")
@click.option(
    "--files", "files", is_flag=True, help="Every deliverable and file with its git state, line count and last commit."
)
@click.argument("plan", required=False, metavar="[PLAN]")
@click.pass_obj
def status(options: Options, as_json: bool, ascii_only: bool, files: bool, plan: str | None) -> None:
    """Phases with progress (of PLAN, if given, as --file PLAN)."""
    _plan_argument(options, plan)
    if as_json and files:
        raise click.UsageError("--json already carries every file's git state; use one of --json and --files")
    from tracker.cli.status import answer

    def write(piece: str | bytes) -> None:
        click.echo(piece, nl=False)  # bytes (JSON) as they are, text in the terminal's encoding

    from tracker.cli.status import terminal_width

    width = terminal_width(sys.stdout) if files else None
    problems = answer(plan_path(options), options.max_bytes, as_json, ascii_only, files, write, width)
    if problems is not None:
        raise Failed(problems)


def _plan_argument(options: Options, plan: str | None) -> None:
    """The plan named as an argument stands for --file; naming two different plans is a usage error."""
    if plan is None:
        return
    if options.file is not None and options.file != plan:
        raise click.UsageError(f"two plans given: --file {options.file} and {plan}; give one")
    options.file = plan


@main.command()
@click.argument("plan", required=False, metavar="[PLAN]")
@click.option(
    "--strict",
    is_flag=True,
    help="Also fail on drift, overdue issues, stale evidence and done issues with open steps (for CI and pre-commit).",
)
@click.pass_obj
def validate(options: Options, plan: str | None, strict: bool) -> None:
    """Check the plan (PLAN, if given, as --file PLAN); print every problem; exit 1 if any is an error."""
    _plan_argument(options, plan)
    from tracker.cli.validation import answer

    def out(text: str | bytes) -> None:
        click.echo(text, nl=False)

    def err(text: str | bytes) -> None:
        click.echo(text, nl=False, err=True)

    status = answer(plan_path(options), options.max_bytes, strict, out, err)
    if status:
        sys.exit(status)


@main.command()
@click.option("--markdown", is_flag=True, help="The same, as the reference people read (docs/format.md).")
def schema(markdown: bool) -> None:
    """Print the JSON Schema of the plan file, for editors."""
    import json

    from tracker.plan import format_markdown, plan_schema

    click.echo(format_markdown() if markdown else json.dumps(plan_schema(), indent=2), nl=not markdown)


def _session_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from tracker.plan import is_iso_date

    date, _, number = (value or "").partition("#")
    if value is not None and value != "last" and not (is_iso_date(date) and (not _ or number.isdigit())):
        raise click.BadParameter(f"'{value}' names no session; write YYYY-MM-DD, YYYY-MM-DD#N or last")
    return value


@main.command()
@click.option(
    "--since",
    metavar="REV|DATE",
    help="Where the session started: a commit, or a day (YYYY-MM-DD) meaning just before its first commit. "
    "Default: the commit the session started at, else just before the first commit of its day.",
)
@click.option(
    "--session",
    "session_date",
    metavar="DATE|DATE#N|last",
    callback=_session_name,
    help="The session to summarise: its date, DATE#N when several share the day (N from 1), or last (the default).",
)
@output_options("this session's note (a deliverable, another note, a file that is not .md)", folders_made=True)
@click.option(
    "--template",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A Jinja2 template of your own (see docs/summary-template.md).",
)
@click.option(
    "--front-matter/--no-front-matter",
    default=None,
    help="Start with the front matter block, or leave it out (default: the plan's notes: front_matter:, else on).",
)
@click.option("--plain", is_flag=True, help="No emoji: status words only.")
@click.pass_obj
def summary(
    options: Options,
    since: str | None,
    session_date: str | None,
    output: Path | None,
    force: bool,
    template: Path | None,
    front_matter: bool | None,
    plain: bool,
) -> None:
    """The session summary as markdown, from the plan and its git history."""
    from tracker.cli.summary import recorded_note
    from tracker.notes import SummaryError, build_summary, note_check
    from tracker.plan import is_ok
    from tracker.support.atomicfile import MARKDOWN

    plan = plan_path(options)
    try:
        note, loaded = None, None
        recorded = (
            None
            if template is not None
            else recorded_note(plan, options.max_bytes, since, session_date, plain, front_matter, output)
        )
        if recorded is not None:
            note, loaded = recorded
        if note is None:  # a template of the user's own, no day, -o /dev/stdout: never kept (cli/summary.py)
            loaded = load_plan(options)
            text = build_summary(
                loaded,
                since=since,
                session=session_date,
                plain=plain,
                front_matter=front_matter,
                template=template,
                output=output,
            )
            note = text.encode("utf-8")
    except SummaryError as exc:
        raise Failed(str(exc)) from None
    # Over a file that is there only if it is this session's note (notes/replacing.py): a file kept is said
    # why of the plan the note was made from, else (a replayed note did not read it) of the plan loaded for that.
    check = note_check(note, lambda: loaded if loaded is not None else load_plan(options, fail_on_errors=False))
    write_output(note, output, "the summary", MARKDOWN, force, plan, make_folders=True, check=check)
    # Only where the note was made: a replayed one stands for the same plan bytes and `git status` as the run
    # that recorded it, which said this then, and it reads no plan (at 100,000 issues, loading one to ask
    # would cost a second, four times the replay).
    if loaded is not None and is_ok(loaded) and since is None and session_date in (None, "last"):
        from tracker.edit import left_out_of_note

        warning = left_out_of_note(loaded)
        if warning is not None:
            click.echo(warning, err=True)


def _review_day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A review's day (as command_day): one still to come would keep its evidence fresh for a review not yet made."""
    from tracker.plan import compliance
    from tracker.support.clock import today

    day = command_day(ctx, param, value)
    if day is not None and compliance.is_to_come(day, today()):
        raise click.BadParameter(
            f"{day} is after today ({today().isoformat()}); give the day the evidence was reviewed, or 'today'"
        )
    return day


@main.command("set")
@click.argument("issue")
@click.argument("status", required=False)
@click.option(
    "--step", type=click.IntRange(min=1), metavar="N", help="Set step N of the issue (counting from 1) to todo or done."
)
@click.option("--deliverable", metavar="PATH", help="Set the status (or --reviewed) of the issue's deliverable PATH.")
@click.option("--owner", metavar="NAME", help="Who answers for the issue.")
@click.option("--due", metavar="DATE", callback=command_day, help="When the issue is due: YYYY-MM-DD or 'today'.")
@click.option(
    "--reviewed",
    metavar="DATE",
    callback=_review_day,
    help="With --deliverable: when the evidence was last reviewed (YYYY-MM-DD or 'today').",
)
@click.pass_obj
def set_status(
    options: Options,
    issue: str,
    status: str | None,
    step: int | None,
    deliverable: str | None,
    owner: str | None,
    due: str | None,
    reviewed: str | None,
) -> None:
    """Change the status of ISSUE (or of one of its steps or deliverables), its owner or due date, or when its
    evidence was reviewed, in the file: one line per value."""
    from tracker.edit import (
        SetDeliverableReviewed,
        SetDeliverableStatus,
        SetIssueField,
        SetIssueStatus,
        SetStepStatus,
    )

    if step is not None and deliverable is not None:
        raise click.UsageError("use --step or --deliverable, not both")
    if reviewed is not None and deliverable is None:
        raise click.UsageError("--reviewed is about a piece of evidence: name it with --deliverable PATH")
    if step is not None and status is None:
        raise click.UsageError("give the step's new status: tracker set ISSUE todo|done --step N")
    changes: list = []
    if status is not None:
        if step is not None:
            changes.append(SetStepStatus(issue, step - 1, status))
        elif deliverable is not None:
            changes.append(SetDeliverableStatus(issue, deliverable, status))
        else:
            changes.append(SetIssueStatus(issue, status))
    changes += [
        SetIssueField(issue, key, value) for key, value in (("owner", owner), ("due", due)) if value is not None
    ]
    if reviewed is not None and deliverable is not None:
        changes.append(SetDeliverableReviewed(issue, deliverable, reviewed))
    if not changes:
        raise click.UsageError("nothing to change: give a STATUS, --owner, --due or --deliverable PATH --reviewed")
    loaded, unmerged = load_to_write(options)
    for change in changes:
        loaded = write_change(change, loaded, unmerged)


from tracker.cli.starting import import_, init  # noqa: E402  (commands of their own topic, added last)

main.add_command(init)
main.add_command(import_)
from tracker.cli.adding import add  # noqa: E402

main.add_command(add)
from tracker.cli.history import history  # noqa: E402

main.add_command(history)
from tracker.cli.export import export  # noqa: E402

main.add_command(export)
from tracker.cli.serve import serve  # noqa: E402

main.add_command(serve)

from tracker.cli.session import session  # noqa: E402  (commands of their own topic join the group here)

main.add_command(session)
from tracker.cli.merge import merge_file  # noqa: E402

main.add_command(merge_file)
from tracker.cli.merge import git_group  # noqa: E402

main.add_command(git_group)


main.add_command(coverage)
