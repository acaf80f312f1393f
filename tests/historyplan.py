"""A plan with six weeks of history for `tracker history` and its screen: a rename, a broken version, a fix."""

from __future__ import annotations

import datetime

from gitutil import Repo


def plan(statuses: list[str], steps: tuple[str, str] = ("todo", "todo")) -> str:
    """Two phases: issues 1-2 in P1 (issue 2 has two estimated steps), 3-4 in P2."""
    s1, s2, s3, s4 = statuses
    return f"""\
project: Audit
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: {s1}
      - id: 2
        title: Timestamps
        status: {s2}
        steps:
          - title: Audit writes
            estimate: 1h
            status: {steps[0]}
          - title: Fix writes
            estimate: 30m
            status: {steps[1]}
  - id: P2
    title: Evidence
    issues:
      - id: 3
        title: Logs
        status: {s3}
      - id: 4
        title: Report
        status: {s4}
        due: 2026-02-16
sessions:
  - date: 2026-02-02
"""


def day(n: int) -> str:
    """Mondays from 2026-01-05, at noon UTC."""
    return (datetime.date(2026, 1, 5) + datetime.timedelta(weeks=n)).isoformat() + "T12:00:00+00:00"


def make_history_repo(repo: Repo) -> Repo:
    """Six weeks of a plan: a rename, a broken version, a fix, an unrelated commit, two commits of one blob."""
    todo = "not_started"
    repo.write("data/phases.yaml", plan([todo] * 4))
    repo.commit("Start the plan", date=day(0))
    repo.write("data/phases.yaml", plan(["complete", "in_progress", todo, todo], ("done", "todo")))
    repo.commit("Retry done", date=day(1))
    repo.write("README.md", "unrelated\n")
    repo.commit("Readme", date=day(1).replace("12:00", "13:00"))
    repo.git("mv", "data/phases.yaml", "plan.yaml")
    repo.write("plan.yaml", plan(["complete", "complete", todo, todo], ("done", "done")))
    repo.commit("Move the plan; timestamps done", date=day(2))
    repo.write("plan.yaml", plan(["complete", "complete", todo, todo], ("done", "done")) + "  - id: [broken\n")
    repo.commit("A bad edit", date=day(3))
    repo.write("plan.yaml", plan(["complete", "complete", "complete", "in_progress"], ("done", "done")))
    repo.commit("Fix the plan; logs done", date=day(4))
    repo.write("plan.yaml", plan(["complete", "complete", "complete", "in_progress"], ("done", "done")) + "# note\n")
    repo.commit("A comment", date=day(5))
    return repo
