"""The compliance fields from the command line, as a user runs it: status lines and --json keys, `set` for
owner, due and reviewed, `coverage`, `validate --strict` and its pre-commit hook, on real repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import NIST_PLAN, ROOT, run_tracker
from gitutil import ENV, Repo

PLAN = """project: Programme
review_every: 90d
frameworks:
  - id: SOC2
    title: SOC 2
    controls: [CC7.1, CC7.2, CC8.1]
phases:
  - id: P
    title: Phase
    issues:
      - id: 1
        title: Logging
        status: complete
        owner: dana
        controls: [CC7.1]
        tags: [logs]
        x-jira: LMS-1
        deliverables:
          - path: docs/logging.md
            type: doc
      - id: 2
        title: Alerts
        status: in_progress
        due: 2026-01-20
        controls: [CC7.2]
        steps:
          - title: Wire alerts
"""

FRESH = "2026-01-15"  # logging.md, committed 2025-12-01, is due for review 2026-03-01; #2 is due 2026-01-20


@pytest.fixture
def programme(repo: Repo) -> Repo:
    repo.write("docs/logging.md", "# Logging\n")
    repo.commit("logging evidence", date="2025-12-01T10:00:00+00:00")
    repo.write("data/phases.yaml", PLAN)
    repo.commit("plan", date="2025-12-02T10:00:00+00:00")
    return repo


def tracker(repo: Repo, *args: str, now: str = FRESH):
    return run_tracker(*args, cwd=repo.root, env={"TRACKER_NOW": now})


def test_status_json_carries_the_compliance_keys(programme):
    done = tracker(programme, "status", "--json", now="2026-03-02")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["today"] == "2026-03-02"
    one, two = report["phases"][0]["issues"]
    assert (one["owner"], one["due"], one["overdue"], one["controls"], one["tags"]) == (
        "dana",
        None,
        False,
        ["CC7.1"],
        ["logs"],
    )
    assert one["x-jira"] == "LMS-1"
    evidence = one["deliverables"][0]
    assert (evidence["reviewed"], evidence["review_due"], evidence["stale"]) == ("2025-12-01", "2026-03-01", True)
    assert (two["due"], two["overdue"]) == ("2026-01-20", True)


def test_status_lines_show_overdue_and_stale_when_the_clock_passes_them(programme):
    before = tracker(programme, "status")
    assert before.returncode == 0 and "!" not in before.stdout, before.stdout
    after = tracker(programme, "status", now="2026-03-02")  # the same plan on a later day: not a replay of the first
    assert after.returncode == 0
    assert after.stdout.endswith(
        "\n! #1 docs/logging.md: stale: last reviewed 2025-12-01, review due 2026-03-01\n! #2 overdue: due 2026-01-20\n"
    ), after.stdout


def test_a_bad_clock_is_an_error_not_a_traceback(programme):
    for args in (("status",), ("validate", "--strict"), ("set", "2", "--due", "today")):
        done = tracker(programme, *args, now="tomorrow")
        assert done.returncode == 1
        assert done.stderr.startswith("tracker: error: TRACKER_NOW='tomorrow' is not a date"), done.stderr


def test_strict_passes_a_clean_plan_and_plain_validate_ignores_dates(programme):
    assert tracker(programme, "validate", "--strict").returncode == 0
    late = tracker(programme, "validate", now="2026-06-01")
    assert late.returncode == 0, late.stderr


@pytest.mark.parametrize(
    ("change", "now", "message"),
    [
        (None, "2026-01-21", "data/phases.yaml:24:14: error: issue #2 was due 2026-01-20 and is not done; "),
        (
            None,
            "2026-03-02",
            "data/phases.yaml:19:19: error: evidence 'docs/logging.md' of issue #1 was last reviewed 2025-12-01; "
            "its review was due 2026-03-01; review it, then run: tracker set 1 --deliverable docs/logging.md "
            "--reviewed today",
        ),
        (
            ("docs/logging.md", "changed\n"),
            FRESH,
            "data/phases.yaml:19:19: error: deliverable 'docs/logging.md' of issue #1 is marked complete but the file "
            "has changes that are not committed; commit it or change the status",
        ),
        (
            ("data/phases.yaml", PLAN.replace("status: in_progress", "status: complete")),
            FRESH,
            "data/phases.yaml:27:11: error: issue #2 is marked complete but 1 of its steps is not done; ",
        ),
    ],
    ids=["overdue", "stale", "drift", "done with open steps"],
)
def test_strict_fails_on_each_kind_with_a_located_error(programme, change, now, message):
    if change is not None:
        programme.write(*change)
    done = tracker(programme, "validate", "--strict", now=now)
    assert done.returncode == 1
    assert message in done.stderr, done.stderr
    assert all(": error: " in line for line in done.stderr.splitlines()[:-1])


# logging.md's review typed ahead, on the evidence itself or on its issue; stale by its commit on 2026-03-02.
TYPED_AHEAD = {
    "deliverable": (
        "            type: doc\n",
        "            reviewed: 2026-06-01\n",
        "21:23",
        "evidence 'docs/logging.md'",
        ", or once reviewed run: tracker set 1 --deliverable docs/logging.md --reviewed today",
    ),
    "issue": ("        x-jira: LMS-1\n", "        reviewed: 2026-06-01\n", "18:19", "issue #1", ""),
}


@pytest.mark.parametrize("level", list(TYPED_AHEAD))
def test_a_review_typed_ahead_is_no_review_and_validate_says_where(programme, level):
    after, line, at, what, command = TYPED_AHEAD[level]
    programme.write("data/phases.yaml", PLAN.replace(after, after + line))
    later = "2026-03-02"
    report = json.loads(tracker(programme, "status", "--json", now=later).stdout)
    evidence = report["phases"][0]["issues"][0]["deliverables"][0]
    assert (evidence["reviewed"], evidence["review_due"], evidence["stale"]) == ("2025-12-01", "2026-03-01", True)
    status = tracker(programme, "status", now=later).stdout
    assert "! #1 docs/logging.md: stale: last reviewed 2025-12-01, review due 2026-03-01\n" in status, status
    coverage = tracker(programme, "coverage", now=later).stdout
    assert "0 satisfied" in coverage, coverage  # CC7.1's only evidence is stale
    warning = (
        f"data/phases.yaml:{at}: warning: 'reviewed' of {what} is 2026-06-01, after today ({later}): a review still to "
        f"come proves nothing, so it is not counted; write the day it was reviewed, today or earlier{command}"
    )
    plain = tracker(programme, "validate", now=later)
    assert plain.returncode == 0, plain.stderr
    assert plain.stderr.splitlines()[0].endswith(warning), plain.stderr
    assert plain.stdout.endswith(": ok (1 warning)\n"), plain.stdout
    strict = tracker(programme, "validate", "--strict", now=later)
    assert strict.returncode == 1
    assert warning.replace(": warning: ", ": error: ") in strict.stderr, strict.stderr
    assert "docs/logging.md' of issue #1 was last reviewed 2025-12-01; its review was due 2026-03-01" in strict.stderr
    # On the day itself the review counts, and nothing is said about it.
    due = tracker(programme, "validate", now="2026-06-01")
    assert (due.returncode, due.stderr) == (0, "")
    report = json.loads(tracker(programme, "status", "--json", now="2026-06-01").stdout)
    evidence = report["phases"][0]["issues"][0]["deliverables"][0]
    assert (evidence["reviewed"], evidence["review_due"], evidence["stale"]) == ("2026-06-01", "2026-08-30", False)


def test_set_owner_due_and_reviewed_change_one_line_each(programme):
    plan = programme.root / "data" / "phases.yaml"
    done = tracker(programme, "set", "2", "--owner", "lee", "--due", "2026-02-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{plan}: the owner of issue #2: not set -> 'lee'",
        f"{plan}: the due date of issue #2: '2026-01-20' -> '2026-02-01'",
    ]
    done = tracker(programme, "set", "1", "--deliverable", "docs/logging.md", "--reviewed", "today")
    assert done.returncode == 0, done.stderr
    diff = programme.git("diff", "-U0", "--", "data/phases.yaml")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [
        "+            reviewed: 2026-01-15",
        "-        due: 2026-01-20",
        "+        due: 2026-02-01",
        "+        owner: lee",
    ]
    report = json.loads(tracker(programme, "status", "--json", now="2026-03-02").stdout)
    assert report["phases"][0]["issues"][0]["deliverables"][0]["stale"] is False  # reviewed 2026-01-15


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("set", "2", "--due", "2026-02-30"),
            2,
            "'2026-02-30' is not a real calendar date; write a day that exists, as YYYY-MM-DD, or 'today'",
        ),
        (("set", "2", "--owner", " "), 1, "data/phases.yaml:21:9: error: an owner is a name, not blank"),
        (("set", "2", "--reviewed", "today"), 2, "name it with --deliverable PATH"),
        (("set", "2"), 2, "nothing to change"),
        (("set", "1", "--deliverable", "docs/log.md", "--reviewed", "today"), 1, "has no deliverable 'docs/log.md'"),
        # a review still to come kept its evidence fresh (and its controls satisfied) until then plus the interval
        (
            ("set", "1", "--deliverable", "docs/logging.md", "--reviewed", "2026-01-16"),
            2,
            "2026-01-16 is after today (2026-01-15); give the day the evidence was reviewed, or 'today'",
        ),
    ],
)
def test_set_refuses_bad_values_and_leaves_the_file_alone(programme, args, code, message):
    plan = programme.root / "data" / "phases.yaml"
    done = tracker(programme, *args)
    assert done.returncode == code
    assert message in done.stderr, done.stderr
    assert plan.read_text() == PLAN


def test_coverage_text_and_json(programme):
    done = tracker(programme, "coverage", now="2026-03-02")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Programme\n\nSOC2  SOC 2\n  3 declared · 2 mapped · 0 satisfied · 1 unmapped\n  unmapped: CC8.1\n"
    )  # CC7.1's evidence is stale on that day; CC7.2's issue is not done
    data = json.loads(tracker(programme, "coverage", "--json").stdout)
    (soc2,) = data["frameworks"]
    assert (soc2["declared"], soc2["mapped"], soc2["satisfied"], soc2["unmapped"]) == (3, 2, 1, ["CC8.1"])
    assert soc2["controls"][0] == {"id": "CC7.1", "issues": ["1"], "satisfied": True}
    missing = tracker(programme, "coverage", "--framework", "SOC3")
    assert missing.returncode == 1
    assert "error: no framework 'SOC3' in the plan (did you mean 'SOC2'?); frameworks: SOC2" in missing.stderr


def test_a_framework_declared_without_a_control_list_is_covered_over_what_is_mapped(programme):
    # Such a framework accepts any control id (validate), so its controls are the mapped ones: not '0 declared'
    # beside 2 mapped, and the report's satisfied share is over those 2, not left blank.
    plan = programme.root / "data/phases.yaml"
    plan.write_text(PLAN.replace("    controls: [CC7.1, CC7.2, CC8.1]\n", ""))
    assert tracker(programme, "validate").returncode == 0
    done = tracker(programme, "coverage")
    assert done.stdout == "Programme\n\nSOC2  SOC 2\n  no control list · 2 mapped · 1 satisfied\n", done.stderr
    (soc2,) = json.loads(tracker(programme, "coverage", "--json").stdout)["frameworks"]
    assert (soc2["declared"], soc2["mapped"], soc2["satisfied"], soc2["unmapped"]) == (None, 2, 1, [])
    page = tracker(programme, "export", "html").stdout
    row = page.split('<tr class="framework">')[1].split("</tr>")[0]
    assert '<td class="num">—</td><td class="num">2</td><td class="num">1</td>' in row
    assert '<span class="pct-value">50%</span>' in row


def test_coverage_of_the_nist_example_maps_287_controls():
    done = run_tracker("--file", str(NIST_PLAN), "coverage", "--json", env={"TRACKER_NOW": FRESH})
    assert done.returncode == 0, done.stderr
    (nist,) = json.loads(done.stdout)["frameworks"]
    assert (nist["framework"], nist["declared"], nist["mapped"], nist["unmapped"]) == ("NIST-800-53", 287, 287, [])
    text = run_tracker("--file", str(NIST_PLAN), "coverage", "--framework", "NIST-800-53").stdout
    assert "287 declared · 287 mapped" in text


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_the_pre_commit_hook_gates_a_real_repository(programme, tmp_path):
    """`pre-commit try-repo` installs this repository's hook as a user's config would, and runs it."""
    env = {
        **os.environ,
        **ENV,
        "TRACKER_NOW": FRESH,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
    }
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "tracker-validate", "--all-files"]

    def hook(now: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command, cwd=programme.root, env={**env, "TRACKER_NOW": now}, capture_output=True, text=True, timeout=600
        )

    passed = hook(FRESH)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "tracker validate --strict" in passed.stdout and "Passed" in passed.stdout
    failed = hook("2026-01-21")
    assert failed.returncode == 1
    assert "data/phases.yaml:24:14: error: issue #2 was due 2026-01-20 and is not done" in failed.stdout


def test_the_hook_file_runs_validate_strict():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "tracker-validate"
    assert hook["entry"] == "tracker validate --strict"
    assert hook["pass_filenames"] is False


def test_status_lists_an_issue_marked_done_with_steps_not_done_as_the_html_and_strict_do(programme):
    """A user trial: `status` left out 'complete with open steps', which the HTML report's Needs attention and
    `validate --strict` list (91 `!` lines against the report's 92 on the moderate plan)."""
    plan = programme.root / "data" / "phases.yaml"
    plan.write_text(plan.read_text().replace("status: in_progress", "status: complete"))
    strict = tracker(programme, "validate", "--strict")
    assert "issue #2 is marked complete but 1 of its steps is not done" in strict.stderr, strict.stderr
    html = tracker(programme, "export", "html")
    assert "issue #2 is marked complete but 1 of its steps is not done" in html.stdout
    for _ in range(2):  # computed, then replayed
        status = tracker(programme, "status")
        assert status.returncode == 0, status.stderr
        assert status.stdout.endswith("\n! #2 marked complete but 1 of its steps is not done\n"), status.stdout
