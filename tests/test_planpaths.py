"""Which paths a plan names: the list git is asked about is each mention's path, once, in plan order."""

from __future__ import annotations

import pytest
from conftest import BUNDLED_PLAN, NIST_PLAN

from tracker.plan.loader import load, load_text
from tracker.plan.paths import named_paths, plan_paths

EVERY_KIND = """\
project: Paths
phases:
  - id: P1
    title: One
    issues:
      - id: 1
        title: Files, deliverables and steps
        status: in_progress
        files: [src/a.py, src/b.py]
        deliverables:
          - path: docs/a.md
          - path: src/a.py
        steps:
          - title: Write it
            files: [src/c.py, docs/a.md]
      - id: 2
        title: Again
        status: not_started
        files: [src/b.py]
sessions:
  - date: 2025-11-30
    accomplished:
      - title: Wrote things
        files: [notes/s.md, src/a.py]
"""


def test_named_paths_are_every_mention_once_in_plan_order():
    project = load_text(EVERY_KIND, "plan.yaml").project
    assert [(m.path, m.kind) for m in plan_paths(project)] == [
        ("src/a.py", "file"),
        ("src/b.py", "file"),
        ("docs/a.md", "deliverable"),
        ("src/a.py", "deliverable"),
        ("src/c.py", "step-file"),
        ("docs/a.md", "step-file"),
        ("src/b.py", "file"),
        ("notes/s.md", "session-file"),
        ("src/a.py", "session-file"),
    ]
    assert named_paths(project) == ("src/a.py", "src/b.py", "docs/a.md", "src/c.py", "notes/s.md")


@pytest.mark.parametrize("plan", [BUNDLED_PLAN, NIST_PLAN], ids=["bundled", "nist"])
def test_named_paths_agree_with_the_mentions_on_real_plans(plan):
    project = load(plan).project
    assert named_paths(project) == tuple(dict.fromkeys(m.path for m in plan_paths(project)))


def test_the_answer_kept_for_the_last_plan_is_never_another_plan_s():
    first = load_text(EVERY_KIND, "plan.yaml").project
    same_text = load_text(EVERY_KIND, "plan.yaml").project  # equal, but another load: asked afresh
    edited = load_text(EVERY_KIND.replace("src/c.py", "src/d.py"), "plan.yaml").project
    assert named_paths(first) is named_paths(first)  # the dashboard's repeated git reads
    assert "src/d.py" in named_paths(edited) and "src/c.py" not in named_paths(edited)
    assert "src/c.py" in named_paths(first) and named_paths(same_text) == named_paths(first)
