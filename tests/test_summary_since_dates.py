"""`tracker summary --since DATE` on a history whose dates are out of order (a commit dated 2026-11-20 above one
dated 2026-12-01): the header's sentence about where the window starts must be true of the commit it names.

The start is found going back from HEAD along its first parents, never reading the whole history: it stops at
the first commit made before the day.  Real repository with back-dated commits, the real CLI.
"""

from __future__ import annotations

from pathlib import Path

from gitutil import make_repo
from test_session_end_rules import tracker

PLAN = """project: O
phases:
  - id: P1
    title: First
    issues:
      - id: 1
        title: One
        status: {status}
sessions:
  - date: 2026-12-05
    focus: f
"""


def test_the_start_of_a_window_from_a_day_is_said_truly_when_commit_dates_are_out_of_order(tmp_path: Path):
    repo = make_repo(tmp_path / "repo")
    shas = {}
    for name, day, status in (
        ("base", "2026-11-15", "not_started"),
        ("x", "2026-12-01", "in_progress"),
        ("y", "2026-11-20", "audit"),
        ("z", "2026-12-05", "complete"),
    ):
        repo.write("data/phases.yaml", PLAN.format(status=status))
        repo.commit(name, date=f"{day}T10:00:00+00:00")
        shas[name] = repo.git("rev-parse", "--short", "HEAD").strip()

    note = tracker(repo, "2026-12-05T12:00", "summary", "--since", "2026-12-01").stdout
    # y is below z, the only commit on or after the day above it: x, older still, is dated 2026-12-01 too, so y
    # is not "the last commit before the first one on or after 2026-12-01".
    assert f"**Since**: `{shas['y']}`, the first commit made before 2026-12-01, going back from HEAD\n" in note
    assert "first one on or after" not in note

    # HEAD itself made before the day, with x (on it) further back: not "nothing was committed on or after".
    repo.git("reset", "-q", "--hard", "HEAD~1")
    note = tracker(repo, "2026-12-05T12:00", "summary", "--since", "2026-12-01").stdout
    assert f"**Since**: `{shas['y']}`, HEAD, itself made before 2026-12-01\n" in note
    assert "nothing was committed" not in note
