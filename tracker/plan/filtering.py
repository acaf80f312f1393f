"""Which issues a filter keeps: words of text and a set of statuses.

Every word must appear (case-insensitive) in the issue's id, title, summary
or one of its paths; an empty status set keeps every status.
"""

from __future__ import annotations

from collections.abc import Collection

from tracker.plan.model import Issue


def haystack(issue: Issue) -> str:
    parts = [str(issue.id), issue.title, issue.summary or "", *issue.files]
    parts += [d.path for d in issue.deliverables]
    parts += [s.title for s in issue.steps]
    return "\n".join(parts).casefold()


def matches(issue: Issue, text: str = "", statuses: Collection[str] = ()) -> bool:
    if statuses and issue.status not in statuses:
        return False
    words = text.casefold().split()
    if not words:
        return True
    found = haystack(issue)
    return all(word in found for word in words)
