"""Answers computed when no replay holds (cli/computing.py): one `git status` is both what the answer cache
keeps as git's view before the answer and what linking reads, and the check after it still decides.

Git's own trace (GIT_TRACE2_EVENT) counts the processes of the real program,
each run in a process of its own with an empty cache folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from answerutil import answer_entries
from conftest import tracker_env
from gitutil import Repo, make_repo
from test_replayed_verdicts import PLAN, PROGRAM, TODAY, run

from tracker.git.statusproc import STATUS_ARGS

COMMANDS = [
    ("status",),
    ("status", "--json"),
    ("status", "--files"),
    ("validate",),
    ("validate", "--strict"),
    ("export", "csv"),
    ("export", "html"),
]


@pytest.fixture
def shop(repo: Repo) -> Repo:
    """test_replayed_verdicts' plan, committed with its files; then one of them modified, and one untracked."""
    for path, text in (("data/phases.yaml", PLAN), ("src/retry.js", "retry();\n"), ("src/later.js", "later();\n")):
        repo.write(path, text)
    repo.commit("First version")
    repo.write("src/retry.js", "retry();\nagain();\n")
    repo.write("src/new.js", "new();\n")
    return repo


def git_commands(trace: Path) -> list[list[str]]:
    """Each git process the trace saw started, as its arguments after `git` and any `-C FOLDER`."""
    started = []
    for line in trace.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event.get("event") == "start":
            argv = event["argv"][1:]
            while argv[:1] in (["-C"], ["-c"]):
                argv = argv[2:]
            started.append(argv)
    return started


@pytest.mark.parametrize("args", COMMANDS)
def test_a_computed_answer_asks_git_status_once_before_and_once_after(
    shop: Repo, args: tuple[str, ...], tmp_path: Path
):
    """Before: the answer cache's view, which linking reads too (linking ran a third of its own before);
    after: the check that the view did not change while the answer was computed.  A replay asks once."""
    trace = tmp_path / "trace.json"  # one name for both runs: GIT_* variables are part of an answer's name
    first = run(shop, *args, GIT_TRACE2_EVENT=str(trace))
    assert len(answer_entries()) == 1, first.stderr  # recorded: git said the same before and after
    assert sum(argv[:1] == ["status"] for argv in git_commands(trace)) == 2
    trace.unlink()
    again = run(shop, *args, GIT_TRACE2_EVENT=str(trace))
    assert (again.stdout, again.stderr, again.returncode) == (first.stdout, first.stderr, first.returncode)
    assert git_commands(trace) == [list(STATUS_ARGS)]  # replayed, after the one `git status` it asks


def big_plan(issues: int) -> str:
    lines = ["project: Big", "phases:", "  - id: P1", "    title: All", "    issues:"]
    for n in range(1, issues + 1):
        lines += [
            f"      - id: {n}",
            f"        title: Issue {n} with a title long enough to make the answer large",
            "        status: in_progress",
            "        deliverables:",
            *(f"          - path: src/file-{n}-{d}.js" for d in range(3)),
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("change", [False, True])
def test_a_change_while_the_answer_is_written_means_it_is_not_kept(repo: Repo, change: bool):
    """The answer is written before git is asked again; a reader holding it back (a full pipe) while
    the index changes makes the two `git status` differ, and nothing is kept."""
    repo.write("data/phases.yaml", big_plan(2000))
    repo.write("src/file-1-0.js", "one();\n")
    repo.commit("First version")
    repo.write("src/file-1-0.js", "one();\nchanged();\n")
    command = [sys.executable, "-c", PROGRAM, "status", "--json"]
    env = tracker_env(TRACKER_NOW=TODAY)
    with subprocess.Popen(command, cwd=repo.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as running:
        assert running.stdout is not None and running.stderr is not None
        begun = running.stdout.read(1)  # the answer is being written: git's view before it was taken
        if change:
            repo.git("add", "src/file-1-0.js")
        rest = running.stdout.read()
        err = running.stderr.read()
    assert running.returncode == 0, err
    answer = json.loads(begun + rest)
    assert len(answer["phases"][0]["issues"]) == 2000 and len(begun + rest) > 1 << 20  # more than a pipe holds
    assert len(answer_entries()) == (0 if change else 1)


def test_an_answer_finished_on_another_day_than_the_one_it_is_named_for_is_written_not_kept(
    shop: Repo, monkeypatch: pytest.MonkeyPatch, settled: None
):
    """What reads the clock while an answer is computed (an export's view does) may read the next day."""
    from tracker.cli import replay
    from tracker.cli.computing import compute
    from tracker.plan import MAX_BYTES

    monkeypatch.setenv("TRACKER_NOW", TODAY)
    written: list[str | bytes] = []
    for day, kept in (("2026-01-14", 0), ("2026-01-15", 1)):  # begun before midnight; begun today
        command = replay.command_line("test", day)
        plan = shop.root / "data" / "phases.yaml"
        compute(plan, command, day, MAX_BYTES, written.append, lambda loaded, links: ["answer\n"], history=False)
        assert len(answer_entries()) == kept
    assert written == ["answer\n", "answer\n"]


def test_an_export_of_a_plan_symlinked_into_another_repository_is_not_replayed_past_a_commit_to_its_history(
    repo: Repo,
):
    """The export's history of the plan is read around the symlink's folder (its own repository), the links
    and git's view from where it leads: no `git status` vouches for that history, so nothing is kept."""
    repo.write("inner/data/phases.yaml", PLAN)
    repo.commit("The outer repository tracks the plan")
    inner = make_repo(repo.root / "inner")
    inner.commit("The inner repository, of its own")
    (repo.root / "data").mkdir()
    (repo.root / "data" / "phases.yaml").symlink_to("../inner/data/phases.yaml")
    repo.commit("The plan, through a symlink")
    repo.write("inner/data/phases.yaml", PLAN.replace("status: complete", "status: audit", 1))
    inner.commit("A change to the plan")
    first = run(repo, "export", "html")
    assert first.returncode == 0, first.stderr
    repo.commit("The outer repository records the change")  # the history the export shows gains a commit
    again = run(repo, "export", "html")
    fresh = run(repo, "export", "html", cache=repo.root.parent / "fresh-cache")
    assert again.stdout == fresh.stdout != first.stdout
