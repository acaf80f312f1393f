"""Which issues a filter keeps: words, terms and a set of statuses, all at once.

A filter is typed as words and terms (README.md, "The dashboard"):
- a word must appear (case-insensitive) in the issue's id, title, summary,
  owner, tags, controls, paths, deliverable purposes or step titles;
- `owner:NAME`, `tag:TAG`, `control:ID` must equal the issue's owner, one of
  its tags, one of its controls (by id or full name: `CC7.1` or `SOC2:CC7.1`,
  plan.compliance.split_control);
- `is:open` keeps issues not done; `is:overdue`, `is:stale`, `is:drift` keep
  issues that need that kind of attention, which the caller says (the rules
  need git and today's date: tracker.git.attention).
Every word and term must hold; an empty status set keeps every status.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass

from tracker.plan.compliance import split_control
from tracker.plan.model import Issue, Project
from tracker.plan.progress import is_done

TERMS = ("owner", "tag", "control", "is")
FLAGS = ("overdue", "stale", "drift")  # kinds of attention the caller knows
STATES = (*FLAGS, "open")
QUERY_HINT = "words, owner:NAME tag:TAG control:ID is:" + "|".join(STATES)


def haystack(project: Project, issue: Issue) -> str:
    parts = [str(issue.id), issue.title, issue.summary or "", issue.owner or "", *issue.tags]
    parts += control_names(project, issue)
    parts += issue.files
    parts += [d.path for d in issue.deliverables]
    parts += [d.purpose for d in issue.deliverables if d.purpose]
    parts += [s.title for s in issue.steps]
    return "\n".join(parts).casefold()


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    states: frozenset[str] = frozenset()  # of STATES; an unknown `is:` word keeps nothing
    statuses: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str, statuses: Collection[str] = ()) -> Query:
        words, owners, tags, controls, states = [], [], [], [], set()
        for token in text.casefold().split():
            term, colon, value = token.partition(":")
            if not (colon and value and term in TERMS):
                words.append(token)  # `SOC2:CC7.1` is a word, and found among the controls
            elif term == "owner":
                owners.append(value)
            elif term == "tag":
                tags.append(value)
            elif term == "control":
                controls.append(value)
            else:
                states.add(value)
        return cls(tuple(words), tuple(owners), tuple(tags), tuple(controls), frozenset(states), frozenset(statuses))

    @property
    def active(self) -> bool:
        return bool(self.words or self.owners or self.tags or self.controls or self.states or self.statuses)

    @property
    def mistyped(self) -> str | None:
        """What is wrong with an `is:` word none of STATES names (it keeps nothing), and how to put it right."""
        unknown = sorted(self.states - set(STATES))
        if not unknown:
            return None
        return f"no is:{unknown[0]}; is: takes " + "|".join(STATES)

    def keeps(self, project: Project, issue: Issue, flagged: Mapping[str, Container[str]] | None = None) -> bool:
        """Whether `issue` passes; `flagged` maps each kind of FLAGS to the keys of the issues that need it."""
        if self.statuses and issue.status not in self.statuses:
            return False
        if any(owner != (issue.owner or "").casefold() for owner in self.owners):
            return False
        if self.tags and not all(tag in {t.casefold() for t in issue.tags} for tag in self.tags):
            return False
        if self.controls:
            names = control_names(project, issue)
            if not all(control in names for control in self.controls):
                return False
        for state in self.states:
            if state == "open":
                if is_done(project, issue):
                    return False
            elif state not in FLAGS or issue.key not in (flagged or {}).get(state, ()):
                return False
        if not self.words:
            return True
        found = haystack(project, issue)
        return all(word in found for word in self.words)


def control_names(project: Project, issue: Issue) -> set[str]:
    """Each control of the issue by its id and by its full name (`CC7.1` and `soc2:cc7.1`), folded."""
    names = set()
    for control in issue.controls:
        framework, ident = split_control(project, control)
        names.add(ident.casefold())
        if framework is not None:
            names.add(f"{framework}:{ident}".casefold())
    return names
