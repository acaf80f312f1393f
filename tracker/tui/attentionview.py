"""What needs attention, as the dashboard asks it: is this issue overdue, is this evidence stale, how many.

Built once per git read (in the reader's worker) from tracker.git's one
attention computation, so the tree's marks, the header's counts and the
overdue/stale/drift filters agree and no view applies a rule again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tracker.git import KINDS
from tracker.plan import Freshness

if TYPE_CHECKING:
    from tracker.git import Attention

# The kinds the dashboard shows (it has no mark for open steps), in git's order: the header's counts' and the marks'.
SHOWN = tuple(kind for kind in KINDS if kind != "open-steps")


class AttentionView:
    def __init__(self, items: Iterable[Attention] = (), today: datetime.date | None = None):
        self.today = today  # the day the rules were applied for; None: not yet (git not read)
        self.issues: dict[str, set[str]] = {kind: set() for kind in SHOWN}  # kind → the keys of issues it marks
        self.overdue = self.issues["overdue"]  # issue keys
        self.stale: dict[tuple[str, str], Freshness] = {}  # (issue key, path) → its freshness
        self.drift: set[tuple[str, str]] = set()  # (issue key, path)
        for item in items:
            key = item.issue.key
            if item.kind == "overdue":
                self.overdue.add(key)
            elif item.kind in ("stale", "drift") and item.deliverable is not None:
                where = (key, item.deliverable.path)
                if item.kind == "stale" and item.freshness is not None:
                    self.stale[where] = item.freshness
                else:
                    self.drift.add(where)
                self.issues[item.kind].add(key)

    def counts(self) -> str:
        """'3 overdue · 5 stale · 1 drift': only the kinds there are (stale and drift count pieces of evidence)."""
        counted = {"overdue": self.overdue, "stale": self.stale, "drift": self.drift}
        return " · ".join(f"{len(counted[kind])} {kind}" for kind in SHOWN if counted[kind])

    def marks(self, issue_key: str, path: str | None = None) -> list[str]:
        """The words to put beside an issue (its own and its evidence's) or one piece of evidence.  A drifted
        piece of evidence has its git state beside it, in the drift colour; its issue, shown done, says "drift"."""
        if path is not None:
            return ["stale"] if (issue_key, path) in self.stale else []
        return [kind for kind in SHOWN if issue_key in self.issues[kind]]


def read_attention(project, links, today: datetime.date) -> AttentionView:
    """Everything that needs attention, by git's rules (in the reader's worker)."""
    from tracker.git import needs_attention

    return AttentionView(needs_attention(project, links, today, SHOWN), today)
