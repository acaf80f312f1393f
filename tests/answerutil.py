"""Running the CLI in process on a project's plan, with the cache and with none (answer cache tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.commands import main


def run_cli(project: Path, *args: str) -> bytes:
    """What `tracker --file PROJECT/data/phases.yaml ARGS` prints; it must succeed."""
    result = CliRunner().invoke(main, ["--file", str(project / "data" / "phases.yaml"), *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def run_fresh(project: Path, *args: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """What the command prints with an empty cache folder."""
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"))
        return run_cli(project, *args)
