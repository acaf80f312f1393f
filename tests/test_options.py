"""Options where people type them: --file/-f and --max-bytes before or after the command, the plan as an argument."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED_PLAN, run_tracker


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plans" / "p.yaml"
    path.parent.mkdir()
    path.write_bytes(BUNDLED_PLAN.read_bytes())
    return path


def click_only(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The click CLI alone, without launch.py's fast path for `status`."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tracker.cli.commands import main; main(sys.argv[1:], prog_name='python -m tracker')",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
        timeout=120,
    )


COMMAND_LINES = [
    ["status", "plans/p.yaml"],
    ["status", "--file", "plans/p.yaml"],
    ["status", "-f", "plans/p.yaml", "--json"],
    ["-f", "plans/p.yaml", "status", "--files"],
    ["status", "--max-bytes", "99", "plans/p.yaml"],
    ["status", "plans/p.yaml", "--ascii", "--max-bytes", "100000"],
    ["-f", "plans/other.yaml", "status", "plans/p.yaml"],
    ["status", "plans/p.yaml", "plans/p.yaml"],
    ["status", "missing.yaml"],
    ["status", "-f"],
]


@pytest.mark.parametrize("args", COMMAND_LINES, ids=[" ".join(a) for a in COMMAND_LINES])
def test_the_fast_status_path_agrees_with_click(plan, args):
    cwd = plan.parent.parent
    fast = run_tracker(*args, cwd=cwd, env={"COLUMNS": "100"})
    slow = click_only(*args, cwd=cwd)
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)


def test_status_plan_argument_and_file_after_the_command(plan):
    cwd = plan.parent.parent
    done = run_tracker("status", "plans/p.yaml", cwd=cwd)
    assert done.returncode == 0 and done.stdout.startswith("LMS Compliance\n")
    assert run_tracker("status", "--file", "plans/p.yaml", cwd=cwd).stdout == done.stdout
    big = run_tracker("status", "plans/p.yaml", "--max-bytes", "10", cwd=cwd)
    assert big.returncode == 1 and "over the limit of 10" in big.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "plans/p.yaml"],
        ["validate", "-f", "plans/p.yaml"],
        ["validate", "--file", "plans/p.yaml", "--max-bytes", "1000000"],
        ["-f", "plans/p.yaml", "validate"],
    ],
)
def test_validate_finds_the_plan_wherever_it_is_named(plan, args):
    done = run_tracker(*args, cwd=plan.parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("plans/p.yaml: ok")


def test_two_different_plans_are_a_usage_error(plan):
    done = run_tracker("validate", "-f", "a.yaml", "plans/p.yaml", cwd=plan.parent.parent)
    assert done.returncode == 2
    assert "two plans given: --file a.yaml and plans/p.yaml; give one" in done.stderr


def test_every_command_takes_the_global_options_after_its_name(plan):
    cwd = plan.parent.parent
    assert run_tracker("set", "7", "audit", "-f", "plans/p.yaml", cwd=cwd).returncode == 0
    assert run_tracker("session", "start", "--focus", "x", "-f", "plans/p.yaml", cwd=cwd).returncode == 0
    assert run_tracker("add", "step", "7", "Check it", "--file", "plans/p.yaml", cwd=cwd).returncode == 0
    assert run_tracker("summary", "-f", "plans/p.yaml", "--max-bytes", "1000000", cwd=cwd).returncode == 0
    text = plan.read_text()
    assert "title: Check it" in text and "focus: x" in text
