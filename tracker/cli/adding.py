"""`tracker add phase|issue|step|deliverable`: new entries written into the plan by the one writer."""

from __future__ import annotations

import click

from tracker.cli.context import Failed, Options, command_day, command_estimate, load_to_write, write_change


@click.group()
def add() -> None:
    """Add a phase, an issue, a step or a deliverable to the plan (the rest of the file is kept as it is)."""


@add.command("phase")
@click.argument("title")
@click.option("--id", "id_", metavar="ID", help="The phase's id (default: the next in the plan's sequence, e.g. P5).")
@click.pass_obj
def add_phase(options: Options, title: str, id_: str | None) -> None:
    """Append a phase titled TITLE."""
    from tracker.edit import AddPhase

    _write(options, AddPhase(_text(title, "TITLE"), id_))


@add.command("issue")
@click.argument("phase")
@click.argument("title")
@click.option("--id", "id_", metavar="ID", help="The issue's id (default: the next in the plan's sequence).")
@click.option("--owner", metavar="NAME", help="Who answers for it.")
@click.option("--due", metavar="DATE", callback=command_day, help="When it is due: YYYY-MM-DD or 'today'.")
@click.option(
    "--controls",
    metavar="IDS",
    multiple=True,
    help="Comma-separated FRAMEWORK:CONTROL ids, e.g. SOC2:CC6.1,SOC2:CC6.2 (repeatable).",
)
@click.pass_obj
def add_issue(
    options: Options,
    phase: str,
    title: str,
    id_: str | None,
    owner: str | None,
    due: str | None,
    controls: tuple[str, ...],
) -> None:
    """Append an issue titled TITLE to PHASE, with the workflow's first status."""
    from tracker.edit import AddIssue

    # Repeated, the option adds to the list: a second --controls used to replace the first without a word.
    listed = tuple(c.strip() for value in controls for c in value.split(",") if c.strip())
    _write(options, AddIssue(phase, _text(title, "TITLE"), id_, owner, due, listed))


@add.command("step")
@click.argument("issue")
@click.argument("title")
@click.option(
    "--estimate", metavar="TIME", callback=command_estimate, help="How long it takes: 30m, 1.5h, 1h30m, '2 hours'."
)
@click.pass_obj
def add_step(options: Options, issue: str, title: str, estimate: str | None) -> None:
    """Append a step titled TITLE to ISSUE."""
    from tracker.edit import AddStep

    _write(options, AddStep(issue, _text(title, "TITLE"), estimate))


@add.command("deliverable")
@click.argument("issue")
@click.argument("path")
@click.option(
    "--type",
    "type_",
    type=click.Choice(["source", "test", "doc", "report", "config", "other"]),
    help="What kind of file it is.",
)
@click.option("--purpose", metavar="TEXT", help="What the file is for.")
@click.pass_obj
def add_deliverable(options: Options, issue: str, path: str, type_: str | None, purpose: str | None) -> None:
    """Append a deliverable PATH (relative to the repository's root) to ISSUE."""
    from tracker.edit import AddDeliverable

    _write(options, AddDeliverable(issue, _text(path, "PATH"), type_, purpose), _outside_through_symlink(path))


def _outside_through_symlink(path: str):
    """A check that `path` is not led outside the repository (or into `.git`) by a symlink: such a file is
    never read, so `validate` would refuse the plan this command wrote.  Its text is the writer's to judge."""
    from tracker.plan import is_glob, unsafe_reason

    if unsafe_reason(path) or is_glob(path):
        return None

    def check(loaded) -> str | None:
        from tracker.git import escape_reason, work_tree
        from tracker.support.textsafe import one_line

        reason = escape_reason(work_tree(loaded.path, loaded.project.repo), path)
        if reason is None:
            return None
        return f"{loaded.path}: error: path '{one_line(path)}' {reason}; name a file inside the repository"

    return check


def _text(value: str, name: str) -> str:
    if not value.strip():
        raise click.BadParameter("cannot be empty", param_hint=f"'{name}'")
    return value


def _write(options: Options, change, refusal=None) -> None:
    """Write `change`, unless `refusal` (given the plan) says why not."""
    loaded, unmerged = load_to_write(options)
    refused = refusal(loaded) if refusal is not None else None
    if refused:
        raise Failed(refused)
    write_change(change, loaded, unmerged, lambda written: change.added(written.project))
