"""`tracker history` on a real repository: rows per commit, renames, a broken version, the cache, the forecast."""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import Repo
from historyplan import day, make_history_repo, plan

from tracker.git.pace import forecast
from tracker.git.planhistory import Measure, Row, read_history
from tracker.git.repo import GitRepo
from tracker.plan import load_text, progress
from tracker.support import cachefiles

NOW = {"TRACKER_NOW": "2026-02-09T09:30"}


@pytest.fixture
def history_repo(repo: Repo) -> Repo:
    return make_history_repo(repo)


def history_json(repo: Repo, *args: str) -> dict:
    done = run_tracker("-f", "plan.yaml", "history", "--json", *args, cwd=repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_row_is_the_progress_rule_on_the_plan_as_committed(history_repo: Repo):
    found = history_json(history_repo)
    rows = found["rows"]
    assert [row["subject"] for row in rows] == [
        "Start the plan",
        "Retry done",
        "Move the plan; timestamps done",
        "A bad edit",
        "Fix the plan; logs done",
        "A comment",
    ]  # the readme's commit did not change the plan; the rename is followed
    assert [row["path"] for row in rows] == ["data/phases.yaml"] * 2 + ["plan.yaml"] * 4
    for row in rows:
        text = history_repo.git("show", f"{row['sha']}:{row['path']}") + "\n"
        loaded = load_text(text, row["path"])
        assert row["loads"] == loaded.ok
        if not loaded.ok:
            assert row["problem"] == str(loaded.errors[0])
            continue
        project = loaded.project
        issues = [issue for _, issue in project.issues()]
        assert row["percent"] == progress.project_percent(project)
        assert [(p["id"], p["percent"]) for p in row["phases"]] == [
            (str(phase.id), progress.phase_percent(project, phase)) for phase in project.phases
        ]
        assert row["done"] == sum(progress.is_done(project, issue) for issue in issues)
        assert row["total"] == 4
        assert row["estimate_left_minutes"] == progress.open_minutes(project, issues)
    assert [row["percent"] for row in rows] == [0, 37, 50, None, 75, 75]
    assert [row["estimate_left_minutes"] for row in rows] == [90, 30, 0, 0, 0, 0]
    assert rows[3]["problem"].startswith("plan.yaml:")
    assert ": error: " in rows[3]["problem"]
    assert rows[0]["date"] == "2026-01-05T12:00:00+00:00"
    assert found["forecast"]["due"] == [{"date": "2026-02-16", "open_issues": 1}]


def test_the_text_table_says_which_commit_does_not_load_and_forecasts(history_repo: Repo):
    done = run_tracker("-f", "plan.yaml", "history", cwd=history_repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["DATE", "COMMIT", "DONE", "ALL", "LEFT", "P1", "P2", "SUBJECT"]
    assert lines[1].split()[2:8] == ["0/4", "0%", "1h", "30m", "0%", "0%"]
    assert "does not load: plan.yaml:" in lines[4] and lines[4].endswith("(A bad edit)")
    assert lines[5].split()[2:7] == ["3/4", "75%", "-", "100%", "50%"]
    # 2026-02-09: the window is the 4 weeks after 2026-01-12; 3 done now, 1 then: 0.5 a week, 1 left.
    assert "Forecast: 100% on 2026-02-23" in done.stdout
    assert "at 0.5 issues a week over the last 4 weeks; 1 issue left." in done.stdout
    assert "Due: 2026-02-16 (1 open issue; the forecast is 7 days later)" in done.stdout


def test_the_session_note_says_the_change_as_history_measures_it(history_repo: Repo):
    rows = history_json(history_repo)["rows"]
    start, now = rows[2], rows[-1]  # after the rename: a window, not the session's own (it starts on its day)
    done = run_tracker("-f", "plan.yaml", "summary", "--since", start["sha"], cwd=history_repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    expected = f"Overall {start['percent']}% → {now['percent']}% in this window (+1 issue; 3 of 4 done)"
    assert expected == "Overall 50% → 75% in this window (+1 issue; 3 of 4 done)"
    assert expected in done.stdout.splitlines()


def test_since_a_day_or_a_revision(history_repo: Repo):
    assert [row["subject"] for row in history_json(history_repo, "--since", "2026-01-26")["rows"]] == [
        "A bad edit",
        "Fix the plan; logs done",
        "A comment",
    ]
    assert [row["subject"] for row in history_json(history_repo, "--since", "HEAD~2")["rows"]] == [
        "Fix the plan; logs done",
        "A comment",
    ]


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--since", "nowhere"], NOW, "tracker: error: --since: 'nowhere' is neither a day"),
        (["--since", "--json"], NOW, "tracker: error: --since: '--json' is neither a day"),
        ([], {"TRACKER_NOW": "soon"}, "tracker: error: TRACKER_NOW='soon' is not a date"),
    ],
)
def test_bad_input_is_a_message_and_exit_1(history_repo: Repo, args, env, message):
    done = run_tracker("-f", "plan.yaml", "history", *args, cwd=history_repo.root, env=env)
    assert done.returncode == 1
    assert done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr


def test_a_version_with_a_character_yaml_refuses_is_a_row_that_says_where(repo: Repo):
    # A title pasted with a terminal colour code: libyaml refuses the raw escape before parsing.
    repo.write("plan.yaml", plan(["not_started"] * 4).replace("title: Logs", "title: \x1b[31mLogs"))
    repo.commit("Pasted a title", date=day(0))
    repo.write("plan.yaml", plan(["complete", "not_started", "not_started", "not_started"]))
    repo.commit("Fixed it", date=day(1))
    done = run_tracker("-f", "plan.yaml", "history", cwd=repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "does not load: plan.yaml:23:16: error: the character U+001B is not allowed in YAML" in lines[1]
    assert lines[2].split()[2:4] == ["1/4", "25%"]


def test_a_version_over_one_reads_max_bytes_is_measured_by_the_next_read(history_repo: Repo):
    # The refusal was kept in the cache by blob: every later history said "over the limit of 100".
    small = run_tracker("--max-bytes", "100", "-f", "plan.yaml", "history", cwd=history_repo.root, env=NOW)
    assert small.returncode == 0, small.stderr
    assert "does not load: data/phases.yaml: error: the file is" in small.stdout
    assert "over the limit of 100" in small.stdout
    assert [row["percent"] for row in history_json(history_repo)["rows"]] == [0, 37, 50, None, 75, 75]


def test_a_plan_outside_git_is_a_message(tmp_path: Path):
    (tmp_path / "plan.yaml").write_text(plan(["not_started"] * 4))
    done = run_tracker("-f", "plan.yaml", "history", cwd=tmp_path, env=NOW)
    assert done.returncode == 1
    assert done.stderr.startswith("tracker: error: no history for plan.yaml: not in a git repository")


def test_a_plan_never_committed_has_no_rows_and_no_pace(repo: Repo):
    repo.write("plan.yaml", plan(["not_started"] * 4))
    repo.write("x", "x")
    repo.commit("Other", "x", date=day(0))
    done = run_tracker("-f", "plan.yaml", "history", cwd=repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No commit changed plan.yaml")
    assert done.stdout.endswith("Forecast: no pace yet: no commit holds the plan yet.\n")


def test_a_repository_without_commits_has_no_history_yet(repo: Repo):
    """It said "no version of the plan in its history loads", which reads as a history gone bad."""
    repo.write("plan.yaml", plan(["not_started"] * 4))
    done = run_tracker("-f", "plan.yaml", "history", cwd=repo.root, env=NOW)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "No commit changed plan.yaml (or none in the range asked for).\n\n"
        "Forecast: no pace yet: no commit holds the plan yet.\n"
    )


def read(repo: Repo):
    with GitRepo.open(repo.root) as git:
        return read_history(git, "plan.yaml", 1 << 24)


def test_the_cache_parses_each_version_once_and_only_for_the_same_code(history_repo: Repo, monkeypatch):
    first = read(history_repo)
    assert first.parsed == 6  # six distinct blobs
    again = read(history_repo)
    assert again.parsed == 0
    assert again.rows == first.rows
    history_repo.write("plan.yaml", plan(["complete"] * 4, ("done", "done")))
    history_repo.commit("All done", date=day(6))
    one_more = read(history_repo)
    assert one_more.parsed == 1
    assert one_more.rows[-1].measure.percent == 100
    # Another tracker version measures everything again.
    monkeypatch.setattr(cachefiles, "__version__", "99.0")
    assert read(history_repo).parsed == 7


def test_the_same_blob_twice_is_parsed_once(repo: Repo):
    repo.write("plan.yaml", plan(["not_started"] * 4))
    repo.commit("One", date=day(0))
    repo.write("plan.yaml", plan(["complete"] * 4))
    repo.commit("Two", date=day(1))
    repo.git("revert", "--no-edit", "HEAD", date=day(2))
    found = read(repo)
    assert [row.measure.percent for row in found.rows] == [0, 100, 0]
    assert found.parsed == 2


def test_a_history_read_starts_no_git_process_per_commit(history_repo: Repo, tmp_path: Path):
    """Git is started through a PATH wrapper that logs its arguments: one log, one cat-file, whatever the commits."""
    log = tmp_path / "calls"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    real = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True).stdout.strip()
    wrapper.write_text(f'#!/bin/sh\necho "$1 $2 $3" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    path = f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"
    done = run_tracker("-f", "plan.yaml", "history", cwd=history_repo.root, env={**NOW, "PATH": path})
    assert done.returncode == 0, done.stderr
    # Six commits changed the plan: still one log and one cat-file (GitPython asks `git version` when it opens),
    # and the one question whether git left the plan unmerged (started as `git -C FOLDER ls-files`), which runs
    # as the repository is opened: its line may come before or after those of the opening.
    said = [call.split() for call in log.read_text().splitlines()]
    calls = [words[2] if words[0] == "-C" else words[0] for words in said if words[0] != "version"]
    assert calls.count("ls-files") == 1
    assert [call for call in calls if call != "ls-files"] == ["rev-parse", "rev-parse", "log", "cat-file"]


def rows(*points: tuple[str, int, int]) -> list[Row]:
    """Rows at (day, done, open minutes), of 20 issues."""
    return [
        Row("0" * 40, f"{when}T12:00:00+00:00", "", "plan.yaml", "", Measure(None, [], done, 20, minutes))
        for when, done, minutes in points
    ]


def test_the_forecast_at_a_known_pace():
    # Two issues and 60 minutes of estimate done every week for eight weeks; 16 of 20 done on 2026-03-01.
    start = datetime.date(2026, 1, 4)
    series = rows(*(((start + datetime.timedelta(weeks=k)).isoformat(), 2 * k, 600 - 60 * k) for k in range(9)))
    ahead = forecast(series, datetime.date(2026, 3, 1))
    assert ahead.pace == 2
    assert ahead.how == "at 2 issues a week over the last 4 weeks"
    assert ahead.left == 4
    assert ahead.date == datetime.date(2026, 3, 15)
    assert (ahead.early, ahead.late) == (datetime.date(2026, 3, 15), datetime.date(2026, 3, 15))  # every week alike
    assert ahead.minutes_pace == 60
    assert ahead.minutes_left == 120
    assert ahead.minutes_date == datetime.date(2026, 3, 15)


def test_the_forecast_range_is_the_fastest_and_slowest_week():
    series = rows(("2026-02-01", 0, 0), ("2026-02-08", 4, 0), ("2026-02-15", 5, 0), ("2026-02-22", 5, 0))
    ahead = forecast(series, datetime.date(2026, 3, 1))
    assert ahead.how == "at 1.2 issues a week over the last 4 weeks"  # 5 in 4 weeks
    assert ahead.date == datetime.date(2026, 3, 1) + datetime.timedelta(days=84)  # 15 left at 1.25 a week
    assert ahead.early == datetime.date(2026, 3, 1) + datetime.timedelta(days=27)  # at 4 a week (ceil of 26.25)
    assert ahead.late is None  # two weeks closed nothing: no latest date is claimed


def test_a_merged_history_follows_the_first_parent_line(repo: Repo, tmp_path: Path):
    """Two clones each close issues, then one merges the other's: the history is the line the branch had,
    the merge bringing the other side in at once; never the two sides mixed by date, which made the
    percent go back and forth between states neither side had."""
    todo = "not_started"
    repo.write("plan.yaml", plan([todo] * 4))
    repo.commit("plan", date="2026-11-20T10:00:00+00:00")
    other = Repo(tmp_path / "other")
    repo.git("clone", "-q", str(repo.root), str(other.root))
    repo.write("plan.yaml", plan(["complete", todo, todo, todo]))
    repo.commit("ours 1", date="2026-11-22T10:00:00+00:00")
    repo.write("plan.yaml", plan(["complete", "complete", todo, todo], ("done", "done")))
    repo.commit("ours 2", date="2026-11-24T10:00:00+00:00")
    other.write("plan.yaml", plan([todo, todo, "complete", todo]))
    other.commit("theirs 1", date="2026-11-23T10:00:00+00:00")
    other.write("plan.yaml", plan([todo, todo, "complete", "complete"]))
    other.commit("theirs 2", date="2026-11-25T10:00:00+00:00")
    repo.git("pull", "-q", "--no-rebase", "--no-edit", str(other.root), "main", date="2026-11-26T10:00:00+00:00")
    found = run_tracker("-f", "plan.yaml", "history", "--json", cwd=repo.root, env={"TRACKER_NOW": "2026-11-27T10:00"})
    rows = json.loads(found.stdout)["rows"]
    assert [row["subject"] for row in rows] == ["plan", "ours 1", "ours 2", "Merge branch 'main' of " + str(other.root)]
    assert [row["done"] for row in rows] == [0, 1, 2, 4]  # it listed 0, 1, 1, 2, 2, 4 (theirs 1 and 2 between)


def test_the_range_holds_the_date_when_the_window_is_not_whole_weeks(repo: Repo):
    """9 days of history, both issues done in the last 7: the whole week alone gave 2 a week, the window 1.6,
    and the date 2026-12-14 fell outside "between 2026-12-12 and 2026-12-12"."""
    repo.write("plan.yaml", plan(["not_started"] * 4))
    repo.commit("plan", date="2026-11-26T10:00:00+00:00")
    repo.write("plan.yaml", plan(["complete", "not_started", "not_started", "not_started"]))
    repo.commit("one", date="2026-12-01T10:00:00+00:00")
    repo.write("plan.yaml", plan(["complete", "not_started", "complete", "not_started"]))
    repo.commit("two", date="2026-12-05T10:00:00+00:00")
    when = {"TRACKER_NOW": "2026-12-05T12:00"}
    done = run_tracker("-f", "plan.yaml", "history", "--json", cwd=repo.root, env=when)
    ahead = json.loads(done.stdout)["forecast"]
    # one stretch of 9 days: no faster or slower week to set a range by ("between 2026-12-14 and 2026-12-14")
    assert (ahead["early"], ahead["date"], ahead["late"]) == (None, "2026-12-14", None)
    shown = run_tracker("-f", "plan.yaml", "history", cwd=repo.root, env=when).stdout
    assert "Forecast: 100% on 2026-12-14, at 1.6 issues a week" in shown


def test_the_range_always_holds_the_date():
    """Many histories, seeded: commits on random days, issues done and reopened, any today; whenever there is a
    date, the earliest is on or before it and the latest, when there is one, on or after it."""
    checked = ranged = 0
    for seed in range(3000):
        rng = random.Random(seed)
        first = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(60))
        total, done, day_ = 20, rng.randrange(5), first
        series = []
        for _ in range(rng.randrange(1, 12)):
            series.append((day_.isoformat(), done, 600 - 30 * done))
            day_ += datetime.timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 13]))
            done = max(0, min(total - 1, done + rng.choice([-1, 0, 1, 1, 2, 3])))
        today = day_ + datetime.timedelta(days=rng.randrange(20))
        ahead = forecast(rows(*series), today, window_days=rng.choice([7, 10, 28, 30]))
        if ahead.date is None:
            assert ahead.early is None and ahead.late is None
            continue
        checked += 1
        if ahead.early is None:  # the window is one stretch: no range at all
            span = re.search(r"over the last (week|\d+ days)$", ahead.how)
            assert ahead.late is None and span and (span[1] == "week" or int(span[1].split()[0]) < 14), (seed, ahead)
            continue
        ranged += 1
        assert ahead.early <= ahead.date, (seed, ahead)
        assert ahead.late is None or ahead.date <= ahead.late, (seed, ahead)
    assert checked > 1000 and ranged > 500  # most histories had a pace, and most of those a range


