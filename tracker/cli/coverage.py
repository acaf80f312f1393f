"""`tracker coverage`: per framework, the controls declared, mapped to an issue, satisfied, and unmapped (§7)."""

from __future__ import annotations

import textwrap

import click

from tracker.cli.context import Failed, Options, load_plan


@click.command()
@click.option("--framework", "frameworks", metavar="ID", multiple=True, help="Only this framework (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="The same as JSON, with each mapped control and its issues.")
@click.pass_obj
def coverage(options: Options, frameworks: tuple[str, ...], as_json: bool) -> None:
    """Controls per framework: declared, mapped to at least one issue, satisfied, and the unmapped ones.

    A control is satisfied when every issue mapping it is done and none of their evidence is drifted or stale.
    """
    from tracker.git import coverage_of, read_links
    from tracker.plan import compliance, did_you_mean
    from tracker.support.clock import today

    loaded = load_plan(options)
    project = loaded.project
    # Declared frameworks, and those only named in `controls`.
    known = [str(f.id) for f in project.frameworks]
    known += [
        c.framework
        for c in compliance.coverage(project, lambda phase, issue: False)
        if c.framework is not None and c.framework not in known
    ]
    for wanted in frameworks:
        if wanted not in known:
            listed = ", ".join(known) or "none"
            raise Failed(
                f"{loaded.path}: error: no framework '{wanted}' in the plan{did_you_mean(wanted, known)}; "
                f"frameworks: {listed}"
            )
    day = today()
    links = read_links(project, loaded.path, history=compliance.reviews_anything(project))
    found = coverage_of(project, links, day, frameworks or None)
    if as_json:
        import json

        data = {"project": project.project, "today": day.isoformat(), "frameworks": [c.to_json() for c in found]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(render(project.project, found))


def render(title: str, found) -> str:
    from tracker.support.textsafe import one_line

    lines = [one_line(title), ""]
    if not found:
        lines.append("No controls: declare frameworks at the top of the plan and map issues to them with `controls`.")
    for entry in found:
        name = one_line(entry.framework or "(no framework)")
        lines.append(f"{name}  {one_line(entry.title)}" if entry.title else name)
        lines.append(f"  {entry.counts()}")
        unmapped = entry.unmapped
        if unmapped:
            text = "unmapped: " + ", ".join(one_line(c) for c in unmapped)
            lines += textwrap.wrap(text, 100, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False)
        lines.append("")
    return "\n".join(lines).rstrip("\n")
