"""The bundled plan's 2025-11-30 session, replayed in a repository, against the hand-written note.

The fixture repository holds the plan as it was the day before (#4 not started,
#5 and #6 in progress) with the files the programme had then; on the session's
day come RetryHandler.js (145 lines), its tests, the Phase 2 guide and progress
report, the archived verification doc, and finally the bundled plan itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED_PLAN, ROOT
from gitutil import Repo

REFERENCE = Path(__file__).parent / "data" / "SESSION_SUMMARY_NOV30.md"  # the hand-written note, copied from the spec
GOLDEN = ROOT / "tests" / "data" / "summary_nov30.md"
NOTE = ".zencoder/rules/SESSION_SUMMARY_NOV30.md"


def plan_before(text: str) -> str:
    """The bundled plan as it stood before the session."""
    for title, now, then in (
        ("Race Conditions", "audit", "not_started"),
        ("Server Timestamps", "verified", "in_progress"),
        ("Network Retry Logic", "complete", "in_progress"),
    ):
        old = f"title: {title}\n        status: {now}\n"
        assert old in text
        text = text.replace(old, f"title: {title}\n        status: {then}\n")
    return text


def lines(count: int, comment: str = "//") -> str:
    return "".join(f"{comment} line {n}\n" for n in range(1, count + 1))


@pytest.fixture
def lms(repo: Repo, tmp_path: Path) -> Repo:
    bundled = BUNDLED_PLAN.read_text(encoding="utf-8")
    repo.write("data/phases.yaml", plan_before(bundled))
    repo.write("src/api/client.js", lines(40))
    for name in (
        "progressServices",
        "complianceServices",
        "enrollmentServices",
        "quizServices",
        "pvqServices",
        "userServices",
    ):
        repo.write(f"src/services/{name}.js", lines(20))
    repo.write(".zencoder/rules/compliance_verification.md", lines(60, "-"))
    repo.commit("Programme as of Phase 1", date="2025-11-29T17:00:00+00:00")

    repo.write("src/api/base/RetryHandler.js", lines(145))
    repo.write("src/api/base/__tests__/RetryHandler.test.js", lines(412))
    repo.commit("Network retry with backoff (#6)", date="2025-11-30T10:00:00+00:00")
    (repo.root / ".zencoder/rules/archive").mkdir()
    repo.git(
        "mv",
        ".zencoder/rules/compliance_verification.md",
        ".zencoder/rules/archive/compliance_verification_phase1-2_completed_nov2025.md",
    )
    repo.write(".zencoder/rules/PHASE2_RACE_CONDITIONS_AND_RESILIENCE.md", lines(320, "-"))
    repo.write(".zencoder/rules/PHASE2_PROGRESS.md", lines(90, "-"))
    repo.commit("Phase 2 guide and progress report; archive the Phase 1 verification", date="2025-11-30T12:00:00+00:00")
    repo.write("data/phases.yaml", bundled)
    repo.commit("Plan: #6 complete, #5 verified, #4 in audit", date="2025-11-30T13:00:00+00:00")
    return repo


@pytest.fixture
def note(lms: Repo, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        # The note is written at the end of that day: what is overdue or stale depends on the day.
        "TRACKER_NOW": "2025-11-30T17:00:00+00:00",
    }
    env.pop("TRACKER_FILE", None)
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "summary", "-o", NOTE], cwd=lms.root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return (lms.root / NOTE).read_text(encoding="utf-8")


def headings(text: str) -> list[str]:
    """Section titles without their emoji, in order."""
    return [re.sub(r"^[^A-Za-z]+", "", h) for h in re.findall(r"^## (.+)$", text, re.M)]


def section(text: str, title: str) -> str:
    return re.search(rf"^## [^\n]*{re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M).group(1)


def test_sections_come_in_the_reference_notes_order(note: str):
    reference = [h for h in headings(REFERENCE.read_text(encoding="utf-8")) if h != "Quick Reference"]
    # The reference draws its archived file in the created tree, "(archived)"; a move is no file created, so
    # the note lists it apart, after the created ones.
    reference.insert(reference.index("Files Created This Session") + 1, "Files Moved This Session")
    ours = headings(note)
    # The reference says "Overall Compliance Improvements Status"; ours names the project.
    assert [h.replace("LMS Compliance", "Compliance Improvements") for h in ours] == reference
    assert note.startswith(
        "---\ndescription: Session Summary - November 30, 2025\nalwaysApply: true\n---\n\n"
        "# Session Summary - November 30, 2025\n"
    )


def test_figures_match_the_reference(note: str):
    overall = section(note, "Overall LMS Compliance Status")
    assert re.findall(r"^### (Phase \d): .*\((\d+)%\)$", overall, re.M) == [
        ("Phase 1", "100"),
        ("Phase 2", "33"),
        ("Phase 3", "0"),
        ("Phase 4", "0"),
    ]
    assert "### Phase 1: Critical Fixes ✅ COMPLETE (100%)" in overall
    assert "### Phase 2: High-Priority Robustness 🔄 IN PROGRESS (33%)" in overall
    assert "- Issue #5: Server Timestamps (serverTimestamp() used everywhere) - **VERIFIED** ☑️" in overall
    assert "- Issue #6: Network Retry Logic (Exponential backoff with jitter) - **COMPLETE** ✅" in overall

    done = section(note, "Accomplished This Session")
    assert re.findall(r"^### \d+\. (.+)$", done, re.M) == [
        "Issue #4: Race Conditions 🔍",
        "Issue #5: Server Timestamps ☑️",
        "Issue #6: Network Retry Logic ✅",
        "Archived old documentation ✅",
        "Verified Phase 1 status ✅",
    ]
    assert "- Issue #6: in progress → complete\n" in done
    assert "- **File**: `src/api/base/RetryHandler.js` (145 lines)\n  - Exponential backoff retry\n" in done

    table = section(note, "Deliverables This Session")
    assert "| `src/api/base/RetryHandler.js` | Source (145 lines) | Exponential backoff retry | ✅ Complete |" in table
    assert "| `src/api/base/__tests__/RetryHandler.test.js` | Tests (412 lines) |" in table

    assert "**Phase 2 is 33% complete** (1 of 3 issues done)" in section(note, "Summary")


def test_created_files_tree_matches_the_reference_layout_and_the_archived_file_is_moved_not_created(note: str):
    assert section(note, "Files Created This Session") == (
        "\n```\n"
        ".zencoder/rules/\n"
        "├── PHASE2_PROGRESS.md (90 lines)\n"
        "├── PHASE2_RACE_CONDITIONS_AND_RESILIENCE.md (320 lines)\n"
        "└── SESSION_SUMMARY_NOV30.md (this file)\n"
        "\n"
        "src/api/base/\n"
        "├── __tests__/\n"
        "│   └── RetryHandler.test.js (412 lines)\n"
        "└── RetryHandler.js (145 lines)\n"
        "```\n\n---\n\n"
    )
    assert section(note, "Files Moved This Session") == (
        "\n- `.zencoder/rules/compliance_verification.md` → "
        "`.zencoder/rules/archive/compliance_verification_phase1-2_completed_nov2025.md` (60 lines)\n\n---\n\n"
    )


def test_whats_next_starts_with_issue_4_and_its_steps(note: str):
    # As in the reference note: #4 first, its five open steps with their estimates, 2h in all.
    next_up = section(note, "What's Next")
    assert next_up.startswith("\n### Immediate Priority: Issue #4 (Race Conditions)\n")
    steps = [line for line in next_up.splitlines() if line.startswith("**Step ")]
    assert steps[0] == "**Step 1: Audit enrollmentServices.js** (30 mins)"
    assert len(steps) == 5
    assert "**Total time**: 2h" in next_up
    recommendation = section(note, "Recommendation for Next Session")
    assert "1. **Continue Issue #4: Race Conditions** - 5 open steps, 2h" in recommendation


def test_the_whole_note_is_the_golden_file(note: str):
    # Regenerate after an intended change: TRACKER_REGOLD=1 pytest tests/test_summary_golden.py
    if os.environ.get("TRACKER_REGOLD"):
        GOLDEN.write_text(note, encoding="utf-8")
    assert note == GOLDEN.read_text(encoding="utf-8")
