"""What the views ask of git, answered the same way before, with and without a repository.

Before the first read finishes there is nothing to say yet ("reading git…");
afterwards each path has a FileLink from tracker.git.links, and drift (done in
the plan, missing or not committed in the repository) is the core's own rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tracker.git import deliverable_drift, issue_drift
from tracker.plan import Deliverable, Issue, Project

if TYPE_CHECKING:
    from tracker.git import FileLink, Links


def read_git(project: Project, plan_file: Path) -> GitView:
    """Read in a worker thread; read_links opens and closes its own repository each time."""
    from tracker.git import read_links  # here: the first frame, drawn before git is read, does without it

    return GitView(read_links(project, plan_file))


class GitView:
    def __init__(self, links: Links | None = None):
        self.links = links

    @property
    def ready(self) -> bool:
        return self.links is not None

    def link(self, path: str) -> FileLink | None:
        if self.links is None:
            return None
        try:
            return self.links.get(path)
        except KeyError:  # a path added since git was last read; the next read has it
            return None

    def state(self, path: str) -> str | None:
        link = self.link(path)
        return link.state if link is not None else None

    def drift_of(self, project: Project, issue: Issue, deliverable: Deliverable) -> str | None:
        return deliverable_drift(project, issue, deliverable, self.link(deliverable.path))

    def drift(self, project: Project, issue: Issue) -> list[tuple[str, str]]:
        """(path, why) for each deliverable of `issue` that is done in the plan but not so in git."""
        return [(d.deliverable.path, d.reason) for d in issue_drift(project, issue, self.link)]
