"""Sessions as windows of history, replayed on a scripted repository over two days.

Three sessions, two of them on the first day, each started and ended with the
real CLI under a fixed clock (TRACKER_NOW), with real commits back-dated to
match.  The notes must claim only what happened in their window, keep what
`tracker status` warns about, and the note of a closed session must be the same
bytes whenever it is made.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import Repo, make_repo

PLAN = """\
project: Scripted
phases:
  - id: P1
    title: Policies
    priority: low
    issues:
      - id: 1
        title: Security policy
        status: in_progress
        deliverables:
          - path: docs/policy.md
            type: doc
            purpose: The policy
          - path: docs/untouched.md
            type: doc
            purpose: Written a year ago
          - path: docs/missing.md
            type: doc
            purpose: Never written
        steps:
          - title: Draft
            estimate: 1h
            status: done
      - id: 2
        title: Access review
        status: in_progress
        deliverables:
          - path: evidence/access.csv
            type: report
            purpose: Quarterly access review
          - path: evidence/old.md
            type: report
            purpose: Last year's review
            status: complete
  - id: P2
    title: Operations
    priority: high
    issues:
      - id: 3
        title: Vendor contract
        status: blocked
        depends_on: [4]
        steps:
          - title: Wait for legal
            estimate: 2h
      - id: 4
        title: Backups
        status: not_started
        priority: critical
        steps:
          - title: Nightly job
            estimate: 30m
      - id: 5
        title: Restore drill
        status: not_started
        depends_on: [4]
"""


class Replay:
    """The repository and the CLI, at fixed moments."""

    def __init__(self, repo: Repo, cache: Path):
        self.repo = repo
        self.cache = cache

    def tracker(self, at: str, *args: str, ok: bool = True):
        env = {"TRACKER_NOW": at, "XDG_CACHE_HOME": str(self.cache), "TRACKER_FILE": ""}
        done = run_tracker(*args, cwd=self.repo.root, env=env)
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def note(self, at: str, *args: str) -> str:
        return self.tracker(at, "summary", *args).stdout

    def commit(self, message: str, at: str) -> None:
        self.repo.commit(message, date=at + ":00+00:00")


def programme(repo: Repo, cache: Path) -> Replay:
    repo.write("data/phases.yaml", PLAN)
    repo.write("docs/policy.md", "# Policy\n")
    repo.write("docs/untouched.md", "old\n" * 12)
    repo.write("evidence/access.csv", "user,role\n")
    repo.write("evidence/old.md", "reviewed\n")
    repo.commit("The programme so far", date="2025-06-01T08:00:00+00:00")
    return Replay(repo, cache)


@pytest.fixture
def replay(repo: Repo, tmp_path: Path) -> Replay:
    return programme(repo, tmp_path / "cache")


def first_day(r: Replay) -> str:
    """Sessions 1 and 2 on 2026-01-14; the note of session 1 right after it ended."""
    r.tracker("2026-01-14T09:00", "session", "start", "--focus", "#2 access, policy")
    r.commit("Start session 1", "2026-01-14T09:01")
    r.repo.write("docs/policy.md", "# Policy\n\nKeys rotate every 90 days.\n")
    r.tracker("2026-01-14T09:40", "set", "1", "complete")
    r.commit("Policy done (#1)", "2026-01-14T09:45")
    r.tracker(
        "2026-01-14T10:30",
        "session",
        "end",
        "--headline",
        "Policy signed off",
        "--duration",
        "1.5h",
        "--accomplished",
        "Met the auditor",
        "--detail",
        "Walked through 2.5 hours of evidence",
        "--insight",
        "Keys rotate",
        "--body",
        "Rotate **quarterly**, not yearly.",
    )
    r.commit("End session 1", "2026-01-14T10:31")
    note = r.note("2026-01-14T10:32", "--session", "2026-01-14#1")

    r.tracker("2026-01-14T14:00", "session", "start")
    r.repo.write("evidence/access.csv", "user,role\nada,admin\n")
    r.tracker("2026-01-14T14:20", "set", "2", "--deliverable", "evidence/access.csv", "audit")
    r.commit("Access review evidence (#2)", "2026-01-14T14:30")
    r.tracker("2026-01-14T15:00", "session", "end")
    r.commit("End session 2", "2026-01-14T15:01")
    return note


@pytest.fixture(scope="module")
def first_day_played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """first_day on the replay fixture's repository, played once for the module (seven commands, four commits),
    not again by each of the eight tests that start from it: the repository, and session 1's note."""
    where = tmp_path_factory.mktemp("first-day")
    return where / "repo", first_day(programme(make_repo(where / "repo"), where / "cache"))


