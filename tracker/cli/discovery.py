"""Which plan file a command works on: --file, else $TRACKER_FILE, else the
nearest data/phases.yaml from the current folder upwards."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_NAME = Path("data") / "phases.yaml"
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # the largest plan read unless --max-bytes says otherwise


class PlanNotFound(Exception):
    pass


def find_plan(explicit: str | None = None, start: Path | None = None) -> Path:
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("TRACKER_FILE")
    if from_env:
        return Path(from_env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_NAME
        if candidate.is_file():
            return candidate
    raise PlanNotFound(f"no {DEFAULT_NAME} in {here} or any folder above it; pass --file PATH or set TRACKER_FILE")
