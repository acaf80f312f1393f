"""Which plan file a command works on: --file, else $TRACKER_FILE, else the
nearest data/phases.yaml from the current folder upwards."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing is not imported on the replay path (see support/faces.py)
if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_NAME = "data/phases.yaml"
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # the largest plan read unless --max-bytes says otherwise


class PlanNotFound(Exception):
    pass


def find_plan(explicit: str | None = None, start: Path | None = None) -> Path:
    from pathlib import Path

    return Path(find_plan_name(explicit, None if start is None else str(start)))


def find_plan_name(explicit: str | None = None, start: str | None = None) -> str:
    """find_plan's answer as a string, found with `os.path` alone: a replayed `status` needs no `pathlib`
    (and the `re`, `fnmatch` and `urllib` it imports), 4 ms of its 40."""
    named = explicit or os.environ.get("TRACKER_FILE")
    if named:
        return named.rstrip("/") or named  # as Path spells it: `plan.yaml/` is `plan.yaml`
    here = folder = os.path.realpath(start or os.getcwd())
    while True:
        candidate = os.path.join(folder, DEFAULT_NAME)
        if _is_there(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            raise PlanNotFound(
                f"no {DEFAULT_NAME} in {here} or any folder above it; start one with 'tracker init', "
                "or pass --file PATH or set TRACKER_FILE"
            )
        folder = parent


def _is_there(path: str) -> bool:
    """Whether anything is at `path`: the nearest plan's name, whatever it holds (a folder, a FIFO, a
    symlink loop or to nothing), is the plan, and reading it says what is wrong with it; skipping it,
    as a folder it may not look in (EACCES), would quietly show the plan of a folder above."""
    import errno

    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # `data` itself a symlink loop: the plan's name is there, unreadable
            return True
        raise
    return True
