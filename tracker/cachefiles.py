"""Where tracker keeps its caches, and how an entry gets there.

Two caches live in $XDG_CACHE_HOME/tracker (else ~/.cache/tracker): parsed
plans (cache.py) and answers of `tracker status` (answers.py).  Both name
their entries by what the entry depends on, including tracker's code, and
both treat any trouble with the folder as a cache miss.  This module imports
nothing heavy: a replayed answer should not pay for what it replays.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from . import __version__


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tracker"


def code_key(modules: Iterable[str]) -> str:
    """tracker's version plus the size and time of each module named, so a development edit counts too."""
    parts = [__version__]
    here = Path(__file__).parent
    for name in modules:
        try:
            info = os.stat(here / f"{name}.py")
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:  # run from a zip or a frozen build: the version alone decides
            pass
    return "|".join(parts)


def write_entry(file: Path, data: bytes | list[bytes], keep: int) -> None:
    """Write `file` atomically, then remove all but the `keep` newest entries of its kind.

    Every edit of a plan makes a new entry, so old ones must go.  A cache that
    cannot be written (read-only, full, not a folder) is skipped silently.
    """
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
        with os.fdopen(fd, "wb") as out:
            out.writelines([data] if isinstance(data, bytes) else data)
        os.replace(temporary, file)  # readers see the old entry or the whole new one
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
        return
    kind = file.name.split("-", 1)[0] + "-"
    try:
        entries = sorted(((item.stat().st_mtime_ns, item.path) for item in os.scandir(file.parent)
                          if item.name.startswith(kind) and item.name.endswith(file.suffix)), reverse=True)
        for _, path in entries[keep:]:
            os.unlink(path)
    except OSError:
        pass