@pytest.fixture
def after_first_day(first_day_played: tuple[Path, str], tmp_path: Path) -> tuple[Replay, str]:
    """The replay fixture after first_day, and session 1's note: a copy of the repository played once, a real
    repository of its own (its objects, refs and index copied), with a cache folder of its own, empty."""
    played, note = first_day_played
    shutil.copytree(played, tmp_path / "repo", symlinks=True)
    return Replay(Repo(tmp_path / "repo"), tmp_path / "cache"), note


def second_day(r: Replay) -> str:
    """Session 3 on 2026-01-15, open: evidence deleted, an accepted file edited and not committed."""
    r.tracker("2026-01-15T09:00", "session", "start", "--focus", "cleanup")
    r.commit("Start session 3", "2026-01-15T09:01")
    r.repo.git("rm", "-q", "evidence/old.md")
    r.commit("Drop last year's review", "2026-01-15T09:30")
    r.repo.write("docs/policy.md", "# Policy\n\nKeys rotate every 30 days.\n")  # accepted, edited, not committed
    return r.note("2026-01-15T10:00")


def section(text: str, title: str) -> str:
    found = re.search(rf"^## [^\n]*{re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return found.group(1) if found else ""


def test_a_closed_sessions_note_is_the_same_bytes_after_later_sessions(after_first_day: tuple[Replay, str]):
    replay, right_after = after_first_day
    second_day(replay)
    replay.tracker("2026-01-15T11:00", "session", "end")
    replay.commit("End session 3", "2026-01-15T11:01")
    replay.repo.write("docs/policy.md", "# Policy\n\nRewritten after the fact.\n")
    replay.commit("Later work", "2026-01-16T09:00")
    assert replay.note("2026-01-20T09:00", "--session", "2026-01-14#1") == right_after
    assert "# Session Summary - January 14, 2026\n" in right_after
    assert "**Time**: 09:00 to 10:30" in right_after
    assert re.search(r"^\*\*Until\*\*: `[0-9a-f]{7}`, where the session ended$", right_after, re.M)


def test_only_deliverables_changed_in_the_window_are_claimed(after_first_day: tuple[Replay, str]):
    replay, note = after_first_day
    done = section(note, "Accomplished This Session")
    table = section(note, "Deliverables This Session")
    assert "- Issue #1: in progress → complete" in done
    assert "`docs/policy.md` (3 lines)" in done
    for path in ("docs/untouched.md", "docs/missing.md", "evidence/access.csv"):
        assert path not in done and path not in table
    assert "| `docs/policy.md` |" in table

    second = replay.note("2026-01-14T15:05", "--session", "2026-01-14#2")
    assert "- Deliverable `evidence/access.csv`: in progress → audit" in section(second, "Accomplished")
    assert "| `evidence/access.csv` | Report (2 lines) |" in section(second, "Deliverables")
    assert "docs/policy.md" not in section(second, "Accomplished")  # session 1's work is not session 2's


def test_a_deliverable_given_the_status_it_already_had_is_no_change_and_not_this_sessions(replay: Replay):
    # docs/policy.md inherits in progress from issue 1; written out as its own, nothing changed.
    replay.tracker("2026-01-14T09:00", "session", "start")
    replay.commit("Start", "2026-01-14T09:01")
    replay.tracker("2026-01-14T09:10", "set", "1", "--deliverable", "docs/policy.md", "in_progress")
    replay.tracker("2026-01-14T09:20", "set", "1", "--deliverable", "docs/untouched.md", "audit")
    note = replay.note("2026-01-14T09:30")
    done = section(note, "Accomplished This Session")
    assert "- Deliverable `docs/untouched.md`: in progress → audit" in done
    assert "docs/policy.md" not in done  # it said "Deliverable `docs/policy.md`: in progress → in progress"
    assert "docs/policy.md" not in section(note, "Deliverables This Session")


def test_a_plan_moved_in_the_session_or_after_it_is_read_under_the_name_it_had(after_first_day: tuple[Replay, str]):
    # The plan at the start was looked for under its new name only: missing, so every issue was "Added to
    # the plan" and the overall change counted them all (+0 → 2 done); a closed session's note changed so.
    replay, closed = after_first_day
    replay.tracker("2026-01-15T09:00", "session", "start")
    replay.commit("Start session 3", "2026-01-15T09:01")
    (replay.repo.root / "plans").mkdir()
    replay.repo.git("mv", "data/phases.yaml", "plans/scripted.yaml")
    replay.commit("Move the plan", "2026-01-15T09:30")
    replay.tracker("2026-01-15T09:40", "-f", "plans/scripted.yaml", "set", "4", "in_progress")
    note = replay.note("2026-01-15T10:00", "-f", "plans/scripted.yaml")
    done = section(note, "Accomplished This Session")
    assert "Added to the plan" not in done
    assert "- Issue #4: not started → in progress" in done
    assert "this session (+0 issues; 1 of 5 done)" in note
    assert "- `data/phases.yaml` → `plans/scripted.yaml` (83 lines)\n" in section(note, "Files Moved")
    assert closed == replay.note("2026-01-15T10:00", "-f", "plans/scripted.yaml", "--session", "2026-01-14#1")


def test_an_open_session_needs_attention_for_edits_and_deleted_evidence(after_first_day: tuple[Replay, str]):
    replay, _ = after_first_day
    note = second_day(replay)
    attention = section(note, "Needs Attention")
    assert "- `docs/policy.md` (Issue #1) is Complete ✅, but the file has changes that are not committed" in attention
    assert "- `evidence/old.md` (Issue #2) was deleted in this session, but the plan still names it" in attention
    assert "evidence/old.md" not in section(note, "Deliverables")


def test_a_renamed_evidence_file_says_where_it_went(replay: Replay):
    replay.tracker("2026-01-14T09:00", "session", "start")
    replay.commit("Start", "2026-01-14T09:01")
    replay.repo.git("mv", "evidence/old.md", "evidence/2025-review.md")
    replay.commit("Rename", "2026-01-14T09:30")
    attention = section(replay.note("2026-01-14T10:00"), "Needs Attention")
    assert "- `evidence/old.md` (Issue #2) was moved to `evidence/2025-review.md` in this session" in attention


def test_whats_next_puts_focus_and_priority_first_and_never_a_blocked_issue(after_first_day: tuple[Replay, str]):
    _, note = after_first_day
    next_up = section(note, "What's Next")
    assert "Immediate Priority: Issue #2 (Access review)" in next_up  # named in the focus
    assert "### Then: Issue #4 (Backups)" in next_up  # critical, ahead of the plan's order
    assert "Issue #3" not in re.findall(r"^### .*$", next_up, re.M)[0]
    assert "**Blocked**:\n- Issue #3 (Vendor contract): blocked by #4\n" in next_up
    assert "- Issue #5 (Restore drill): waiting on #4\n" in next_up
    assert not re.search(r"Immediate Priority: Issue #3", note)


def test_session_end_records_headline_accomplishments_and_insights(after_first_day: tuple[Replay, str]):
    _, note = after_first_day
    assert "**Status**: Policy signed off" in note
    assert "**Duration**: 1.5h" in note  # not 1\.5h
    assert "### 2. Met the auditor ✅\n- Walked through 2.5 hours of evidence\n" in note
    insights = section(note, "Key Insights")
    assert "### Keys rotate\nRotate **quarterly**, not yearly.\n" in insights


def test_an_uncommitted_plan_at_the_start_warns_instead_of_claiming_every_issue(repo: Repo, tmp_path: Path):
    repo.write("README.md", "hello\n")
    repo.commit("First", date="2026-01-13T08:00:00+00:00")
    repo.write("data/phases.yaml", PLAN)  # never committed
    r = Replay(repo, tmp_path / "cache")
    started = r.tracker("2026-01-14T09:00", "session", "start")
    assert "warning: the plan has changes that are not committed" in started.stderr
    note = r.note("2026-01-14T10:00")
    assert "Added to the plan" not in note
    assert "The plan had changes that were not committed when the session started" in section(note, "Needs Attention")


def test_starting_while_a_session_is_open_asks_to_end_it_or_ends_it(replay: Replay):
    replay.tracker("2026-01-14T09:00", "session", "start")
    refused = replay.tracker("2026-01-14T11:00", "session", "start", ok=False)
    assert refused.returncode == 1
    assert "session 2026-01-14 (started 09:00) is still open; end it first" in refused.stderr
    replay.tracker("2026-01-14T11:00", "session", "start", "--end-open")
    text = (replay.repo.root / "data/phases.yaml").read_text(encoding="utf-8")
    assert "    ended: '11:00'\n" in text and text.count("  - date: 2026-01-14\n") == 2
    several = replay.tracker("2026-01-14T12:00", "summary", "--session", "2026-01-14", ok=False)
    assert several.returncode == 1 and "several sessions on 2026-01-14; name one as 2026-01-14#1" in several.stderr
    assert "(session 2)" in replay.note("2026-01-14T12:00", "--session", "last")


def test_ending_the_open_session_with_end_open_warns_of_files_left_out_as_session_end_does(replay: Replay):
    replay.tracker("2026-01-14T09:00", "session", "start")
    replay.commit("Session started", "2026-01-14T09:01")
    replay.repo.write("docs/policy.md", "# Policy\n\nEdited, not committed.\n")
    started = replay.tracker("2026-01-14T11:00", "session", "start", "--end-open")
    assert started.stderr.endswith(
        "warning: 1 file not committed (docs/policy.md) is not part of the session, which ends at "
        f"{replay.repo.git('rev-parse', '--short', 'HEAD')}\n"
    )


def test_files_left_out_of_a_session_are_named_five_at_most_and_the_rest_counted(replay: Replay):
    replay.tracker("2026-01-14T09:00", "session", "start")
    replay.commit("Session started", "2026-01-14T09:01")
    for n in range(1, 8):
        replay.repo.write(f"evidence/scan-{n}.txt", "found nothing\n")
    ended = replay.tracker("2026-01-14T11:00", "session", "end")
    assert (
        "warning: 7 files not committed (evidence/scan-1.txt, evidence/scan-2.txt, evidence/scan-3.txt, "
        "evidence/scan-4.txt, evidence/scan-5.txt and 2 more) are not part of the session" in ended.stderr
    )


def test_detail_and_body_must_follow_what_they_belong_to(replay: Replay):
    replay.tracker("2026-01-14T09:00", "session", "start")
    wrong = replay.tracker("2026-01-14T10:00", "session", "end", "--body", "text", ok=False)
    assert wrong.returncode == 2 and "--body TEXT belongs after the --insight TITLE" in wrong.stderr
    bad_clock = replay.tracker("tomorrow", "session", "end", ok=False)
    assert bad_clock.returncode == 1 and "tracker: error: TRACKER_NOW='tomorrow'" in bad_clock.stderr


DUES = """\
project: Dues
phases:
  - id: P1
    title: Operations
    issues:
      - id: 1
        title: Backups
        status: in_progress
        due: 2026-01-10
        deliverables:
          - path: docs/runbook.md
            type: doc
            purpose: How to restore
            status: complete
            reviewed: 2025-06-01
            review_every: 90d
      - id: 2
        title: Restore drill
        status: not_started
        due: 2026-03-01
"""


def test_overdue_issues_and_stale_evidence_need_attention_as_of_the_sessions_own_day(repo: Repo, tmp_path: Path):
    repo.write("data/phases.yaml", DUES)
    repo.write("docs/runbook.md", "# Restore\n")
    repo.commit("Plan", date="2025-06-01T08:00:00+00:00")
    r = Replay(repo, tmp_path / "cache")
    r.tracker("2026-01-14T09:00", "session", "start")
    r.commit("Start", "2026-01-14T09:01")
    r.tracker("2026-01-14T10:00", "session", "end")
    r.commit("End", "2026-01-14T10:01")
    note = r.note("2026-01-14T10:05")
    attention = section(note, "Needs Attention")
    assert "- Issue #1 (Backups) is overdue: it was due 2026-01-10 and its status is In progress\n" in attention
    assert (
        "- `docs/runbook.md` (Issue #1) is stale: last reviewed 2025-06-01; its review was due 2025-08-30\n"
        in attention
    )
    assert "Issue #2" not in attention  # due later
    # Months on, with #2 overdue by then: the note of that session does not change.
    assert r.note("2026-06-01T09:00", "--session", "2026-01-14") == note


def test_the_plan_says_whether_notes_start_with_front_matter_and_the_option_overrides_it(replay: Replay):
    replay.tracker("2026-01-14T09:00", "session", "start")
    assert replay.note("2026-01-14T09:05").startswith("---\ndescription: Session Summary")  # default: on
    plan = replay.repo.root / "data/phases.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "notes:\n  front_matter: false\n", encoding="utf-8")
    assert replay.note("2026-01-14T09:05").startswith("# Session Summary - January 14, 2026\n")
    assert replay.note("2026-01-14T09:05", "--front-matter").startswith("---\ndescription: Session Summary")


def test_files_changed_and_deleted_in_the_window_are_listed_with_line_counts_the_plan_aside(
    after_first_day: tuple[Replay, str],
):
    replay, first = after_first_day
    assert section(first, "Files Changed This Session") == "\n- `docs/policy.md` (3 lines)\n\n---\n\n"
    note = second_day(replay)  # open: the work tree counts, so the uncommitted edit is a change
    changed = section(note, "Files Changed This Session")
    assert "- `docs/policy.md` (3 lines)\n" in changed
    assert "- `evidence/old.md` (deleted)\n" in changed
    assert "data/phases.yaml" not in changed


def test_a_note_written_into_the_repository_keeps_what_needs_attention(after_first_day: tuple[Replay, str]):
    replay, _ = after_first_day
    second_day(replay)
    replay.tracker("2026-01-15T10:00", "summary", "-o", "notes/SESSION.md")  # the note is a file the window creates
    note = (replay.repo.root / "notes/SESSION.md").read_text(encoding="utf-8")
    attention = section(note, "Needs Attention")
    assert "- `evidence/old.md` (Issue #2) was deleted in this session, but the plan still names it" in attention
    assert "notes/\n└── SESSION.md (this file)" in section(note, "Files Created")


def test_a_session_past_midnight_ends_the_next_day_or_on_its_until_commits_day(replay: Replay):
    # `ended` is a time of day and the session keeps the day it began: 09:00 after 14:00 is a later day.
    replay.tracker("2026-01-14T14:00", "session", "start")
    replay.commit("Late work", "2026-01-15T08:30")
    ended = replay.tracker("2026-01-15T09:00", "session", "end")
    assert "ended session 2026-01-14 at 09:00 the next day (until" in ended.stdout
    assert "**Time**: 14:00 to 09:00 the next day  \n" in replay.note("2026-01-15T09:05")
    checked = replay.tracker("2026-01-15T09:05", "validate", "--strict")
    assert "warning" not in checked.stdout + checked.stderr  # a session past midnight is no mistake
    again = replay.tracker("2026-01-15T09:06", "session", "end", ok=False)
    assert "already ended at 09:00 the next day;" in again.stderr

    # Ended two days on, HEAD's commit then says which day: its date, not "the next day".
    replay.tracker("2026-01-16T14:00", "session", "start")
    replay.commit("Weekend work", "2026-01-18T08:00")
    ended = replay.tracker("2026-01-18T09:30", "session", "end")
    assert "ended session 2026-01-16 at 09:30 on 2026-01-18 (until" in ended.stdout
    note = replay.note("2026-01-18T09:35")
    assert "**Time**: 14:00 to 09:30 on 2026-01-18  \n" in note
    custom = replay.repo.write("note.j2", "{{ session.date }} {{ session.time }} until {{ session.end_date }}\n")
    shown = replay.note("2026-01-18T09:35", "--template", str(custom))
    assert shown == "2026-01-16 14:00 to 09:30 on 2026-01-18 until 2026-01-18\n"
