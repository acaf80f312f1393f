"""A plan that still holds git's conflict markers: every command names them, the writer refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_tracker

PLAN = """project: X
phases:
  - id: P
    title: T
    issues:
      - id: 1
        title: a
<<<<<<< HEAD
        status: complete
=======
        status: audit
>>>>>>> theirs
      - id: 2
        title: b
        status: not_started
"""

MESSAGE = "unresolved merge conflict (from <<<<<<< to >>>>>>>); resolve it, or run git mergetool"


def located(stderr: str) -> list[str]:
    """The `path:line:column:` lines of `stderr` (validate adds a count after them)."""
    return [line for line in stderr.splitlines() if ": error: " in line or ": warning: " in line]


@pytest.mark.parametrize("args", [("validate",), ("status",), ("summary",), ("set", "2", "complete")])
def test_every_command_names_the_conflict_and_nothing_else(tmp_path: Path, args):
    plan = tmp_path / "phases.yaml"
    plan.write_text(PLAN)
    done = run_tracker("--file", str(plan), *args)
    assert done.returncode == 1
    assert located(done.stderr) == [f"{plan}:8:1: error: {MESSAGE}"]
    assert plan.read_text() == PLAN  # the writer wrote nothing


def test_each_block_is_reported_and_an_unclosed_one_too(tmp_path: Path):
    plan = tmp_path / "phases.yaml"
    plan.write_text(PLAN + "<<<<<<< ours\n      - id: 3\n")
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1
    assert located(done.stderr) == [
        f"{plan}:8:1: error: {MESSAGE}",
        f"{plan}:16:1: error: unresolved merge conflict (from <<<<<<< to the end of the file, "
        "where >>>>>>> is missing); resolve it, or run git mergetool",
    ]


def test_markers_inside_a_quoted_value_are_not_a_conflict(tmp_path: Path):
    plan = tmp_path / "phases.yaml"
    plan.write_text("project: 'a <<<<<<< b'\nphases: []\n")
    assert run_tracker("--file", str(plan), "validate").returncode == 0
