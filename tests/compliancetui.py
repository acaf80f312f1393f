"""A small compliance programme in a real repository, for the dashboard's tests of owners, dues, controls,
tags, review intervals and stale evidence.

Today is TRACKER_NOW = 2026-01-15.  Issue 2 is due 2026-01-01 and not done: overdue.  Evidence
evidence/access.md was last committed 2025-06-01 and is reviewed every 90 days: stale.  Issue 5 is done
but its evidence does not exist: drift.  SOC2: 5 declared, 4 mapped, 1 satisfied (CC9.1), CC1.1 unmapped.
"""

from __future__ import annotations

from pathlib import Path

from gitutil import Repo

NOW = "2026-01-15T09:30"
PLAN = "data/phases.yaml"
TEXT = """\
project: Shop compliance
frameworks:
  - id: SOC2
    title: SOC 2
    controls: [CC1.1, CC6.1, CC7.1, CC8.1, CC9.1]
review_every: 90d
phases:
  - id: P1
    title: Controls
    issues:
      - id: 1
        title: Access reviews
        status: complete
        owner: dana
        due: 2025-12-01
        controls: [CC6.1]
        tags: [access, quarterly]
        x-risk: '[b]high[/b]'
        deliverables:
          - path: evidence/access.md
            purpose: quarterly access review export
      - id: 2
        title: Change management
        status: in_progress
        owner: lee
        due: 2026-01-01
        controls: [CC8.1]
        tags: [change]
        deliverables:
          - path: evidence/change.md
      - id: 3
        title: Monitoring
        status: not_started
        owner: dana
        due: 2026-03-01
        controls: [CC7.1]
        summary: Alerting on the audit log
      - id: 4
        title: Vendor register
        status: complete
        owner: kim
        controls: [CC9.1]
        deliverables:
          - path: evidence/vendors.md
      - id: 5
        title: Backups
        status: complete
        owner: kim
        deliverables:
          - path: evidence/gone.md
"""


def make_programme(repo: Repo) -> Path:
    repo.write("evidence/access.md", "# Access review\n")
    repo.commit("Access review", date="2025-06-01T10:00:00+00:00")
    repo.write("evidence/change.md", "# Changes\n")
    repo.write("evidence/vendors.md", "# Vendors\n")
    repo.write(PLAN, TEXT)
    repo.commit("Plan and evidence", date="2025-12-20T10:00:00+00:00")
    return repo.root / PLAN
