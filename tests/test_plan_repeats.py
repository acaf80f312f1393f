"""What `validate` says of a plan other commands would trip over: a deliverable or step named twice in one
issue, sessions out of date order, and a session's `since`/`until` that the repository does not hold."""

from __future__ import annotations

from conftest import run_tracker, tracker_env

PLAN = """\
project: Repeats
phases:
  - id: P1
    title: The only phase
    issues:
      - id: 1
        title: I
        status: in_progress
        deliverables: [{path: a.md}, {path: b.md}]
        steps: [{title: s}, {title: t}]
sessions: [{date: 2026-12-04, focus: a}, {date: 2026-12-05, focus: b}]
"""


def _validate(tmp_path, text: str):
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    return run_tracker("validate", "plan.yaml", cwd=tmp_path, env=tracker_env())


def test_a_clean_plan_is_ok(tmp_path):
    done = _validate(tmp_path, PLAN)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_deliverable_listed_twice_in_an_issue_is_a_warning_and_set_refuses_to_guess(tmp_path):
    text = PLAN.replace("{path: b.md}", "{path: a.md}")
    done = _validate(tmp_path, text)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "plan.yaml:9:45: warning: deliverable 'a.md' is listed twice on issue #1 (also at line 9, column 31); "
        "merge the two entries into one\n"
    )
    env = tracker_env(TRACKER_NOW="2026-12-05")
    refused = run_tracker(
        "--file", "plan.yaml", "set", "1", "--deliverable", "a.md", "--reviewed", "today", cwd=tmp_path, env=env
    )
    assert refused.returncode == 1
    assert refused.stderr == (
        "plan.yaml:9:45: error: issue #1 names deliverable 'a.md' 2 times (line 9, column 31 and line 9, column 45); "
        "merge them into one entry, or change the one you mean in the dashboard\n"
    )
    assert (tmp_path / "plan.yaml").read_text(encoding="utf-8") == text


def test_a_step_title_twice_in_an_issue_is_a_warning(tmp_path):
    done = _validate(tmp_path, PLAN.replace("{title: t}", "{title: s}"))
    assert done.returncode == 0, done.stderr
    assert "plan.yaml:10:37: warning: step 's' is listed twice on issue #1 (also at line 10, column 25)" in done.stderr
    assert done.stdout == "plan.yaml: ok (1 warning)\n"


def test_sessions_out_of_date_order_are_a_warning(tmp_path):
    done = _validate(tmp_path, PLAN.replace("2026-12-04, focus: a", "2026-12-06, focus: a"))
    assert done.returncode == 0, done.stderr
    assert (
        "plan.yaml:11:49: warning: session 2026-12-05 comes after a later one (line 11, column 19); "
        "sessions are kept oldest first, so move it up\n"
    ) in done.stderr


def test_sessions_of_one_day_are_ordered_by_their_start(tmp_path):
    text = PLAN.replace(
        "[{date: 2026-12-04, focus: a}, {date: 2026-12-05, focus: b}]",
        "[{date: 2026-12-05, started: '14:00'}, {date: 2026-12-05, started: '09:00'}, {date: 2026-12-05}]",
    )
    done = _validate(tmp_path, text)
    assert "warning: session 2026-12-05 09:00 comes after a later one" in done.stderr
    assert done.stderr.count("comes after") == 1  # the one without a time is judged against 14:00, not 09:00
