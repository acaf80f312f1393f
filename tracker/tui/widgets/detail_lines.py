"""The text of the detail pane, as lines for a given width.

Pure functions of (plan, selected item, git view): the pane only places them.
All plan text goes in as plain Content (never markup) after one_line/block.
"""

from __future__ import annotations

import textwrap

from textual.content import Content

from tracker.plan import (
    Deliverable,
    Issue,
    Outlined,
    Project,
    Step,
    format_minutes,
    parse_minutes,
    phase_figures,
    progress,
)
from tracker.support.figures import line_count
from tracker.support.textsafe import ellipsize, one_line
from tracker.tui.gitview import GitView
from tracker.tui.marks import STEP_MARKS, mark
from tracker.tui.refs import Item
from tracker.tui.textfit import ellipsize_path, estimate_text
from tracker.tui.widgets.detail_fields import extension_lines, issue_fields, review_line


def head(project: Project, item: Item, git: GitView, outline: Outlined | None = None):
    """`outline`: the figures kept for `project`, whose issues are not decoded yet (plan/outline.py)."""

    def build(width: int, style) -> list[Content]:
        if item.issue is None:
            phase = item.phase
            figures = outline.of(phase) if outline is not None else phase_figures(project, phase)
            pct, status = figures.percent, figures.status
            facts = [f"{'—' if pct is None else pct}%", f"{figures.done} of {figures.issues} issues done"]
            if phase.priority:
                facts.append(f"priority {phase.priority}")
            return [
                Content.styled(f"{one_line(str(phase.id))}  {one_line(phase.title)}", style("title")),
                _status_line(project, status, facts, style),
            ]
        issue = item.issue
        facts = [
            f"{progress.issue_percent(project, issue)}%",
            f"{one_line(str(item.phase.id))} {one_line(item.phase.title)}",
        ]
        if issue.priority:
            facts.append(f"priority {issue.priority}")
        lines = [
            Content.styled(f"{one_line(str(issue.id))}  {one_line(issue.title)}", style("title")),
            _status_line(project, issue.status, facts, style),
        ]
        lines += issue_fields(project, item.phase, issue, git, width, style)
        if issue.summary:
            lines.append(Content(one_line(issue.summary)))
        return lines

    return build


def _status_line(project: Project, status: str, facts: list[str], style) -> Content:
    sign, tone = mark(project, status)
    return Content.assemble(
        (f"{sign} {project.label(status)}", style(tone)), (" · " + " · ".join(facts), style("muted"))
    )


def parts(project: Project, item: Item, git: GitView):
    """Selected part, dependencies, steps, deliverables, files and drift of the item's issue."""

    def build(width: int, style) -> list[Content]:
        issue = item.issue
        if issue is None:
            return []
        lines: list[Content] = []
        if item.ref.kind != "issue":
            lines += _selected(project, item, git, width, style)
        lines += _depends(project, issue, width, style)
        lines += _steps(issue, width, style)
        lines += _files(project, item, git, width, style)
        return lines

    return build


def _section(title: str, style, note: str = "") -> list[Content]:
    return [Content(""), Content.assemble((title, style("label")), (note, style("muted")))]


def _selected(project: Project, item: Item, git: GitView, width: int, style) -> list[Content]:
    part = item.part
    if isinstance(part, Step):
        estimate = estimate_text(part)
        lines = _section("Selected step", style)
        lines.append(
            Content.assemble(
                f"{STEP_MARKS[part.status]} ",
                ellipsize(one_line(part.title), width - 12),
                (f"  {estimate}", style("muted")),
            )
        )
        for path in part.files:
            lines += _path_lines(path, "", git, False, width, style)
        return lines
    # The full path and git facts, wrapped rather than cut: this is where they are read.
    lines = _section("Selected deliverable" if isinstance(part, Deliverable) else "Selected file", style)
    path = item.path or ""  # a deliverable or a file: it has one
    lines.append(Content("  " + one_line(path)))
    if isinstance(part, Deliverable) and item.issue is not None:
        own = "its own" if part.status is not None else "its issue's; s gives it one of its own"
        lines.append(Content(f"    status: {project.label(item.issue.status_of(part))} ({own})"))
    lines.append(Content.styled("    " + git_text(git, path), style("muted")))
    if isinstance(part, Deliverable) and item.issue is not None:
        lines += review_line(project, item.phase, item.issue, part, git, style)
        lines += extension_lines(part.extensions, width, style, indent="    ")
    return lines


def _depends(project: Project, issue: Issue, width: int, style) -> list[Content]:
    if not issue.depends_on:
        return []
    lines = _section("Depends on", style)
    for dep in issue.depends_on:
        found = project.find_issue(dep)
        if found is None:
            lines.append(Content.styled(ellipsize(f"✖ {one_line(str(dep))} is not in the plan", width), style("error")))
            continue
        other = found[1]
        sign, tone = mark(project, other.status)
        text = f"{one_line(str(other.id))}  {one_line(other.title)}"
        label = project.label(other.status)
        lines.append(
            Content.assemble(
                (f"  {sign} ", style(tone)), ellipsize(text, width - len(label) - 8), (f"  {label}", style("muted"))
            )
        )
    return lines


