"""`tracker summary` on a session that removed an issue from the plan or moved one to another phase: the note
says so, and the progress line counts the removal, rather than "No issue changed" over a jump in the percent.

A user trial met it.  Real repository, real commits, the real CLI.
"""

from __future__ import annotations

from pathlib import Path

from gitutil import Repo, make_repo
from test_session_end_rules import tracker

PLAN = """project: Del
phases:
  - id: P1
    title: First
    issues:
      - id: 1
        title: Policy
        status: complete
      - id: 2
        title: Vendor *risk* <review>
        status: not_started
      - id: 3
        title: Other
        status: not_started
  - id: P2
    title: Second
    issues:
      - id: 4
        title: Later
        status: not_started
"""


def started(tmp_path: Path) -> Repo:
    """The plan committed the day before, and a session started on it."""
    repo = make_repo(tmp_path / "repo")
    repo.write("data/phases.yaml", PLAN)
    repo.commit("plan", date="2026-12-04T10:00:00+00:00")
    tracker(repo, "2026-12-05T09:00", "session", "start", "--focus", "cleanup")
    repo.commit("start", date="2026-12-05T09:00:00+00:00")
    return repo


def test_an_issue_removed_or_moved_in_the_session_is_said_and_counted(tmp_path: Path):
    repo = started(tmp_path)
    plan = (repo.root / "data/phases.yaml").read_text()
    two = plan[plan.index("      - id: 2") : plan.index("      - id: 3")]
    three = plan[plan.index("      - id: 3") : plan.index("  - id: P2")]
    plan = plan.replace(two + three, "").replace("      - id: 4", three + "      - id: 4")
    (repo.root / "data/phases.yaml").write_text(plan)
    repo.commit("drop #2, move #3", date="2026-12-05T09:30:00+00:00")
    tracker(repo, "2026-12-05T10:00", "session", "end", "--headline", "done")
    repo.commit("end", date="2026-12-05T10:00:00+00:00")

    note = tracker(repo, "2026-12-05T10:00", "summary").stdout
    accomplished = note.split("## 🎯 Accomplished This Session\n\n")[1].split("\n---")[0]
    # The title is the user's text: its markdown is escaped, not made emphasis or a tag.
    assert accomplished == (
        "- Removed from the plan: Issue #2: Vendor \\*risk\\* \\<review> (it was Not started)\n"
        "- Moved: Issue #3: Other, from Phase 1 to Phase 2\n"
    )
    assert "No issue changed" not in note
    assert "Overall 25% → 33% this session (+0 issues; 1 issue removed from the plan; 1 of 3 done)\n" in note


def test_a_session_that_removed_nothing_keeps_its_progress_line(tmp_path: Path):
    repo = started(tmp_path)
    note = tracker(repo, "2026-12-05T10:00", "summary").stdout
    assert "No issue changed since the start of the session, and the session lists no accomplishments.\n" in note
    assert "Overall 25% → 25% this session (+0 issues; 1 of 4 done)\n" in note
    assert "Removed from the plan" not in note and "Moved: " not in note
