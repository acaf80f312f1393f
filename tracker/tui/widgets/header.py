"""One line: the project, its overall progress, what needs attention ("3 overdue · 5 stale · 1 drift"), and the
repository's branch and changes."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from tracker.plan import Outlined, Project, progress
from tracker.support.figures import counted
from tracker.support.textsafe import ellipsize, one_line
from tracker.tui.gitview import GitView


class PlanHeader(Widget):
    COMPONENT_CLASSES = {"plan-header--project", "plan-header--percent", "plan-header--git", "plan-header--warning"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.project: Project | None = None
        self.percent: int | None = None
        self.git = GitView(None)
        self.warning = ""

    def show(self, project: Project | None, git: GitView, warning: str = "", outline: Outlined | None = None) -> None:
        """`outline`: the plan is not decoded yet, its figures are those kept for it (`project` is None)."""
        if outline is not None:
            project, self.percent = outline.project, outline.percent
        elif project is not self.project:  # a plan never changes in place; its percent takes 8 ms at 10,000 issues
            self.percent = progress.project_percent(project) if project is not None else None
        self.project, self.git, self.warning = project, git, warning
        self.refresh()

    def repo_text(self) -> str:
        if not self.git.ready:
            # git is read for a plan (GitSchedule): without one, "reading git…" would stay forever
            return "reading git…" if self.project is not None else "git is read once the plan loads"
        repo = self.git.links.repo
        if repo.root is None:
            return f"no git: {one_line(repo.message or 'no repository')}"
        if repo.head is None:
            where = f"⎇ {one_line(repo.branch or '?')} (no commits yet)"
        else:
            where = f"⎇ {one_line(repo.branch)}" if repo.branch else f"detached at {repo.head[:7]}"
        changed = counted(repo.changed, "changed file")
        return (
            f"{where} · {changed}"
            + (f" · {repo.untracked} untracked" if repo.untracked else "")
            + (f" · {repo.ignored_note}" if repo.ignored else "")
        )

    def render(self) -> Content:
        style = self.get_visual_style
        name, parts = "tracker", []
        if self.project is not None:
            name = one_line(self.project.project)
            pct = self.percent
            parts.append(Content.styled(f"{'—' if pct is None else pct}% overall", style("plan-header--percent")))
        late = self.git.clock_error or self.git.attention.counts()
        if late:
            parts.append(Content.styled(one_line(late), style("plan-header--warning")))
        if self.warning:
            parts.append(Content.styled(self.warning, style("plan-header--warning")))
        middle = Content("  ").join(parts)
        right = Content.styled(self.repo_text(), style("plan-header--git"))
        width = self.size.width
        room = width - right.cell_length - middle.cell_length - 6
        left = Content.styled(ellipsize(name, max(room, 8)), style("plan-header--project"))
        line = Content.assemble(" ", left, "  ", middle)
        gap = width - line.cell_length - right.cell_length - 1
        if gap < 2:
            return line
        return Content.assemble(line, " " * gap, right)
