"""The checks CI runs, through the README's test command: ruff, the formatter, mypy and the import contracts.

Each tool is the one installed next to the interpreter running the tests (the
project's `.[test]` extra), run from the repository's root so that it reads the
configuration in pyproject.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "."), ("ruff", "format", "--check", "."), ("mypy",), ("lint-imports",)],
    ids=["ruff-check", "ruff-format", "mypy", "lint-imports"],
)
def test_the_tree_passes(command):
    done = run(*command)
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_upward_import_breaks_the_contracts(tmp_path: Path):
    """A copy of the package where plan/ (a lower part) imports git/ (a higher one): lint-imports fails there."""
    shutil.copytree(ROOT / "tracker", tmp_path / "tracker", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    model = tmp_path / "tracker" / "plan" / "model.py"
    model.write_text(model.read_text() + "\n\ndef _upward():\n    from tracker.git import repo_start  # noqa\n")
    env = {"PATH": str(BIN), "PYTHONPATH": str(tmp_path), "HOME": str(tmp_path)}

    done = run("lint-imports", cwd=tmp_path, env=env)

    assert done.returncode != 0, done.stdout
    assert "tracker.plan.model -> tracker.git" in done.stdout
    # The same copy without the edit passes: it is the one import that breaks it, not the copying.
    model.write_text(model.read_text().split("\n\ndef _upward")[0])
    assert run("lint-imports", cwd=tmp_path, env=env).returncode == 0
