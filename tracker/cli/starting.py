"""Starting a plan: `tracker init` from a template, `tracker import oscal` from a control catalog."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from tracker.cli.context import Failed, Options, said_written
from tracker.cli.discovery import DEFAULT_NAME


def _target(options: Options, output: Path | None) -> Path:
    """Where a new plan goes: -o, else --file / $TRACKER_FILE, else data/phases.yaml here."""
    import os

    if output is not None:
        return output
    named = options.file or os.environ.get("TRACKER_FILE")
    return Path(named or DEFAULT_NAME)


def _project_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A blank name would be written as a plan whose `project` does not validate; one the plan cannot hold
    (plan.text_fault: a byte that is not UTF-8), as a traceback where it was quoted."""
    if value is not None and not value.strip():
        raise click.BadParameter("the project's name cannot be empty")
    from tracker.plan import text_fault

    fault = None if value is None else text_fault(value)
    if fault is not None:
        raise click.BadParameter(fault)
    return value


@click.command()
@click.option(
    "--template",
    "-t",
    default="blank",
    show_default=True,
    metavar="NAME",
    help="blank, example or nist-800-53-moderate; 'list' shows them.",
)
@click.option("--project", metavar="NAME", callback=_project_name, help="The programme's name (the plan's `project`).")
@click.option("--force", is_flag=True, help="Replace a plan that is already there.")
@click.option(
    "--git-lines/--no-git-lines",
    default=None,
    help="Add (or not) the suggested .gitignore and .gitattributes lines; asked when run in a terminal.",
)
@click.pass_obj
def init(options: Options, template: str, project: str | None, force: bool, git_lines: bool | None) -> None:
    """Write a starting plan (data/phases.yaml) into the current repository."""
    from tracker.edit import TEMPLATES, StartRefused, template_text, write_plan

    if template == "list":
        width = max(map(len, TEMPLATES))
        for name, about in TEMPLATES.items():
            click.echo(f"{name:<{width}}  {about}")
        return
    if template not in TEMPLATES:
        from tracker.plan import did_you_mean

        raise click.BadParameter(
            f"no template '{template}'{did_you_mean(template, TEMPLATES)}; choose one of {', '.join(TEMPLATES)}",
            param_hint="'--template'",
        )
    target = _target(options, None)

    def placed(path: Path) -> None:
        about = f"template {template}" if path == target else "the schema editors check the plan against"
        said_written(f"wrote {path} ({about})")

    try:
        write_plan(target, template_text(template, project), force, placed)
    except StartRefused as exc:
        raise Failed(str(exc)) from None
    _offer_git_lines(target, git_lines)
    plan = "" if target == Path(DEFAULT_NAME) else f" -f {target}"
    click.echo(
        f"next: edit it, then `tracker{plan} validate`, `git add {target.parent.as_posix()} && git commit`, "
        f"and `tracker{plan}` for the dashboard"
    )


def _offer_git_lines(target: Path, answer: bool | None) -> None:
    from tracker.edit import add_git_lines, git_lines

    root = _work_tree(target)
    lines = git_lines(target, root)
    if answer is None and sys.stdin.isatty() and sys.stdout.isatty():
        shown = "\n".join(f"  {name}: {line}" for name, items in lines.items() for line in items)
        answer = click.confirm(f"Add these lines?\n{shown}\n", default=False)
    if answer:
        add_git_lines(root, lines, lambda path: said_written(f"added tracker's lines to {path}"))
        return
    click.echo("suggested (not added; `--git-lines` adds them):")
    for name, items in lines.items():
        for line in items:
            click.echo(f"  {name}: {line}")


def _work_tree(target: Path) -> Path:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=target.parent,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return Path.cwd()
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else Path.cwd()


@click.group("import")
def import_() -> None:
    """Make a plan from another tool's data."""


@import_.command("oscal")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plan to FILE ('-' for stdout; default: --file, else data/phases.yaml).",
)
@click.option("--force", is_flag=True, help="Replace a plan that is already there.")
@click.option("--framework", metavar="ID", help="The framework id in `controls` (default: the controls' class).")
@click.option(
    "--project", metavar="NAME", callback=_project_name, help="The plan's project name (default: the catalog's title)."
)
@click.pass_obj
def import_oscal(
    options: Options,
    files: tuple[Path, ...],
    output: Path | None,
    force: bool,
    framework: str | None,
    project: str | None,
) -> None:
    """A plan from an OSCAL catalog, or a profile and the catalog it imports (JSON).

    A profile given alone is resolved against the catalog its import points at,
    relative to the profile, or a file of that name next to it.

    Groups become phases, controls and enhancements issues (with their label in
    `controls`), statement items steps; the catalog is declared as a framework.
    """
    from tracker.edit import OscalError, StartRefused, read_oscal, render, write_plan

    try:
        plan = read_oscal(list(files), framework)
    except OscalError as exc:
        raise Failed(str(exc)) from None
    if project is not None:
        plan.project = project
    if plan.found is not None:  # said on stderr: with `-o -` stdout is the plan
        click.echo(f"{files[0]}: resolved against {plan.found}, the catalog it imports", err=True)
    text = render(plan)
    if output is not None and str(output) == "-":
        stdout: BinaryIO = click.get_binary_stream("stdout")  # type: ignore[operator]  # click types it `object`
        stdout.write(text.encode("utf-8"))
        return
    target = _target(options, output)
    said = f"wrote {target}: {len(plan.phases)} phases, {plan.issue_count} issues"
    try:
        write_plan(target, text, force, lambda path: said_written(said), schema=False, elsewhere="-o/--output FILE")
    except StartRefused as exc:
        raise Failed(str(exc)) from None