@pytest.mark.parametrize(
    "series, today, how",
    [
        ([], "2026-03-01", "no pace yet: no commit holds the plan yet"),  # it said no version "loads"
        ([("2026-02-27", 3, 0)], "2026-03-01", "no pace yet: the plan's history covers 2 days; a pace needs a week"),
        (  # it said "covers -4 days"
            [("2026-03-05", 3, 0), ("2026-03-20", 5, 0)],
            "2026-03-01",
            "no pace yet: the first version of the plan that loads is dated 2026-03-05, after today (2026-03-01)",
        ),
        (
            [("2026-01-01", 3, 0), ("2026-01-20", 5, 0)],
            "2026-03-01",
            "no pace yet: no net issue done over the last 4 weeks",
        ),
        ([("2026-01-01", 3, 0), ("2026-02-20", 20, 0)], "2026-03-01", "every issue is done"),
    ],
)
def test_no_pace_gives_no_date(series, today, how):
    ahead = forecast(rows(*series), datetime.date.fromisoformat(today))
    assert ahead.date is None and ahead.early is None and ahead.late is None
    assert ahead.how == how


def test_no_pace_from_a_history_none_of_whose_versions_loads():
    broken = Measure(None, [], 0, 0, 0, problem="invalid YAML")
    ahead = forecast(
        [Row("0" * 40, "2026-02-27T12:00:00+00:00", "", "plan.yaml", "", broken)], datetime.date(2026, 3, 1)
    )
    assert ahead.how == "no pace yet: no version of the plan in its history loads"
