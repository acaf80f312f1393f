from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gitutil import Repo, make_repo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_PLAN = ROOT / "data" / "phases.yaml"
NIST_PLAN = ROOT / "tests" / "data" / "nist-800-53-moderate.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty git repository with a fixed identity and clock."""
    return make_repo(tmp_path / "repo")