def _steps(issue: Issue, width: int, style) -> list[Content]:
    if not issue.steps:
        return []
    todo = [s for s in issue.steps if not s.done]
    minutes = [parse_minutes(s.estimate) if s.estimate else None for s in todo]
    known = [m for m in minutes if m is not None]
    note = f" · {len(issue.steps) - len(todo)} of {len(issue.steps)} done"
    if todo:
        note += f" · {format_minutes(sum(known))} remaining"
        unknown = len(minutes) - len(known)
        if unknown:
            note += f" (+{unknown} without estimate)"
    lines = _section("Steps", style, note)
    for step in issue.steps:
        estimate = estimate_text(step)
        room = min(width - len(estimate) - 6, 60)  # estimates stay near their titles on wide screens
        tone = "done" if step.done else "todo"
        lines.append(
            Content.assemble(
                (f"  {STEP_MARKS[step.status]} ", style(tone)),
                ellipsize(one_line(step.title), room).ljust(room),
                (f"  {estimate}", style("muted")),
            )
        )
    return lines


def _files(project: Project, item: Item, git: GitView, width: int, style) -> list[Content]:
    lines: list[Content] = []
    issue = item.issue
    if issue is None:
        return lines
    if issue.deliverables:
        lines += _section("Deliverables", style)
        for d in issue.deliverables:
            about = " — ".join(one_line(x) for x in (d.type or "", d.purpose or "") if x)
            drifting = git.drift_of(project, issue, d) is not None
            lines += _path_lines(d.path, about, git, drifting, width, style, deliverable_status(project, issue, d))
            lines += review_line(project, item.phase, issue, d, git, style)
    if issue.files:
        lines += _section("Files", style)
        for path in issue.files:
            lines += _path_lines(path, "", git, False, width, style)
    return lines


def deliverable_status(project: Project, issue: Issue, deliverable: Deliverable) -> str:
    """A deliverable's status as a word, marked when it is its issue's rather than its own."""
    word = project.label(issue.status_of(deliverable))
    return word if deliverable.status is not None else f"{word} (issue's)"


def _path_lines(
    path: str, about: str, git: GitView, drifting: bool, width: int, style, status: str | None = None
) -> list[Content]:
    first = Content.assemble("  ", ellipsize_path(one_line(path), width - 2))
    if about:
        first = Content.assemble(first, (ellipsize(f"  {about}", max(width - first.cell_length, 0)), style("muted")))
    # Cut to one line here; the selected file's section shows them whole.
    facts = git_text(git, path) if status is None else f"{status} · {git_text(git, path)}"
    return [
        first,
        Content.styled(ellipsize("    " + facts, width), style("warning" if drifting else "muted")),
    ]


def git_text(git: GitView, path: str) -> str:
    if not git.ready:
        return "reading git…"
    link = git.link(path)
    if link is None:
        return "not looked up"
    facts = [link.state]
    if link.lines is not None:
        facts.append(line_count(link.lines))
    commit = link.last_commit
    if commit is not None:
        facts.append(f"{commit.sha} {commit.date[:10]} {one_line(commit.author)}: {one_line(commit.subject)}")
    if link.note:
        facts.append(one_line(link.note))
    return " · ".join(facts)


def drift(project: Project, item: Item, git: GitView):
    """Deliverables of the item's issue that are done in the plan but not in git."""

    def build(width: int, style) -> list[Content]:
        warnings = git.drift(project, item.issue) if item.issue is not None else []
        if not warnings:
            return []
        lines = _section("Drift", style, " · done in the plan, but:")
        for path, why in warnings:
            lines.append(Content.styled("  ⚠ " + ellipsize_path(one_line(path), width - 4), style("warning")))
            lines.append(Content.styled(f"    {one_line(why)}", style("muted")))
        return lines

    return build


def reviews_to_come(project: Project, item: Item, git: GitView):
    """`reviewed` days after today that bear on the item, each in `validate`'s words at its line, the fix too."""

    def build(width: int, style) -> list[Content]:
        found = git.reviews_to_come(project, item.phase, item.issue)
        if not found:
            return []
        lines = _section("Reviewed after today", style, " · not counted:")
        for review in found:
            text = one_line(f"line {review.where()[0]}: {review.said}")
            rows = textwrap.wrap(text, max(width - 4, 20), break_on_hyphens=False)
            lines += [
                Content.styled(("  ⚠ " if i == 0 else "    ") + row, style("warning")) for i, row in enumerate(rows)
            ]
        return lines

    return build
