"""Random non-overlapping edits on both sides of the NIST example plan merge into both edit lists applied in turn.

The edits are found in the text line by line (the plan's layout: issues at two spaces, their fields at four,
steps and deliverables as items at four), not by the merge's own reading of it.  Kinds: issue and step
statuses, titles, fields dropped and added, steps dropped and added, deliverables' purposes, issues dropped
and added.  An issue is edited by one side, or by both on different parts of it; two sides may add at
one place (ours' addition then comes first).
"""

from __future__ import annotations

import random
import re

import pytest
from conftest import NIST_PLAN

from tracker.edit import merge_plans
from tracker.plan import load_text

SEEDS = 200
CHUNK = 20  # seeds per test, each well inside the per-test timeout
ISSUES_PER_SEED = 36  # of the plan's 287; a third of them edited by both sides
STATUSES = ["not_started", "in_progress", "audit", "blocked", "verified", "complete"]
OPTIONAL = ("owner", "due", "tags", "controls", "summary")
FIELD = re.compile(r"    ([a-z_]+):")

Edit = tuple[int, int, str]  # replace text[start:end] by this


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class Issue:
    """An issue's lines in the plan, with its fields' and items' spans as character offsets."""

    def __init__(self, lines: list[str], starts: list[int], first: int, last: int):
        self.start, self.end = starts[first], starts[last]
        self.fields: dict[str, tuple[int, int]] = {}
        self.items: dict[str, list[tuple[int, int]]] = {"steps": [], "deliverables": []}
        self.lines = {}  # (item start, key) -> that key's line span, for steps' statuses and purposes
        number = first + 1
        while number < last:
            end = number + 1
            while end < last and indent(lines[end]) > 4:
                end += 1
            found = FIELD.match(lines[number])
            if found:
                self.fields[found.group(1)] = (starts[number], starts[end])
                current = found.group(1)
            elif lines[number].startswith("    - "):
                self.items[current].append((starts[number], starts[end]))
                for inner in range(number, end):
                    key = re.match(r"    [- ] ([a-z]+):", lines[inner])
                    if key:
                        self.lines[(starts[number], key.group(1))] = (starts[inner], starts[inner + 1])
            number = end


def outline(text: str) -> list[Issue]:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    issues = []
    for number, line in enumerate(lines):
        if line.startswith("  - id: "):
            last = number + 1
            while last < len(lines) and indent(lines[last]) > 2:
                last += 1
            issues.append(Issue(lines, starts, number, last))
    return issues


def kinds(issue: Issue, text: str) -> dict[str, object]:
    """The edits this issue allows, each a function of (random, tag) giving one Edit, named "part: what"
    when several edit one part (a step ticked or dropped)."""
    status = issue.fields["status"]
    steps, deliverables = issue.items["steps"], issue.items["deliverables"]
    offered = {
        "status": lambda rng, tag: (
            *status,
            f"    status: {rng.choice([s for s in STATUSES if s not in text[slice(*status)]])}\n",
        ),
        "title": lambda rng, tag: (*issue.fields["title"], f"    title: Retitled {tag}\n"),
        "add field": lambda rng, tag: (status[1], status[1], f"    x-note-{tag}: noted\n"),
    }
    for name in OPTIONAL:
        if name in issue.fields:
            offered[f"drop {name}"] = lambda rng, tag, span=issue.fields[name]: (*span, "")
    for number, step in enumerate(steps):
        line = issue.lines[(step[0], "status")]
        done = "done" in text[slice(*line)]
        offered[f"step {number}: tick"] = lambda rng, tag, line=line, done=done: (
            *line,
            f"      status: {'todo' if done else 'done'}\n",
        )
        offered[f"step {number}: drop"] = lambda rng, tag, step=step: (*step, "")
        offered[f"add step after {number}"] = lambda rng, tag, step=step: (
            step[1],
            step[1],
            f"    - title: Added step {tag}\n      estimate: 1h\n      status: todo\n",
        )
    for number, deliverable in enumerate(deliverables):
        line = issue.lines[(deliverable[0], "purpose")]
        offered[f"purpose {number}"] = lambda rng, tag, line=line: (*line, f"      purpose: Rewritten {tag}\n")
    return offered


def part(kind: str) -> str:
    return kind.split(":")[0]


def whole_issue(issue: Issue, rng: random.Random, tag: str) -> Edit:
    if rng.random() < 0.5:
        return (issue.start, issue.end, "")
    return (issue.end, issue.end, f"  - id: NEW-{tag}\n    title: New issue {tag}\n    status: not_started\n")


def edit_lists(text: str, seed: int) -> tuple[list[Edit], list[Edit]]:
    """Ours' and theirs' edits: each issue chosen is edited by one side, or by both on parts apart."""
    rng = random.Random(seed)
    ours: list[Edit] = []
    theirs: list[Edit] = []
    for number, issue in enumerate(rng.sample(outline(text), ISSUES_PER_SEED)):
        tag = f"{seed}-{number}"
        offered = kinds(issue, text)
        if number % 3 == 0:  # both sides, on different parts
            first = rng.choice(sorted(offered))
            second = rng.choice(sorted(name for name in offered if part(name) != part(first)))
            ours.append(offered[first](rng, tag + "o"))
            theirs.append(offered[second](rng, tag + "t"))
        elif number % 3 == 1:
            side = rng.choice((ours, theirs))
            side.append(offered[rng.choice(sorted(offered))](rng, tag))
        elif rng.random() < 0.25:  # an issue added after it on both sides
            ours.append(whole_issue(issue, random.Random(1), tag + "o"))
            theirs.append(whole_issue(issue, random.Random(1), tag + "t"))
        else:
            rng.choice((ours, theirs)).append(whole_issue(issue, rng, tag))
    return ours, theirs


def applied(text: str, edits: list[Edit]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def in_turn(text: str, ours: list[Edit], theirs: list[Edit]) -> str:
    """Ours' edits applied, then theirs' at their places in ours' text: an addition of theirs where ours
    added too comes after ours'; a span of theirs that ends where ours added ends before it."""

    def moved(at: int, past_additions: bool) -> int:
        return at + sum(
            len(new) - (end - start)
            for start, end, new in ours
            if end < at or (end == at and (start < end or past_additions))
        )

    return applied(
        applied(text, ours),
        [(moved(start, True), moved(end, start == end), new) for start, end, new in theirs],
    )


@pytest.mark.parametrize("first", range(0, SEEDS, CHUNK), ids=lambda first: f"seeds {first}-{first + CHUNK - 1}")
def test_seeded_edits_on_both_sides_merge_into_both_applied_in_turn(first: int):
    base = NIST_PLAN.read_text()
    assert len(outline(base)) == 287
    for seed in range(first, first + CHUNK):
        ours, theirs = edit_lists(base, seed)
        merged = merge_plans(base.encode(), applied(base, ours).encode(), applied(base, theirs).encode())
        assert (merged.conflicts, merged.fallback) == (0, ""), seed
        assert merged.data.decode() == in_turn(base, ours, theirs), seed
        if seed % CHUNK == 0:
            assert load_text(merged.data.decode(), "merged").errors == [], seed
