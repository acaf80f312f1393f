"""What the views ask of git, answered the same way before, with and without a repository.

Before the first read finishes there is nothing to say yet ("reading git…");
afterwards each path has a FileLink from tracker.git.links, and drift (done in
the plan, missing or not committed in the repository) is the core's own rule.
What needs attention (overdue, stale, drift) is worked out with each read, for
today's date (tracker.support.clock) as the read saw it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tracker.git import deliverable_drift, evidence_freshness, issue_drift, reviews_to_come_over
from tracker.plan import Deliverable, Freshness, Issue, Phase, Problem, Project
from tracker.tui.attentionview import AttentionView, read_attention

if TYPE_CHECKING:
    from tracker.git import FileLink, Links, ReviewToCome, Unmerged


def read_git(project: Project, plan_file: Path, before: GitView | None = None, index: Path | None = None) -> GitView:
    """Read in a worker thread; read_links opens and closes its own repository each time.

    `before`: the view last read for this same plan.  When git shows the same links on the same day, it
    is the answer again, as it is: what needs attention is worked out anew only when something it depends
    on changed (on 10,000 issues that is 45 ms, nine tenths of what an idle dashboard spent).
    `index`: the plan's work tree's git index (git.git_index), what git's word on an unmerged plan rests on.
    """
    # Here: the first frame, drawn before git is read, does without them.
    from tracker.git import Unmerged, read_links
    from tracker.support.clock import BadClock, today

    # A plan git left unmerged as one side alone is said with each read: `git add` changes no byte of it.
    # Asked before the links are read, git answers while they are.  Kept with what it rests on, the answer is
    # the writes' too, while it holds (git.Unmerged): no git is asked again for each key.
    asked = Unmerged(plan_file, index)
    links = read_links(project, plan_file)
    unmerged = asked.problem(str(plan_file))
    try:
        day = today()
    except BadClock as exc:  # TRACKER_NOW is no date: git is shown, what is late is not known
        return GitView(links, clock_error=str(exc), unmerged=unmerged, asked=asked)
    if before is not None and before.attention.today == day and before.links == links and before.unmerged == unmerged:
        before.asked = asked  # the same view, on git's newer word
        return before
    return GitView(links, read_attention(project, links, day), unmerged=unmerged, asked=asked)


class GitView:
    def __init__(
        self,
        links: Links | None = None,
        attention: AttentionView | None = None,
        clock_error: str = "",
        unmerged: Problem | None = None,
        asked: Unmerged | None = None,
    ):
        self.links = links
        self.attention = attention or AttentionView()
        self.clock_error = clock_error
        self.unmerged = unmerged  # git left the plan unmerged, one side alone (git.unmerged_problem)
        self.asked = asked  # what `unmerged` rests on, for the writes to take while it holds (git.Unmerged)

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

    def freshness(self, project: Project, phase: Phase, issue: Issue, deliverable: Deliverable) -> Freshness | None:
        """When the evidence was last reviewed and is next due, by the day the attention was read for."""
        day = self.attention.today
        if self.links is None or day is None or self.link(deliverable.path) is None:
            return None
        return evidence_freshness(project, phase, issue, deliverable, self.links, day)

    def reviews_to_come(self, project: Project, phase: Phase, issue: Issue | None) -> list[ReviewToCome]:
        """The `reviewed` days after today that bear on the issue (else the phase), by the day the attention was
        read for: freshness passes over them, and `validate` warns of each."""
        day = self.attention.today
        return [] if day is None else list(reviews_to_come_over(project, phase, issue, day))
