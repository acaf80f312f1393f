"""Issue 14, the reading half: what a hostile or unlucky plan, cache or repository can no longer do
to a command that only reads (each test failed before its fix)."""

from __future__ import annotations

import pytest
from conftest import run_tracker
from gitutil import make_repo

from tracker.plan.estimate import MAX_MINUTES, estimate_error, parse_minutes
from tracker.plan.loader import load_text
from tracker.plan.paths import unsafe_reason

PLAN = """\
project: Reliability
phases:
  - id: P1
    title: One
    issues:
      - id: 1
        title: {title}
        status: in_progress
        files: [{path}]
        steps:
          - title: Write it
            estimate: {estimate}
"""


def plan(title="Issue one", path="src/a.py", estimate="30m") -> str:
    return PLAN.format(title=title, path=path, estimate=estimate)


def messages(text: str) -> list[str]:
    return [str(problem) for problem in load_text(text, "phases.yaml").problems]


# D05: a glob no regex can hold is a located error, not a traceback in every command that reads git.
def test_a_reversed_range_in_a_glob_is_a_located_error(tmp_path):
    assert "cannot be read (bad character range z-a)" in unsafe_reason("src/[z-a].js")
    assert unsafe_reason("src/[a-z].js") is None
    (found,) = messages(plan(path='"src/[z-a].js"'))
    assert found.startswith("phases.yaml:9:17: error: path 'src/[z-a].js' is a pattern that cannot be read")
    repo = make_repo(tmp_path / "r")
    repo.write("data/phases.yaml", plan(path='"src/[z-a].js"'))
    repo.write("src/a.js", "a\n")
    repo.commit("init")
    for command in (["validate"], ["status"], ["status", "--files"], ["status", "--json"]):
        done = run_tracker(*command, cwd=repo.root)
        assert "Traceback" not in done.stderr and done.returncode in (0, 1), (command, done.stderr)
    assert "9:17: error: path 'src/[z-a].js'" in run_tracker("validate", cwd=repo.root).stderr


# D06: past Python's int-string limit, a plain number is a located error, not a ValueError.
def test_a_number_past_the_int_string_limit_is_a_located_error(tmp_path):
    (found,) = messages(plan(title="7" * 4301))
    assert found == (
        "phases.yaml:7:16: error: a number of 4301 digits is too long to read; "
        "if it is text, put it in quotes, otherwise shorten it"
    )
    assert not messages(plan(title=f'"{"7" * 4301}"'))  # quoted, it is the text typed
    repo = make_repo(tmp_path / "r")
    repo.write("data/phases.yaml", plan(title="7" * 4301))
    repo.commit("init")
    for command in (["validate"], ["status"], ["summary"]):
        done = run_tracker(*command, cwd=repo.root)
        assert "Traceback" not in done.stderr and done.returncode == 1, (command, done.stderr)


# D06/D19: estimates are exact integer minutes; absurd ones are refused, not summed into nonsense.
def test_estimates_are_exact_and_absurd_ones_are_refused():
    assert parse_minutes("0.1h") == 6 and parse_minutes("1h30m") == 90 and parse_minutes("2 hours") == 120
    assert parse_minutes("10000h") == MAX_MINUTES and parse_minutes("10000h 1m") is None
    for absurd in ("1" * 400 + "m", "999999999999999999999h"):
        assert parse_minutes(absurd) is None
        assert "is more than 10,000 hours" in estimate_error(absurd)
    assert "is not a duration" in estimate_error("soon")
    assert "is not a duration" in estimate_error("0." + "1" * 400 + "h")
    (found,) = messages(plan(estimate="1" * 400 + "m"))
    assert ":12:23: error: estimate '111" in found and "more than 10,000 hours" in found


# D21: the `.git/` rule holds at every depth: a nested repository's storage is git's, not the plan's.
@pytest.mark.parametrize("path", ["vendor/.git/config", "a/b/.git", "./vendor/.GIT/HEAD", "x/../y/.git/hooks"])
def test_a_git_folder_at_any_depth_is_never_read(path):
    assert "'.git' folder" in unsafe_reason(path)


def test_names_that_only_look_like_git_are_read():
    assert unsafe_reason("docs/.gitignore") is None and unsafe_reason("src/my.git/x") is None


# D18: U+2028, U+2029 and U+0085 are text, as in YAML 1.2 and editors; lines are counted at \n only.
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_line_separators_are_text_and_lines_are_the_editors(separator):
    text = plan(title=f"Pasted {separator} title").replace("status: in_progress", "status: bogus")
    loaded = load_text(text, "phases.yaml")
    assert loaded.project.phases[0].issues[0].title == f"Pasted {separator} title"
    (found,) = [str(problem) for problem in loaded.problems]
    editor_line = text.split("\n").index("        status: bogus") + 1
    assert found.startswith(f"phases.yaml:{editor_line}:17: error: status of issue #1 'bogus'")
    assert load_text(plan(title='"Escaped \\L and \\N"'), "p.yaml").project.phases[0].issues[0].title == (
        "Escaped \u2028 and \x85"
    )
