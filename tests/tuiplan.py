"""A real plan in a real repository for the dashboard's tests.

The bundled plan (a copy frozen in tests/data/dashboard-plan.yaml), committed, with some of its deliverables on disk in every
state: committed, modified after commit, untracked, missing.  Dates and
identities are fixed (gitutil), so shas and the screen are the same each run.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from gitutil import Repo

PLAN_TEXT = Path(__file__).resolve().parent / "data" / "dashboard-plan.yaml"
PLAN = "data/phases.yaml"


def make_plan_repo(repo: Repo, text: str | None = None) -> Path:
    repo.write(PLAN, PLAN_TEXT.read_text(encoding="utf-8") if text is None else text)
    repo.write("src/api/base/RetryHandler.js", "export class RetryHandler {\n  // backoff\n}\n")
    repo.write("src/api/base/__tests__/RetryHandler.test.js", "test('retries', () => {});\n")
    repo.write("src/api/client.js", "import { RetryHandler } from './base/RetryHandler';\n")
    repo.commit("Retry handler with tests", date="2025-11-29T10:00:00+00:00")
    repo.write("src/api/base/__tests__/RetryHandler.test.js", "test('retries', () => {});\ntest('jitter');\n")
    repo.write(".zencoder/rules/PHASE2_RACE_CONDITIONS_AND_RESILIENCE.md", "# Guide\n")
    return repo.root / PLAN


def changed_lines(before: str, after: str) -> list[str]:
    """The -/+ lines of a diff, without headers."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
