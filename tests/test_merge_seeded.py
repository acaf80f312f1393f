"""Random non-overlapping status edits on both sides of the NIST plan merge into both edit lists applied."""

from __future__ import annotations

import random

from conftest import NIST_PLAN

from tracker.edit import merge_plans
from tracker.plan import yamltree

STATUSES = ["not_started", "in_progress", "audit", "blocked", "verified", "complete"]


def status_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every issue's and step's status value, in the order of the file."""
    tree = yamltree.parse(text)
    spans = []
    for phase in tree.root.get("phases").items:
        for issue in phase.get("issues").items:
            spans.append((issue.get("status").start, issue.get("status").end, STATUSES))
            for step in (issue.get("steps") or yamltree.Sequence(0, 0, False)).items:
                spans.append((step.get("status").start, step.get("status").end, ["todo", "done"]))
    return spans


def applied(text: str, edits: dict[tuple[int, int], str]) -> str:
    for (start, end), value in sorted(edits.items(), reverse=True):
        text = text[:start] + value + text[end:]
    return text


def test_fifty_seeds_of_status_edits_on_both_sides():
    base = NIST_PLAN.read_text()
    spans = status_spans(base)
    for seed in range(50):
        chosen = random.Random(seed).sample(spans, 40)
        edits = [{(s, e): random.Random(seed * 1000 + s).choice(values)} for s, e, values in chosen]
        ours = {k: v for edit in edits[::2] for k, v in edit.items()}
        theirs = {k: v for edit in edits[1::2] for k, v in edit.items()}
        merged = merge_plans(base.encode(), applied(base, ours).encode(), applied(base, theirs).encode())
        assert (merged.conflicts, merged.fallback) == (0, ""), seed
        assert merged.data.decode() == applied(base, ours | theirs), seed
