"""The compliance fields in the detail pane: owner, due (and overdue), controls, tags, review interval,
`x-*` keys, and when each piece of evidence was last reviewed and is next due (or stale).

What is overdue or stale is the git view's (one attention computation per git
read); the inherited review interval is plan.compliance's.  All plan text goes
in as plain Content after one_line: a tag like `[b]x` is text, not markup.
"""

from __future__ import annotations

import textwrap
from typing import Any

from textual.content import Content

from tracker.plan import Deliverable, Issue, Phase, Project, compliance
from tracker.support.textsafe import ellipsize, one_line
from tracker.tui.gitview import GitView


def issue_fields(project: Project, phase: Phase, issue: Issue, git: GitView, width: int, style) -> list[Content]:
    facts: list[Content] = []
    if issue.owner:
        facts.append(Content(f"owner {one_line(issue.owner)}"))
    if issue.due:
        overdue = issue.key in git.attention.overdue
        facts.append(Content.assemble(f"due {one_line(issue.due)}", (" overdue", style("error")) if overdue else ""))
    every = compliance.review_every_of(project, phase, issue)
    if every:
        facts.append(Content(f"review every {one_line(every)}"))
    lines = [Content(" · ").join(facts)] if facts else []
    for label, values in (("controls", issue.controls), ("tags", issue.tags)):
        if values:
            lines += _wrapped(label, ", ".join(one_line(v) for v in values), width, style)
    return lines + extension_lines(issue.extensions, width, style)


def _wrapped(label: str, text: str, width: int, style) -> list[Content]:
    rows = textwrap.wrap(text, max(width - len(label) - 2, 20), break_on_hyphens=False) or [""]
    pad = " " * (len(label) + 2)
    return [Content.assemble((f"{label}: " if i == 0 else pad, style("muted")), row) for i, row in enumerate(rows)]


def extension_lines(extensions: dict[str, Any] | None, width: int, style, indent: str = "") -> list[Content]:
    """One line per `x-*` key, as written: kept and shown, never checked."""
    return [
        Content.assemble((f"{indent}{one_line(key)}: ", style("muted")), ellipsize(one_line(value_text(value)), width))
        for key, value in (extensions or {}).items()
    ]


def value_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def review_line(
    project: Project, phase: Phase, issue: Issue, deliverable: Deliverable, git: GitView, style, indent: str = "    "
) -> list[Content]:
    """'last reviewed 2025-11-30 · review due 2026-02-28', or the same marked stale; nothing when not known."""
    fresh = git.freshness(project, phase, issue, deliverable)
    if fresh is None or fresh.reviewed is None:
        return []
    text = fresh.words()
    if fresh.stale:
        return [Content.assemble((f"{indent}stale", style("error")), (f" · {text}", style("warning")))]
    return [Content.styled(indent + text, style("muted"))]
