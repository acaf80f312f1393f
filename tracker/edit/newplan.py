"""A new plan's text, written the way a person keeps the file: comments on top, block style, two-space lists.

Every value goes through textedit.render_scalar, the writer's own quoting, so
`no`, `010` or `a: b` in a title stay the text they are.
"""

from __future__ import annotations

from tracker.edit.oscal import NewPlan
from tracker.edit.textedit import render_scalar

WIDTH = 100  # where a long flow list of control ids wraps


def render(plan: NewPlan, status: str = "not_started") -> str:
    lines = [f"# {line}".rstrip() for line in plan.comment]
    if lines:
        lines.append("")
    lines.append(f"project: {render_scalar(plan.project)}")
    if plan.frameworks:
        lines += ["", "# The catalogues that issues' `controls` refer to (FRAMEWORK:CONTROL).", "frameworks:"]
        for framework in plan.frameworks:
            lines.append(f"  - id: {render_scalar(framework.id)}")
            lines.append(f"    title: {render_scalar(framework.title)}")
            lines += _flow_list("    controls: ", framework.controls)
    lines += ["", "phases:"]
    for index, phase in enumerate(plan.phases):
        if index:
            lines.append("")
        lines.append(f"  - id: {render_scalar(phase.id)}")
        lines.append(f"    title: {render_scalar(phase.title)}")
        lines.append("    issues:" if phase.issues else "    issues: []")
        for issue in phase.issues:
            lines.append(f"      - id: {render_scalar(issue.id)}")
            lines.append(f"        title: {render_scalar(issue.title)}")
            lines.append(f"        status: {render_scalar(status)}")
            lines += _flow_list("        controls: ", issue.controls)
            if issue.summary:
                lines.append(f"        summary: {render_scalar(issue.summary)}")
            if issue.steps:
                lines.append("        steps:")
                lines += [f"          - title: {render_scalar(step)}" for step in issue.steps]
    return "\n".join(lines) + "\n"


def _flow_list(head: str, values: list[str]) -> list[str]:
    """`head[a, b, c]`, wrapped before WIDTH with continuation lines under the first item."""
    indent = " " * (len(head) + 1)
    lines, line = [], head + "["
    for index, value in enumerate(values):
        piece = render_scalar(value) + ("," if index < len(values) - 1 else "]")
        if len(line) + 1 + len(piece) > WIDTH and not line.endswith("["):
            lines.append(line)
            line = indent + piece
        else:
            line += ("" if line.endswith("[") else " ") + piece
    if not values:
        line += "]"
    lines.append(line)
    return lines
